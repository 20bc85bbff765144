//! A deployed Inferix network on the embedded bank, driven the way people drive a real one:
//! wallets with keypair files, a cluster file, `inferix migrate` and the `inferix` CLI. The
//! `inferix-localnet` server deploys it with the local profile before serving it; the scripted
//! main job and the CLI tests drive it in-process.

use std::path::{Path, PathBuf};

use anchor_lang::prelude::Pubkey;
use clap::Parser;
use inferix_cli::deployment::Deployment;
use inferix_cli::error::CliError;
use inferix_cli::output::Report;
use inferix_cli::Cli;
use inferix_sdk::client::Chain;
use inferix_sdk::keypair::write_keypair_file;
use inferix_sdk::{admin, pda};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::bank::Bank;
use crate::rpc::FaucetMint;

/// How often the price authority pushes IFX/USD when a profile does not say.
const DEFAULT_PRICE_PUSH_SECS: u64 = 20;

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

    pub fn write(name: &'static str, keypair: Keypair, out: &Path) -> Self {
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
        let profile = Profile::parse(&format!(
            "[rewards]\nmin_participation_minutes = {min_participation_minutes}\n\
             [localnet]\nbuyback_opens_after_secs = {buyback_in_secs}\n"
        ))
        .expect("a valid profile");
        Self::with_profile(Bank::start().await, out, &profile).await
    }

    /// The network on `bank`, its deployment `migrations/deployment.toml` with `profile` laid
    /// over it.
    pub async fn with_profile(mut bank: Bank, out: &Path, profile: &Profile) -> Self {
        std::fs::create_dir_all(out).expect("creating the output folder");
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
        let text = std::fs::read_to_string(Deployment::default_path())
            .expect("migrations/deployment.toml");
        let deployment_file = out.join("deployment.toml");
        std::fs::write(&deployment_file, profile.apply(&text)).expect("writing the deployment");
        let net = Self {
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
        let buyback_start = start_ts + profile.buyback_opens_after_secs;
        let cluster = cluster_toml(&net, buyback_start, &treasuries);
        std::fs::write(&net.cluster_file, cluster).expect("writing the cluster file");
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
        let push = ifx_price_push(&self.price_authority.pubkey());
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

/// The price authority's push of IFX/USD at [`IFX_PRICE`].
pub fn ifx_price_push(price_authority: &Pubkey) -> solana_instruction::Instruction {
    admin::push_price(price_authority, IFX_PRICE.0, IFX_PRICE.1, IFX_PRICE.2)
}

/// What the faucet (`inferixFaucet`) hands out: IFX and the USD stablecoin, up to a million
/// tokens a request (generous for tests, bounded so a typo cannot overflow a balance).
pub fn faucet_mints(ifx_mint: Pubkey, usd_mint: Pubkey) -> Vec<FaucetMint> {
    vec![
        FaucetMint {
            symbol: "IFX".into(),
            mint: ifx_mint,
            decimals: IFX_DECIMALS,
            max_per_request: 1_000_000 * IFX,
        },
        FaucetMint {
            symbol: "USDC".into(),
            mint: usd_mint,
            decimals: USD_DECIMALS,
            max_per_request: 1_000_000 * 10u64.pow(u32::from(USD_DECIMALS)),
        },
    ]
}

/// A profile laid over `migrations/deployment.toml` (`migrations/profiles/local.toml` for the
/// local cluster): its tables replace the deployment's values key by key; its `[localnet]` table
/// is the cluster's own.
#[derive(Clone, Debug)]
pub struct Profile {
    overrides: toml::Table,
    /// Every sale's whitelist phase, when the profile shortens it.
    pub whitelist_duration_secs: Option<i64>,
    pub buyback_opens_after_secs: i64,
    pub price_push_interval_secs: u64,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LocalnetSection {
    whitelist_duration_secs: Option<i64>,
    #[serde(default)]
    buyback_opens_after_secs: i64,
    price_push_interval_secs: Option<u64>,
}

impl Profile {
    pub fn local_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/profiles/local.toml")
    }

    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::new(
                format!("reading {}: {e}", path.display()),
                "name a profile file",
            )
        })?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, CliError> {
        let bad = |e: String| {
            CliError::new(
                format!("ProfileInvalid: {e}"),
                "see migrations/profiles/local.toml",
            )
        };
        let mut overrides: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        let section: LocalnetSection = match overrides.remove("localnet") {
            Some(value) => value
                .try_into()
                .map_err(|e: toml::de::Error| bad(e.to_string()))?,
            None => LocalnetSection::default(),
        };
        Ok(Self {
            overrides,
            whitelist_duration_secs: section.whitelist_duration_secs,
            buyback_opens_after_secs: section.buyback_opens_after_secs,
            price_push_interval_secs: section
                .price_push_interval_secs
                .unwrap_or(DEFAULT_PRICE_PUSH_SECS),
        })
    }

    /// The deployment `text` with this profile laid over it.
    pub fn apply(&self, text: &str) -> String {
        let mut deployment: toml::Table = text.parse().expect("deployment.toml parses");
        merge(&mut deployment, &self.overrides);
        if let Some(secs) = self.whitelist_duration_secs {
            let sales = deployment
                .get_mut("license")
                .and_then(|license| license.get_mut("sales"))
                .and_then(toml::Value::as_array_mut);
            for sale in sales.into_iter().flatten() {
                if let Some(sale) = sale.as_table_mut() {
                    sale.insert("whitelist_duration_secs".into(), toml::Value::Integer(secs));
                }
            }
        }
        toml::to_string(&deployment).expect("a deployment serializes")
    }
}

/// Lays `overrides` over `base`, table by table.
fn merge(base: &mut toml::Table, overrides: &toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => merge(inner, over),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
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
