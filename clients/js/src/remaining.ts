// The verifier accounts the IDL cannot name: instructions that check a co-signed message take
// each co-signing verifier node after their named accounts, in signature order after the
// manager (Rust: `inferix_sdk::instructions::{submit_attestation, update_ib, report_violation}`).
import { AccountRole, type AccountMeta, type Address, type Instruction } from '@solana/kit';

import { verifierEpoch } from './pdas';

/** `submit_attestation`: each verifier node, then its credit account of `epoch` (written). */
export async function attestationVerifierAccounts(epoch: number, verifiers: readonly Address[]): Promise<AccountMeta[]> {
  const metas: AccountMeta[] = [];
  for (const verifier of verifiers) {
    metas.push({ address: verifier, role: AccountRole.READONLY });
    metas.push({ address: await verifierEpoch(epoch, verifier), role: AccountRole.WRITABLE });
  }
  return metas;
}

/** `update_ib` and `report_violation`: each verifier node, read-only. */
export function signedMessageVerifierAccounts(verifiers: readonly Address[]): AccountMeta[] {
  return verifiers.map((address) => ({ address, role: AccountRole.READONLY }));
}

/** `instruction` with `extra` accounts after its named ones. */
export function withRemainingAccounts<T extends Instruction>(instruction: T, extra: readonly AccountMeta[]): T {
  return { ...instruction, accounts: [...(instruction.accounts ?? []), ...extra] };
}
