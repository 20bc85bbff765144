//! Program ids one program needs of another that it cannot depend on (epoch-rewards depends on
//! node-staking, so node-staking names epoch-rewards through this constant). Each program's own
//! `declare_id!` stays the source of truth; its unit tests assert the constant equals it.

use anchor_lang::prelude::{pubkey, Pubkey};

pub const EPOCH_REWARDS: Pubkey = pubkey!("CQPhMH2tjoJHy3YQN6XM25gXQxWHWP3GYXz5GYBndrSZ");

/// Epoch-rewards' penalty-inflow vault, where node-staking sends matured penalties.
pub fn penalty_inflow() -> Pubkey {
    Pubkey::find_program_address(&[crate::seeds::PENALTY_INFLOW], &EPOCH_REWARDS).0
}
