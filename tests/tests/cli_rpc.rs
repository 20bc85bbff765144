//! SPEC §11: the `inferix` CLI end to end over HTTP — `inferix --url http://127.0.0.1:PORT`, its
//! `RpcChain` against the local cluster's JSON-RPC server, the same flows as tests/cli.rs: buy a
//! licence, register, stake, attest (the worker's chain code), finalize, claim and sell back.

#![allow(deprecated)]

use inferix_sdk::client::Chain;
use inferix_sdk::epoch_rewards::state::Epoch;
use inferix_sdk::node_staking::state::{Node, NodeStatus};
use inferix_sdk::pda;
use inferix_tests::localnet::{LocalNet, Participants, Wallet, Worker};
use inferix_tests::rpcnet::RpcNet;
use inferix_worker::chain::work::WorkRecord;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const ONE_IB: u64 = 1_000_000;

fn out_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("inferix-cli-rpc-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_and_a_license_purchase_over_json_rpc() {
    let mut local = LocalNet::new(&out_dir("migrate"), 0, 86_400).await;
    local.verbose = false;
    let migrate = local.migrate_args();
    let migrate: Vec<&str> = migrate.iter().map(String::as_str).collect();
    let mut net = RpcNet::serve(local).await;
    let admin = Wallet {
        name: "admin",
        keypair: net.admin.keypair.insecure_clone(),
        file: net.admin.file.clone(),
    };

    let first = net.inferix(&admin, &migrate).await.expect("migrating");
    assert_eq!(first.json["created"], 6);
    let again = net.inferix(&admin, &migrate).await.unwrap();
    assert_eq!(again.json["created"], 0, "a second run changes nothing");
    assert!(net
        .chain
        .account(&pda::staking_config())
        .await
        .unwrap()
        .is_some());

    // Alice buys a worker licence once the public window opens.
    let alice = net.wallet("alice", 0).await;
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    net.warp_clock(whitelist_secs + 60).await;
    let mint = net
        .buy_license(&alice, "worker", &[])
        .await
        .expect("buying");
    let record = net
        .chain
        .account(&pda::license_record(&mint))
        .await
        .unwrap()
        .expect("the licence record exists");
    assert_eq!(record.owner, inferix_sdk::node_license::ID);

    // A program's refusal comes back named through the RPC preflight error, nothing paid.
    let sol_before = net
        .chain
        .account(&alice.pubkey())
        .await
        .unwrap()
        .unwrap()
        .lamports;
    let refused = net
        .inferix(
            &alice,
            &["license", "buy", "--kind", "worker", "--tier", "9"],
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("(TierNotOpen, error 6015)"),
        "{refused}"
    );
    let sol_after = net
        .chain
        .account(&alice.pubkey())
        .await
        .unwrap()
        .unwrap()
        .lamports;
    assert_eq!(sol_after, sol_before, "no fee, no payment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_works_is_rewarded_and_sold_back_through_the_cli_over_json_rpc() {
    // The buyback window opens 3.5 days in: after epoch 0 (3 days), its 6-h grace and some work
    // in epoch 1.
    let mut local = LocalNet::new(&out_dir("flow"), 0, 3 * DAY + 12 * HOUR).await;
    local.verbose = false;
    local.deploy().await;
    let mut net = RpcNet::serve(local).await;
    let start = net.start_ts;
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    net.set_time(start + whitelist_secs).await;

    // Two verifiers: licence, registration, stake and their epoch-0 credit accounts.
    let verifiers = vec![
        net.verifier("verifier-1").await.expect("verifier 1"),
        net.verifier("verifier-2").await.expect("verifier 2"),
    ];

    // Bob buys a worker licence, registers his node, is benchmarked at 1 IB and stakes S(n).
    let Worker {
        wallet: bob,
        license: mint,
        node,
    } = net
        .worker("bob", ONE_IB, &verifiers)
        .await
        .expect("a staked worker");
    let license = mint.to_string();
    let staked: Node = net.anchor_account(&node).await;
    assert!(staked.required_stake > 0, "S(n) is set by the benchmark");
    assert_eq!(staked.stake, staked.required_stake);
    assert_eq!(staked.status, NodeStatus::Active);

    // An hour of rendering, attested with the manager's and both verifiers' signatures.
    net.warp_clock(2 * HOUR).await;
    let record = WorkRecord {
        job_hash: [1; 32],
        frame_root: [7; 32],
        ibm_micros: 60_000_000,
    };
    net.attest(&bob, &node, 0, 1, ONE_IB, &[record], &verifiers)
        .await
        .expect("attesting");
    let board = net
        .inferix(&bob, &["leaderboard", "--epoch", "0"])
        .await
        .unwrap();
    assert_eq!(board.json["total_ibm_micros"], 60_000_000);

    // After epoch 0 and its grace, the claim finalizes the epoch and pays 25 % now.
    let epoch: Epoch = net.anchor_account(&pda::epoch(0)).await;
    net.set_time(epoch.end_ts + net.deployment.rewards.grace_secs)
        .await;
    let before = net.ifx_balance(&bob.pubkey()).await;
    let claim = net
        .inferix(&bob, &["claim", "--license", &license])
        .await
        .expect("claiming");
    assert_eq!(claim.json["claimed"], serde_json::json!([0]));
    let epoch: Epoch = net.anchor_account(&pda::epoch(0)).await;
    assert!(epoch.finalized, "the claim finalized the epoch");
    assert_eq!(epoch.worker_reward, 12_600_000_000, "60 IBM × 0.21 IFX");
    assert_eq!(claim.json["paid"], 3_150_000_000u64);
    assert_eq!(net.ifx_balance(&bob.pubkey()).await, before + 3_150_000_000);

    // Bob keeps working in epoch 1 (participation must stay above 2/3 of the epochs since his
    // node started) ...
    for verifier in &verifiers {
        net.open_verifier_epoch(&verifier.wallet, &verifier.node, 1)
            .await
            .expect("opening epoch 1's credit account");
    }
    net.warp_clock(HOUR).await;
    let record = WorkRecord {
        job_hash: [2; 32],
        frame_root: [8; 32],
        ibm_micros: 30_000_000,
    };
    net.attest(&bob, &node, 1, 2, ONE_IB, &[record], &verifiers)
        .await
        .expect("attesting in epoch 1");

    // ... and inside the buyback window sells the licence back for IFX, vesting over 30 days.
    net.set_time(start + 3 * DAY + 12 * HOUR).await;
    net.push_price().await;
    let quote = net
        .inferix(&bob, &["buyback", "quote", "--license", &license])
        .await
        .expect("quoting");
    assert_eq!(quote.json["window_open"], true, "{}", quote.json);
    assert_eq!(quote.json["eligible"], true, "{}", quote.json);
    let sold = net
        .inferix(
            &bob,
            &["buyback", "sell", "--license", &license, "--option", "ifx"],
        )
        .await
        .expect("selling back");
    assert_eq!(sold.json["amount"], 6_000_000_000_000u64, "$300 at $0.05");
    let holding = pda::associated_token(&bob.pubkey(), &mint, &anchor_spl::token_2022::ID);
    assert_eq!(
        net.token_balance(&holding).await,
        0,
        "the licence went back"
    );
    let again = net
        .inferix(
            &bob,
            &["buyback", "sell", "--license", &license, "--option", "ifx"],
        )
        .await
        .unwrap_err();
    assert!(again.message.contains("does not hold license"), "{again}");
    net.warp_clock(3 * DAY).await;
    let withdrawn = net
        .inferix(&bob, &["buyback", "withdraw", "--license", &license])
        .await
        .expect("withdrawing");
    assert!(
        withdrawn.json["withdrawn"].as_u64().unwrap() >= 600_000_000_000,
        "3 of 30 days vested: {}",
        withdrawn.json
    );
}
