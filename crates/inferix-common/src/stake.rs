//! The worker minimum stake of SPEC §3: `S(n) = k × E × IB(n) × P(n)` in USD, converted to IFX
//! at the conservative (low) side of the IFX/USD price and rounded up.

use crate::errors::CommonError;
use crate::price::UsdPrice;
use crate::units::MICROS_PER_UNIT;
use anchor_lang::prelude::*;

/// Default `k`: the formula's factor 2 (the whitepaper's worked example uses k = 1).
pub const DEFAULT_STAKE_MULTIPLIER: u16 = 2;
/// Default `E`: a 72-hour epoch in minutes.
pub const DEFAULT_EPOCH_MINUTES: u32 = 4_320;

/// `S(n)` in micro-USD, rounded up: `k × E × ib_micros × price_per_ibm_usd_micros / 10^6`,
/// with IB in micro-IB and P in micro-USD per IBM.
pub fn min_stake_usd_micros(
    stake_multiplier: u16,
    epoch_minutes: u32,
    ib_micros: u64,
    price_per_ibm_usd_micros: u64,
) -> Result<u64> {
    let product = (stake_multiplier as u128)
        .checked_mul(epoch_minutes as u128)
        .and_then(|v| v.checked_mul(ib_micros as u128))
        .and_then(|v| v.checked_mul(price_per_ibm_usd_micros as u128))
        .ok_or(CommonError::MathOverflow)?;
    u64::try_from(product.div_ceil(MICROS_PER_UNIT as u128))
        .map_err(|_| error!(CommonError::MathOverflow))
}

/// `S(n)` in IFX base units at `ifx_price`, rounded up at the low side of its interval.
pub fn min_stake_ifx(
    stake_multiplier: u16,
    epoch_minutes: u32,
    ib_micros: u64,
    price_per_ibm_usd_micros: u64,
    ifx_price: &UsdPrice,
    ifx_decimals: u8,
) -> Result<u64> {
    let usd = min_stake_usd_micros(
        stake_multiplier,
        epoch_minutes,
        ib_micros,
        price_per_ibm_usd_micros,
    )?;
    ifx_price.usd_to_tokens_required(usd, ifx_decimals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::{check_price, PriceRules};

    /// $2 per IB-hour is 1/30 USD per IBM, which micro-USD cannot hold exactly: 33,333 µUSD
    /// (just under) and 33,334 µUSD (just over) bracket it.
    const TWO_USD_PER_IB_HOUR_FLOOR: u64 = 33_333;
    const TWO_USD_PER_IB_HOUR_CEIL: u64 = 33_334;
    const HALF_IB: u64 = 500_000;

    #[test]
    fn whitepaper_example_half_an_ib_at_two_dollars_per_ib_hour() {
        // 0.5 IB × 72 h × $2 = $72 with k = 1, $144 with k = 2 (up to P's micro-USD step:
        // 4,320 min × 0.5 IB × 1 µUSD = 2,160 µUSD per step of P).
        for (k, usd) in [(1u16, 72u64), (2, 144)] {
            let below =
                min_stake_usd_micros(k, DEFAULT_EPOCH_MINUTES, HALF_IB, TWO_USD_PER_IB_HOUR_FLOOR)
                    .unwrap();
            let above =
                min_stake_usd_micros(k, DEFAULT_EPOCH_MINUTES, HALF_IB, TWO_USD_PER_IB_HOUR_CEIL)
                    .unwrap();
            assert_eq!(below, usd * 1_000_000 - 720 * k as u64);
            assert_eq!(above, usd * 1_000_000 + 1_440 * k as u64);
        }
        // A price exactly representable per IBM gives the exact figure: $2.40/IB-hour = 40,000 µUSD.
        assert_eq!(
            min_stake_usd_micros(1, DEFAULT_EPOCH_MINUTES, HALF_IB, 40_000).unwrap(),
            86_400_000
        );
    }

    #[test]
    fn requirement_rounds_up() {
        // 1 × 1 min × 1 µIB × 1 µUSD = 10^-6 µUSD → 1 µUSD.
        assert_eq!(min_stake_usd_micros(1, 1, 1, 1).unwrap(), 1);
        assert_eq!(min_stake_usd_micros(1, 1, 1_000_000, 1).unwrap(), 1);
        assert_eq!(min_stake_usd_micros(1, 1, 1_000_001, 1).unwrap(), 2);
        assert_eq!(
            min_stake_usd_micros(2, 4_320, 0, 40_000).unwrap(),
            0,
            "unbenchmarked node"
        );
    }

    #[test]
    fn extreme_ib_and_price_overflow_cleanly() {
        let err = min_stake_usd_micros(u16::MAX, u32::MAX, u64::MAX, u64::MAX).unwrap_err();
        assert_eq!(err, error!(CommonError::MathOverflow));
        let err = min_stake_usd_micros(2, 4_320, u64::MAX, 1_000_000).unwrap_err();
        assert_eq!(err, error!(CommonError::MathOverflow));
    }

    #[test]
    fn converted_to_ifx_at_the_low_price() {
        // $144.00288 at IFX $0.05 ± 1 % (low side $0.0495), 9 decimals:
        // 2,909.149090909… IFX, rounded up to the base unit.
        let ifx = check_price(5_000_000, 50_000, -8, 0, &PriceRules::default(), 0).unwrap();
        let stake = min_stake_ifx(
            2,
            DEFAULT_EPOCH_MINUTES,
            HALF_IB,
            TWO_USD_PER_IB_HOUR_CEIL,
            &ifx,
            9,
        )
        .unwrap();
        let usd = min_stake_usd_micros(2, DEFAULT_EPOCH_MINUTES, HALF_IB, TWO_USD_PER_IB_HOUR_CEIL)
            .unwrap();
        assert_eq!(usd, 144_002_880);
        assert_eq!(stake, 2_909_149_090_910);
    }
}
