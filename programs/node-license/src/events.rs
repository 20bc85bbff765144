use crate::state::{LicenseKind, SaleSchedule};
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    pub lock_duration_secs: i64,
    pub user_code_discount_bps: u16,
    pub user_code_commission_bps: u16,
}

#[event]
pub struct ConfigUpdated {
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    pub lock_duration_secs: i64,
    pub user_code_discount_bps: u16,
    pub user_code_commission_bps: u16,
}

#[event]
pub struct AdminProposed {
    pub admin: Pubkey,
    pub proposed: Pubkey,
}

#[event]
pub struct AdminAccepted {
    pub previous: Pubkey,
    pub admin: Pubkey,
}

#[event]
pub struct PauseSet {
    pub paused: bool,
    pub by: Pubkey,
}

#[event]
pub struct SaleInitialized {
    pub sale: Pubkey,
    pub sale_id: u32,
    pub kind: LicenseKind,
    pub payment_mint: Pubkey,
    pub treasury: Pubkey,
    pub tier_count: u8,
    pub total_supply: u64,
    pub airdrop_allocation: u32,
    pub schedule: SaleSchedule,
}

#[event]
pub struct SaleScheduleUpdated {
    pub sale: Pubkey,
    pub schedule: SaleSchedule,
}

#[event]
pub struct WhitelistRootSet {
    pub sale: Pubkey,
    pub tier: u8,
    pub root: [u8; 32],
}

#[event]
pub struct TierOpened {
    pub sale: Pubkey,
    pub tier: u8,
    /// True when the previous tier selling out opened it, false when the admin did.
    pub by_sell_out: bool,
}

#[event]
pub struct PartnerCodeRegistered {
    pub partner_code: Pubkey,
    pub code: String,
    pub receiver: Pubkey,
    pub discount_bps: u16,
    pub commission_bps: u16,
}

#[event]
pub struct PartnerCodeUpdated {
    pub partner_code: Pubkey,
    pub receiver: Pubkey,
    pub discount_bps: u16,
    pub commission_bps: u16,
    pub enabled: bool,
}

#[event]
pub struct LicensePurchased {
    pub sale: Pubkey,
    pub mint: Pubkey,
    pub buyer: Pubkey,
    pub tier: u8,
    pub serial: u32,
    pub whitelist: bool,
    pub list_price_usd: u64,
    pub price_paid_usd: u64,
    pub discount_usd: u64,
    pub commission_usd: u64,
    /// The referrer wallet or partner-code account, when a code was used.
    pub referral: Option<Pubkey>,
    pub paid_amount: u64,
    pub commission_amount: u64,
    pub unlocks_at: i64,
}

#[event]
pub struct LicenseAirdropped {
    pub sale: Pubkey,
    pub mint: Pubkey,
    pub recipient: Pubkey,
    pub serial: u32,
    pub unlocks_at: i64,
}

#[event]
pub struct LicenseUnlocked {
    pub mint: Pubkey,
    pub holder_account: Pubkey,
}

#[event]
pub struct LicenseReleasedForBuyback {
    pub mint: Pubkey,
    pub holder_account: Pubkey,
    pub buyback_authority: Pubkey,
}
