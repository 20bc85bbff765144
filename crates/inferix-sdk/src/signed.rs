//! The bytes a `Benchmark` or `Violation` is signed as, and the Ed25519 precompile instruction
//! for a message co-signed by several keys.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_common::ed25519::new_instruction;
use inferix_common::messages::{Benchmark, SignedMessage, Violation};
use node_staking::instructions::{BenchmarkArgs, ViolationArgs};

use crate::pda;

/// The bytes a `Benchmark` of `node` with `args` is signed as (`update_ib` rebuilds them).
pub fn benchmark_message(node: &Pubkey, args: &BenchmarkArgs) -> Vec<u8> {
    Benchmark {
        config: pda::staking_config(),
        node: *node,
        ib_micros: args.ib_micros,
        scene_set_hash: args.scene_set_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes()
}

/// The bytes a `Violation` of `node` with `args` is signed as (`report_violation` rebuilds them).
pub fn violation_message(node: &Pubkey, args: &ViolationArgs) -> Vec<u8> {
    Violation {
        config: pda::staking_config(),
        node: *node,
        epoch: args.epoch,
        kind: args.kind,
        evidence_hash: args.evidence_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes()
}

/// Precompile instruction verifying each `(signer, signature)` over `message`, in the order
/// the program expects: a manager first, then the verifiers' operators (SPEC §10).
pub fn co_signed(message: &[u8], signatures: &[(Pubkey, [u8; 64])]) -> Instruction {
    new_instruction(signatures, message).expect("at most 255 signatures over a short message")
}
