use crate::constants::{MAX_QUORUM, MAX_SLASH_BPS, VIOLATION_KINDS};
use crate::errors::StakingError;
use anchor_lang::prelude::*;
use inferix_common::managers::MAX_MANAGERS;
use inferix_common::price::PriceRules;

/// Where the IFX/USD price comes from (SPEC §6): a Pyth feed, or the price the price authority
/// pushes into the program's `PushedPrice` account (Pyth may have no IFX feed).
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceSource {
    Pyth { feed_id: [u8; 32] },
    Pushed,
}

/// Governance parameters.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakingParams {
    /// `k` of S(n) (default 2).
    pub stake_multiplier: u16,
    /// `E` of S(n): epoch length in minutes (default 4,320).
    pub epoch_minutes: u32,
    /// Flat minimum stake of a verifier, IFX base units (may be 0).
    pub verifier_min_stake: u64,
    /// Flat minimum stake of a benchmarked worker, IFX base units (default 1,000 IFX): S(n) is
    /// never below it (SPEC §10 item 9).
    pub worker_min_stake: u64,
    /// Lowest price per IBM a worker may set, and the price S(n) uses at least, micro-USD
    /// (default $0.01).
    pub min_price_per_ibm_usd_micros: u64,
    pub unbonding_secs: i64,
    /// Largest IB change one benchmark may make, micro-IB.
    pub max_ib_update_micros: u64,
    /// Distinct verifiers that must co-sign a benchmark or a violation.
    pub quorum: u8,
    /// Slash rate per violation kind (FailedPoR, Liveness, BadResult), basis points.
    pub slash_bps: [u16; VIOLATION_KINDS],
    pub appeal_window_secs: i64,
    pub max_strikes: u8,
    pub max_message_age_secs: i64,
    pub price_source: PriceSource,
    pub price_rules: PriceRules,
    /// Signer of `push_price`.
    pub price_authority: Pubkey,
    /// IFX token account (owned by epoch-rewards) that receives matured penalties.
    pub verifier_pool: Pubkey,
}

impl StakingParams {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.stake_multiplier > 0
                && self.epoch_minutes > 0
                && self.worker_min_stake > 0
                && self.min_price_per_ibm_usd_micros > 0
                && self.unbonding_secs >= 0
                && self.quorum >= 1
                && self.quorum <= MAX_QUORUM
                && self.slash_bps.iter().all(|bps| *bps <= MAX_SLASH_BPS)
                && self.appeal_window_secs >= 0
                && self.max_strikes >= 1
                && self.max_message_age_secs > 0
                && self.price_rules.max_age_secs > 0
                && self.price_rules.max_conf_bps <= 10_000,
            StakingError::InvalidParams
        );
        Ok(())
    }
}

#[account]
#[derive(InitSpace)]
pub struct StakingConfig {
    pub admin: Pubkey,
    pub pending_admin: Option<Pubkey>,
    pub pause_guardian: Pubkey,
    pub paused: bool,
    /// May retire a node whose license it bought back (the buyback-vault program's PDA).
    pub buyback_authority: Pubkey,
    /// Keys of which one co-signs every benchmark and violation (SPEC §10).
    #[max_len(MAX_MANAGERS)]
    pub managers: Vec<Pubkey>,
    pub ifx_mint: Pubkey,
    pub ifx_token_program: Pubkey,
    pub ifx_decimals: u8,
    pub params: StakingParams,
    /// IFX in the penalty vault awaiting the end of its appeal window.
    pub pending_penalties: u64,
    pub bump: u8,
    pub penalty_vault_bump: u8,
}

impl StakingConfig {
    pub fn require_admin(&self, signer: &Pubkey) -> Result<()> {
        require_keys_eq!(*signer, self.admin, StakingError::NotAdmin);
        Ok(())
    }

    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.paused, StakingError::Paused);
        Ok(())
    }

    /// Checks a signed message's freshness at `now`.
    pub fn check_issued_at(&self, issued_at: i64, now: i64) -> Result<()> {
        require!(issued_at <= now, StakingError::MessageFromFuture);
        require!(
            now - issued_at <= self.params.max_message_age_secs,
            StakingError::MessageStale
        );
        Ok(())
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::constants::*;

    pub fn default_params() -> StakingParams {
        StakingParams {
            stake_multiplier: inferix_common::stake::DEFAULT_STAKE_MULTIPLIER,
            epoch_minutes: inferix_common::stake::DEFAULT_EPOCH_MINUTES,
            verifier_min_stake: 0,
            worker_min_stake: DEFAULT_WORKER_MIN_STAKE,
            min_price_per_ibm_usd_micros: DEFAULT_MIN_PRICE_PER_IBM_USD_MICROS,
            unbonding_secs: DEFAULT_UNBONDING_SECS,
            max_ib_update_micros: DEFAULT_MAX_IB_UPDATE_MICROS,
            quorum: DEFAULT_QUORUM,
            slash_bps: DEFAULT_SLASH_BPS,
            appeal_window_secs: DEFAULT_APPEAL_WINDOW_SECS,
            max_strikes: DEFAULT_MAX_STRIKES,
            max_message_age_secs: DEFAULT_MAX_MESSAGE_AGE_SECS,
            price_source: PriceSource::Pushed,
            price_rules: PriceRules::default(),
            price_authority: Pubkey::default(),
            verifier_pool: Pubkey::default(),
        }
    }

    #[test]
    fn params_are_bounded() {
        assert!(default_params().validate().is_ok());
        for broken in [
            StakingParams {
                quorum: 0,
                ..default_params()
            },
            StakingParams {
                quorum: MAX_QUORUM + 1,
                ..default_params()
            },
            StakingParams {
                slash_bps: [MAX_SLASH_BPS + 1, 0, 0],
                ..default_params()
            },
            StakingParams {
                stake_multiplier: 0,
                ..default_params()
            },
            StakingParams {
                max_strikes: 0,
                ..default_params()
            },
            StakingParams {
                unbonding_secs: -1,
                ..default_params()
            },
            StakingParams {
                worker_min_stake: 0,
                ..default_params()
            },
            StakingParams {
                min_price_per_ibm_usd_micros: 0,
                ..default_params()
            },
        ] {
            assert!(broken.validate().is_err(), "{broken:?}");
        }
    }
}
