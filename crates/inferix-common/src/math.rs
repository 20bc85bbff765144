//! Checked integer math with u128 intermediates (SPEC §1): payouts round down, requirements up.

use crate::errors::CommonError;
use crate::units::{BPS_DENOMINATOR, USD_DECIMALS};
use anchor_lang::prelude::*;

/// `floor(a × b / c)` without intermediate overflow.
pub fn mul_div_floor(a: u64, b: u64, c: u64) -> Result<u64> {
    require!(c != 0, CommonError::DivisionByZero);
    let q = (a as u128) * (b as u128) / (c as u128);
    u64::try_from(q).map_err(|_| error!(CommonError::MathOverflow))
}

/// `ceil(a × b / c)` without intermediate overflow.
pub fn mul_div_ceil(a: u64, b: u64, c: u64) -> Result<u64> {
    require!(c != 0, CommonError::DivisionByZero);
    let q = ((a as u128) * (b as u128)).div_ceil(c as u128);
    u64::try_from(q).map_err(|_| error!(CommonError::MathOverflow))
}

/// `floor(amount × bps / 10_000)`: a commission or discount, never more than its rate.
pub fn bps_floor(amount: u64, bps: u16) -> Result<u64> {
    require!(bps <= BPS_DENOMINATOR, CommonError::InvalidBasisPoints);
    mul_div_floor(amount, bps as u64, BPS_DENOMINATOR as u64)
}

/// `10^decimals` as u64 (decimals ≤ 19).
pub fn pow10(decimals: u8) -> Result<u64> {
    10u64
        .checked_pow(decimals as u32)
        .ok_or_else(|| error!(CommonError::MathOverflow))
}

/// Token base units owed for a micro-USD amount of a USD stablecoin with `decimals`, rounded up:
/// a payer never pays less than the price.
pub fn usd_micros_to_stable_units_ceil(usd_micros: u64, decimals: u8) -> Result<u64> {
    mul_div_ceil(usd_micros, pow10(decimals)?, pow10(USD_DECIMALS)?)
}

/// Token base units paid out for a micro-USD amount of a USD stablecoin with `decimals`, rounded
/// down: a payout never exceeds its USD value.
pub fn usd_micros_to_stable_units_floor(usd_micros: u64, decimals: u8) -> Result<u64> {
    mul_div_floor(usd_micros, pow10(decimals)?, pow10(USD_DECIMALS)?)
}

pub fn checked_add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .ok_or_else(|| error!(CommonError::MathOverflow))
}

pub fn checked_sub(a: u64, b: u64) -> Result<u64> {
    a.checked_sub(b)
        .ok_or_else(|| error!(CommonError::MathOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: Error) -> u32 {
        match e {
            Error::AnchorError(a) => a.error_code_number,
            Error::ProgramError(_) => u32::MAX,
        }
    }

    #[test]
    fn mul_div_rounds_in_the_named_direction() {
        assert_eq!(mul_div_floor(10, 1, 3).unwrap(), 3);
        assert_eq!(mul_div_ceil(10, 1, 3).unwrap(), 4);
        assert_eq!(mul_div_ceil(9, 1, 3).unwrap(), 3);
        assert_eq!(
            mul_div_floor(u64::MAX, u64::MAX, u64::MAX).unwrap(),
            u64::MAX
        );
    }

    #[test]
    fn overflow_and_zero_division_are_named_errors() {
        assert_eq!(
            code(mul_div_floor(u64::MAX, 2, 1).unwrap_err()),
            u32::from(CommonError::MathOverflow)
        );
        assert_eq!(
            code(mul_div_ceil(1, 1, 0).unwrap_err()),
            u32::from(CommonError::DivisionByZero)
        );
        assert_eq!(
            code(checked_sub(1, 2).unwrap_err()),
            u32::from(CommonError::MathOverflow)
        );
        assert_eq!(
            code(pow10(20).unwrap_err()),
            u32::from(CommonError::MathOverflow)
        );
    }

    #[test]
    fn basis_points() {
        assert_eq!(bps_floor(300_000_000, 500).unwrap(), 15_000_000);
        assert_eq!(bps_floor(999, 500).unwrap(), 49);
        assert_eq!(bps_floor(7, 10_000).unwrap(), 7);
        assert_eq!(
            code(bps_floor(7, 10_001).unwrap_err()),
            u32::from(CommonError::InvalidBasisPoints)
        );
    }

    #[test]
    fn stablecoin_conversion_by_decimals() {
        // $300 in a 6-decimal stablecoin (USDC/USDT) is exact.
        assert_eq!(
            usd_micros_to_stable_units_ceil(300_000_000, 6).unwrap(),
            300_000_000
        );
        // 18-decimal stablecoin scales up exactly.
        assert_eq!(
            usd_micros_to_stable_units_ceil(1_500_000, 18).unwrap(),
            1_500_000_000_000_000_000
        );
        // 2-decimal stablecoin: $1.000001 costs $1.01 (up), pays $1.00 (down).
        assert_eq!(usd_micros_to_stable_units_ceil(1_000_001, 2).unwrap(), 101);
        assert_eq!(usd_micros_to_stable_units_floor(1_000_001, 2).unwrap(), 100);
    }
}
