//! `inferix`, the command line of node holders and operators: buy a license, register and stake
//! a node, claim and withdraw rewards, sell a license back, watch a node and an epoch; and
//! `inferix migrate` for the deployment. Every command is a function over any
//! [`Chain`](inferix_sdk::client::Chain) — a JSON-RPC node in the binary, the embedded bank in
//! the tests and the main job — returning a [`Report`](output::Report) printed for people or as
//! JSON (`--json`).

pub mod buyback;
pub mod config;
pub mod deployment;
pub mod error;
pub mod holder;
pub mod migrate;
pub mod network;
pub mod output;
pub mod rewards;

use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;
use clap::{Parser, Subcommand};
use inferix_sdk::client::Chain;
use inferix_sdk::instructions::Referral;
use inferix_sdk::keypair::read_keypair_file;
use inferix_sdk::node_staking::instructions::UpdateNodeArgs;
use solana_signer::Signer;

use crate::deployment::{Cluster, Deployment};
use crate::error::CliError;
use crate::output::{parse_amount, Report};

#[derive(Parser, Debug)]
#[command(
    name = "inferix",
    version,
    about = "Inferix node holders' and operators' command line"
)]
pub struct Cli {
    /// JSON-RPC URL (default: json_rpc_url of the Solana CLI config, then mainnet-beta).
    #[arg(long, short = 'u', global = true)]
    pub url: Option<String>,
    /// Wallet keypair file (default: keypair_path of the Solana CLI config).
    #[arg(long, short = 'k', global = true)]
    pub keypair: Option<PathBuf>,
    /// Solana CLI config file (default: ~/.config/solana/cli/config.yml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The IFX price account, when the deployment prices IFX with a Pyth feed.
    #[arg(long, global = true)]
    pub ifx_price_account: Option<Pubkey>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// License NFTs.
    #[command(subcommand)]
    License(LicenseCommand),
    /// The node bound to a license.
    #[command(subcommand)]
    Node(NodeCommand),
    /// Stake IFX on your node.
    Stake {
        #[arg(long)]
        license: Pubkey,
        /// IFX, e.g. 172.8
        #[arg(long)]
        amount: String,
    },
    /// Start unbonding IFX from your node.
    Unstake {
        #[arg(long)]
        license: Pubkey,
        #[arg(long)]
        amount: String,
    },
    /// Withdraw every unbonded ticket.
    Withdraw {
        #[arg(long)]
        license: Pubkey,
    },
    /// Claim the node's rewards of every finalized, unclaimed epoch (batched; run again to resume).
    Claim {
        #[arg(long)]
        license: Pubkey,
        /// Only this epoch.
        #[arg(long)]
        epoch: Option<u32>,
        /// Epochs per transaction at most (fewer when they do not fit).
        #[arg(long, default_value_t = 4)]
        batch: usize,
    },
    /// Reward vesting.
    #[command(subcommand)]
    Vesting(VestingCommand),
    /// The guaranteed buyback.
    #[command(subcommand)]
    Buyback(BuybackCommand),
    /// A node's stake vs S(n), activity, participation, unbonding, pending and vesting rewards.
    Status {
        #[arg(long)]
        license: Pubkey,
        /// Whose vesting to show (default: the keypair's wallet).
        #[arg(long)]
        wallet: Option<Pubkey>,
    },
    /// An epoch's workers ranked by verified IBM.
    Leaderboard {
        /// Default: the current epoch.
        #[arg(long)]
        epoch: Option<u32>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Create every config account from a deployment TOML and a cluster file (idempotent).
    Migrate {
        #[arg(long, default_value = "migrations/deployment.toml")]
        deployment: PathBuf,
        #[arg(long)]
        cluster: PathBuf,
        /// Print what would be created; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LicenseCommand {
    /// A sale's windows and tiers: prices, supply, sales, the open tier.
    Sale {
        /// worker or verifier
        #[arg(long, value_parser = parse_kind)]
        kind: inferix_sdk::node_license::state::LicenseKind,
    },
    /// Buy one license.
    Buy {
        /// worker or verifier
        #[arg(long, value_parser = parse_kind)]
        kind: inferix_sdk::node_license::state::LicenseKind,
        /// Tier number (1-based), as the sale shows it.
        #[arg(long)]
        tier: u8,
        /// A user code: the referrer's wallet (with --referrer-license).
        #[arg(long, requires = "referrer_license", conflicts_with = "partner_code")]
        referrer: Option<Pubkey>,
        /// A user code: the license the referrer holds.
        #[arg(long, requires = "referrer")]
        referrer_license: Option<Pubkey>,
        /// A partner (KOL) code.
        #[arg(long)]
        partner_code: Option<String>,
        /// The whitelist proof file issued for your wallet (whitelist window).
        #[arg(long)]
        whitelist_proof: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum NodeCommand {
    /// Register a node on a license you hold.
    Register {
        #[arg(long)]
        license: Pubkey,
        /// USD per IBM a worker charges (e.g. 0.04); verifiers give 0.
        #[arg(long)]
        price_per_ibm: String,
        /// The operator key that signs the node's attestations (default: the owner).
        #[arg(long)]
        operator: Option<Pubkey>,
    },
    /// Become the owner of the node of a license you now hold (its former owner's stake
    /// unbonds to them).
    TakeOver {
        #[arg(long)]
        license: Pubkey,
    },
    /// Change the operator, the price, or leave / rejoin the active set.
    Set {
        #[arg(long)]
        license: Pubkey,
        #[arg(long)]
        operator: Option<Pubkey>,
        #[arg(long)]
        price_per_ibm: Option<String>,
        /// Leave the active set (to unstake below S(n)).
        #[arg(long, conflicts_with = "activate")]
        deactivate: bool,
        /// Rejoin the active set.
        #[arg(long)]
        activate: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum VestingCommand {
    /// Withdraw what has vested of every epoch's rewards.
    Withdraw {
        #[arg(long, default_value_t = 4)]
        batch: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum BuybackCommand {
    /// Eligibility, window and both payouts now.
    Quote {
        #[arg(long)]
        license: Pubkey,
        /// The Pyth ETH/USD PriceUpdateV2 account (to quote the wETH option).
        #[arg(long)]
        eth_price_account: Option<Pubkey>,
    },
    /// Sell the license back.
    Sell {
        #[arg(long)]
        license: Pubkey,
        #[arg(long, value_enum)]
        option: buyback::BuybackOption,
        /// Refuse to receive less (base units; default: the quote).
        #[arg(long)]
        min_out: Option<u64>,
        #[arg(long)]
        eth_price_account: Option<Pubkey>,
    },
    /// Withdraw the IFX vested so far of a license sold back for IFX.
    Withdraw {
        #[arg(long)]
        license: Pubkey,
    },
}

fn parse_kind(text: &str) -> Result<inferix_sdk::node_license::state::LicenseKind, String> {
    use inferix_sdk::node_license::state::LicenseKind;
    match text {
        "worker" => Ok(LicenseKind::Worker),
        "verifier" => Ok(LicenseKind::Verifier),
        _ => Err(format!(
            "'{text}' is not a license kind: give worker or verifier"
        )),
    }
}

const USD_DECIMALS: u8 = 6;

/// Runs one parsed command against `chain`, signing with the wallet at `keypair_path`.
pub async fn execute(
    chain: &mut impl Chain,
    cli: &Cli,
    keypair_path: &std::path::Path,
) -> Result<Report, CliError> {
    let wallet = || read_keypair_file(keypair_path).map_err(CliError::from);
    let price = cli.ifx_price_account;
    match &cli.command {
        Command::License(LicenseCommand::Buy {
            kind,
            tier,
            referrer,
            referrer_license,
            partner_code,
            whitelist_proof,
        }) => {
            let referral = match (referrer, referrer_license, partner_code) {
                (Some(referrer), Some(license_mint), _) => Referral::User {
                    referrer: *referrer,
                    license_mint: *license_mint,
                },
                (_, _, Some(code)) => {
                    let partner: inferix_sdk::node_license::state::PartnerCode =
                        inferix_sdk::accounts::fetch(chain, &inferix_sdk::pda::partner_code(code))
                            .await?
                            .ok_or_else(|| {
                                CliError::new(
                                    format!("there is no partner code '{code}'"),
                                    "check the code's spelling (codes are case-sensitive)",
                                )
                            })?;
                    Referral::Partner {
                        code: code.clone(),
                        receiver: partner.receiver,
                    }
                }
                _ => Referral::None,
            };
            let whitelist = whitelist_proof
                .as_deref()
                .map(holder::read_whitelist_proof)
                .transpose()?;
            holder::buy_license(chain, &wallet()?, *kind, *tier, &referral, whitelist).await
        }
        Command::License(LicenseCommand::Sale { kind }) => holder::sale_info(chain, *kind).await,
        Command::Node(NodeCommand::TakeOver { license }) => {
            holder::take_over(chain, &wallet()?, license).await
        }
        Command::Node(NodeCommand::Register {
            license,
            price_per_ibm,
            operator,
        }) => {
            let price_micros = parse_amount(price_per_ibm, USD_DECIMALS, "USD price per IBM")?;
            holder::register_node(chain, &wallet()?, license, *operator, price_micros).await
        }
        Command::Node(NodeCommand::Set {
            license,
            operator,
            price_per_ibm,
            deactivate,
            activate,
        }) => {
            let args = UpdateNodeArgs {
                operator: *operator,
                price_per_ibm_usd_micros: price_per_ibm
                    .as_deref()
                    .map(|p| parse_amount(p, USD_DECIMALS, "USD price per IBM"))
                    .transpose()?,
                deactivated: match (deactivate, activate) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
            };
            holder::update_node(chain, &wallet()?, license, args, price).await
        }
        Command::Stake { license, amount } => {
            let wallet = wallet()?;
            let config = network::staking_config(chain).await?;
            let amount = parse_amount(amount, config.ifx_decimals, "IFX amount")?;
            holder::stake(chain, &wallet, license, amount, price).await
        }
        Command::Unstake { license, amount } => {
            let wallet = wallet()?;
            let config = network::staking_config(chain).await?;
            let amount = parse_amount(amount, config.ifx_decimals, "IFX amount")?;
            holder::unstake(chain, &wallet, license, amount, price).await
        }
        Command::Withdraw { license } => holder::withdraw(chain, &wallet()?, license).await,
        Command::Claim {
            license,
            epoch,
            batch,
        } => rewards::claim(chain, &wallet()?, license, *epoch, (*batch).max(1)).await,
        Command::Vesting(VestingCommand::Withdraw { batch }) => {
            rewards::withdraw_vested(chain, &wallet()?, (*batch).max(1)).await
        }
        Command::Buyback(BuybackCommand::Quote {
            license,
            eth_price_account,
        }) => buyback::quote(chain, license, price, *eth_price_account).await,
        Command::Buyback(BuybackCommand::Sell {
            license,
            option,
            min_out,
            eth_price_account,
        }) => {
            buyback::sell(
                chain,
                &wallet()?,
                license,
                *option,
                *min_out,
                price,
                *eth_price_account,
            )
            .await
        }
        Command::Buyback(BuybackCommand::Withdraw { license }) => {
            buyback::withdraw(chain, &wallet()?, license).await
        }
        Command::Status {
            license,
            wallet: who,
        } => {
            let who = match who {
                Some(w) => *w,
                None => wallet()?.pubkey(),
            };
            holder::status(chain, &who, license).await
        }
        Command::Leaderboard { epoch, limit } => rewards::leaderboard(chain, *epoch, *limit).await,
        Command::Migrate {
            deployment,
            cluster,
            dry_run,
        } => {
            let deployment = Deployment::load(deployment)?;
            let cluster = Cluster::load(cluster)?;
            migrate::migrate(chain, &deployment, &cluster, &wallet()?, *dry_run).await
        }
    }
}
