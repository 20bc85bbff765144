use crate::constants::MAX_QUORUM;
use crate::errors::RewardsError;
use anchor_lang::prelude::*;
use inferix_common::epoch::EpochSchedule;
use inferix_common::managers::MAX_MANAGERS;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::units::BPS_DENOMINATOR;

/// Governance parameters.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RewardsParams {
    /// IFX base units per whole IBM.
    pub emission_per_ibm: u64,
    pub worker_epoch_cap: u64,
    pub verifier_epoch_cap: u64,
    /// Finalization waits this long after an epoch ends.
    pub grace_secs: i64,
    /// Distinct verifiers that must co-sign an attestation with the operator.
    pub quorum: u8,
    pub max_attestation_age_secs: i64,
    pub min_attestation_interval_secs: i64,
    /// Share of a claim paid at once; the rest vests linearly.
    pub immediate_bps: u16,
    pub vesting_secs: i64,
    /// An epoch counts as participated once verified IBM ≥ IB × this many minutes.
    pub min_participation_minutes: u32,
    /// While the reward vault cannot cover an epoch's rewards, finalization waits this long
    /// after the grace for funding, then pays what there is (default 7 days).
    pub funding_timeout_secs: i64,
}

impl RewardsParams {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.grace_secs >= 0
                && self.funding_timeout_secs >= 0
                && self.quorum >= 1
                && self.quorum <= MAX_QUORUM
                && self.max_attestation_age_secs > 0
                && self.min_attestation_interval_secs >= 0
                && self.immediate_bps <= BPS_DENOMINATOR
                && self.vesting_secs > 0,
            RewardsError::InvalidParams
        );
        Ok(())
    }
}

#[account]
#[derive(InitSpace)]
pub struct RewardsConfig {
    pub admin: Pubkey,
    pub pending_admin: Option<Pubkey>,
    pub pause_guardian: Pubkey,
    pub paused: bool,
    /// Keys of which one co-signs every attestation (SPEC §10).
    #[max_len(MAX_MANAGERS)]
    pub managers: Vec<Pubkey>,
    pub ifx_mint: Pubkey,
    pub ifx_token_program: Pubkey,
    pub schedule: EpochSchedule,
    pub params: RewardsParams,
    /// Rewards of finalized epochs not yet claimed: reserved in the reward vault.
    pub committed_unclaimed: u64,
    /// Vesting owed to holders: held by the vesting vault.
    pub vesting_outstanding: u64,
    /// After this time claims stop and unclaimed rewards can be returned; once set, only later.
    pub clawback_at: Option<i64>,
    pub bump: u8,
    pub reward_vault_bump: u8,
    pub penalty_inflow_bump: u8,
    pub vesting_vault_bump: u8,
}

impl RewardsConfig {
    pub fn require_admin(&self, signer: &Pubkey) -> Result<()> {
        require_keys_eq!(*signer, self.admin, RewardsError::NotAdmin);
        Ok(())
    }

    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.paused, RewardsError::Paused);
        Ok(())
    }

    pub fn claims_open(&self, now: i64) -> bool {
        self.clawback_at.is_none_or(|at| now < at)
    }

    /// The epoch a node registered at `registered_at` starts its participation in; epoch 0 for
    /// nodes registered before the schedule's origin.
    pub fn registration_epoch(&self, registered_at: i64) -> u32 {
        self.schedule.epoch_at(registered_at).unwrap_or(0)
    }

    /// Reward-vault funds not promised to any finalized epoch.
    pub fn available(&self, reward_vault_balance: u64) -> u64 {
        reward_vault_balance.saturating_sub(self.committed_unclaimed)
    }

    pub fn commit(&mut self, amount: u64) -> Result<()> {
        self.committed_unclaimed = checked_add(self.committed_unclaimed, amount)?;
        Ok(())
    }

    pub fn release_commitment(&mut self, amount: u64) -> Result<()> {
        self.committed_unclaimed = checked_sub(self.committed_unclaimed, amount)?;
        Ok(())
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::constants::*;

    pub fn default_params() -> RewardsParams {
        RewardsParams {
            emission_per_ibm: DEFAULT_EMISSION_PER_IBM,
            worker_epoch_cap: DEFAULT_WORKER_EPOCH_CAP,
            verifier_epoch_cap: DEFAULT_VERIFIER_EPOCH_CAP,
            grace_secs: DEFAULT_GRACE_SECS,
            quorum: DEFAULT_QUORUM,
            max_attestation_age_secs: DEFAULT_MAX_ATTESTATION_AGE_SECS,
            min_attestation_interval_secs: DEFAULT_MIN_ATTESTATION_INTERVAL_SECS,
            immediate_bps: DEFAULT_IMMEDIATE_BPS,
            vesting_secs: DEFAULT_VESTING_SECS,
            min_participation_minutes: DEFAULT_MIN_PARTICIPATION_MINUTES,
            funding_timeout_secs: DEFAULT_FUNDING_TIMEOUT_SECS,
        }
    }

    #[test]
    fn params_are_bounded() {
        assert!(default_params().validate().is_ok());
        for broken in [
            RewardsParams {
                quorum: 0,
                ..default_params()
            },
            RewardsParams {
                quorum: MAX_QUORUM + 1,
                ..default_params()
            },
            RewardsParams {
                immediate_bps: 10_001,
                ..default_params()
            },
            RewardsParams {
                vesting_secs: 0,
                ..default_params()
            },
        ] {
            assert!(broken.validate().is_err());
        }
    }
}
