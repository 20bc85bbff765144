// Token amounts as the holder reads and types them: decimals in, base units (bigint) out, and
// back, never through floating point and never rounding someone's money.

export const USD_DECIMALS = 6;

export class AmountError extends Error {
  override name = 'AmountError';
}

/** `"12.5"` of a `decimals` token in base units; more decimals than the token has is an error. */
export function parseAmount(text: string, decimals: number): bigint {
  const trimmed = text.trim();
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    throw new AmountError(`'${text}' is not a number: give a decimal amount such as 12.5`);
  }
  const [, whole, fraction = ''] = match;
  if (fraction.length > decimals) {
    throw new AmountError(`'${text}' has ${fraction.length} decimals; this token has ${decimals}`);
  }
  const scale = 10n ** BigInt(decimals);
  const value = BigInt(whole || '0') * scale + BigInt((fraction + '0'.repeat(decimals)).slice(0, decimals) || '0');
  if (value > 0xffff_ffff_ffff_ffffn) {
    throw new AmountError(`'${text}' is more than a token account can hold`);
  }
  return value;
}

/** `amount` base units of a `decimals` token with every decimal shown (`1.500000000`). */
export function formatAmount(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const scale = 10n ** BigInt(decimals);
  const sign = amount < 0n ? '-' : '';
  const abs = amount < 0n ? -amount : amount;
  return `${sign}${abs / scale}.${(abs % scale).toString().padStart(decimals, '0')}`;
}

/** Micro-USD as dollars and cents, rounded down (`$12.34`). */
export function formatUsd(micros: bigint): string {
  return `$${micros / 1_000_000n}.${((micros % 1_000_000n) / 10_000n).toString().padStart(2, '0')}`;
}
