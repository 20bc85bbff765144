//! The network's participants as the tests and the main job drive them: verifiers, benchmarks
//! and attestations signed with the worker's chain code — on the embedded bank in-process
//! ([`LocalNet`], from `inferix_localnet::network`) or over JSON-RPC
//! ([`RpcNet`](crate::rpcnet::RpcNet)), the same flows either way.

use anchor_lang::prelude::Pubkey;
use inferix_cli::deployment::Deployment;
use inferix_cli::error::CliError;
use inferix_cli::output::Report;
use inferix_sdk::client::Chain;
use inferix_sdk::node_staking::instructions::BenchmarkArgs;
use inferix_sdk::node_staking::state::Node;
use inferix_sdk::{instructions, pda};
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Cosigner};
use solana_instruction::Instruction;
use solana_keypair::Keypair;

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

/// A worker node taking part: its holder's wallet (also its operator key), licence and node.
pub struct Worker {
    pub wallet: Wallet,
    pub license: Pubkey,
    pub node: Pubkey,
}

/// What the tests and the main job do on a network beyond the CLI, built on a few primitives
/// each network provides.
#[allow(async_fn_in_trait)]
pub trait Participants {
    /// Runs an `inferix` command as `who`.
    async fn inferix(&mut self, who: &Wallet, args: &[&str]) -> Result<Report, CliError>;
    /// A new wallet with 10 SOL, 1,000 USD and `ifx` IFX, and its keypair file.
    async fn wallet(&mut self, name: &'static str, ifx: u64) -> Wallet;
    /// Signs `instructions` with `payer` (the fee payer) and sends them.
    async fn send(&mut self, instructions: &[Instruction], payer: &Keypair)
        -> Result<(), CliError>;
    /// The cluster's clock, Unix seconds.
    async fn now(&mut self) -> i64;
    /// The price authority pushes IFX/USD at $0.05.
    async fn push_price(&mut self);
    /// Mints `amount` IFX base units to `owner`'s IFX account.
    async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64);
    /// The job manager's key (SPEC §10), which co-signs benchmarks and attestations.
    fn manager(&self) -> &Keypair;
    fn deployment(&self) -> &Deployment;
    /// The node's S(n), as its last benchmark set it.
    async fn required_stake(&mut self, node: &Pubkey) -> u64;

    /// Buys a license of `kind` (`worker` or `verifier`) in tier 1 as `who`; returns its mint.
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

    /// A verifier through the CLI: buys its license, registers, stakes the minimum and opens its
    /// credit account of epoch 0.
    async fn verifier(&mut self, name: &'static str) -> Result<Verifier, CliError> {
        let minimum = self.deployment().staking.verifier_min_stake;
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
        let amount = ifx_text(minimum);
        self.inferix(
            &wallet,
            &["stake", "--license", &license, "--amount", &amount],
        )
        .await?;
        let node = pda::node(&license.parse().expect("a mint address"));
        self.open_verifier_epoch(&wallet, &node, 0).await?;
        Ok(Verifier { wallet, node })
    }

    /// A worker through the CLI: buys its licence, registers at $0.04 per IBM, is benchmarked
    /// at `ib_micros` by the manager and `verifiers`, and stakes S(n).
    async fn worker(
        &mut self,
        name: &'static str,
        ib_micros: u64,
        verifiers: &[Verifier],
    ) -> Result<Worker, CliError> {
        let wallet = self.wallet(name, 0).await;
        let license = self.buy_license(&wallet, "worker", &[]).await?;
        let mint = license.to_string();
        self.inferix(
            &wallet,
            &[
                "node",
                "register",
                "--license",
                &mint,
                "--price-per-ibm",
                "0.04",
            ],
        )
        .await?;
        let node = pda::node(&license);
        self.benchmark(&wallet, &node, ib_micros, [3; 32], verifiers)
            .await?;
        let required = self.required_stake(&node).await;
        self.fund_ifx(&wallet.pubkey(), required).await;
        let amount = ifx_text(required);
        self.inferix(&wallet, &["stake", "--license", &mint, "--amount", &amount])
            .await?;
        Ok(Worker {
            wallet,
            license,
            node,
        })
    }

    /// `open_verifier_epoch`, paid by the verifier.
    async fn open_verifier_epoch(
        &mut self,
        verifier: &Wallet,
        node: &Pubkey,
        epoch: u32,
    ) -> Result<(), CliError> {
        let open = instructions::open_verifier_epoch(&verifier.pubkey(), node, epoch);
        self.send(&[open], &verifier.keypair).await
    }

    /// A `Benchmark` of `ib_micros` for `node` signed by the manager and `verifiers`, submitted
    /// by `payer`.
    async fn benchmark(
        &mut self,
        payer: &Wallet,
        node: &Pubkey,
        ib_micros: u64,
        scene_set_hash: [u8; 32],
        verifiers: &[Verifier],
    ) -> Result<(), CliError> {
        self.push_price().await;
        let issued_at = self.now().await;
        let cosigners: Vec<Cosigner> = verifiers.iter().map(Verifier::cosigner).collect();
        let instructions = chain::benchmark_instructions(
            node,
            &pda::pushed_price(),
            BenchmarkArgs {
                ib_micros,
                scene_set_hash,
                issued_at,
            },
            self.manager(),
            &cosigners,
        );
        self.send(&instructions, &payer.keypair).await
    }

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
    ) -> Result<(), CliError> {
        let issued_at = self.now().await;
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
            self.manager(),
            &cosigners,
        );
        self.send(&instructions, &operator.keypair).await
    }
}

impl Participants for LocalNet {
    async fn inferix(&mut self, who: &Wallet, args: &[&str]) -> Result<Report, CliError> {
        LocalNet::inferix(self, who, args).await
    }

    async fn wallet(&mut self, name: &'static str, ifx: u64) -> Wallet {
        LocalNet::wallet(self, name, ifx).await
    }

    async fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
    ) -> Result<(), CliError> {
        Chain::send(&mut self.bank, instructions, payer, &[]).await?;
        Ok(())
    }

    async fn now(&mut self) -> i64 {
        self.bank.now().await
    }

    async fn push_price(&mut self) {
        LocalNet::push_price(self).await
    }

    async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64) {
        LocalNet::fund_ifx(self, owner, amount).await
    }

    async fn required_stake(&mut self, node: &Pubkey) -> u64 {
        self.bank.anchor_account::<Node>(node).await.required_stake
    }

    fn manager(&self) -> &Keypair {
        &self.manager.keypair
    }

    fn deployment(&self) -> &Deployment {
        &self.deployment
    }
}
