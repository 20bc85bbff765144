//! Inferix Rust SDK: program addresses and instruction builders for integrators and for the
//! off-chain worker, built on the shared crate (seeds, messages, Ed25519 layout).
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

pub mod calc;
pub mod instructions;
pub mod pda;
pub mod signed;

pub use buyback_vault;
pub use epoch_rewards;
pub use inferix_common;
pub use node_license;
pub use node_staking;
