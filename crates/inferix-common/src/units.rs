//! Units used across Inferix (SPEC §1). Every amount is an integer in a named unit.

/// Decimals of micro-USD amounts (`*_usd` fields): 1 USD = 1_000_000.
pub const USD_DECIMALS: u8 = 6;
/// One whole unit (1 USD, 1 IB, 1 IBM) in micro units.
pub const MICROS_PER_UNIT: u64 = 1_000_000;
/// Denominator of every basis-point rate.
pub const BPS_DENOMINATOR: u16 = 10_000;

pub const SECONDS_PER_MINUTE: i64 = 60;
pub const SECONDS_PER_DAY: i64 = 86_400;
pub const SECONDS_PER_YEAR: i64 = 365 * SECONDS_PER_DAY;
