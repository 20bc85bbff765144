use crate::constants::MAX_TIERS;
use anchor_lang::prelude::*;

/// What one wallet bought in one sale, at `[WALLET_PURCHASES, sale, wallet]`: the per-wallet
/// caps and whitelist allocations are enforced against it across any number of transactions.
#[account]
#[derive(InitSpace)]
pub struct WalletPurchases {
    pub sale: Pubkey,
    pub wallet: Pubkey,
    /// Licenses bought per tier, in both phases (index = tier − 1).
    pub purchased: [u16; MAX_TIERS],
    /// Of those, bought with a whitelist proof.
    pub whitelist_purchased: [u16; MAX_TIERS],
    pub bump: u8,
}
