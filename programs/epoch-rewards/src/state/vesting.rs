use anchor_lang::prelude::*;
use inferix_common::math::checked_sub;
use inferix_common::vesting::linear_vested;

/// A holder's vesting rewards of one epoch, at `[VESTING, holder, index]`. Every grant of the
/// epoch vests on the same line — from the epoch's end over `duration_secs` — so claims of
/// several nodes of one holder merge exactly, whenever they are made.
#[account]
#[derive(InitSpace)]
pub struct Vesting {
    pub beneficiary: Pubkey,
    pub epoch: u32,
    pub start_ts: i64,
    pub duration_secs: i64,
    pub total: u64,
    pub withdrawn: u64,
    pub rent_payer: Pubkey,
    pub bump: u8,
}

impl Vesting {
    /// Vested by `now`: `total × elapsed / duration`, rounded down, all of it at the end.
    pub fn vested(&self, now: i64) -> Result<u64> {
        linear_vested(self.total, self.start_ts, self.duration_secs, now)
    }

    pub fn withdrawable(&self, now: i64) -> Result<u64> {
        checked_sub(self.vested(now)?, self.withdrawn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vesting(total: u64) -> Vesting {
        Vesting {
            beneficiary: Pubkey::default(),
            epoch: 0,
            start_ts: 1_000,
            duration_secs: 180 * 86_400,
            total,
            withdrawn: 0,
            rent_payer: Pubkey::default(),
            bump: 0,
        }
    }

    #[test]
    fn linear_at_zero_midway_and_end_one_second_either_side() {
        let v = vesting(180 * 86_400 * 3 + 1);
        let start = v.start_ts;
        let end = start + v.duration_secs;
        assert_eq!(v.vested(start - 1).unwrap(), 0);
        assert_eq!(v.vested(start).unwrap(), 0);
        assert_eq!(v.vested(start + 1).unwrap(), 3);
        assert_eq!(v.vested(start + v.duration_secs / 2).unwrap(), v.total / 2);
        assert_eq!(v.vested(end - 1).unwrap(), v.total - 4);
        assert_eq!(v.vested(end).unwrap(), v.total);
        assert_eq!(v.vested(end + 1).unwrap(), v.total);
    }

    #[test]
    fn withdrawals_sum_to_the_total_exactly() {
        let mut v = vesting(1_000_000_007);
        let mut paid = 0;
        for t in [
            v.start_ts + 1,
            v.start_ts + 5_000,
            v.start_ts + 9_999_999,
            v.start_ts + v.duration_secs + 10,
        ] {
            let amount = v.withdrawable(t).unwrap();
            v.withdrawn += amount;
            paid += amount;
        }
        assert_eq!(paid, v.total);
        assert_eq!(v.withdrawable(i64::MAX).unwrap(), 0);
    }
}
