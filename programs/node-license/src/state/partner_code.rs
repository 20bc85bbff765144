use crate::constants::MAX_PARTNER_CODE_LEN;
use crate::errors::LicenseError;
use anchor_lang::prelude::*;

/// A partner referral code, at `[PARTNER_CODE, code]`, registered by the admin.
#[account]
#[derive(InitSpace)]
pub struct PartnerCode {
    #[max_len(MAX_PARTNER_CODE_LEN)]
    pub code: String,
    /// Wallet whose payment-mint token account receives the commission.
    pub receiver: Pubkey,
    pub discount_bps: u16,
    pub commission_bps: u16,
    pub enabled: bool,
    pub uses: u32,
    pub commissions_usd: u64,
    pub bump: u8,
}

pub fn validate_partner_code(code: &str) -> Result<()> {
    require!(
        !code.is_empty() && code.len() <= MAX_PARTNER_CODE_LEN,
        LicenseError::InvalidPartnerCode
    );
    Ok(())
}
