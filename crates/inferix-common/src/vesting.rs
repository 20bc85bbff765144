//! Linear vesting, used by epoch rewards (180 days) and buyback IFX payouts (30 days).

use crate::math::mul_div_floor;
use anchor_lang::prelude::*;

/// Vested by `now` out of `total` vesting linearly over `[start_ts, start_ts + duration_secs]`:
/// `total × elapsed / duration`, rounded down; all of it from the end.
pub fn linear_vested(total: u64, start_ts: i64, duration_secs: i64, now: i64) -> Result<u64> {
    if duration_secs <= 0 {
        return Ok(if now >= start_ts { total } else { 0 });
    }
    let elapsed = now.saturating_sub(start_ts).clamp(0, duration_secs);
    mul_div_floor(total, elapsed as u64, duration_secs as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_complete_at_the_end() {
        assert_eq!(linear_vested(1_000, 100, 10, 99).unwrap(), 0);
        assert_eq!(linear_vested(1_000, 100, 10, 100).unwrap(), 0);
        assert_eq!(linear_vested(1_000, 100, 10, 105).unwrap(), 500);
        assert_eq!(linear_vested(1_000, 100, 10, 109).unwrap(), 900);
        assert_eq!(linear_vested(1_000, 100, 10, 110).unwrap(), 1_000);
        assert_eq!(linear_vested(1_000, 100, 0, 100).unwrap(), 1_000);
    }
}
