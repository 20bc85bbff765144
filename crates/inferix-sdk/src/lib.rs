//! Inferix Rust SDK for integrators, the CLI and the off-chain worker: program addresses
//! ([`pda`]), instruction builders ([`instructions`]), typed account fetching ([`accounts`]), event
//! parsing ([`events`]), program errors by name ([`errors`]), the figures holders ask for
//! ([`calc`]), keypair files ([`keypair`]) and a cluster client ([`client`]) — all built on the
//! shared crate (seeds, messages, Ed25519 layout, formulas).
//!
//! A co-signed message travels as two instructions, the Ed25519 precompile then the program
//! instruction; [`signed::co_signed`] builds the first from signatures made anywhere.
//!
//! ```
//! use anchor_lang::prelude::Pubkey;
//! use inferix_sdk::{instructions, pda};
//!
//! let node = Pubkey::new_unique();
//! let verifiers = [Pubkey::new_unique(), Pubkey::new_unique()];
//! let ix = instructions::submit_attestation(&Pubkey::new_unique(), &node, 7, &verifiers);
//! assert_eq!(ix.program_id, epoch_rewards::ID);
//! // Fixed accounts, then each verifier's node and its epoch-7 credit account.
//! assert_eq!(ix.accounts.len(), 8 + 2 * verifiers.len());
//! assert_eq!(ix.accounts[5].pubkey, pda::node_epoch(7, &node));
//! ```

pub mod accounts;
pub mod admin;
pub mod calc;
pub mod client;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod keypair;
pub mod pda;
pub mod signed;

pub use buyback_vault;
pub use epoch_rewards;
pub use inferix_common;
pub use node_license;
pub use node_staking;
