//! The network's participants as the tests and the main job drive them: verifiers, benchmarks
//! and attestations signed with the worker's chain code. The network itself is
//! `inferix_localnet::network`.

use anchor_lang::prelude::Pubkey;
use inferix_cli::error::CliError;
use inferix_sdk::client::Chain;
use inferix_sdk::node_staking::instructions::BenchmarkArgs;
use inferix_sdk::{instructions, pda};
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Cosigner};

pub use inferix_localnet::network::*;

/// A verifier taking part: its wallet (which is also its operator key) and its node.
pub struct Verifier {
    pub wallet: Wallet,
    pub node: Pubkey,
}

impl Verifier {
    pub fn cosigner(&self) -> Cosigner<'_> {
        Cosigner {
            node: self.node,
            operator: &self.wallet.keypair,
        }
    }
}

/// What the tests and the main job do on a [`LocalNet`] beyond the CLI.
#[allow(async_fn_in_trait)]
pub trait Participants {
    /// Buys a license of `kind` (`worker` or `verifier`) in tier 1 as `who`; returns its mint.
    async fn buy_license(
        &mut self,
        who: &Wallet,
        kind: &str,
        extra: &[&str],
    ) -> Result<Pubkey, CliError>;
    /// A verifier through the CLI: buys its license, registers, stakes the minimum and opens its
    /// credit account of epoch 0.
    async fn verifier(&mut self, name: &'static str) -> Result<Verifier, CliError>;
    /// `open_verifier_epoch`, paid by the verifier.
    async fn open_verifier_epoch(
        &mut self,
        verifier: &Wallet,
        node: &Pubkey,
        epoch: u32,
    ) -> Result<(), CliError>;
    /// A `Benchmark` of `ib_micros` for `node` signed by the manager and `verifiers`, submitted
    /// by `payer`.
    async fn benchmark(
        &mut self,
        payer: &Wallet,
        node: &Pubkey,
        ib_micros: u64,
        scene_set_hash: [u8; 32],
        verifiers: &[Verifier],
    ) -> Result<(), CliError>;
    /// A `PorAttestation` of `records` (the node's whole work in `epoch` so far) signed by the
    /// manager and `verifiers`, paid and signed by the node's operator.
    #[allow(clippy::too_many_arguments)]
    async fn attest(
        &mut self,
        operator: &Wallet,
        node: &Pubkey,
        epoch: u32,
        seq: u32,
        ib_micros: u64,
        records: &[WorkRecord],
        verifiers: &[Verifier],
    ) -> Result<(), CliError>;
}

impl Participants for LocalNet {
    async fn buy_license(
        &mut self,
        who: &Wallet,
        kind: &str,
        extra: &[&str],
    ) -> Result<Pubkey, CliError> {
        let mut args = vec!["license", "buy", "--kind", kind, "--tier", "1"];
        args.extend_from_slice(extra);
        let report = self.inferix(who, &args).await?;
        Ok(json_str(&report, "license_mint")
            .parse()
            .expect("a mint address"))
    }

    async fn verifier(&mut self, name: &'static str) -> Result<Verifier, CliError> {
        let minimum = self.deployment.staking.verifier_min_stake;
        let wallet = self.wallet(name, minimum).await;
        let license = self
            .buy_license(&wallet, "verifier", &[])
            .await?
            .to_string();
        self.inferix(
            &wallet,
            &[
                "node",
                "register",
                "--license",
                &license,
                "--price-per-ibm",
                "0",
            ],
        )
        .await?;
        let amount = crate::localnet::ifx_text(minimum);
        self.inferix(
            &wallet,
            &["stake", "--license", &license, "--amount", &amount],
        )
        .await?;
        let node = pda::node(&license.parse().expect("a mint address"));
        self.open_verifier_epoch(&wallet, &node, 0).await?;
        Ok(Verifier { wallet, node })
    }

    async fn open_verifier_epoch(
        &mut self,
        verifier: &Wallet,
        node: &Pubkey,
        epoch: u32,
    ) -> Result<(), CliError> {
        let open = instructions::open_verifier_epoch(&verifier.pubkey(), node, epoch);
        Chain::send(&mut self.bank, &[open], &verifier.keypair, &[]).await?;
        Ok(())
    }

    async fn benchmark(
        &mut self,
        payer: &Wallet,
        node: &Pubkey,
        ib_micros: u64,
        scene_set_hash: [u8; 32],
        verifiers: &[Verifier],
    ) -> Result<(), CliError> {
        self.push_price().await;
        let issued_at = self.bank.now().await;
        let cosigners: Vec<Cosigner> = verifiers.iter().map(Verifier::cosigner).collect();
        let instructions = chain::benchmark_instructions(
            node,
            &pda::pushed_price(),
            BenchmarkArgs {
                ib_micros,
                scene_set_hash,
                issued_at,
            },
            &self.manager.keypair,
            &cosigners,
        );
        Chain::send(&mut self.bank, &instructions, &payer.keypair, &[]).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn attest(
        &mut self,
        operator: &Wallet,
        node: &Pubkey,
        epoch: u32,
        seq: u32,
        ib_micros: u64,
        records: &[WorkRecord],
        verifiers: &[Verifier],
    ) -> Result<(), CliError> {
        let issued_at = self.bank.now().await;
        let attestation = chain::attestation(
            *node,
            epoch,
            seq,
            ib_micros,
            records.iter().map(|r| r.ibm_micros).sum(),
            records.len() as u32,
            work_root(records),
            issued_at,
        );
        let cosigners: Vec<Cosigner> = verifiers.iter().map(Verifier::cosigner).collect();
        let instructions = chain::attestation_instructions(
            &operator.pubkey(),
            &attestation,
            &self.manager.keypair,
            &cosigners,
        );
        Chain::send(&mut self.bank, &instructions, &operator.keypair, &[]).await?;
        Ok(())
    }
}
