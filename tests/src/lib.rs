//! The embedded local bank for Inferix: every program runs natively under `solana-program-test`
//! (SPL Token, Token-2022 and the ATA program run as real BPF inside it), plus the helpers the
//! integration tests and the local demo share. Tests read like the spec; the plumbing lives here.

#![allow(deprecated)] // program-test 3.1 marks its whole API "Agave Unstable API"

pub mod bank;
pub mod buyback;
pub mod heap;
pub mod license;
pub mod localnet;
pub mod rewards;
pub mod staking;

pub use bank::*;
pub use buyback::*;
pub use license::*;
pub use rewards::*;
pub use staking::*;
