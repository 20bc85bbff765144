// The Ed25519 precompile instruction in the one layout the programs accept
// (`inferix_common::ed25519`):
//
//   [count u8][0u8][offsets × count][(pubkey 32 ‖ signature 64) × count][message]
//
// every offset pointing into this same instruction (index u16::MAX), one shared message, placed
// immediately before the program instruction that checks it. Signers in the order the program
// expects them (attestations: the manager, then the committee in the order of the accounts).
import { getAddressEncoder, type Address, type Instruction, type ReadonlyUint8Array } from '@solana/kit';

export const ED25519_PROGRAM_ADDRESS = 'Ed25519SigVerify111111111111111111111111111' as Address;

const HEADER_LEN = 2;
const OFFSETS_LEN = 14;
const ENTRY_LEN = 32 + 64;
const THIS_INSTRUCTION = 0xffff;

export type Ed25519Signature = { signer: Address; signature: ReadonlyUint8Array };

export class Ed25519LayoutError extends Error {
  override name = 'Ed25519LayoutError';
}

/** The precompile's instruction data for `signatures`, all over `message`. */
export function ed25519InstructionData(signatures: Ed25519Signature[], message: ReadonlyUint8Array): Uint8Array {
  const count = signatures.length;
  if (count === 0 || count > 255) {
    throw new Ed25519LayoutError(`${count} signatures: the precompile takes 1 to 255`);
  }
  const entriesStart = HEADER_LEN + count * OFFSETS_LEN;
  const messageStart = entriesStart + count * ENTRY_LEN;
  const total = messageStart + message.length;
  if (total > 0xffff) {
    throw new Ed25519LayoutError(`${total} bytes: offsets are 16-bit, so the data must stay under 65,536 bytes`);
  }
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  data[0] = count;
  data[1] = 0;
  const addresses = getAddressEncoder();
  signatures.forEach(({ signer, signature }, i) => {
    if (signature.length !== 64) {
      throw new Ed25519LayoutError(`signature ${i} is ${signature.length} bytes, not 64`);
    }
    const pubkeyOffset = entriesStart + i * ENTRY_LEN;
    const signatureOffset = pubkeyOffset + 32;
    const fields = [signatureOffset, THIS_INSTRUCTION, pubkeyOffset, THIS_INSTRUCTION, messageStart, message.length, THIS_INSTRUCTION];
    fields.forEach((field, f) => view.setUint16(HEADER_LEN + i * OFFSETS_LEN + 2 * f, field, true));
    data.set(addresses.encode(signer), pubkeyOffset);
    data.set(signature, signatureOffset);
  });
  data.set(message, messageStart);
  return data;
}

/** The precompile instruction to place immediately before the instruction that checks it. */
export function ed25519Instruction(signatures: Ed25519Signature[], message: ReadonlyUint8Array): Instruction {
  return { programAddress: ED25519_PROGRAM_ADDRESS, accounts: [], data: ed25519InstructionData(signatures, message) };
}
