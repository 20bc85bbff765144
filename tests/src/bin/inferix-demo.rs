//! The main job: the whole Inferix network in-process on the embedded local bank, no validator.
//!
//! Deploys every config account with `inferix migrate` (from `migrations/deployment.toml`),
//! sells licenses (one bought with a user referral code), registers and stakes a worker and two
//! verifiers with the `inferix` CLI, renders real frames on the local adapter and proves them
//! with Proof of Rendering, submits the co-signed attestations, finalizes and claims the epoch,
//! and sells the worker's license back when the buyback window opens — printing each step with
//! its on-chain figures and writing the rendered frames to a folder it names.
//!
//! `inferix-demo [--out DIR] [--frame WIDTHxHEIGHT] [--spp N]` (CI runs small frames).

#![allow(deprecated)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use inferix_cli::deployment::Deployment;
use inferix_cli::output::{tokens, usd};
use inferix_sdk::epoch_rewards::state::Epoch;
use inferix_sdk::node_license::state::LicenseRecord;
use inferix_sdk::node_staking::state::Node;
use inferix_sdk::pda;
use inferix_tests::localnet::{ifx_text, LocalNet, Participants, Wallet, IFX_DECIMALS};
use inferix_worker::bench::{scene_set_hash, BenchReference};
use inferix_worker::chain::work::{job_ibm_micros, unit_samples_per_minute, WorkRecord};
use inferix_worker::frame::write_png_rgb8;
use inferix_worker::gpu::Gpu;
use inferix_worker::por::job::from_hex;
use inferix_worker::por::manager::create_job;
use inferix_worker::por::verify::{verify, VerifyInput, VerifyParams};
use inferix_worker::por::worker::render_job;
use inferix_worker::{RenderSettings, Renderer, Scene};
use solana_signer::Signer;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// The manager's secret for the noise placement: verifiers receive the keys, workers never.
const MANAGER_SECRET: &[u8] = b"localnet job manager secret (32)";

#[derive(Parser)]
struct Args {
    /// Folder for the rendered frames, the keypairs and the cluster file.
    #[arg(long, default_value = "localnet-out")]
    out: PathBuf,
    /// Frame size of the jobs.
    #[arg(long, default_value = "256x192", value_parser = inferix_tests::parse_frame_size)]
    frame: (u32, u32),
    /// Samples per pixel of the jobs.
    #[arg(long, default_value_t = 16)]
    spp: u32,
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
) -> Result<ProvenJob, Box<dyn std::error::Error>> {
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
    write_png_rgb8(&frame, settings.width, settings.height, &rendered.rgb8)?;
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
            return Err(format!("job {job_number} rejected: {:?}", verdict.reasons).into());
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
) -> Result<u64, Box<dyn std::error::Error>> {
    let scene = Scene::load(
        "cornell-box",
        settings.width as f32 / settings.height as f32,
    )?;
    let uploaded = renderer.upload(&scene)?;
    renderer.render(&uploaded, settings, &mut |_, _| {})?;
    let started = Instant::now();
    renderer.render(&uploaded, settings, &mut |_, _| {})?;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let samples =
        settings.width as f64 * settings.height as f64 * settings.samples_per_pixel as f64;
    let ib = samples / minutes / unit_samples_per_minute(reference);
    Ok(((ib * 1e6).round() as u64).max(1))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
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
    let defaults = Deployment::load(&Deployment::default_path())?;
    let epoch_secs = defaults.rewards.epoch_length_secs;
    let grace = defaults.rewards.grace_secs;

    println!("1. deployment (inferix migrate)");
    // The buyback opens 6 months after TGE; here, once epoch 0 can be finalized. A local run
    // renders seconds of work, not the 12 hours per epoch participation asks for.
    let mut net = LocalNet::new(&args.out, 0, epoch_secs + grace).await;
    println!(
        "  migrations/deployment.toml with min_participation_minutes 720 → 0 (a local run renders seconds, not 12 h); the buyback window opens after epoch 0's grace; cluster file {}",
        net.cluster_file.display()
    );
    let admin = Wallet {
        name: "admin",
        keypair: net.admin.keypair.insecure_clone(),
        file: net.admin.file.clone(),
    };
    let migrate = net.migrate_args();
    let mut migrate: Vec<&str> = migrate.iter().map(String::as_str).collect();
    migrate.push("--dry-run");
    net.inferix(&admin, &migrate).await?;
    migrate.pop();
    let created = net.inferix(&admin, &migrate).await?;
    let again = net.inferix(&admin, &migrate).await?;
    if created.json["created"] != 6 || again.json["created"] != 0 {
        return Err("migrate did not create the six accounts once".into());
    }
    net.fund().await;
    println!(
        "  managers (epoch-rewards and node-staking, from the cluster file): {} — one of them co-signs every attestation, benchmark and violation",
        net.manager.pubkey()
    );
    println!(
        "  the price authority pushes IFX/USD = $0.05 (before every step that reads the price)"
    );
    println!("  the Ecosystem Fund put 1,000,000 IFX in the reward vault and 100,000 IFX in the buyback vault");
    let start = net.start_ts;

    println!("\n2. licenses (public window, day 2)");
    net.open_public_sale().await;
    let alice = net.wallet("alice", 0).await;
    let bob = net.wallet("bob", 0).await;
    let alice_usd = pda::associated_token(&alice.pubkey(), &net.usd_mint, &anchor_spl::token::ID);
    let alice_license = net.buy_license(&alice, "worker", &[]).await?.to_string();
    let before = net.bank.token_balance(&alice_usd).await;
    let alice_wallet = alice.pubkey().to_string();
    let referral = [
        "--referrer",
        &alice_wallet,
        "--referrer-license",
        &alice_license,
    ];
    let worker_mint = net.buy_license(&bob, "worker", &referral).await?;
    let record: LicenseRecord = net
        .bank
        .anchor_account(&pda::license_record(&worker_mint))
        .await;
    println!(
        "  bob used alice's user code: paid {} (5 % off the $300.00 tier); alice earned {} commission",
        usd(record.price_paid_usd),
        usd(net.bank.token_balance(&alice_usd).await - before)
    );
    let worker_license = worker_mint.to_string();

    println!("\n3. nodes: two verifiers and a worker registered and staked");
    let verifiers = vec![
        net.verifier("verifier-1").await?,
        net.verifier("verifier-2").await?,
    ];
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
    let worker_node = pda::node(&worker_mint);

    let gpu = Gpu::open(None, None)?;
    println!("  local adapter: {}", gpu.adapter.label());
    let renderer = Renderer::new(gpu)?;
    let reference = BenchReference::load(None)?;
    let job_settings = |seed| RenderSettings::new(width, height, args.spp, seed);
    let ib_micros = measure_ib_micros(&renderer, &reference, &job_settings(1))?;
    let scenes: Vec<Scene> = reference
        .scene
        .iter()
        .map(|s| Scene::load(&s.name, s.width as f32 / s.height as f32))
        .collect::<Result<_, _>>()?;
    let scene_set = scene_set_hash(&reference, &scenes);
    net.benchmark(&bob, &worker_node, ib_micros, scene_set, &verifiers)
        .await?;
    println!(
        "  the verifiers timed the worker on this adapter; the manager and both verifiers co-signed a Benchmark: IB = {}.{:06}",
        ib_micros / 1_000_000,
        ib_micros % 1_000_000
    );
    let status = net
        .inferix(&bob, &["status", "--license", &worker_license])
        .await?;
    let required = status.json["required_stake"].as_u64().unwrap_or(0);
    println!(
        "  S(n) = 2 × 4,320 min × IB × $0.04 per IBM at $0.05 per IFX = {} IFX",
        ifx_text(required)
    );
    net.fund_ifx(&bob.pubkey(), required).await;
    net.inferix(
        &bob,
        &[
            "stake",
            "--license",
            &worker_license,
            "--amount",
            &ifx_text(required),
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
    net.attest(&bob, &worker_node, 0, 1, ib_micros, &records, &verifiers)
        .await?;
    let epoch0: Epoch = net.bank.anchor_account(&pda::epoch(0)).await;
    println!(
        "  the manager and both verifiers signed a PorAttestation of {} jobs, work root over (job hash, frame root, IBM); bob (operator) paid and signed the transaction: epoch 0 now holds {}.{:06} verified IBM",
        records.len(),
        epoch0.total_ibm_micros / 1_000_000,
        epoch0.total_ibm_micros % 1_000_000
    );
    net.inferix(&bob, &["leaderboard", "--epoch", "0"]).await?;

    println!("\n5. epoch 0 ends; its grace passes; epoch 1 work; claims");
    net.bank.set_time(start + epoch_secs + grace).await;
    for v in &verifiers {
        net.open_verifier_epoch(&v.wallet, &v.node, 1).await?;
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
    net.attest(
        &bob,
        &worker_node,
        1,
        2,
        ib_micros,
        std::slice::from_ref(&job3.record),
        &verifiers,
    )
    .await?;
    println!("  epoch 1: job 3 attested the same way");
    let bob_before = net.ifx_balance(&bob.keypair.pubkey()).await;
    let claim = net
        .inferix(&bob, &["claim", "--license", &worker_license])
        .await?;
    let epoch0: Epoch = net.bank.anchor_account(&pda::epoch(0)).await;
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
    for v in &verifiers {
        let license = net
            .bank
            .anchor_account::<Node>(&v.node)
            .await
            .license_mint
            .to_string();
        net.inferix(&v.wallet, &["claim", "--license", &license])
            .await?;
    }
    net.inferix(&bob, &["status", "--license", &worker_license])
        .await?;

    println!("\n6. the buyback window opens");
    net.push_price().await;
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
    let node: Node = net.bank.anchor_account(&worker_node).await;
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
        tokens(node.unbonding.amount, IFX_DECIMALS)
    );
    println!(
        "  buyback IFX vault {} IFX ≥ reserved for vesting {} IFX",
        tokens(buyback_vault, IFX_DECIMALS),
        tokens(buyback.ifx_reserved, IFX_DECIMALS)
    );
    if vesting_vault != rewards.vesting_outstanding
        || stake_vault != node.stake + node.unbonding.amount
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
