//! The deployment TOML (`migrations/deployment.toml`): every program's parameters and the
//! Inferix sales; and the cluster file naming the mints, feeds and keys of one cluster. Together
//! they give every config account's arguments.

use anchor_lang::prelude::Pubkey;
use inferix_common::price::PriceRules;
use inferix_sdk::buyback_vault::state::{BuybackParams, IfxPriceSource};
use inferix_sdk::epoch_rewards::state::RewardsParams;
use inferix_sdk::node_license::instructions::{InitializeConfigArgs, InitializeSaleArgs};
use inferix_sdk::node_license::state::{LicenseKind, SaleSchedule, TierParams};
use inferix_sdk::node_staking::state::{PriceSource, StakingParams};
use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Micro-USD in one USD.
pub const USD: u64 = 1_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub license: LicenseDeployment,
    pub staking: StakingDeployment,
    pub rewards: RewardsDeployment,
    pub buyback: BuybackDeployment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseDeployment {
    pub lock_duration_secs: i64,
    pub user_code_discount_bps: u16,
    pub user_code_commission_bps: u16,
    pub sales: Vec<SaleDeployment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaleDeployment {
    pub kind: Kind,
    pub whitelist_duration_secs: i64,
    pub public_duration_secs: i64,
    pub airdrop_allocation: u32,
    pub metadata_uri: String,
    pub tiers: Vec<TierDeployment>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Worker,
    Verifier,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct TierDeployment {
    /// Whole USD.
    pub price_usd: u64,
    pub supply: u32,
    pub whitelist_allocation: u32,
    pub wallet_cap: u32,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct StakingDeployment {
    pub stake_multiplier: u16,
    pub epoch_minutes: u32,
    /// IFX base units.
    pub verifier_min_stake: u64,
    /// IFX base units: S(n) is never below it.
    pub worker_min_stake: u64,
    /// The lowest price per IBM a worker may set, micro-USD.
    pub min_price_per_ibm_usd_micros: u64,
    pub unbonding_secs: i64,
    pub max_ib_update_micros: u64,
    pub quorum: u8,
    /// Per violation kind: PoR fraud, liveness, benchmark fraud.
    pub slash_bps: [u16; 3],
    pub appeal_window_secs: i64,
    pub max_strikes: u8,
    pub max_message_age_secs: i64,
    pub price_max_age_secs: i64,
    pub price_max_conf_bps: u16,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RewardsDeployment {
    pub epoch_length_secs: i64,
    /// IFX base units per IBM.
    pub emission_per_ibm: u64,
    pub worker_epoch_cap: u64,
    pub verifier_epoch_cap: u64,
    pub grace_secs: i64,
    pub quorum: u8,
    pub max_attestation_age_secs: i64,
    pub min_attestation_interval_secs: i64,
    pub immediate_bps: u16,
    pub vesting_secs: i64,
    pub min_participation_minutes: u32,
    /// How long finalization of an epoch the reward vault cannot cover waits for funding.
    pub funding_timeout_secs: i64,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct BuybackDeployment {
    pub window_secs: i64,
    pub ifx_payout_bps: u16,
    pub ifx_vesting_secs: i64,
    pub weth_payout_bps: u16,
    pub price_max_age_secs: i64,
    pub price_max_conf_bps: u16,
}

/// One cluster's addresses and times (a file beside the deployment TOML; the main job makes
/// its own on the embedded bank).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// The sales' whitelist windows open and epoch 0 starts here (Unix seconds).
    pub start_ts: i64,
    /// The buyback window opens here (TGE + 6 months).
    pub buyback_window_start: i64,
    #[serde(with = "pubkey")]
    pub ifx_mint: Pubkey,
    #[serde(with = "pubkey")]
    pub ifx_token_program: Pubkey,
    pub ifx_decimals: u8,
    /// Hex Pyth feed id of IFX/USD; without one the price authority pushes the price.
    #[serde(default)]
    pub ifx_feed_id: Option<String>,
    #[serde(with = "pubkey")]
    pub weth_mint: Pubkey,
    #[serde(with = "pubkey")]
    pub weth_token_program: Pubkey,
    /// Hex Pyth feed id of ETH/USD.
    pub eth_feed_id: String,
    #[serde(with = "pubkey")]
    pub pause_guardian: Pubkey,
    #[serde(with = "pubkey")]
    pub price_authority: Pubkey,
    /// One to four manager keys: one of them co-signs every attestation, benchmark and
    /// violation (SPEC §10).
    #[serde(with = "pubkeys")]
    pub managers: Vec<Pubkey>,
    #[serde(with = "pubkey")]
    pub buyback_treasury: Pubkey,
    pub sales: Vec<ClusterSale>,
}

/// The stablecoin a sale is paid in and its treasury token account.
#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct ClusterSale {
    pub kind: Kind,
    #[serde(with = "pubkey")]
    pub payment_mint: Pubkey,
    #[serde(with = "pubkey")]
    pub payment_token_program: Pubkey,
    #[serde(with = "pubkey")]
    pub treasury: Pubkey,
}

mod pubkey {
    use anchor_lang::prelude::Pubkey;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Pubkey, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a base58 address")))
    }
}

mod pubkeys {
    use anchor_lang::prelude::Pubkey;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Pubkey>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| {
                text.parse().map_err(|_| {
                    serde::de::Error::custom(format!("'{text}' is not a base58 address"))
                })
            })
            .collect()
    }
}

fn load_toml<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            format!("cannot read the {what} {}: {e}", path.display()),
            format!("pass the path of your {what}"),
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        CliError::new(
            format!("the {what} {} is invalid: {e}", path.display()),
            "fix the field named above (see migrations/README.md)",
        )
    })
}

/// A 32-byte feed id in hex.
pub fn parse_feed_id(hex: &str) -> Result<[u8; 32], CliError> {
    let hex = hex.trim_start_matches("0x");
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    bytes
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            CliError::new(
                format!("'{hex}' is not a 32-byte hex Pyth feed id"),
                "copy the feed id from Pyth's price feed list (64 hex digits)",
            )
        })
}

impl Cluster {
    pub fn load(path: &Path) -> Result<Self, CliError> {
        load_toml(path, "cluster file")
    }

    pub fn sale(&self, kind: Kind) -> Option<&ClusterSale> {
        self.sales.iter().find(|s| s.kind == kind)
    }
}

impl Deployment {
    /// The defaults shipped in `migrations/deployment.toml`.
    pub fn default_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/deployment.toml")
    }

    pub fn load(path: &Path) -> Result<Self, CliError> {
        load_toml(path, "deployment file")
    }

    pub fn sale(&self, kind: Kind) -> Option<&SaleDeployment> {
        self.license.sales.iter().find(|s| s.kind == kind)
    }
}

impl StakingDeployment {
    pub fn params(&self, cluster: &Cluster) -> Result<StakingParams, CliError> {
        Ok(StakingParams {
            stake_multiplier: self.stake_multiplier,
            epoch_minutes: self.epoch_minutes,
            verifier_min_stake: self.verifier_min_stake,
            worker_min_stake: self.worker_min_stake,
            min_price_per_ibm_usd_micros: self.min_price_per_ibm_usd_micros,
            unbonding_secs: self.unbonding_secs,
            max_ib_update_micros: self.max_ib_update_micros,
            quorum: self.quorum,
            slash_bps: self.slash_bps,
            appeal_window_secs: self.appeal_window_secs,
            max_strikes: self.max_strikes,
            max_message_age_secs: self.max_message_age_secs,
            price_source: match &cluster.ifx_feed_id {
                Some(hex) => PriceSource::Pyth {
                    feed_id: parse_feed_id(hex)?,
                },
                None => PriceSource::Pushed,
            },
            price_rules: PriceRules {
                max_age_secs: self.price_max_age_secs,
                max_conf_bps: self.price_max_conf_bps,
            },
            price_authority: cluster.price_authority,
            // Released penalties flow to the verifiers through the rewards program.
            verifier_pool: inferix_sdk::pda::penalty_inflow(),
        })
    }
}

impl RewardsDeployment {
    pub fn params(&self) -> RewardsParams {
        RewardsParams {
            emission_per_ibm: self.emission_per_ibm,
            worker_epoch_cap: self.worker_epoch_cap,
            verifier_epoch_cap: self.verifier_epoch_cap,
            grace_secs: self.grace_secs,
            quorum: self.quorum,
            max_attestation_age_secs: self.max_attestation_age_secs,
            min_attestation_interval_secs: self.min_attestation_interval_secs,
            immediate_bps: self.immediate_bps,
            vesting_secs: self.vesting_secs,
            min_participation_minutes: self.min_participation_minutes,
            funding_timeout_secs: self.funding_timeout_secs,
        }
    }
}

impl BuybackDeployment {
    pub fn params(&self, cluster: &Cluster) -> Result<BuybackParams, CliError> {
        Ok(BuybackParams {
            window_start: cluster.buyback_window_start,
            window_secs: self.window_secs,
            ifx_payout_bps: self.ifx_payout_bps,
            ifx_vesting_secs: self.ifx_vesting_secs,
            weth_payout_bps: self.weth_payout_bps,
            ifx_price_source: match &cluster.ifx_feed_id {
                Some(hex) => IfxPriceSource::Pyth {
                    feed_id: parse_feed_id(hex)?,
                },
                None => IfxPriceSource::StakingPushed,
            },
            eth_feed_id: parse_feed_id(&cluster.eth_feed_id)?,
            price_rules: PriceRules {
                max_age_secs: self.price_max_age_secs,
                max_conf_bps: self.price_max_conf_bps,
            },
        })
    }
}

impl LicenseDeployment {
    pub fn config_args(
        &self,
        pause_guardian: Pubkey,
        buyback_authority: Pubkey,
    ) -> InitializeConfigArgs {
        InitializeConfigArgs {
            pause_guardian,
            buyback_authority,
            lock_duration_secs: self.lock_duration_secs,
            user_code_discount_bps: self.user_code_discount_bps,
            user_code_commission_bps: self.user_code_commission_bps,
        }
    }
}

impl Kind {
    pub fn license_kind(self) -> LicenseKind {
        match self {
            Kind::Worker => LicenseKind::Worker,
            Kind::Verifier => LicenseKind::Verifier,
        }
    }
}

impl SaleDeployment {
    /// The sale opening its whitelist window at `start`.
    pub fn sale_args(&self, start: i64) -> InitializeSaleArgs {
        let whitelist_end = start + self.whitelist_duration_secs;
        InitializeSaleArgs {
            kind: self.kind.license_kind(),
            schedule: SaleSchedule {
                whitelist_start: start,
                whitelist_end,
                public_start: whitelist_end,
                public_end: whitelist_end + self.public_duration_secs,
            },
            tiers: self
                .tiers
                .iter()
                .map(|t| TierParams {
                    price_usd: t.price_usd * USD,
                    supply: t.supply,
                    whitelist_allocation: t.whitelist_allocation,
                    wallet_cap: t.wallet_cap,
                })
                .collect(),
            airdrop_allocation: self.airdrop_allocation,
            metadata_uri: self.metadata_uri.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_reproduce_the_inferix_sales() {
        let deployment = Deployment::load(&Deployment::default_path()).unwrap();
        for (kind, total, caps) in [
            (Kind::Worker, 100_000, [10, 20, 25, 30]),
            (Kind::Verifier, 25_000, [5, 10, 15, 20]),
        ] {
            let sale = deployment.sale(kind).unwrap();
            assert_eq!(sale.tiers.len(), 30);
            assert_eq!(
                sale.tiers.iter().map(|t| t.supply as u64).sum::<u64>(),
                total
            );
            for (i, t) in sale.tiers.iter().enumerate() {
                assert_eq!(t.price_usd, 300 + 50 * i as u64, "tier {} price", i + 1);
                assert!(t.whitelist_allocation <= t.supply);
            }
            assert_eq!(
                [
                    sale.tiers[0].wallet_cap,
                    sale.tiers[1].wallet_cap,
                    sale.tiers[2].wallet_cap,
                    sale.tiers[7].wallet_cap
                ],
                caps
            );
            assert_eq!(sale.tiers[8].wallet_cap, 0, "no cap from tier 9");
        }
        let verifier = deployment.sale(Kind::Verifier).unwrap();
        let allocations: Vec<u32> = verifier.tiers[..8]
            .iter()
            .map(|t| t.whitelist_allocation)
            .collect();
        assert_eq!(allocations, [250, 275, 300, 325, 350, 375, 400, 425]);
        assert_eq!(deployment.license.lock_duration_secs, 365 * 86_400);
    }
}
