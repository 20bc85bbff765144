//! The Ed25519 precompile instruction for a message co-signed by several keys.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_common::ed25519::new_instruction;

/// Precompile instruction verifying each `(signer, signature)` over `message`, in the order
/// the program expects: a manager first, then the verifiers' operators (SPEC §10).
pub fn co_signed(message: &[u8], signatures: &[(Pubkey, [u8; 64])]) -> Instruction {
    new_instruction(signatures, message).expect("at most 255 signatures over a short message")
}
