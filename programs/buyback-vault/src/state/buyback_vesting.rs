use anchor_lang::prelude::*;
use inferix_common::math::checked_sub;
use inferix_common::vesting::linear_vested;

/// An IFX buyback payout vesting linearly from the buyback, at `[BUYBACK_VESTING, license_mint]`.
#[account]
#[derive(InitSpace)]
pub struct BuybackVesting {
    pub beneficiary: Pubkey,
    pub license_mint: Pubkey,
    pub start_ts: i64,
    pub duration_secs: i64,
    pub total: u64,
    pub withdrawn: u64,
    pub bump: u8,
}

impl BuybackVesting {
    pub fn withdrawable(&self, now: i64) -> Result<u64> {
        checked_sub(
            linear_vested(self.total, self.start_ts, self.duration_secs, now)?,
            self.withdrawn,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_linear_one_second_either_side() {
        let v = BuybackVesting {
            beneficiary: Pubkey::default(),
            license_mint: Pubkey::default(),
            start_ts: 0,
            duration_secs: 30 * 86_400,
            total: 6_000_000_000_000,
            withdrawn: 0,
            bump: 0,
        };
        assert_eq!(v.withdrawable(-1).unwrap(), 0);
        assert_eq!(v.withdrawable(0).unwrap(), 0);
        assert_eq!(v.withdrawable(1).unwrap(), 2_314_814);
        assert_eq!(v.withdrawable(15 * 86_400).unwrap(), 3_000_000_000_000);
        assert_eq!(v.withdrawable(30 * 86_400 - 1).unwrap(), 5_999_997_685_185);
        assert_eq!(v.withdrawable(30 * 86_400).unwrap(), v.total);
        assert_eq!(v.withdrawable(30 * 86_400 + 1).unwrap(), v.total);
    }
}
