//! SPEC §13: the holder dashboard (`web/`) in a real browser — Debian's Chromium driven by
//! Playwright (`web/test/e2e.test.ts`) with a Wallet Standard test wallet — against the local
//! cluster over JSON-RPC. This test deploys the network, makes a holder whose referral link the
//! browser's holder follows, builds the dashboard with Vite and runs the browser test.
//! `scripts/setup` installs Node, the packages and Chromium.

use inferix_cli::output::tokens;
use inferix_sdk::node_staking::state::{Node, StakingConfig};
use inferix_sdk::pda;
use inferix_tests::js;
use inferix_tests::localnet::{LocalNet, Participants};
use inferix_tests::rpcnet::RpcNet;
use serde_json::json;

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
    // The holder whose referral link the browser's holder follows.
    let referrer = net.verifier("referrer").await.expect("a verifier");
    let referrer_node: Node = net.anchor_account(&referrer.node).await;
    let config: StakingConfig = net.anchor_account(&pda::staking_config()).await;
    let minimum = config.params.verifier_min_stake;

    let screenshots =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard-screenshots");
    let fixtures = json!({
        "rpcUrl": net.url,
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
        &["test/e2e.test.ts"],
        &[("INFERIX_DASHBOARD_FIXTURES", &fixtures_file)],
    );
    let _ = std::fs::remove_dir_all(&out);
}
