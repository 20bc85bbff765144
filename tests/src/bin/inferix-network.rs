//! The main job: the Inferix network as separate processes on 127.0.0.1, each holding only its
//! own key — `inferix-localnet` (the chain over JSON-RPC), `inferix-manager`, three
//! `inferix-verifier-daemon`s and an `inferix-worker-daemon`. Nodes are registered and staked
//! with the `inferix` CLI over RPC; the manager benchmarks the worker; a customer submits
//! jobs; the worker is killed once mid-job and restarted; the frames are verified by the
//! committee, written to a folder and attested on chain; the clock is warped past the epoch
//! and everyone claims with the CLI. Every step is printed; everything started is stopped.
//!
//! `inferix-network [--out DIR] [--frame WIDTHxHEIGHT] [--spp N]`

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::Parser;
use inferix_node_api::chain_view::ChainView;
use inferix_sdk::epoch_rewards::state::NodeEpoch;
use inferix_sdk::keypair::write_keypair_file;
use inferix_sdk::pda;
use inferix_tests::daemons::{
    binary, free_port, issue_token, node_config, write_manager_config, Customer, Daemon,
};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_types::request::RpcRequest;
use solana_signer::Signer;

type Failure = Box<dyn std::error::Error>;

/// The daemons ask the manager for work this often (the product's default is 1,000 ms; the
/// main job asks more often to finish sooner).
const POLL_INTERVAL_MS: u64 = 300;

#[derive(Parser)]
struct Args {
    /// Folder for the frames, keys, configs, databases and logs.
    #[arg(long, default_value = "network-out")]
    out: PathBuf,
    #[arg(long, default_value = "192x144", value_parser = inferix_tests::parse_frame_size)]
    frame: (u32, u32),
    #[arg(long, default_value_t = 32)]
    spp: u32,
}

/// A participant: a keypair file the CLI and its daemon read.
struct Party {
    name: String,
    file: PathBuf,
    key: Keypair,
}

struct Cluster {
    url: String,
    rpc: RpcClient,
    out: PathBuf,
}

impl Cluster {
    async fn custom<T: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        params: Value,
    ) -> Result<T, Failure> {
        Ok(self.rpc.send(RpcRequest::Custom { method }, params).await?)
    }

    /// A funded wallet: 10 SOL, 1,000 USDC, `ifx` base units of IFX.
    async fn party(&self, name: &str, ifx: u64) -> Result<Party, Failure> {
        let key = Keypair::new();
        let file = self.out.join("keys").join(format!("{name}.json"));
        write_keypair_file(&key, &file)?;
        let airdrop = self
            .rpc
            .request_airdrop(&key.pubkey(), 10_000_000_000)
            .await?;
        self.rpc.poll_for_signature(&airdrop).await?;
        let _: String = self
            .custom(
                "inferixFaucet",
                json!([key.pubkey().to_string(), "USDC", 1_000_000_000u64]),
            )
            .await?;
        if ifx > 0 {
            let _: String = self
                .custom(
                    "inferixFaucet",
                    json!([key.pubkey().to_string(), "IFX", ifx]),
                )
                .await?;
        }
        Ok(Party {
            name: name.into(),
            file,
            key,
        })
    }

    /// `inferix --url … --keypair … --json ARGS`, the binary a holder runs.
    fn inferix(&self, who: &Party, args: &[&str]) -> Result<Value, Failure> {
        let output = Command::new(binary("inferix"))
            .args([
                "--url",
                &self.url,
                "--keypair",
                &who.file.display().to_string(),
                "--json",
            ])
            .args(args)
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "inferix {} ({}): {}{}",
                args.join(" "),
                who.name,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(serde_json::from_slice(&output.stdout)?)
    }

    async fn tally(
        &self,
        node: &solana_pubkey::Pubkey,
        epoch: u32,
    ) -> Result<Option<NodeEpoch>, Failure> {
        let account = self
            .rpc
            .get_account_with_commitment(&pda::node_epoch(epoch, node), Default::default())
            .await?
            .value;
        Ok(account
            .map(|a| anchor_lang::AccountDeserialize::try_deserialize(&mut a.data.as_slice()))
            .transpose()?)
    }
}

fn ifx(base_units: u64) -> String {
    inferix_cli::output::tokens(base_units, 9)
}

async fn wait<F, Fut>(what: &str, timeout: Duration, mut done: F) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Failure>>,
{
    let started = Instant::now();
    while !done().await? {
        if started.elapsed() > timeout {
            return Err(format!("timed out after {timeout:?} waiting until {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(())
}

async fn run(args: Args) -> Result<(), Failure> {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let out = std::path::absolute(&args.out)?;
    let _ = std::fs::remove_dir_all(&out);
    for folder in ["keys", "frames", "logs"] {
        std::fs::create_dir_all(out.join(folder))?;
    }
    let logs = out.join("logs");
    let (width, height) = args.frame;
    println!("Inferix network — every role its own process on 127.0.0.1, each holding only its own key\n");

    println!("1. the chain: inferix-localnet (JSON-RPC, local profile: 10-minute epochs)");
    let mut localnet = Daemon::start(
        "localnet",
        &binary("inferix-localnet"),
        &[
            "--rpc-port".into(),
            free_port().to_string(),
            "--ws-port".into(),
            free_port().to_string(),
            "--out".into(),
            out.join("localnet").display().to_string(),
        ],
        &logs,
    );
    let cluster = Cluster {
        url: localnet.url.clone(),
        rpc: RpcClient::new(localnet.url.clone()),
        out: out.clone(),
    };
    println!("  RPC {} (log {})", cluster.url, localnet.log.display());

    println!("\n2. nodes registered and staked with the inferix CLI over RPC");
    let deployment = inferix_cli::deployment::Deployment::load(
        &inferix_cli::deployment::Deployment::default_path(),
    )?;
    let verifier_stake = deployment.staking.verifier_min_stake;
    let mut verifiers = vec![];
    for i in 1..=3 {
        let party = cluster
            .party(&format!("verifier-{i}"), verifier_stake)
            .await?;
        let mint = cluster.inferix(
            &party,
            &["license", "buy", "--kind", "verifier", "--tier", "1"],
        )?["license_mint"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let node = cluster.inferix(
            &party,
            &[
                "node",
                "register",
                "--license",
                &mint,
                "--price-per-ibm",
                "0",
            ],
        )?["node"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        cluster.inferix(
            &party,
            &[
                "stake",
                "--license",
                &mint,
                "--amount",
                &ifx(verifier_stake),
            ],
        )?;
        println!(
            "  {}: licence {mint}, node {node}, staked {} IFX",
            party.name,
            ifx(verifier_stake)
        );
        verifiers.push((party, mint, node));
    }
    let worker = cluster.party("worker", 0).await?;
    let worker_mint = cluster.inferix(
        &worker,
        &["license", "buy", "--kind", "worker", "--tier", "1"],
    )?["license_mint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let worker_node = cluster.inferix(
        &worker,
        &[
            "node",
            "register",
            "--license",
            &worker_mint,
            "--price-per-ibm",
            "0.04",
        ],
    )?["node"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    println!("  worker: licence {worker_mint}, node {worker_node}, $0.04 per IBM; no IB yet, so no stake yet");

    println!("\n3. the manager and the daemons");
    let manager_config = write_manager_config(
        &out,
        free_port(),
        &cluster.url,
        &out.join("localnet/keys/manager.json"),
        "manager.sqlite",
        20,
        2,
    );
    let token = issue_token(&manager_config, "studio");
    let mut manager = Daemon::start(
        "manager",
        &binary("inferix-manager"),
        &[
            "serve".into(),
            "--config".into(),
            manager_config.display().to_string(),
        ],
        &logs,
    );
    println!(
        "  manager {} (its key: localnet/keys/manager.json; customer token issued to 'studio')",
        manager.url
    );
    let mut verifier_daemons = vec![];
    for (party, _, node) in &verifiers {
        let config = node_config(
            &out,
            &party.name,
            &manager.url,
            &cluster.url,
            &party.file,
            &node.parse()?,
            POLL_INTERVAL_MS,
        );
        let daemon = Daemon::start(
            &party.name,
            &binary("inferix-verifier-daemon"),
            &["--config".into(), config.display().to_string()],
            &logs,
        );
        println!(
            "  {} daemon: /health and /metrics on {}",
            party.name, daemon.url
        );
        verifier_daemons.push(daemon);
    }
    let worker_config = node_config(
        &out,
        "worker",
        &manager.url,
        &cluster.url,
        &worker.file,
        &worker_node.parse()?,
        POLL_INTERVAL_MS,
    );
    let mut worker_daemon = Daemon::start(
        "worker",
        &binary("inferix-worker-daemon"),
        &["--config".into(), worker_config.display().to_string()],
        &logs,
    );
    println!(
        "  worker daemon: /health and /metrics on {}",
        worker_daemon.url
    );

    println!("\n4. the worker's benchmark, run by the manager");
    let started = Instant::now();
    let mut status = Value::Null;
    wait("the worker has an IB", Duration::from_secs(600), || {
        status = cluster
            .inferix(&worker, &["status", "--license", &worker_mint])
            .unwrap_or_default();
        let ib = status["ib_micros"].as_u64().unwrap_or(0);
        async move { Ok(ib > 0) }
    })
    .await?;
    let ib = status["ib_micros"].as_u64().unwrap_or(0);
    println!(
        "  the benchmark set leased to the worker alone, timed lease to result, checked by its committee, co-signed through the relay: IB {}.{:06} ({:.0} s)",
        ib / 1_000_000,
        ib % 1_000_000,
        started.elapsed().as_secs_f64()
    );
    let required = status["required_stake"].as_u64().unwrap_or(0);
    let _: String = cluster
        .custom(
            "inferixFaucet",
            json!([worker.key.pubkey().to_string(), "IFX", required]),
        )
        .await?;
    let staked = cluster.inferix(
        &worker,
        &[
            "stake",
            "--license",
            &worker_mint,
            "--amount",
            &ifx(required),
        ],
    )?;
    println!(
        "  staked S(n) = {} IFX: status {}",
        ifx(required),
        staked["status"]
    );

    println!(
        "\n5. a customer's jobs ({width}×{height} at {} spp)",
        args.spp
    );
    let customer = Customer::new(&manager.url, &token);
    let mut jobs = vec![];
    for scene in ["cornell-box", "material-spheres", "neon-night"] {
        let job = customer
            .submit(scene, width, height, args.spp)
            .await
            .map_err(|(s, e)| format!("{s} {}: {}", e.error, e.message))?;
        jobs.push((scene.to_string(), job.job_id, Instant::now()));
    }
    let duck = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/scenes/Duck/Duck.glb");
    if let Ok(bytes) = std::fs::read(&duck) {
        let uploaded = customer
            .upload(bytes)
            .await
            .map_err(|(s, e)| format!("{s} {}: {}", e.error, e.message))?;
        let job = customer
            .submit(&uploaded.scene, width, height, args.spp)
            .await
            .map_err(|(s, e)| format!("{s} {}: {}", e.error, e.message))?;
        println!(
            "  uploaded shared/scenes/Duck/Duck.glb as {} ({} triangles)",
            uploaded.scene, uploaded.triangles
        );
        jobs.push(("Duck.glb".into(), job.job_id, Instant::now()));
    }
    println!(
        "  {} jobs queued; the manager placed each job's PoR noise with its secret",
        jobs.len()
    );
    // Killed the moment one of the customer's jobs is out on lease, mid-render.
    let mut killed = None;
    let started = Instant::now();
    while killed.is_none() && started.elapsed() < Duration::from_secs(300) {
        for (scene, id, _) in &jobs {
            if customer.job(id).await.status == "leased" {
                worker_daemon.kill9();
                killed = Some(scene.clone());
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let killed = killed.ok_or("no job was ever leased")?;
    println!("  the worker was killed (SIGKILL) while rendering {killed}; its lease will expire and the job go back to the queue");
    tokio::time::sleep(Duration::from_secs(2)).await;
    worker_daemon.restart();
    println!("  the worker restarted from its database");
    let frames = out.join("frames");
    let mut latencies = vec![];
    for (scene, id, submitted) in &jobs {
        wait(
            "every job is verified",
            Duration::from_secs(900),
            || async { Ok(customer.job(id).await.status == "verified") },
        )
        .await?;
        let status = customer.job(id).await;
        let png = customer
            .frame(id)
            .await
            .map_err(|(s, e)| format!("{s} {}", e.error))?;
        let file = frames.join(format!("{scene}-{}.png", &id[..8]));
        std::fs::write(&file, png)?;
        latencies.push(submitted.elapsed().as_secs_f64());
        println!(
            "  {scene}: verified by the committee after {} lease(s), {:.1} s after submission → {}",
            status.attempts,
            submitted.elapsed().as_secs_f64(),
            file.display()
        );
    }

    println!("\n6. attested on chain by the worker, co-signed by the manager and its committee");
    let node: solana_pubkey::Pubkey = worker_node.parse()?;
    let mut total = 0;
    let mut epoch = 0;
    for (_, id, _) in &jobs {
        let status = customer.job(id).await;
        total += status.ibm_micros;
        epoch = status.epoch.unwrap_or(0);
    }
    let attest_started = Instant::now();
    wait(
        "the attestation lands",
        Duration::from_secs(300),
        || async {
            Ok(cluster
                .tally(&node, epoch)
                .await?
                .is_some_and(|t| t.cumulative_ibm_micros >= total))
        },
    )
    .await?;
    let tally = cluster.tally(&node, epoch).await?.ok_or("no tally")?;
    println!(
        "  epoch {epoch}: {} jobs, {}.{:06} IBM credited to the worker ({:.1} s after the last frame was verified)",
        tally.jobs_verified,
        tally.cumulative_ibm_micros / 1_000_000,
        tally.cumulative_ibm_micros % 1_000_000,
        attest_started.elapsed().as_secs_f64()
    );
    cluster.inferix(&worker, &["leaderboard", "--epoch", &epoch.to_string()])?;

    println!("\n7. the epoch ends; its grace passes; claims with the CLI");
    let chain = ChainView::new(&cluster.url);
    let config = chain.rewards_config().await?;
    let (_, end) = config.schedule.bounds(epoch)?;
    let now = chain.now().await?;
    let warped: i64 = cluster
        .custom(
            "inferixWarpClock",
            json!([end + config.params.grace_secs + 1 - now]),
        )
        .await?;
    println!("  inferixWarpClock: the cluster's clock is now {warped}");
    let claim = cluster.inferix(&worker, &["claim", "--license", &worker_mint])?;
    println!(
        "  worker: {} IFX paid now, {} IFX vesting (epochs {})",
        ifx(claim["paid"].as_u64().unwrap_or(0)),
        ifx(claim["vesting"].as_u64().unwrap_or(0)),
        claim["claimed"]
    );
    for (party, mint, _) in &verifiers {
        let claim = cluster.inferix(party, &["claim", "--license", mint])?;
        println!(
            "  {}: {} IFX paid now, {} IFX vesting",
            party.name,
            ifx(claim["paid"].as_u64().unwrap_or(0)),
            ifx(claim["vesting"].as_u64().unwrap_or(0))
        );
    }

    println!("\n8. figures");
    let manager_cpu = manager.cpu_seconds();
    let render_ms: f64 = {
        let mut conn = inferix_tests::daemons::connect(&inferix_tests::daemons::sqlite_url(
            &out.join("worker.sqlite"),
        ))
        .await;
        sqlx::query_scalar::<_, f64>(
            "SELECT COALESCE(SUM(render_ms), 0.0) FROM leases WHERE status = 'uploaded'",
        )
        .fetch_one(&mut conn)
        .await?
    };
    println!(
        "  manager CPU {:.2} s for {} jobs and a benchmark of 3 frames; the worker rendered {:.1} s of frames",
        manager_cpu,
        jobs.len(),
        render_ms / 1e3
    );
    println!(
        "  submission → verified: {:.1} s median; peak memory: manager {:.0} MiB, worker {:.0} MiB, verifiers {}",
        median(&mut latencies),
        manager.peak_rss_mib(),
        worker_daemon.peak_rss_mib(),
        verifier_daemons.iter().map(|d| format!("{:.0} MiB", d.peak_rss_mib())).collect::<Vec<_>>().join(", ")
    );

    println!("\n9. stopping everything (SIGTERM)");
    worker_daemon.terminate();
    for daemon in &mut verifier_daemons {
        daemon.terminate();
    }
    manager.terminate();
    localnet.terminate();
    println!(
        "\ndone: frames in {}, keys, configs, databases and logs in {}",
        frames.display(),
        out.display()
    );
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
