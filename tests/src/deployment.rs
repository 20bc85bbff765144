//! The deployment TOML (`migrations/deployment.toml`): the license program's parameters and the
//! Inferix sales, turned into the program's arguments.

use crate::license::{SaleParams, USD};
use node_license::instructions::InitializeConfigArgs;
use node_license::state::{LicenseKind, SaleSchedule, TierParams};
use serde::Deserialize;
use solana_pubkey::Pubkey;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub license: LicenseDeployment,
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

impl Deployment {
    /// The defaults shipped in `migrations/deployment.toml`.
    pub fn default_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/deployment.toml")
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
    }

    pub fn sale(&self, kind: Kind) -> Option<&SaleDeployment> {
        self.license.sales.iter().find(|s| s.kind == kind)
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

impl SaleDeployment {
    /// The sale opening its whitelist window at `start`, paid in a stablecoin of
    /// `payment_token_program` with `payment_decimals`.
    pub fn sale_params(
        &self,
        start: i64,
        payment_token_program: Pubkey,
        payment_decimals: u8,
    ) -> SaleParams {
        let whitelist_end = start + self.whitelist_duration_secs;
        SaleParams {
            kind: match self.kind {
                Kind::Worker => LicenseKind::Worker,
                Kind::Verifier => LicenseKind::Verifier,
            },
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
            payment_token_program,
            payment_decimals,
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
