use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Custody {
    InCustody,
    Reassigned,
    SentToTreasury,
    Burned,
}

/// One per bought-back license, at `[BOUGHT_BACK, license_mint]`: its existence makes a
/// license buyable once, and it tracks the license while the vault holds it.
#[account]
#[derive(InitSpace)]
pub struct BoughtBack {
    pub license_mint: Pubkey,
    pub holder: Pubkey,
    pub price_paid_usd: u64,
    /// 0 = IFX with vesting, 1 = wETH.
    pub option: u8,
    pub amount: u64,
    pub bought_at: i64,
    pub custody: Custody,
    pub bump: u8,
}
