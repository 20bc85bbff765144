//! Inferix shared crate.
//!
//! Everything that both the on-chain programs and the off-chain tools must compute identically
//! lives here exactly once: units and checked fixed-point math, PDA seeds, the signed message
//! formats, whitelist Merkle proofs, the Ed25519-precompile verification helper and the rules of
//! the manager set.
//! It is `no float`, allocation-light and valid for SBF.

pub mod ed25519;
pub mod epoch;
pub mod errors;
pub mod managers;
pub mod math;
pub mod merkle;
pub mod messages;
pub mod price;
pub mod program_ids;
pub mod seeds;
pub mod stake;
pub mod token;
pub mod units;
pub mod vesting;

pub use errors::CommonError;
