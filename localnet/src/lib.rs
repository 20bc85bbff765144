//! The Inferix local cluster (SPEC §11). `bank`: every Inferix program native on an embedded
//! solana-program-test bank, with the SPL programs as real BPF, a controllable clock and the
//! SDK's `Chain`; `heap`: the SBF heap limit enforced on every native invocation.

#![allow(deprecated)] // program-test 3.1 marks its whole API "Agave Unstable API"

pub mod bank;
pub mod heap;
pub mod ledger;
pub mod network;
pub mod rpc;
mod ws;

/// The Inferix programs, in the order a ledger records them.
pub const PROGRAMS: [anchor_lang::prelude::Pubkey; 4] = [
    node_license::ID,
    node_staking::ID,
    epoch_rewards::ID,
    buyback_vault::ID,
];
