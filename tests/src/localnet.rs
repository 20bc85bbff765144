//! A deployed Inferix network on the embedded bank, driven the way people drive a real one:
//! wallets with keypair files, a cluster file, `inferix migrate` and the `inferix` CLI. The main
//! job (`inferix-localnet`) and the CLI tests share it.

use std::path::{Path, PathBuf};

use anchor_lang::prelude::Pubkey;
use clap::Parser;
use inferix_cli::deployment::Deployment;
use inferix_cli::error::CliError;
use inferix_cli::output::Report;
use inferix_cli::Cli;
use inferix_sdk::client::Chain;
use inferix_sdk::keypair::write_keypair_file;
use inferix_sdk::node_staking::instructions::BenchmarkArgs;
use inferix_sdk::{admin, instructions, pda};
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Cosigner};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::bank::Bank;

pub const IFX_DECIMALS: u8 = 9;
pub const USD_DECIMALS: u8 = 6;
pub const WETH_DECIMALS: u8 = 8;
pub const IFX: u64 = 1_000_000_000;
/// IFX at $0.05, as the price authority pushes it (Pyth has no IFX feed here).
pub const IFX_PRICE: (i64, u64, i32) = (5_000_000, 0, -8);

/// A participant: a wallet and its keypair file, as the CLI reads it.
pub struct Wallet {
    pub name: &'static str,
    pub keypair: Keypair,
    pub file: PathBuf,
}

impl Wallet {
    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    fn write(name: &'static str, keypair: Keypair, out: &Path) -> Self {
        let file = out.join("keys").join(format!("{name}.json"));
        let _ = std::fs::remove_file(&file);
        write_keypair_file(&keypair, &file).expect("writing a keypair file");
        Self {
            name,
            keypair,
            file,
        }
    }
}

/// The bank with its mints, keys and files; the configs exist once `migrate` ran.
pub struct LocalNet {
    pub bank: Bank,
    pub out: PathBuf,
    pub ifx_mint: Pubkey,
    pub usd_mint: Pubkey,
    pub weth_mint: Pubkey,
    /// The programs' upgrade authority, who runs the migrations.
    pub admin: Wallet,
    pub price_authority: Wallet,
    /// The job manager's key, which co-signs every attestation, benchmark and violation
    /// (SPEC §10) — until the manager daemon holds it.
    pub manager: Wallet,
    /// Sales open and epoch 0 starts here.
    pub start_ts: i64,
    pub deployment: Deployment,
    pub deployment_file: PathBuf,
    pub cluster_file: PathBuf,
    /// Whether `inferix` commands print themselves and their reports.
    pub verbose: bool,
}

/// The cluster file of this bank, as an operator writes one for a real cluster.
fn cluster_toml(net: &LocalNet, buyback_window_start: i64, treasuries: &[Pubkey]) -> String {
    let token = anchor_spl::token::ID;
    format!(
        r#"# The embedded bank's cluster: mints, keys and times made by the local network.
start_ts = {start}
buyback_window_start = {buyback_window_start}
ifx_mint = "{ifx}"
ifx_token_program = "{token}"
ifx_decimals = {IFX_DECIMALS}
weth_mint = "{weth}"
weth_token_program = "{token}"
eth_feed_id = "ff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace"
pause_guardian = "{guardian}"
price_authority = "{price_authority}"
managers = ["{manager}"]
buyback_treasury = "{buyback_treasury}"

[[sales]]
kind = "worker"
payment_mint = "{usd}"
payment_token_program = "{token}"
treasury = "{worker_treasury}"

[[sales]]
kind = "verifier"
payment_mint = "{usd}"
payment_token_program = "{token}"
treasury = "{verifier_treasury}"
"#,
        start = net.start_ts,
        ifx = net.ifx_mint,
        weth = net.weth_mint,
        usd = net.usd_mint,
        guardian = net.admin.pubkey(),
        price_authority = net.price_authority.pubkey(),
        manager = net.manager.pubkey(),
        buyback_treasury = treasuries[2],
        worker_treasury = treasuries[0],
        verifier_treasury = treasuries[1],
    )
}

impl LocalNet {
    /// A bank with the IFX, USD-stablecoin and wETH mints, the admin and price-authority
    /// keypairs, and in `out` the cluster file and the deployment (`migrations/deployment.toml`
    /// with `min_participation_minutes` set to `min_participation_minutes`). The buyback window
    /// opens `buyback_in_secs` after the start.
    pub async fn new(out: &Path, min_participation_minutes: u32, buyback_in_secs: i64) -> Self {
        std::fs::create_dir_all(out).expect("creating the output folder");
        let mut bank = Bank::start().await;
        let token = anchor_spl::token::ID;
        let ifx_mint = bank.create_mint(&token, IFX_DECIMALS).await;
        let usd_mint = bank.create_mint(&token, USD_DECIMALS).await;
        let weth_mint = bank.create_mint(&token, WETH_DECIMALS).await;
        let admin = Wallet::write("admin", bank.deployer.insecure_clone(), out);
        let price_authority = Wallet::write("price-authority", bank.new_wallet(10).await, out);
        let manager = Wallet::write("manager", bank.new_wallet(10).await, out);
        let mut treasuries = vec![];
        for _ in 0..3 {
            let owner = Keypair::new().pubkey();
            treasuries.push(bank.ata(&owner, &usd_mint, &token).await);
        }
        let start_ts = bank.now().await;
        let source = Deployment::default_path();
        let text = std::fs::read_to_string(&source).expect("migrations/deployment.toml");
        let text = text.replace(
            "min_participation_minutes = 720",
            &format!("min_participation_minutes = {min_participation_minutes}"),
        );
        let deployment_file = out.join("deployment.toml");
        std::fs::write(&deployment_file, &text).expect("writing the deployment");
        let mut net = Self {
            bank,
            out: out.to_path_buf(),
            ifx_mint,
            usd_mint,
            weth_mint,
            admin,
            price_authority,
            manager,
            start_ts,
            deployment: Deployment::load(&deployment_file).expect("the deployment parses"),
            deployment_file,
            cluster_file: out.join("cluster.toml"),
            verbose: true,
        };
        let cluster = cluster_toml(&net, start_ts + buyback_in_secs, &treasuries);
        std::fs::write(&net.cluster_file, cluster).expect("writing the cluster file");
        net.verbose = true;
        net
    }

    /// The arguments of `inferix migrate` for this network.
    pub fn migrate_args(&self) -> Vec<String> {
        vec![
            "migrate".into(),
            "--deployment".into(),
            self.deployment_file.display().to_string(),
            "--cluster".into(),
            self.cluster_file.display().to_string(),
        ]
    }

    /// Runs the migrations, then [`Self::fund`].
    pub async fn deploy(&mut self) -> Report {
        let admin = self.admin.file.clone();
        let args = self.migrate_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let report = self.run(&admin, &args).await.expect("migrating");
        self.fund().await;
        report
    }

    /// After the migrations: the price authority pushes the IFX price and the Ecosystem Fund
    /// puts 1,000,000 IFX in the reward vault and 100,000 IFX in the buyback vault.
    pub async fn fund(&mut self) {
        self.push_price().await;
        let token = anchor_spl::token::ID;
        let mint = self.ifx_mint;
        self.bank
            .mint_to(&mint, &token, &pda::reward_vault(), 1_000_000 * IFX)
            .await;
        self.bank
            .mint_to(&mint, &token, &pda::buyback_ifx_vault(), 100_000 * IFX)
            .await;
    }

    /// A new wallet with 10 SOL, 1,000 USD and `ifx` IFX, and its keypair file.
    pub async fn wallet(&mut self, name: &'static str, ifx: u64) -> Wallet {
        let wallet = Wallet::write(name, self.bank.new_wallet(10).await, &self.out);
        let token = anchor_spl::token::ID;
        let (usd, ifx_mint) = (self.usd_mint, self.ifx_mint);
        self.bank
            .fund_tokens(&wallet.pubkey(), &usd, &token, 1_000 * 1_000_000)
            .await;
        if ifx > 0 {
            self.bank
                .fund_tokens(&wallet.pubkey(), &ifx_mint, &token, ifx)
                .await;
        }
        wallet
    }

    /// Runs `inferix --keypair <keypair_file> ARGS` on the bank, exactly as the binary parses it.
    pub async fn run(&mut self, keypair_file: &Path, args: &[&str]) -> Result<Report, CliError> {
        let mut argv = vec!["inferix", "--keypair"];
        let keypair = keypair_file.display().to_string();
        argv.push(&keypair);
        argv.extend_from_slice(args);
        let cli =
            Cli::try_parse_from(argv).map_err(|e| CliError::new(e.to_string(), "see --help"))?;
        inferix_cli::execute(&mut self.bank, &cli, keypair_file).await
    }

    /// Runs an `inferix` command as `who`, printing it and its report when verbose.
    pub async fn inferix(&mut self, who: &Wallet, args: &[&str]) -> Result<Report, CliError> {
        if self.verbose {
            println!("  {} $ inferix {}", who.name, args.join(" "));
        }
        let result = self.run(&who.file, args).await;
        if let (true, Ok(report)) = (self.verbose, &result) {
            for line in &report.lines {
                println!("      {line}");
            }
        }
        result
    }

    /// The price authority pushes IFX/USD at $0.05 (prices older than a minute are refused).
    pub async fn push_price(&mut self) {
        let push = admin::push_price(
            &self.price_authority.pubkey(),
            IFX_PRICE.0,
            IFX_PRICE.1,
            IFX_PRICE.2,
        );
        let authority = self.price_authority.keypair.insecure_clone();
        Chain::send(&mut self.bank, &[push], &authority, &[])
            .await
            .expect("pushing the IFX price");
    }

    pub async fn ifx_balance(&mut self, owner: &Pubkey) -> u64 {
        let account = pda::associated_token(owner, &self.ifx_mint, &anchor_spl::token::ID);
        self.bank.token_balance(&account).await
    }

    pub async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64) {
        let mint = self.ifx_mint;
        self.bank
            .fund_tokens(owner, &mint, &anchor_spl::token::ID, amount)
            .await;
    }

    /// Moves the clock into the sales' public window.
    pub async fn open_public_sale(&mut self) {
        let whitelist = self.deployment.license.sales[0].whitelist_duration_secs;
        self.bank.set_time(self.start_ts + whitelist).await;
    }
}

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

impl LocalNet {
    /// Buys a license of `kind` (`worker` or `verifier`) in tier 1 as `who`; returns its mint.
    pub async fn buy_license(
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
    pub async fn verifier(&mut self, name: &'static str) -> Result<Verifier, CliError> {
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

    /// `open_verifier_epoch`, paid by the verifier.
    pub async fn open_verifier_epoch(
        &mut self,
        verifier: &Wallet,
        node: &Pubkey,
        epoch: u32,
    ) -> Result<(), CliError> {
        let open = instructions::open_verifier_epoch(&verifier.pubkey(), node, epoch);
        Chain::send(&mut self.bank, &[open], &verifier.keypair, &[]).await?;
        Ok(())
    }

    /// A `Benchmark` of `ib_micros` for `node` signed by the manager and `verifiers`, submitted
    /// by `payer`.
    pub async fn benchmark(
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

    /// A `PorAttestation` of `records` (the node's whole work in `epoch` so far) signed by the
    /// manager and `verifiers`, paid and signed by the node's operator.
    #[allow(clippy::too_many_arguments)]
    pub async fn attest(
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

/// An IFX amount as the CLI takes it.
pub fn ifx_text(amount: u64) -> String {
    inferix_cli::output::tokens(amount, IFX_DECIMALS)
}

/// A string field of a command's JSON report.
pub fn json_str(report: &Report, field: &str) -> String {
    report.json[field]
        .as_str()
        .unwrap_or_else(|| panic!("the report has no '{field}': {}", report.json))
        .to_string()
}
