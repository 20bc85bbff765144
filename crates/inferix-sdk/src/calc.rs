//! The figures holders and integrators ask for, computed by the very functions the programs
//! run (re-exported, never re-implemented).
//!
//! Minimum stake S(n) = k × E × IB × P — the whitepaper's example (0.5 IB at $2 per IB-hour,
//! i.e. $2/60 per IBM, 72-h epoch) gives $72 with k = 1, and twice that with the default k = 2:
//!
//! ```
//! use inferix_sdk::calc::{min_stake_usd_micros, DEFAULT_EPOCH_MINUTES, DEFAULT_STAKE_MULTIPLIER};
//! let usd = |k| min_stake_usd_micros(k, DEFAULT_EPOCH_MINUTES, 500_000, 2_000_000 / 60).unwrap();
//! assert_eq!(usd(1), 71_999_280); // $72, less the rounding of $2/60 to whole micro-dollars
//! assert_eq!(usd(DEFAULT_STAKE_MULTIPLIER), 143_998_560);
//! ```
//!
//! An epoch's worker reward and one node's share of it:
//!
//! ```
//! use inferix_sdk::calc::{pro_rata, worker_reward};
//! // 1,000 IBM verified in the epoch at 0.21 IFX (6 decimals) per IBM, under the 770,000 IFX cap.
//! let reward = worker_reward(1_000_000_000, 210_000, 770_000_000_000, u64::MAX).unwrap();
//! assert_eq!(reward, 210_000_000);
//! // A node that did 360 of those IBM gets 36 % of it, rounded down.
//! assert_eq!(pro_rata(reward, 360_000_000, 1_000_000_000).unwrap(), 75_600_000);
//! ```
//!
//! The buyback quote (eligibility and both payouts) is [`buyback_quote`], from the accounts the
//! buyback instructions read.

pub use buyback_vault::quote::{quote as buyback_quote, BuybackQuote};
pub use epoch_rewards::state::{pro_rata, reaches_participation, worker_reward};
pub use inferix_common::stake::{
    min_stake_ifx, min_stake_usd_micros, DEFAULT_EPOCH_MINUTES, DEFAULT_STAKE_MULTIPLIER,
};
pub use inferix_common::vesting::linear_vested;
