//! SPEC §13: the holder dashboard (`web/`) in a real browser — Debian's Chromium driven by
//! Playwright (`web/test/*.e2e.test.ts`) with a Wallet Standard test wallet — against the local
//! cluster over JSON-RPC. This test deploys the network; makes two verifiers (one the holder
//! whose referral link the browser's holder follows) and a worker credited with 60 IBM in epoch
//! 0; builds the dashboard with Vite; runs the holder's browser test; runs the worker holder's
//! claim in the browser (refused while epoch 0 is open, then claimed past it and its grace);
//! then, after some work in epoch 1, the worker holder's buyback and the withdrawal of the
//! retired node's unbonded stake. `scripts/setup` installs Node, the packages and Chromium.

use inferix_cli::output::tokens;
use inferix_sdk::node_staking::state::{Node, StakingConfig};
use inferix_sdk::pda;
use inferix_tests::js;
use inferix_tests::localnet::{LocalNet, Participants};
use inferix_tests::rpcnet::RpcNet;
use inferix_worker::chain::work::WorkRecord;
use serde_json::json;

const ONE_IB: u64 = 1_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_buys_registers_and_stakes_in_the_dashboard_with_a_browser_wallet() {
    let web = js::package(
        "web",
        &["vite", "playwright-core", "@inferix/client", "tsx"],
    );
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists(),
        "Chromium is not installed: run scripts/setup (apt-get install chromium)"
    );
    let out = std::env::temp_dir().join(format!("inferix-dashboard-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut local = LocalNet::new(&out, 0, 86_400).await;
    local.verbose = false;
    local.deploy().await;
    let mut net = RpcNet::serve(local).await;
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    net.set_time(net.start_ts + whitelist_secs).await;
    // The holder whose referral link the browser's holder follows, and a second verifier.
    let verifiers = vec![
        net.verifier("referrer").await.expect("a verifier"),
        net.verifier("verifier-2").await.expect("a verifier"),
    ];
    let referrer = &verifiers[0];
    let referrer_node: Node = net.anchor_account(&referrer.node).await;
    // A worker credited with an hour of 1-IB rendering (60 IBM) in epoch 0.
    let worker = net.worker_credited_in_epoch_0("worker", &verifiers).await;
    let config: StakingConfig = net.anchor_account(&pda::staking_config()).await;
    let minimum = config.params.verifier_min_stake;

    let screenshots =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard-screenshots");
    let mut fixtures = json!({
        "rpcUrl": net.url,
        "ifxMint": net.ifx_mint.to_string(),
        "ifxTokenProgram": config.ifx_token_program.to_string(),
        "usdMint": net.usd_mint.to_string(),
        "tokenProgram": anchor_spl::token::ID.to_string(),
        "verifierMinStake": minimum.to_string(),
        "verifierMinStakeText": tokens(minimum, config.ifx_decimals),
        "referrer": {
            "wallet": referrer.wallet.pubkey().to_string(),
            "license": referrer_node.license_mint.to_string(),
        },
        "screenshots": screenshots.display().to_string(),
    });
    let fixtures_file = out.join("dashboard.json");
    std::fs::write(&fixtures_file, fixtures.to_string()).expect("writing the fixtures");

    js::node(
        &web,
        &[
            "node_modules/vite/bin/vite.js",
            "build",
            "--logLevel",
            "warn",
        ],
        &[],
        "building the dashboard",
    );
    js::typecheck_and_test(
        &web,
        &["test/holder.e2e.test.ts"],
        &[("INFERIX_DASHBOARD_FIXTURES", &fixtures_file)],
    );

    // The worker's holder is refused by name while epoch 0 is open, then (the browser test moves
    // the clock past the epoch and its grace) claims. 60 IBM at the deployment's 0.21 IFX per IBM
    // is 12.6 IFX, 25 % paid now and the rest vesting.
    let (immediate, vesting) = (3_150_000_000u64, 9_450_000_000u64);
    fixtures["worker"] = json!({
        "keypair": worker.wallet.keypair.to_bytes().to_vec(),
        "license": worker.license.to_string(),
        "expected": {"immediate": immediate.to_string(), "vesting": vesting.to_string()},
        "expectedText": {
            "immediate": tokens(immediate, config.ifx_decimals),
            "vesting": tokens(vesting, config.ifx_decimals),
        },
    });
    std::fs::write(&fixtures_file, fixtures.to_string()).expect("writing the fixtures");
    js::run_tests(
        &web,
        &["test/rewards.e2e.test.ts"],
        &[("INFERIX_DASHBOARD_FIXTURES", &fixtures_file)],
    );

    // The worker keeps working in epoch 1 (the buyback asks for participation), then its holder
    // sells the licence back in the browser, the buyback window being open since day 1.
    for verifier in &verifiers {
        net.open_verifier_epoch(&verifier.wallet, &verifier.node, 1)
            .await
            .expect("opening epoch 1's credit account");
    }
    net.warp_clock(3_600).await;
    let record = WorkRecord {
        job_hash: [2; 32],
        frame_root: [8; 32],
        ibm_micros: 30_000_000,
    };
    net.attest(
        &worker.wallet,
        &worker.node,
        1,
        2,
        ONE_IB,
        &[record],
        &verifiers,
    )
    .await
    .expect("attesting in epoch 1");
    net.push_price().await;
    js::run_tests(
        &web,
        &["test/buyback.e2e.test.ts"],
        &[("INFERIX_DASHBOARD_FIXTURES", &fixtures_file)],
    );
    let _ = std::fs::remove_dir_all(&out);
}
