//! The main job: the whole Inferix network in-process on the embedded local bank, no validator.
//!
//! Deploys every config account with `inferix migrate` (from `migrations/deployment.toml`),
//! sells licenses (one bought with a user referral code), registers and stakes a worker and two
//! verifiers with the `inferix` CLI, renders real frames on the local adapter and proves them
//! with Proof of Rendering, submits the co-signed attestations, finalizes and claims the epoch,
//! and sells the worker's license back when the buyback window opens — printing each step with
//! its on-chain figures and writing the rendered frames to a folder it names.
//!
//! `inferix-localnet [--out DIR] [--frame WIDTHxHEIGHT] [--spp N]` (CI runs small frames).

#![allow(deprecated)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anchor_lang::prelude::Pubkey;
use clap::Parser;
use inferix_cli::deployment::Deployment;
use inferix_cli::output::{tokens, usd, Report};
use inferix_cli::Cli;
use inferix_sdk::client::Chain;
use inferix_sdk::keypair::write_keypair_file;
use inferix_sdk::node_staking::instructions::BenchmarkArgs;
use inferix_sdk::{admin, instructions, pda};
use inferix_tests::Bank;
use inferix_worker::bench::{scene_set_hash, BenchReference};
use inferix_worker::chain::work::{job_ibm_micros, unit_samples_per_minute, work_root, WorkRecord};
use inferix_worker::chain::{self, Cosigner};
use inferix_worker::frame::write_png_rgb8;
use inferix_worker::gpu::Gpu;
use inferix_worker::por::job::from_hex;
use inferix_worker::por::manager::create_job;
use inferix_worker::por::verify::{verify, VerifyInput, VerifyParams};
use inferix_worker::por::worker::render_job;
use inferix_worker::{RenderSettings, Renderer, Scene};
use solana_keypair::Keypair;
use solana_signer::Signer;

const IFX_DECIMALS: u8 = 9;
const USD_DECIMALS: u8 = 6;
const WETH_DECIMALS: u8 = 8;
const IFX: u64 = 1_000_000_000;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// IFX at $0.05, as the price authority pushes it (Pyth has no IFX feed here).
const IFX_PRICE: (i64, u64, i32) = (5_000_000, 0, -8);
/// The manager's secret for the noise placement: verifiers receive the keys, workers never.
const MANAGER_SECRET: &[u8] = b"localnet job manager secret (32)";

#[derive(Parser)]
struct Args {
    /// Folder for the rendered frames, the keypairs and the cluster file.
    #[arg(long, default_value = "localnet-out")]
    out: PathBuf,
    /// Frame size of the jobs.
    #[arg(long, default_value = "256x192", value_parser = parse_size)]
    frame: (u32, u32),
    /// Samples per pixel of the jobs.
    #[arg(long, default_value_t = 16)]
    spp: u32,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or_else(|| format!("'{text}' is not WIDTHxHEIGHT"))?;
    Ok((
        w.parse().map_err(|_| format!("bad width in '{text}'"))?,
        h.parse().map_err(|_| format!("bad height in '{text}'"))?,
    ))
}

/// A participant: a wallet with its keypair file, as the CLI reads it.
struct Wallet {
    name: &'static str,
    keypair: Keypair,
    file: PathBuf,
}

struct Net {
    bank: Bank,
    out: PathBuf,
    ifx_mint: Pubkey,
}

impl Net {
    async fn wallet(&mut self, name: &'static str) -> Result<Wallet, String> {
        let keypair = self.bank.new_wallet(10).await;
        let file = self.out.join("keys").join(format!("{name}.json"));
        let _ = std::fs::remove_file(&file);
        write_keypair_file(&keypair, &file).map_err(|e| e.to_string())?;
        Ok(Wallet {
            name,
            keypair,
            file,
        })
    }

    /// Runs an `inferix` command as `who`, exactly as the binary parses it, printing it and its
    /// report.
    async fn inferix(&mut self, who: &Wallet, args: &[&str]) -> Result<Report, String> {
        println!("  {} $ inferix {}", who.name, args.join(" "));
        let mut argv = vec!["inferix", "--keypair", who.file.to_str().ok_or("path")?];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        let report = inferix_cli::execute(&mut self.bank, &cli, &who.file)
            .await
            .map_err(|e| format!("inferix {}: {e}", args.join(" ")))?;
        for line in &report.lines {
            println!("      {line}");
        }
        Ok(report)
    }

    /// The price authority pushes IFX/USD at $0.05 (prices older than a minute are refused).
    async fn push_price(&mut self, price_authority: &Wallet) -> Result<(), String> {
        let push = admin::push_price(
            &price_authority.keypair.pubkey(),
            IFX_PRICE.0,
            IFX_PRICE.1,
            IFX_PRICE.2,
        );
        Chain::send(&mut self.bank, &[push], &price_authority.keypair, &[])
            .await
            .map(|_| ())
            .map_err(|e| format!("push_price: {e}"))
    }

    async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64) {
        let mint = self.ifx_mint;
        self.bank
            .fund_tokens(owner, &mint, &anchor_spl::token::ID, amount)
            .await;
    }

    async fn ifx_balance(&mut self, owner: &Pubkey) -> u64 {
        let account = pda::associated_token(owner, &self.ifx_mint, &anchor_spl::token::ID);
        self.bank.token_balance(&account).await
    }
}

fn json_str(report: &Report, field: &str) -> Result<String, String> {
    report.json[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("the report has no '{field}'"))
}

/// The cluster file of this bank, as an operator writes one for a real cluster.
#[allow(clippy::too_many_arguments)]
fn cluster_toml(
    start_ts: i64,
    buyback_window_start: i64,
    ifx_mint: &Pubkey,
    weth_mint: &Pubkey,
    usd_mint: &Pubkey,
    guardian: &Pubkey,
    price_authority: &Pubkey,
    treasuries: (&Pubkey, &Pubkey, &Pubkey),
) -> String {
    let token = anchor_spl::token::ID;
    let (worker_treasury, verifier_treasury, buyback_treasury) = treasuries;
    format!(
        r#"# The embedded bank's cluster: mints, keys and times made by inferix-localnet.
start_ts = {start_ts}
buyback_window_start = {buyback_window_start}
ifx_mint = "{ifx_mint}"
ifx_token_program = "{token}"
ifx_decimals = {IFX_DECIMALS}
weth_mint = "{weth_mint}"
weth_token_program = "{token}"
eth_feed_id = "ff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace"
pause_guardian = "{guardian}"
price_authority = "{price_authority}"
buyback_treasury = "{buyback_treasury}"

[[sales]]
kind = "worker"
payment_mint = "{usd_mint}"
payment_token_program = "{token}"
treasury = "{worker_treasury}"

[[sales]]
kind = "verifier"
payment_mint = "{usd_mint}"
payment_token_program = "{token}"
treasury = "{verifier_treasury}"
"#
    )
}

/// One job through the network: the manager places the noise, the worker renders, both
/// verifiers check the frame; the frame is written to `frames`.
struct ProvenJob {
    record: WorkRecord,
}

#[allow(clippy::too_many_arguments)]
fn prove_job(
    renderer: &Renderer,
    reference: &BenchReference,
    scene: &str,
    settings: &RenderSettings,
    job_number: u8,
    frames: &Path,
    epoch: u32,
) -> Result<ProvenJob, String> {
    let created = create_job(
        renderer,
        scene,
        settings,
        MANAGER_SECRET,
        [job_number; 32],
        12,
    )
    .map_err(|e| format!("creating job {job_number}: {e}"))?;
    let started = Instant::now();
    let rendered = render_job(renderer, &created.job, Path::new("."), &mut |_, _| {})
        .map_err(|e| format!("rendering job {job_number}: {e}"))?;
    let render_ms = started.elapsed().as_secs_f64() * 1000.0;
    let frame = frames.join(format!("epoch-{epoch}-job-{job_number}-{scene}.png"));
    write_png_rgb8(&frame, settings.width, settings.height, &rendered.rgb8)
        .map_err(|e| e.to_string())?;
    println!(
        "  job {job_number}: {scene} {}×{} at {} spp, 12 noise objects placed by the manager; the worker rendered it in {:.0} ms → {}",
        settings.width,
        settings.height,
        settings.samples_per_pixel,
        render_ms,
        frame.display()
    );
    for (verifier, nonce) in [("verifier 1", [1u8; 32]), ("verifier 2", [2u8; 32])] {
        let input = VerifyInput {
            job: &created.job,
            key: &created.key,
            commitment: &rendered.commitment,
            width: settings.width,
            height: settings.height,
            rgb8: &rendered.rgb8,
        };
        let mut nonce = nonce;
        nonce[0] = job_number;
        let verdict = verify(&input, Some(renderer), &nonce, &VerifyParams::default())
            .map_err(|e| format!("verifying job {job_number}: {e}"))?;
        let noise = verdict.noise.as_ref().ok_or("no noise check")?;
        let spot = verdict.spot_check.as_ref().ok_or("no spot check")?;
        let worst = spot
            .tiles
            .iter()
            .map(|t| t.flip_mean)
            .fold(0.0f32, f32::max);
        println!(
            "    {verifier}: {} — noise regions {}/{} passed ({} needed), {} spot-checked tiles re-rendered, worst FLIP {:.4}",
            if verdict.accepted { "ACCEPTED" } else { "REJECTED" },
            noise.passed,
            noise.regions.len(),
            noise.required,
            spot.tiles.len(),
            worst
        );
        if !verdict.accepted {
            return Err(format!("job {job_number} rejected: {:?}", verdict.reasons));
        }
    }
    Ok(ProvenJob {
        record: WorkRecord {
            job_hash: from_hex(&created.key.job_hash).ok_or("job hash")?,
            frame_root: from_hex(&rendered.commitment.frame_root).ok_or("frame root")?,
            ibm_micros: job_ibm_micros(
                settings.width,
                settings.height,
                settings.samples_per_pixel,
                reference,
            ),
        },
    })
}

/// The worker's IB: its sample rate on a timed render of the job settings, over the unit node's.
fn measure_ib_micros(
    renderer: &Renderer,
    reference: &BenchReference,
    settings: &RenderSettings,
) -> Result<u64, String> {
    let scene = Scene::load(
        "cornell-box",
        settings.width as f32 / settings.height as f32,
    )
    .map_err(|e| e.to_string())?;
    let uploaded = renderer.upload(&scene).map_err(|e| e.to_string())?;
    renderer
        .render(&uploaded, settings, &mut |_, _| {})
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    renderer
        .render(&uploaded, settings, &mut |_, _| {})
        .map_err(|e| e.to_string())?;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let samples =
        settings.width as f64 * settings.height as f64 * settings.samples_per_pixel as f64;
    let ib = samples / minutes / unit_samples_per_minute(reference);
    Ok(((ib * 1e6).round() as u64).max(1))
}

async fn run(args: Args) -> Result<(), String> {
    // Mesa's Vulkan loader wants a runtime folder; containers and CI often have none.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    println!(
        "Inferix local network — every program in-process on the embedded bank, no validator\n"
    );
    let frames = args.out.join("frames");
    std::fs::create_dir_all(&frames).map_err(|e| format!("{}: {e}", frames.display()))?;
    let (width, height) = args.frame;

    let mut bank = Bank::start().await;
    let token = anchor_spl::token::ID;
    let ifx_mint = bank.create_mint(&token, IFX_DECIMALS).await;
    let usd_mint = bank.create_mint(&token, USD_DECIMALS).await;
    let weth_mint = bank.create_mint(&token, WETH_DECIMALS).await;
    let mut net = Net {
        bank,
        out: args.out.clone(),
        ifx_mint,
    };

    println!("1. deployment (inferix migrate)");
    let deployer = Wallet {
        name: "admin",
        keypair: net.bank.deployer.insecure_clone(),
        file: args.out.join("keys/admin.json"),
    };
    let _ = std::fs::remove_file(&deployer.file);
    write_keypair_file(&deployer.keypair, &deployer.file).map_err(|e| e.to_string())?;
    let guardian = net.wallet("guardian").await?;
    let price_authority = net.wallet("price-authority").await?;
    let mut treasuries = vec![];
    for _ in 0..3 {
        let owner = Keypair::new().pubkey();
        treasuries.push(net.bank.ata(&owner, &usd_mint, &token).await);
    }
    let start = net.bank.now().await;
    let deployment_path = Deployment::default_path();
    let mut deployment = Deployment::load(&deployment_path).map_err(|e| e.to_string())?;
    let epoch_secs = deployment.rewards.epoch_length_secs;
    let grace = deployment.rewards.grace_secs;
    // The buyback opens 6 months after TGE; here, once epoch 0 can be finalized.
    let window_start = start + epoch_secs + grace;
    let cluster = args.out.join("cluster.toml");
    std::fs::write(
        &cluster,
        cluster_toml(
            start,
            window_start,
            &ifx_mint,
            &weth_mint,
            &usd_mint,
            &guardian.keypair.pubkey(),
            &price_authority.keypair.pubkey(),
            (&treasuries[0], &treasuries[1], &treasuries[2]),
        ),
    )
    .map_err(|e| e.to_string())?;
    // A CI run renders seconds of work, not the 12 hours per epoch the deployment asks for.
    deployment.rewards.min_participation_minutes = 0;
    let local_deployment = args.out.join("deployment.toml");
    let text = std::fs::read_to_string(&deployment_path).map_err(|e| e.to_string())?;
    std::fs::write(
        &local_deployment,
        text.replace(
            "min_participation_minutes = 720",
            "min_participation_minutes = 0",
        ),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "  {} with min_participation_minutes 720 → 0 (a local run renders seconds, not 12 h); cluster file {}",
        deployment_path.display(),
        cluster.display()
    );
    let migrate = [
        "migrate",
        "--deployment",
        local_deployment.to_str().ok_or("path")?,
        "--cluster",
        cluster.to_str().ok_or("path")?,
    ];
    let mut dry_run = migrate.to_vec();
    dry_run.push("--dry-run");
    net.inferix(&deployer, &dry_run).await?;
    let created = net.inferix(&deployer, &migrate).await?;
    let again = net.inferix(&deployer, &migrate).await?;
    if created.json["created"] != 6 || again.json["created"] != 0 {
        return Err("migrate did not create the six accounts once".into());
    }
    net.push_price(&price_authority).await?;
    println!("  the price authority pushes IFX/USD = $0.05 (it does before every step that reads the price)");
    let reward_fund = 1_000_000 * IFX;
    net.bank
        .mint_to(&ifx_mint, &token, &pda::reward_vault(), reward_fund)
        .await;
    net.bank
        .mint_to(&ifx_mint, &token, &pda::buyback_ifx_vault(), 100_000 * IFX)
        .await;
    println!("  the Ecosystem Fund put 1,000,000 IFX in the reward vault and 100,000 IFX in the buyback vault");

    println!("\n2. licenses (public window, day 2)");
    let whitelist = deployment
        .sale(inferix_cli::deployment::Kind::Worker)
        .ok_or("no worker sale")?
        .whitelist_duration_secs;
    net.bank.set_time(start + whitelist).await;
    let alice = net.wallet("alice").await?;
    let bob = net.wallet("bob").await?;
    let v1 = net.wallet("verifier-1").await?;
    let v2 = net.wallet("verifier-2").await?;
    for w in [&alice, &bob, &v1, &v2] {
        net.bank
            .fund_tokens(&w.keypair.pubkey(), &usd_mint, &token, 1_000 * 1_000_000)
            .await;
    }
    let alice_usd = pda::associated_token(&alice.keypair.pubkey(), &usd_mint, &token);
    let alice_license = json_str(
        &net.inferix(
            &alice,
            &["license", "buy", "--kind", "worker", "--tier", "1"],
        )
        .await?,
        "license_mint",
    )?;
    let before = net.bank.token_balance(&alice_usd).await;
    let alice_wallet = alice.keypair.pubkey().to_string();
    let bob_buy = net
        .inferix(
            &bob,
            &[
                "license",
                "buy",
                "--kind",
                "worker",
                "--tier",
                "1",
                "--referrer",
                &alice_wallet,
                "--referrer-license",
                &alice_license,
            ],
        )
        .await?;
    let commission = net.bank.token_balance(&alice_usd).await - before;
    println!(
        "  bob used alice's user code: paid {} (5 % off the $300.00 tier); alice earned {} commission",
        usd(bob_buy.json["price_paid_usd_micros"].as_u64().unwrap_or(0)),
        usd(commission)
    );
    let worker_license = json_str(&bob_buy, "license_mint")?;
    let mut verifier_licenses = vec![];
    for v in [&v1, &v2] {
        let r = net
            .inferix(v, &["license", "buy", "--kind", "verifier", "--tier", "1"])
            .await?;
        verifier_licenses.push(json_str(&r, "license_mint")?);
    }

    println!("\n3. nodes: two verifiers and a worker registered and staked");
    let mut verifier_nodes = vec![];
    for (v, license) in [(&v1, &verifier_licenses[0]), (&v2, &verifier_licenses[1])] {
        net.inferix(
            v,
            &[
                "node",
                "register",
                "--license",
                license,
                "--price-per-ibm",
                "0",
            ],
        )
        .await?;
        net.fund_ifx(&v.keypair.pubkey(), 1_000 * IFX).await;
        net.inferix(v, &["stake", "--license", license, "--amount", "1000"])
            .await?;
        let node = pda::node(&license.parse().map_err(|_| "mint")?);
        let open = instructions::open_verifier_epoch(&v.keypair.pubkey(), &node, 0);
        Chain::send(&mut net.bank, &[open], &v.keypair, &[])
            .await
            .map_err(|e| format!("open_verifier_epoch: {e}"))?;
        verifier_nodes.push(node);
    }
    println!("  both verifiers opened their epoch-0 credit accounts");
    net.inferix(
        &bob,
        &[
            "node",
            "register",
            "--license",
            &worker_license,
            "--price-per-ibm",
            "0.04",
        ],
    )
    .await?;
    let worker_mint: Pubkey = worker_license.parse().map_err(|_| "mint")?;
    let worker_node = pda::node(&worker_mint);

    let gpu = Gpu::open(None, None).map_err(|e| e.to_string())?;
    println!("  local adapter: {}", gpu.adapter.label());
    let renderer = Renderer::new(gpu).map_err(|e| e.to_string())?;
    let reference = BenchReference::load(None).map_err(|e| e.to_string())?;
    let job_settings = |seed| RenderSettings::new(width, height, args.spp, seed);
    let ib_micros = measure_ib_micros(&renderer, &reference, &job_settings(1))?;
    let scenes: Vec<Scene> = reference
        .scene
        .iter()
        .map(|s| Scene::load(&s.name, s.width as f32 / s.height as f32))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let cosigners: Vec<Cosigner> = verifier_nodes
        .iter()
        .zip([&v1, &v2])
        .map(|(node, v)| Cosigner {
            node: *node,
            operator: &v.keypair,
        })
        .collect();
    net.push_price(&price_authority).await?;
    let now = net.bank.now().await;
    let benchmark = chain::benchmark_instructions(
        &worker_node,
        &pda::pushed_price(),
        BenchmarkArgs {
            ib_micros,
            scene_set_hash: scene_set_hash(&reference, &scenes),
            issued_at: now,
        },
        &cosigners,
    );
    Chain::send(&mut net.bank, &benchmark, &bob.keypair, &[])
        .await
        .map_err(|e| format!("update_ib: {e}"))?;
    println!(
        "  the verifiers timed the worker on this adapter and co-signed a Benchmark: IB = {}.{:06}",
        ib_micros / 1_000_000,
        ib_micros % 1_000_000
    );
    let status = net
        .inferix(&bob, &["status", "--license", &worker_license])
        .await?;
    let required = status.json["required_stake"].as_u64().unwrap_or(0);
    println!(
        "  S(n) = 2 × 4,320 min × IB × $0.04 per IBM at $0.05 per IFX = {} IFX",
        tokens(required, IFX_DECIMALS)
    );
    net.fund_ifx(&bob.keypair.pubkey(), required).await;
    net.inferix(
        &bob,
        &[
            "stake",
            "--license",
            &worker_license,
            "--amount",
            &tokens(required, IFX_DECIMALS),
        ],
    )
    .await?;

    println!("\n4. rendering with Proof of Rendering, attested on chain (epoch 0)");
    let mut records = vec![];
    for (number, scene) in [(1u8, "cornell-box"), (2, "material-spheres")] {
        let job = prove_job(
            &renderer,
            &reference,
            scene,
            &job_settings(u64::from(number)),
            number,
            &frames,
            0,
        )?;
        records.push(job.record);
    }
    let attest = |epoch: u32, seq: u32, records: &[WorkRecord], issued_at: i64| {
        let cumulative: u64 = records.iter().map(|r| r.ibm_micros).sum();
        let attestation = chain::attestation(
            worker_node,
            epoch,
            seq,
            ib_micros,
            cumulative,
            records.len() as u32,
            work_root(records),
            issued_at,
        );
        chain::attestation_instructions(
            &bob.keypair.pubkey(),
            &attestation,
            &bob.keypair,
            &cosigners,
        )
    };
    let now = net.bank.now().await;
    Chain::send(
        &mut net.bank,
        &attest(0, 1, &records, now),
        &bob.keypair,
        &[],
    )
    .await
    .map_err(|e| format!("submit_attestation: {e}"))?;
    let epoch0: inferix_sdk::epoch_rewards::state::Epoch =
        net.bank.anchor_account(&pda::epoch(0)).await;
    println!(
        "  bob (operator) and both verifiers signed a PorAttestation of {} jobs, work root over (job hash, frame root, IBM): epoch 0 now holds {}.{:06} verified IBM",
        records.len(),
        epoch0.total_ibm_micros / 1_000_000,
        epoch0.total_ibm_micros % 1_000_000
    );
    net.inferix(&bob, &["leaderboard", "--epoch", "0"]).await?;

    println!("\n5. epoch 0 ends; its grace passes; epoch 1 work; claims");
    net.bank.set_time(start + epoch_secs + grace).await;
    for (v, node) in [&v1, &v2].into_iter().zip(&verifier_nodes) {
        let open = instructions::open_verifier_epoch(&v.keypair.pubkey(), node, 1);
        Chain::send(&mut net.bank, &[open], &v.keypair, &[])
            .await
            .map_err(|e| format!("open_verifier_epoch: {e}"))?;
    }
    let job3 = prove_job(
        &renderer,
        &reference,
        "neon-night",
        &job_settings(3),
        3,
        &frames,
        1,
    )?;
    let now = net.bank.now().await;
    Chain::send(
        &mut net.bank,
        &attest(1, 2, std::slice::from_ref(&job3.record), now),
        &bob.keypair,
        &[],
    )
    .await
    .map_err(|e| format!("submit_attestation: {e}"))?;
    println!("  epoch 1: job 3 attested the same way");
    let bob_before = net.ifx_balance(&bob.keypair.pubkey()).await;
    let claim = net
        .inferix(&bob, &["claim", "--license", &worker_license])
        .await?;
    let epoch0: inferix_sdk::epoch_rewards::state::Epoch =
        net.bank.anchor_account(&pda::epoch(0)).await;
    println!(
        "  epoch 0 finalized by the claim: R = min(IBM × 0.21 IFX, 770,000 IFX, funds) = {} IFX to workers, {} IFX to verifiers",
        tokens(epoch0.worker_reward, IFX_DECIMALS),
        tokens(epoch0.verifier_reward, IFX_DECIMALS)
    );
    println!(
        "  bob received {} IFX now (25 %) and {} IFX vests over 180 days",
        tokens(
            net.ifx_balance(&bob.keypair.pubkey()).await - bob_before,
            IFX_DECIMALS
        ),
        tokens(claim.json["vesting"].as_u64().unwrap_or(0), IFX_DECIMALS)
    );
    for (v, license) in [(&v1, &verifier_licenses[0]), (&v2, &verifier_licenses[1])] {
        net.inferix(v, &["claim", "--license", license]).await?;
    }
    net.inferix(&bob, &["status", "--license", &worker_license])
        .await?;

    println!("\n6. the buyback window opens");
    net.push_price(&price_authority).await?;
    net.inferix(&bob, &["buyback", "quote", "--license", &worker_license])
        .await?;
    let sold = net
        .inferix(
            &bob,
            &[
                "buyback",
                "sell",
                "--license",
                &worker_license,
                "--option",
                "ifx",
            ],
        )
        .await?;
    let payout = sold.json["amount"].as_u64().unwrap_or(0);
    println!(
        "  buyback payout: {} IFX = 100 % of the price bob paid at $0.05 per IFX, vesting 30 days",
        tokens(payout, IFX_DECIMALS)
    );
    net.bank.advance(30 * DAY).await;
    net.inferix(&bob, &["buyback", "withdraw", "--license", &worker_license])
        .await?;
    net.inferix(&bob, &["vesting", "withdraw"]).await?;
    net.bank.advance(60 * DAY + HOUR).await;
    net.inferix(&bob, &["withdraw", "--license", &worker_license])
        .await?;

    println!("\n7. conservation (every vault equals what its program owes)");
    let rewards: inferix_sdk::epoch_rewards::state::RewardsConfig =
        net.bank.anchor_account(&pda::rewards_config()).await;
    let vesting_vault = net.bank.token_balance(&pda::vesting_vault()).await;
    let node: inferix_sdk::node_staking::state::Node = net.bank.anchor_account(&worker_node).await;
    let stake_vault = net
        .bank
        .token_balance(&pda::stake_vault(&worker_node))
        .await;
    let buyback: inferix_sdk::buyback_vault::state::BuybackConfig =
        net.bank.anchor_account(&pda::buyback_config()).await;
    let buyback_vault = net.bank.token_balance(&pda::buyback_ifx_vault()).await;
    println!(
        "  vesting vault {} IFX = vesting owed {} IFX",
        tokens(vesting_vault, IFX_DECIMALS),
        tokens(rewards.vesting_outstanding, IFX_DECIMALS)
    );
    println!(
        "  worker stake vault {} IFX = stake {} + unbonding {}",
        tokens(stake_vault, IFX_DECIMALS),
        tokens(node.stake, IFX_DECIMALS),
        tokens(node.unbonding_amount, IFX_DECIMALS)
    );
    println!(
        "  buyback IFX vault {} IFX ≥ reserved for vesting {} IFX",
        tokens(buyback_vault, IFX_DECIMALS),
        tokens(buyback.ifx_reserved, IFX_DECIMALS)
    );
    if vesting_vault != rewards.vesting_outstanding
        || stake_vault != node.stake + node.unbonding_amount
        || buyback_vault < buyback.ifx_reserved
    {
        return Err("a vault differs from what its program owes".into());
    }
    println!(
        "\ndone: frames in {}, keypairs and cluster file in {}",
        frames.display(),
        args.out.display()
    );
    Ok(())
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
