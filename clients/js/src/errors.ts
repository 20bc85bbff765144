// Program errors by name: a refused transaction's custom error code, turned back into the
// program's error name and message (as the Rust SDK's `describe_transaction_error` does).
import {
  isSolanaError,
  SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM,
  type Address,
  type Instruction,
} from '@solana/kit';

import { ERROR_TABLE } from './generated/errorTable';

export type ProgramError = {
  /** The program's name in its IDL (`node_staking`, …), or its address when it is not ours. */
  program: string;
  code: number;
  name: string;
  msg: string;
  /** The instruction of the transaction that failed. */
  instructionIndex?: number;
};

/** The SPL Token programs' errors (Token and Token-2022 share these codes): our programs move
 * tokens by CPI, and a failing transfer's code surfaces as the calling instruction's. */
const TOKEN_ERRORS: Record<number, [string, string]> = {
  0: ['NotRentExempt', 'Lamport balance below rent-exempt threshold'],
  1: ['InsufficientFunds', 'Insufficient funds'],
  2: ['InvalidMint', 'Invalid Mint'],
  3: ['MintMismatch', 'Account not associated with this Mint'],
  4: ['OwnerMismatch', 'Owner does not match'],
  9: ['UninitializedState', 'State is uninitialized'],
  17: ['AccountFrozen', 'Account is frozen'],
  18: ['MintDecimalsMismatch', 'The provided decimals value different from the Mint decimals'],
};

/** The name and message of error `code` raised by `programAddress`. */
export function programError(programAddress: Address, code: number): ProgramError | undefined {
  const own = ERROR_TABLE.programs[programAddress];
  const found = ERROR_TABLE.shared.find((e) => e.code === code) ?? own?.errors.find((e) => e.code === code);
  if (found) return { program: own?.program ?? programAddress, ...found };
  const token = TOKEN_ERRORS[code];
  return token && { program: `spl_token (called by ${own?.program ?? programAddress})`, code, name: token[0], msg: token[1] };
}

/**
 * The program error behind `error` (a failed send, simulation or confirmation from @solana/kit),
 * given the transaction's `instructions`; `undefined` when the failure is not a program's
 * custom error (a network error, an expired blockhash, too little SOL).
 */
export function describeError(error: unknown, instructions: readonly Instruction[]): ProgramError | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (isSolanaError(e, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM)) {
      const { code, index } = e.context;
      const instruction = instructions[index];
      const described = instruction && programError(instruction.programAddress, Number(code));
      return described ? { ...described, instructionIndex: index } : undefined;
    }
  }
  return undefined;
}

/** `error` in one line for a person: the program error's name and message when there is one. */
export function errorText(error: unknown, instructions: readonly Instruction[]): string {
  const named = describeError(error, instructions);
  if (named) return `${named.program}: ${named.name} (${named.code}): ${named.msg}`;
  return error instanceof Error ? error.message : String(error);
}

/** The program error behind a simulation's `err` (the RPC's JSON `TransactionError`, such as
 * `{"InstructionError": [1, {"Custom": 6003}]}`), given the simulated instructions. */
export function describeSimulationError(err: unknown, instructions: readonly Instruction[]): ProgramError | undefined {
  const failed = (err as { InstructionError?: [number, unknown] } | null)?.InstructionError;
  if (!failed) return undefined;
  const [index, inner] = failed;
  const code = (inner as { Custom?: number | bigint } | null)?.Custom;
  const instruction = instructions[index];
  if (code === undefined || !instruction) return undefined;
  const described = programError(instruction.programAddress, Number(code));
  return described && { ...described, instructionIndex: index };
}
