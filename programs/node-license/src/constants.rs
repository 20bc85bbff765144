use inferix_common::units::SECONDS_PER_YEAR;

/// Most tiers a sale can have (SPEC §2).
pub const MAX_TIERS: usize = 30;
/// Longest partner code, in bytes.
pub const MAX_PARTNER_CODE_LEN: usize = 16;
/// Longest metadata URI, in bytes.
pub const MAX_URI_LEN: usize = 200;

/// Default transfer lock of a freshly minted license (SPEC §2: one year).
pub const DEFAULT_LOCK_DURATION_SECS: i64 = SECONDS_PER_YEAR;
/// User-code referral defaults (SPEC §2): 5 % off for the buyer, 5 % to the referrer.
pub const DEFAULT_USER_CODE_DISCOUNT_BPS: u16 = 500;
pub const DEFAULT_USER_CODE_COMMISSION_BPS: u16 = 500;

/// Token metadata of every license NFT.
pub const LICENSE_SYMBOL: &str = "IFXNL";
pub const METADATA_FIELD_KIND: &str = "kind";
pub const METADATA_FIELD_TIER: &str = "tier";
pub const METADATA_FIELD_SERIAL: &str = "serial";
/// The `tier` metadata value of airdropped licenses, which belong to no tier.
pub const AIRDROP_TIER_LABEL: &str = "airdrop";
