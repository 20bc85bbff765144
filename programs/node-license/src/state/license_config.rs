use crate::errors::LicenseError;
use anchor_lang::prelude::*;
use inferix_common::units::BPS_DENOMINATOR;

/// The program's singleton configuration. Its PDA is also the mint, freeze and metadata-update
/// authority of every license NFT.
#[account]
#[derive(InitSpace)]
pub struct LicenseConfig {
    pub admin: Pubkey,
    /// Set by `propose_admin`, cleared by `accept_admin` (two-step handover).
    pub pending_admin: Option<Pubkey>,
    /// May pause; only the admin unpauses.
    pub pause_guardian: Pubkey,
    pub paused: bool,
    /// The signer allowed to release a locked license into the buyback vault (the buyback-vault
    /// program's authority PDA).
    pub buyback_authority: Pubkey,
    /// Transfer lock applied to licenses minted from now on.
    pub lock_duration_secs: i64,
    pub user_code_discount_bps: u16,
    pub user_code_commission_bps: u16,
    /// Id the next sale gets.
    pub sale_count: u32,
    pub bump: u8,
}

impl LicenseConfig {
    pub fn require_admin(&self, signer: &Pubkey) -> Result<()> {
        require_keys_eq!(*signer, self.admin, LicenseError::NotAdmin);
        Ok(())
    }

    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.paused, LicenseError::Paused);
        Ok(())
    }
}

/// A referral's buyer discount and referrer commission must together stay within the price.
pub fn validate_referral_rates(discount_bps: u16, commission_bps: u16) -> Result<()> {
    require!(
        (discount_bps as u32) + (commission_bps as u32) <= BPS_DENOMINATOR as u32,
        LicenseError::InvalidReferralRates
    );
    Ok(())
}

pub fn validate_lock_duration(lock_duration_secs: i64) -> Result<()> {
    require!(lock_duration_secs >= 0, LicenseError::InvalidLockDuration);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referral_rates_never_exceed_the_price() {
        assert!(validate_referral_rates(500, 500).is_ok());
        assert!(validate_referral_rates(10_000, 0).is_ok());
        assert!(validate_referral_rates(5_001, 5_000).is_err());
        assert!(validate_referral_rates(u16::MAX, u16::MAX).is_err());
    }
}
