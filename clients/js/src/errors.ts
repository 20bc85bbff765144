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

/** The name and message of error `code` raised by `programAddress`. */
export function programError(programAddress: Address, code: number): ProgramError | undefined {
  const own = ERROR_TABLE.programs[programAddress];
  const found = ERROR_TABLE.shared.find((e) => e.code === code) ?? own?.errors.find((e) => e.code === code);
  return found && { program: own?.program ?? programAddress, ...found };
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
