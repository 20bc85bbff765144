//! SPEC §11: the `inferix` CLI end to end over HTTP — its `RpcChain` against the local cluster's
//! JSON-RPC server, not the in-process bank.

#![allow(deprecated)]

use std::net::SocketAddr;
use std::path::Path;

use clap::Parser;
use inferix_cli::error::CliError;
use inferix_cli::output::Report;
use inferix_cli::Cli;
use inferix_localnet::rpc::RpcServer;
use inferix_sdk::client::{Chain, RpcChain};
use inferix_sdk::pda;
use inferix_tests::localnet::{json_str, LocalNet};
use serde_json::json;

/// `inferix --url URL --keypair FILE ARGS` as the binary runs it: parsed, then executed on an
/// `RpcChain` for that URL.
async fn inferix(url: &str, keypair: &Path, args: &[String]) -> Result<Report, CliError> {
    let mut argv: Vec<String> = vec![
        "inferix".into(),
        "--url".into(),
        url.into(),
        "--keypair".into(),
        keypair.display().to_string(),
    ];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).map_err(|e| CliError::new(e.to_string(), "see --help"))?;
    inferix_cli::execute(&mut RpcChain::new(url), &cli, keypair).await
}

/// Moves the cluster's clock `secs` forward with the development method.
async fn warp_clock(url: &str, secs: i64) {
    let client = solana_rpc_client::nonblocking::rpc_client::RpcClient::new(url.to_string());
    let _: i64 = client
        .send(
            solana_rpc_client_types::request::RpcRequest::Custom {
                method: "inferixWarpClock",
            },
            json!([secs]),
        )
        .await
        .expect("warping the clock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_and_a_license_purchase_over_json_rpc() {
    let out = std::env::temp_dir().join(format!("inferix-cli-rpc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut net = LocalNet::new(&out, 0, 86_400).await;
    let alice = net.wallet("alice", 0).await;
    let migrate = net.migrate_args();
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    let LocalNet { bank, admin, .. } = net;
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = RpcServer::start(bank, any_port).await.expect("serving");
    let url = server.url();

    let first = inferix(&url, &admin.file, &migrate)
        .await
        .expect("migrating");
    assert_eq!(first.json["created"], 6);
    let again = inferix(&url, &admin.file, &migrate).await.unwrap();
    assert_eq!(again.json["created"], 0, "a second run changes nothing");
    let mut chain = RpcChain::new(&url);
    assert!(chain
        .account(&pda::staking_config())
        .await
        .unwrap()
        .is_some());

    // Alice buys a worker licence once the public window opens.
    warp_clock(&url, whitelist_secs + 60).await;
    let buy: Vec<String> = ["license", "buy", "--kind", "worker", "--tier", "1"]
        .map(String::from)
        .to_vec();
    let bought = inferix(&url, &alice.file, &buy).await.expect("buying");
    let mint: anchor_lang::prelude::Pubkey = json_str(&bought, "license_mint").parse().unwrap();
    let record = chain
        .account(&pda::license_record(&mint))
        .await
        .unwrap()
        .expect("the licence record exists");
    assert_eq!(record.owner, inferix_sdk::node_license::ID);

    // A program's refusal comes back named through the RPC preflight error, nothing paid.
    let refused = inferix(
        &url,
        &alice.file,
        &["license", "buy", "--kind", "worker", "--tier", "9"].map(String::from),
    )
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("(TierNotOpen, error 6015)"),
        "{refused}"
    );
    server.stop();
}
