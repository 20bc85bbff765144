use inferix_common::units::SECONDS_PER_DAY;

/// IFX base units (9 decimals) in one IFX.
pub const IFX: u64 = 1_000_000_000;
/// 0.21 IFX per IBM.
pub const DEFAULT_EMISSION_PER_IBM: u64 = 210_000_000;
/// 770,000 IFX per epoch for workers (375 M over 4 years of 72-h epochs).
pub const DEFAULT_WORKER_EPOCH_CAP: u64 = 770_000 * IFX;
/// 154,000 IFX per epoch for verifiers (75 M over 4 years).
pub const DEFAULT_VERIFIER_EPOCH_CAP: u64 = 154_000 * IFX;
pub const DEFAULT_GRACE_SECS: i64 = 6 * 3_600;
pub const DEFAULT_QUORUM: u8 = 2;
pub const DEFAULT_MAX_ATTESTATION_AGE_SECS: i64 = 600;
pub const DEFAULT_MIN_ATTESTATION_INTERVAL_SECS: i64 = 3_600;
/// 25 % paid at claim, 75 % vesting linearly over 180 days (Inferix testnet 2).
pub const DEFAULT_IMMEDIATE_BPS: u16 = 2_500;
pub const DEFAULT_VESTING_SECS: i64 = 180 * SECONDS_PER_DAY;
/// 12 hours of the 72-hour epoch.
pub const DEFAULT_MIN_PARTICIPATION_MINUTES: u32 = 720;
/// Finalization of an epoch the reward vault cannot cover waits up to 7 days for funding.
pub const DEFAULT_FUNDING_TIMEOUT_SECS: i64 = 7 * SECONDS_PER_DAY;
/// Largest verifier quorum (the attestation transaction must fit in a packet).
pub const MAX_QUORUM: u8 = 3;

#[cfg(test)]
mod tests {
    #[test]
    fn the_shared_program_id_is_this_programs() {
        assert_eq!(inferix_common::program_ids::EPOCH_REWARDS, crate::ID);
        let (inflow, _) = anchor_lang::prelude::Pubkey::find_program_address(
            &[inferix_common::seeds::PENALTY_INFLOW],
            &crate::ID,
        );
        assert_eq!(inferix_common::program_ids::penalty_inflow(), inflow);
    }
}
