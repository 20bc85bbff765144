//! `inferix-localnet`: the Inferix local cluster (SPEC §11). Serves the Solana JSON-RPC API
//! over HTTP (`--rpc-port`, 8899) and WebSocket (`--ws-port`, 8900) on the embedded bank with
//! the four Inferix programs and the SPL programs. On a first start it deploys the network with
//! the local profile (`migrations/profiles/local.toml`): test mints, keys, the cluster file,
//! `inferix migrate`, funded reward and buyback vaults. The price authority then pushes the IFX
//! price periodically. `--ledger DIR` keeps accounts and history across restarts.

#![allow(deprecated)]

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use clap::Parser;
use inferix_cli::deployment::{Cluster as ClusterFile, Kind};
use inferix_localnet::bank::Bank;
use inferix_localnet::ledger::Ledger;
use inferix_localnet::network::{faucet_mints, ifx_price_push, LocalNet, Profile};
use inferix_localnet::rpc::{Cluster, RpcServer};
use inferix_localnet::PROGRAMS;
use inferix_sdk::keypair::read_keypair_file;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[derive(Parser)]
#[command(
    version,
    about = "The Inferix local cluster: Solana JSON-RPC over the embedded bank"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// HTTP JSON-RPC port (0: any free port).
    #[arg(long, default_value_t = 8899)]
    rpc_port: u16,
    /// WebSocket (PubSub) port (0: any free port).
    #[arg(long, default_value_t = 8900)]
    ws_port: u16,
    /// Keep accounts and transaction history in DIR: a restart resumes the network. Without it
    /// the network lives in memory.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Folder for the keys, the deployment and the cluster file when there is no ledger.
    #[arg(long, default_value = ".localnet")]
    out: PathBuf,
    /// The profile laid over migrations/deployment.toml.
    #[arg(long)]
    profile: Option<PathBuf>,
}

/// What the running cluster needs of the deployed network.
struct Network {
    folder: PathBuf,
    ifx_mint: Pubkey,
    usd_mint: Pubkey,
    price_authority: Keypair,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("inferix-localnet: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let profile_path = args.profile.clone().unwrap_or_else(Profile::local_path);
    let profile = Profile::load(&profile_path).map_err(|e| e.to_string())?;
    let (cluster, network, resumed) = match &args.ledger {
        Some(folder) => {
            let (ledger, resumed) = Ledger::open(folder, &PROGRAMS)
                .await
                .map_err(|e| e.to_string())?;
            if resumed {
                let (cluster, network) = resume(ledger, folder).await?;
                (cluster, network, true)
            } else {
                let (cluster, network) = deploy(ledger, folder, &profile).await?;
                (cluster, network, false)
            }
        }
        None => {
            let ledger = Ledger::in_memory(&PROGRAMS)
                .await
                .map_err(|e| e.to_string())?;
            let (cluster, network) = deploy(ledger, &args.out, &profile).await?;
            (cluster, network, false)
        }
    };
    cluster.set_faucet_mints(faucet_mints(network.ifx_mint, network.usd_mint));
    let server = RpcServer::serve(
        cluster.clone(),
        SocketAddr::new(args.bind, args.rpc_port),
        SocketAddr::new(args.bind, args.ws_port),
    )
    .await
    .map_err(|e| format!("listening on {}: {e}", args.bind))?;
    let pusher = tokio::spawn(push_prices(
        cluster.clone(),
        network.price_authority.insecure_clone(),
        Duration::from_secs(profile.price_push_interval_secs.max(1)),
    ));
    print_banner(&server, &network, &args, resumed);
    wait_for_stop().await;
    pusher.abort();
    server.stop();
    cluster.checkpoint().await.map_err(|e| e.to_string())?;
    println!("inferix-localnet: stopped");
    Ok(())
}

/// A first start: the network deployed with `profile` on a new bank, kept in `ledger`.
async fn deploy(
    ledger: Ledger,
    folder: &Path,
    profile: &Profile,
) -> Result<(Arc<Cluster>, Network), String> {
    println!("inferix-localnet: deploying the network (local profile)…");
    let mut net = LocalNet::with_profile(Bank::start().await, folder, profile).await;
    net.verbose = false;
    net.deploy().await;
    let network = Network {
        folder: folder.to_path_buf(),
        ifx_mint: net.ifx_mint,
        usd_mint: net.usd_mint,
        price_authority: net.price_authority.keypair.insecure_clone(),
    };
    let cluster = Cluster::new(net.bank, ledger, 0);
    cluster.checkpoint().await.map_err(|e| e.to_string())?;
    Ok((cluster, network))
}

/// A restart: the bank rebuilt from the ledger in `folder`, with the keys and cluster file
/// the first start wrote there.
async fn resume(ledger: Ledger, folder: &Path) -> Result<(Arc<Cluster>, Network), String> {
    let state = ledger
        .cluster_state()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the ledger has no cluster state")?;
    let key = |bytes: &[u8]| Keypair::try_from(bytes).map_err(|e| format!("LedgerCorrupt: {e}"));
    let mut bank = Bank::start_with(key(&state.deployer)?, key(&state.faucet)?).await;
    let accounts = ledger.accounts().await.map_err(|e| e.to_string())?;
    println!(
        "inferix-localnet: resuming the ledger in {} ({} accounts, slot {})",
        folder.display(),
        accounts.len(),
        state.slot
    );
    bank.restore(accounts, state.slot).await;
    let cluster_file =
        ClusterFile::load(&folder.join("cluster.toml")).map_err(|e| e.to_string())?;
    let usd_mint = cluster_file
        .sale(Kind::Worker)
        .ok_or("the cluster file has no worker sale")?
        .payment_mint;
    let price_authority = read_keypair_file(&folder.join("keys/price-authority.json"))
        .map_err(|e| format!("the price authority's key: {e}"))?;
    let network = Network {
        folder: folder.to_path_buf(),
        ifx_mint: cluster_file.ifx_mint,
        usd_mint,
        price_authority,
    };
    Ok((Cluster::new(bank, ledger, state.clock_offset_secs), network))
}

/// The price authority pushes IFX/USD every `interval` (the programs refuse stale prices).
async fn push_prices(cluster: Arc<Cluster>, authority: Keypair, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        let push = ifx_price_push(&authority.pubkey());
        let blockhash = cluster.latest_blockhash().await;
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &[push],
            Some(&authority.pubkey()),
            &[&authority],
            blockhash,
        );
        if let Err(e) = cluster.submit(tx.into(), false).await {
            eprintln!(
                "inferix-localnet: pushing the IFX price failed: {}",
                e.message()
            );
        }
    }
}

fn print_banner(server: &RpcServer, network: &Network, args: &Args, resumed: bool) {
    let folder = network.folder.display();
    println!(
        "inferix-localnet: {}",
        if resumed { "resumed" } else { "ready" }
    );
    println!("  RPC URL        {}", server.url());
    println!("  WebSocket URL  {}", server.ws_url());
    for (name, id) in [
        "node-license",
        "node-staking",
        "epoch-rewards",
        "buyback-vault",
    ]
    .iter()
    .zip(PROGRAMS)
    {
        println!("  program        {name:<14} {id}");
    }
    println!("  IFX mint       {}", network.ifx_mint);
    println!("  USDC mint      {}", network.usd_mint);
    println!("  cluster file   {folder}/cluster.toml");
    println!("  keys           {folder}/keys (admin, price-authority, manager)");
    match &args.ledger {
        Some(ledger) => println!("  ledger         {}", ledger.display()),
        None => println!("  ledger         in memory (--ledger DIR keeps the network)"),
    }
    println!("  faucet         requestAirdrop (SOL); inferixFaucet [wallet, \"IFX\"|\"USDC\", base units]");
    println!("  clock          inferixWarpClock [seconds] moves the clock forward");
}

async fn wait_for_stop() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
