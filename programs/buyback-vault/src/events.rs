use crate::state::BuybackParams;
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub params: BuybackParams,
}

#[event]
pub struct ParamsUpdated {
    pub params: BuybackParams,
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
pub struct BoughtBackEvent {
    pub license_mint: Pubkey,
    pub holder: Pubkey,
    pub price_paid_usd: u64,
    /// 0 = IFX with vesting, 1 = wETH now.
    pub option: u8,
    pub amount: u64,
    pub price: u64,
    pub price_exponent: i32,
}

#[event]
pub struct VestedWithdrawn {
    pub license_mint: Pubkey,
    pub beneficiary: Pubkey,
    pub amount: u64,
    pub withdrawn: u64,
    pub total: u64,
}

#[event]
pub struct CustodyChanged {
    pub license_mint: Pubkey,
    /// 1 = reassigned to a node operator, 2 = sent to the treasury, 3 = burned.
    pub custody: u8,
    pub recipient: Option<Pubkey>,
}

#[event]
pub struct FundsWithdrawn {
    pub mint: Pubkey,
    pub amount: u64,
    pub destination: Pubkey,
}
