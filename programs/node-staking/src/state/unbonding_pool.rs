use crate::errors::StakingError;
use anchor_lang::prelude::*;
use inferix_common::math::{bps_floor, checked_add, checked_sub, mul_div_floor};

/// IFX leaving a node's stake, still slashable, shared by tickets in proportion to their shares:
/// a slash reduces every ticket of the pool alike.
#[derive(
    AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq,
)]
pub struct UnbondingPool {
    pub amount: u64,
    pub shares: u64,
}

impl UnbondingPool {
    /// Adds `amount` to the pool; returns the shares it buys at the pool's current rate.
    pub fn join(&mut self, amount: u64) -> Result<u64> {
        require!(amount > 0, StakingError::ZeroAmount);
        let shares = if self.shares == 0 {
            amount
        } else {
            mul_div_floor(amount, self.shares, self.amount)?
        };
        require!(shares > 0, StakingError::UnbondingTooSmall);
        self.amount = checked_add(self.amount, amount)?;
        self.shares = checked_add(self.shares, shares)?;
        Ok(shares)
    }

    /// Redeems `shares`; the last shares take whatever remains, so the pool empties exactly.
    pub fn redeem(&mut self, shares: u64) -> Result<u64> {
        let amount = if shares == self.shares {
            self.amount
        } else {
            mul_div_floor(shares, self.amount, self.shares)?
        };
        self.shares = checked_sub(self.shares, shares)?;
        self.amount = checked_sub(self.amount, amount)?;
        Ok(amount)
    }

    /// Takes `bps` of the pool; returns the amount taken.
    pub fn slash(&mut self, bps: u16) -> Result<u64> {
        let taken = bps_floor(self.amount, bps)?;
        self.amount -= taken;
        Ok(taken)
    }

    /// Adds a reversed slash back to every ticket alike; false when no ticket is left to take it.
    pub fn restore(&mut self, amount: u64) -> Result<bool> {
        if self.shares == 0 {
            return Ok(false);
        }
        self.amount = checked_add(self.amount, amount)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_absorb_slashes_and_empty_exactly() {
        let mut pool = UnbondingPool::default();
        let a = pool.join(300).unwrap();
        let b = pool.join(100).unwrap();
        assert_eq!((a, b), (300, 100));
        assert_eq!(pool.slash(1_000).unwrap(), 40);
        // A ticket opened after the slash buys shares at the new rate (360 for 400 shares).
        assert_eq!(pool.join(90).unwrap(), 100);
        assert_eq!(pool.redeem(a).unwrap(), 270);
        assert_eq!(pool.redeem(b).unwrap(), 90);
        assert_eq!(pool.redeem(100).unwrap(), 90);
        assert_eq!(pool, UnbondingPool::default());
    }

    #[test]
    fn a_restore_needs_a_ticket_to_take_it() {
        let mut pool = UnbondingPool::default();
        assert!(!pool.restore(5).unwrap());
        assert_eq!(pool.amount, 0);
        let shares = pool.join(10).unwrap();
        assert!(pool.restore(5).unwrap());
        assert_eq!(pool.redeem(shares).unwrap(), 15);
    }

    #[test]
    fn joining_refuses_nothing_and_dust() {
        let mut pool = UnbondingPool::default();
        assert!(pool.join(0).is_err());
        pool.join(1).unwrap();
        pool.restore(999).unwrap();
        // One share is worth 1,000 units: a join of 1 unit would buy 0 shares and be lost.
        assert!(pool.join(1).is_err());
        assert_eq!(pool.join(1_000).unwrap(), 1);
    }
}
