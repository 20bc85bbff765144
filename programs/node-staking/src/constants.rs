use inferix_common::units::SECONDS_PER_DAY;

/// Violation kinds, indexing `slash_bps` (wire codes of `inferix_common::messages::ViolationKind`).
pub const VIOLATION_KINDS: usize = 3;
/// Highest slash rate governance may set: a slash never takes a whole stake, so an unbonding pool
/// is never emptied while tickets still hold shares.
pub const MAX_SLASH_BPS: u16 = 5_000;
/// Largest verifier quorum (the Ed25519 instruction must fit one transaction with the operator).
pub const MAX_QUORUM: u8 = 8;

/// 1,000 IFX (9 decimals): the least a benchmarked worker stakes, whatever its S(n).
pub const DEFAULT_WORKER_MIN_STAKE: u64 = 1_000_000_000_000;
/// $0.01 per IBM: the lowest price a worker may ask, and the least S(n) is computed with.
pub const DEFAULT_MIN_PRICE_PER_IBM_USD_MICROS: u64 = 10_000;
pub const DEFAULT_UNBONDING_SECS: i64 = 90 * SECONDS_PER_DAY;
pub const DEFAULT_APPEAL_WINDOW_SECS: i64 = 7 * SECONDS_PER_DAY;
pub const DEFAULT_QUORUM: u8 = 2;
pub const DEFAULT_MAX_STRIKES: u8 = 3;
/// FailedPoR 10 %, Liveness 1 %, BadResult 10 %.
pub const DEFAULT_SLASH_BPS: [u16; VIOLATION_KINDS] = [1_000, 100, 1_000];
/// Signed benchmarks and violations older than this are refused.
pub const DEFAULT_MAX_MESSAGE_AGE_SECS: i64 = 3_600;
/// Largest IB change one benchmark may make: 10 IB.
pub const DEFAULT_MAX_IB_UPDATE_MICROS: u64 = 10_000_000;
