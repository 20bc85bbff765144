use inferix_common::units::SECONDS_PER_DAY;

/// The window stays open 7 days.
pub const DEFAULT_WINDOW_SECS: i64 = 7 * SECONDS_PER_DAY;
/// Option 1 pays 100 % of the USD price paid, in IFX vesting over 30 days.
pub const DEFAULT_IFX_PAYOUT_BPS: u16 = 10_000;
pub const DEFAULT_IFX_VESTING_SECS: i64 = 30 * SECONDS_PER_DAY;
/// Option 2 pays 80 % of it, in wETH at once.
pub const DEFAULT_WETH_PAYOUT_BPS: u16 = 8_000;
/// Eligibility needs a participation rate strictly above 2/3.
pub const PARTICIPATION_NUM: u32 = 2;
pub const PARTICIPATION_DEN: u32 = 3;
