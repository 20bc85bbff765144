//! The `inferix` CLI against the embedded bank: every command's happy path and the mistakes a
//! holder is most likely to make, each refused with a message that says what to do and with
//! nothing moved. Commands are parsed exactly as the binary parses them (`LocalNet::run`).

#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use inferix_cli::error::CliError;
use inferix_common::price::{VerificationLevel, PYTH_RECEIVER_PROGRAM_ID};
use inferix_sdk::epoch_rewards::state::Epoch;
use inferix_sdk::node_staking::state::{Node, NodeStatus};
use inferix_sdk::pda;
use inferix_tests::buyback::pyth_price_account;
use inferix_tests::license::transfer_license;
use inferix_tests::localnet::{ifx_text, LocalNet, Participants, Verifier, Wallet, IFX};
use inferix_worker::chain::work::WorkRecord;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const ONE_IB: u64 = 1_000_000;

fn out_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("inferix-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A deployed network in its public sale window; the buyback opens `buyback_in` after the start.
async fn network(test: &str, buyback_in: i64) -> LocalNet {
    let mut net = LocalNet::new(&out_dir(test), 0, buyback_in).await;
    net.verbose = false;
    net.deploy().await;
    net.open_public_sale().await;
    net
}

#[track_caller]
fn refused(result: Result<impl std::fmt::Debug, CliError>, message: &str, hint: &str) -> CliError {
    let error = result.expect_err("the command must be refused");
    assert!(
        error.message.contains(message),
        "message {:?} lacks {message:?}",
        error.message
    );
    assert!(
        error.hint.contains(hint),
        "hint {:?} lacks {hint:?}",
        error.hint
    );
    error
}

/// Bob's worker node on a license he bought, benchmarked at 1 IB by two verifiers, staked at S(n).
struct WorkerWorld {
    net: LocalNet,
    bob: Wallet,
    license: String,
    node: Pubkey,
    verifiers: Vec<Verifier>,
}

async fn worker_world(test: &str, buyback_in: i64) -> WorkerWorld {
    let mut net = network(test, buyback_in).await;
    let verifiers = vec![
        net.verifier("verifier-1").await.unwrap(),
        net.verifier("verifier-2").await.unwrap(),
    ];
    let bob = net.worker("bob", ONE_IB, &verifiers).await.unwrap();
    WorkerWorld {
        net,
        license: bob.license.to_string(),
        node: bob.node,
        bob: bob.wallet,
        verifiers,
    }
}

impl WorkerWorld {
    /// Two hours into the current epoch, an attestation of `ibm_micros` for `epoch`.
    async fn attest(&mut self, epoch: u32, seq: u32, ibm_micros: u64) {
        let record = WorkRecord {
            job_hash: [seq as u8; 32],
            frame_root: [7; 32],
            ibm_micros,
        };
        self.net.bank.advance(2 * HOUR).await;
        self.net
            .attest(
                &self.bob,
                &self.node,
                epoch,
                seq,
                ONE_IB,
                &[record],
                &self.verifiers,
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn migrations_create_every_config_once_and_a_second_run_changes_nothing() {
    let mut net = LocalNet::new(&out_dir("migrate"), 720, DAY).await;
    net.verbose = false;
    let admin = net.admin.file.clone();
    let mut args = net.migrate_args();
    args.push("--dry-run".into());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let dry = net.run(&admin, &argv).await.unwrap();
    assert_eq!(dry.json["created"], 0);
    assert!(
        dry.lines
            .iter()
            .filter(|l| l.contains("would create"))
            .count()
            == 6
    );
    let configs = [
        pda::license_config(),
        pda::sale(0),
        pda::sale(1),
        pda::rewards_config(),
        pda::staking_config(),
        pda::buyback_config(),
    ];
    for address in configs {
        assert!(
            net.bank.account(&address).await.is_none(),
            "a dry run sends nothing"
        );
    }

    let first = net.deploy().await;
    assert_eq!(first.json["created"], 6);
    let snapshot = net.bank.snapshot(&configs).await;
    let args = net.migrate_args();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let second = net.run(&admin, &argv).await.unwrap();
    assert_eq!(second.json["created"], 0);
    assert_eq!(second.json["differs"], 0);
    assert!(
        second.lines.iter().all(|l| !l.contains("created")),
        "{:?}",
        second.lines
    );
    assert!(
        second.lines.last().unwrap().contains("nothing to do"),
        "{:?}",
        second.lines
    );
    assert_eq!(net.bank.snapshot(&configs).await, snapshot);

    // A deployment that differs from what is live is reported, never applied.
    let changed = net.out.join("changed.toml");
    let text = std::fs::read_to_string(&net.deployment_file).unwrap();
    let shorter_grace = text.replace("grace_secs = 21600", "grace_secs = 7200");
    assert_ne!(shorter_grace, text, "the deployment names a 6-h grace");
    std::fs::write(&changed, shorter_grace).unwrap();
    let cluster = net.cluster_file.display().to_string();
    let report = net
        .run(
            &admin,
            &[
                "migrate",
                "--deployment",
                changed.to_str().unwrap(),
                "--cluster",
                &cluster,
            ],
        )
        .await
        .unwrap();
    assert_eq!(report.json["differs"], 1);
    assert!(report
        .lines
        .iter()
        .any(|l| l.starts_with("epoch-rewards config") && l.contains("differs")));
    assert_eq!(net.bank.snapshot(&configs).await, snapshot);

    // A cluster file whose IFX mint is not the 9-decimal mint it claims is refused by name.
    let wrong = net.out.join("wrong-cluster.toml");
    let text = std::fs::read_to_string(&net.cluster_file).unwrap();
    std::fs::write(&wrong, text.replace("ifx_decimals = 9", "ifx_decimals = 6")).unwrap();
    let deployment = net.deployment_file.display().to_string();
    refused(
        net.run(
            &admin,
            &[
                "migrate",
                "--deployment",
                &deployment,
                "--cluster",
                wrong.to_str().unwrap(),
            ],
        )
        .await,
        "has 9 decimals, the cluster file says 6",
        "fix ifx_mint or ifx_decimals",
    );
    refused(
        net.run(
            &admin,
            &[
                "migrate",
                "--deployment",
                "no-such.toml",
                "--cluster",
                &cluster,
            ],
        )
        .await,
        "cannot read the deployment file no-such.toml",
        "pass the path",
    );
}

#[tokio::test]
async fn a_license_is_bought_with_a_referral_and_the_buyers_mistakes_are_named() {
    let mut net = LocalNet::new(&out_dir("license"), 0, DAY).await;
    net.verbose = false;
    net.deploy().await;
    let alice = net.wallet("alice", 0).await;
    let usd = pda::associated_token(&alice.pubkey(), &net.usd_mint, &anchor_spl::token::ID);
    let before = net.bank.token_balance(&usd).await;

    // Whitelist window: a purchase needs the wallet's proof.
    refused(
        net.buy_license(&alice, "worker", &[]).await,
        "(WhitelistProofRequired, error",
        "pass --whitelist-proof FILE",
    );
    let proof = net.out.join("proof.json");
    std::fs::write(&proof, r#"{"allocation": 1, "proof": ["zz"]}"#).unwrap();
    refused(
        net.buy_license(
            &alice,
            "worker",
            &["--whitelist-proof", proof.to_str().unwrap()],
        )
        .await,
        "whitelist proof entry 'zz' is not 32 bytes of hex",
        "proof file the sale's organizer issued",
    );
    assert_eq!(net.bank.token_balance(&usd).await, before, "nothing paid");

    net.open_public_sale().await;
    refused(
        net.inferix(
            &alice,
            &["license", "buy", "--kind", "worker", "--tier", "2"],
        )
        .await,
        "(TierNotOpen, error",
        "buy from the tier that is open now",
    );
    refused(
        net.buy_license(&alice, "worker", &["--partner-code", "NOPE"])
            .await,
        "there is no partner code 'NOPE'",
        "check the code's spelling",
    );
    assert_eq!(net.bank.token_balance(&usd).await, before, "nothing paid");

    let sale = net
        .inferix(&alice, &["--json", "license", "sale", "--kind", "worker"])
        .await
        .unwrap();
    assert_eq!(sale.json["phase"], "Public");
    assert_eq!(sale.json["highest_open_tier"], 1);
    assert_eq!(sale.json["tiers"].as_array().unwrap().len(), 30);
    assert_eq!(sale.json["tiers"][29]["price_usd_micros"], 1_750_000_000u64);
    let alice_license = net.buy_license(&alice, "worker", &[]).await.unwrap();
    assert_eq!(net.bank.token_balance(&usd).await, before - 300_000_000);
    let bob = net.wallet("bob", 0).await;
    let (referrer, license) = (alice.pubkey().to_string(), alice_license.to_string());
    let report = net
        .inferix(
            &bob,
            &[
                "--json",
                "license",
                "buy",
                "--kind",
                "worker",
                "--tier",
                "1",
                "--referrer",
                &referrer,
                "--referrer-license",
                &license,
            ],
        )
        .await
        .unwrap();
    assert_eq!(report.json["price_paid_usd_micros"], 285_000_000);
    assert_eq!(report.json["serial"], 2);
    assert_eq!(
        net.bank.token_balance(&usd).await,
        before - 300_000_000 + 15_000_000,
        "5 % commission"
    );
    let rendered: serde_json::Value = serde_json::from_str(&report.render(true)).unwrap();
    assert_eq!(rendered["tier"], 1);
}

#[tokio::test]
async fn a_node_is_registered_staked_and_unstaked_and_the_holders_mistakes_are_named() {
    let mut net = network("stake", DAY).await;
    let verifiers = vec![
        net.verifier("verifier-1").await.unwrap(),
        net.verifier("verifier-2").await.unwrap(),
    ];
    let bob = net.wallet("bob", 0).await;
    let carol = net.wallet("carol", 10 * IFX).await;
    let mint = net.buy_license(&bob, "worker", &[]).await.unwrap();
    let license = mint.to_string();
    let node = pda::node(&mint);
    let register = [
        "node",
        "register",
        "--license",
        &license,
        "--price-per-ibm",
        "0.04",
    ];

    // Not the license holder: carol cannot register bob's license.
    refused(
        net.inferix(&carol, &register).await,
        &format!("wallet {} does not hold license {license}", carol.pubkey()),
        "sign with --keypair of the wallet that holds the license NFT",
    );
    assert!(net.bank.account(&node).await.is_none());
    // A keypair file that is not there.
    refused(
        net.run(&net.out.join("keys/nobody.json"), &register).await,
        "no such file",
        "pass --keypair with your wallet's keypair file",
    );
    net.inferix(&bob, &register).await.unwrap();
    refused(
        net.inferix(&bob, &register).await,
        "a node is already registered on license",
        "inferix node set",
    );
    net.benchmark(&bob, &node, ONE_IB, [3; 32], &verifiers)
        .await
        .unwrap();
    let required = net.bank.anchor_account::<Node>(&node).await.required_stake;
    let required_text = ifx_text(required);

    // Wrong keypair: carol signs for bob's node.
    refused(
        net.inferix(&carol, &["stake", "--license", &license, "--amount", "1"])
            .await,
        "is not the owner of the node",
        "sign with --keypair of the node's owner",
    );
    // Not enough IFX in the wallet.
    refused(
        net.inferix(
            &bob,
            &["stake", "--license", &license, "--amount", &required_text],
        )
        .await,
        "holds 0.000000000 IFX, less than the",
        "fund the wallet's IFX account or stake less",
    );
    refused(
        net.inferix(
            &bob,
            &["stake", "--license", &license, "--amount", "1.0000000001"],
        )
        .await,
        "too many decimals",
        "at most 9 decimals",
    );
    net.fund_ifx(&bob.pubkey(), required).await;
    let staked = net
        .inferix(
            &bob,
            &["stake", "--license", &license, "--amount", &required_text],
        )
        .await
        .unwrap();
    assert_eq!(staked.json["stake"], required);
    assert_eq!(staked.json["status"], "Active");
    let status = net
        .inferix(&bob, &["--json", "status", "--license", &license])
        .await
        .unwrap();
    assert_eq!(status.json["required_stake"], required);
    assert_eq!(status.json["why"], "active: its stake covers S(n)");
    // Why the epoch does not count yet (SPEC §10 item 2): no verified work.
    assert!(status.json["this_epoch"]
        .as_str()
        .unwrap()
        .starts_with("this epoch does not count yet: 0.000000 of "));

    // Insufficient stake: below S(n) while active, or more than is staked.
    let vault_before = net.bank.token_balance(&pda::stake_vault(&node)).await;
    refused(
        net.inferix(&bob, &["unstake", "--license", &license, "--amount", "1"])
            .await,
        "insufficient stake: unstaking 1.000000000 IFX leaves",
        "inferix node set --deactivate",
    );
    refused(
        net.inferix(
            &bob,
            &[
                "unstake",
                "--license",
                &license,
                "--amount",
                &ifx_text(required + 1),
            ],
        )
        .await,
        "insufficient stake: the node has",
        "unstake at most the node's stake",
    );
    // A refusal of the program itself comes back with the program error's name.
    refused(
        net.inferix(
            &bob,
            &["node", "set", "--license", &license, "--price-per-ibm", "0"],
        )
        .await,
        "node_staking refused instruction 0",
        "`inferix status`",
    )
    .message
    .contains("(InvalidNodePrice, error")
    .then_some(())
    .expect("the program error is named");
    assert_eq!(
        net.bank.token_balance(&pda::stake_vault(&node)).await,
        vault_before,
        "nothing moved"
    );

    // A new operator key and a higher price: S(n) grows by a quarter, the stake no longer
    // covers it and the node says so; back at $0.04 it is active again.
    let operator = Pubkey::new_unique().to_string();
    let dearer = net
        .inferix(
            &bob,
            &[
                "node",
                "set",
                "--license",
                &license,
                "--operator",
                &operator,
                "--price-per-ibm",
                "0.05",
            ],
        )
        .await
        .unwrap();
    assert_eq!(dearer.json["operator"], operator);
    assert_eq!(dearer.json["required_stake"], required / 4 * 5);
    assert_eq!(dearer.json["status"], "Inactive");
    let status = net
        .inferix(&bob, &["status", "--license", &license])
        .await
        .unwrap();
    assert!(status.json["why"]
        .as_str()
        .unwrap()
        .starts_with("inactive: stake below S(n) by"));
    assert!(status.json["this_epoch"]
        .as_str()
        .unwrap()
        .starts_with("this epoch does not count: attestations need an active node (inactive"));
    let back = net
        .inferix(
            &bob,
            &[
                "node",
                "set",
                "--license",
                &license,
                "--price-per-ibm",
                "0.04",
            ],
        )
        .await
        .unwrap();
    assert_eq!(back.json["status"], "Active");

    let set = net
        .inferix(
            &bob,
            &["node", "set", "--license", &license, "--deactivate"],
        )
        .await
        .unwrap();
    assert_eq!(set.json["status"], "Inactive");
    let unstaked = net
        .inferix(
            &bob,
            &["unstake", "--license", &license, "--amount", &required_text],
        )
        .await
        .unwrap();
    let release_at = unstaked.json["release_at"].as_i64().unwrap();
    refused(
        net.inferix(&bob, &["withdraw", "--license", &license])
            .await,
        "no unbonded stake to withdraw",
        &format!("the next ticket is released at {release_at}"),
    );
    net.bank.set_time(release_at).await;
    let withdrawn = net
        .inferix(&bob, &["withdraw", "--license", &license])
        .await
        .unwrap();
    assert_eq!(withdrawn.json["received"], required);
    assert_eq!(net.ifx_balance(&bob.pubkey()).await, required);
    assert_eq!(
        net.bank.anchor_account::<Node>(&node).await.status,
        NodeStatus::Inactive
    );

    // A year on, the license is unlocked and sold to carol, who takes the node over.
    refused(
        net.inferix(&carol, &["node", "take-over", "--license", &license])
            .await,
        "does not hold license",
        "sign with --keypair of the wallet that holds the license NFT",
    );
    net.bank.advance(365 * DAY).await;
    let unlock = inferix_sdk::instructions::unlock_license(&mint, &bob.pubkey());
    net.bank.send(&[unlock], &[]).await.unwrap();
    transfer_license(&mut net.bank, &mint, &bob.keypair, &carol.pubkey())
        .await
        .unwrap();
    net.inferix(&carol, &["node", "take-over", "--license", &license])
        .await
        .unwrap();
    assert_eq!(
        net.bank.anchor_account::<Node>(&node).await.owner,
        carol.pubkey()
    );
    refused(
        net.inferix(&carol, &["node", "take-over", "--license", &license])
            .await,
        "already owns the node",
        "nothing to do",
    );
}

#[tokio::test]
async fn rewards_are_claimed_once_their_epoch_is_finalized_and_vesting_is_withdrawn() {
    let mut w = worker_world("claim", 30 * DAY).await;
    w.attest(0, 1, 60_000_000).await;
    let license = w.license.clone();
    let bob_before = w.net.ifx_balance(&w.bob.pubkey()).await;

    // An unfinalized epoch: named, with when it can be claimed.
    let epoch: Epoch = w.net.bank.anchor_account(&pda::epoch(0)).await;
    let grace = w.net.deployment.rewards.grace_secs;
    refused(
        w.net
            .inferix(&w.bob, &["claim", "--license", &license, "--epoch", "0"])
            .await,
        "epoch 0 is not finalized yet",
        &format!("at {}", epoch.end_ts + grace),
    );
    let early = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license])
        .await
        .unwrap();
    assert_eq!(early.json["waiting"], serde_json::json!([0]));
    assert_eq!(
        w.net.ifx_balance(&w.bob.pubkey()).await,
        bob_before,
        "nothing paid"
    );
    let board = w
        .net
        .inferix(&w.bob, &["leaderboard", "--epoch", "0"])
        .await
        .unwrap();
    assert_eq!(board.json["nodes"][0]["node"], w.node.to_string());
    assert_eq!(board.json["nodes"][0]["share_bps"], 10_000);
    assert_eq!(board.json["total_ibm_micros"], 60_000_000);
    let next = w
        .net
        .inferix(&w.bob, &["leaderboard", "--epoch", "1"])
        .await
        .unwrap();
    assert_eq!(
        next.json["nodes"],
        serde_json::json!([]),
        "epoch 0's tally is not epoch 1's"
    );

    // Only the license holder's wallet claims through the CLI.
    let carol = w.net.wallet("carol", 0).await;
    refused(
        w.net
            .inferix(&carol, &["claim", "--license", &license])
            .await,
        "does not hold license",
        "sign with --keypair of the wallet that holds the license NFT",
    );

    w.net.bank.set_time(epoch.end_ts + grace).await;
    let claim = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license])
        .await
        .unwrap();
    assert_eq!(claim.json["claimed"], serde_json::json!([0]));
    let epoch: Epoch = w.net.bank.anchor_account(&pda::epoch(0)).await;
    assert!(epoch.finalized, "the claim finalized the epoch on its way");
    // 60 IBM × 0.21 IFX = 12.6 IFX: 25 % now, 75 % vesting.
    assert_eq!(epoch.worker_reward, 12_600_000_000);
    assert_eq!(claim.json["paid"], 3_150_000_000u64);
    assert_eq!(claim.json["vesting"], 9_450_000_000u64);
    assert_eq!(
        w.net.ifx_balance(&w.bob.pubkey()).await,
        bob_before + 3_150_000_000
    );
    let again = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license])
        .await
        .unwrap();
    assert_eq!(
        again.lines,
        ["nothing to claim: every epoch with verified work is claimed"]
    );
    refused(
        w.net
            .inferix(&w.bob, &["claim", "--license", &license, "--epoch", "0"])
            .await,
        "has nothing to claim in epoch 0",
        "claimed already",
    );

    // Verifiers claim their share the same way.
    let verifier = w.verifiers[0].wallet.keypair.insecure_clone();
    let verifier_license = w
        .net
        .bank
        .anchor_account::<Node>(&w.verifiers[0].node)
        .await
        .license_mint
        .to_string();
    let vw = Wallet {
        name: "verifier-1",
        keypair: verifier,
        file: w.verifiers[0].wallet.file.clone(),
    };
    // Each verifier co-signed all 60 IBM: half the verifier reward each, pending until claimed.
    let pending = w
        .net
        .inferix(&vw, &["status", "--license", &verifier_license])
        .await
        .unwrap();
    assert_eq!(
        pending.json["pending_rewards"][0]["reward"],
        epoch.verifier_reward / 2
    );
    assert_eq!(
        pending.json["this_epoch"],
        "this epoch does not count: its credit account is not open, so its co-signatures cannot be credited (open_verifier_epoch)"
    );
    let verifier_claim = w
        .net
        .inferix(&vw, &["claim", "--license", &verifier_license])
        .await
        .unwrap();
    assert_eq!(verifier_claim.json["claimed"], serde_json::json!([0]));

    // Vesting runs linearly over 180 days from the epoch's end: 18 days after the claim,
    // 18 days and the 6-h grace have vested.
    w.net.bank.advance(18 * DAY).await;
    let vested = w
        .net
        .inferix(&w.bob, &["vesting", "withdraw"])
        .await
        .unwrap();
    let elapsed = (18 * DAY + grace) as u64;
    assert_eq!(
        vested.json["withdrawn"],
        9_450_000_000 * elapsed / (180 * DAY as u64)
    );
    let none = w
        .net
        .inferix(&w.bob, &["vesting", "withdraw"])
        .await
        .unwrap();
    assert_eq!(none.json["withdrawn"], 0);
}

#[tokio::test]
async fn a_license_is_sold_back_only_inside_the_window() {
    // The public sale opens on day 2; the window 12 hours later.
    let mut w = worker_world("buyback", 2 * DAY + 12 * HOUR).await;
    w.attest(0, 1, 60_000_000).await;
    let license = w.license.clone();
    let holding = pda::associated_token(
        &w.bob.pubkey(),
        &license.parse().unwrap(),
        &anchor_spl::token_2022::ID,
    );
    w.net.push_price().await;
    let quote = w
        .net
        .inferix(&w.bob, &["buyback", "quote", "--license", &license])
        .await
        .unwrap();
    assert_eq!(quote.json["window_open"], false);
    assert_eq!(quote.json["eligible"], true);
    assert_eq!(
        quote.json["ifx_amount"], 6_000_000_000_000u64,
        "$300 at $0.05 per IFX"
    );
    refused(
        w.net
            .inferix(
                &w.bob,
                &["buyback", "sell", "--license", &license, "--option", "ifx"],
            )
            .await,
        "the buyback window is closed",
        "sell during the window",
    );
    assert_eq!(
        w.net.bank.token_balance(&holding).await,
        1,
        "the license stays with bob"
    );

    // A license whose node never ran is not eligible.
    let alice = w.net.wallet("alice", 0).await;
    let idle = w
        .net
        .buy_license(&alice, "worker", &[])
        .await
        .unwrap()
        .to_string();
    refused(
        w.net
            .inferix(&alice, &["buyback", "quote", "--license", &idle])
            .await,
        "no node is registered on license",
        "inferix node register",
    );

    w.net.bank.advance(10 * HOUR).await;
    w.net.push_price().await;
    let sold = w
        .net
        .inferix(
            &w.bob,
            &["buyback", "sell", "--license", &license, "--option", "ifx"],
        )
        .await
        .unwrap();
    assert_eq!(sold.json["amount"], 6_000_000_000_000u64);
    assert_eq!(
        w.net.bank.token_balance(&holding).await,
        0,
        "the license went back"
    );
    refused(
        w.net
            .inferix(
                &w.bob,
                &["buyback", "sell", "--license", &license, "--option", "ifx"],
            )
            .await,
        "does not hold license",
        "sign with --keypair",
    );
    w.net.bank.advance(3 * DAY).await;
    let withdrawn = w
        .net
        .inferix(&w.bob, &["buyback", "withdraw", "--license", &license])
        .await
        .unwrap();
    assert_eq!(
        withdrawn.json["withdrawn"], 600_000_000_000u64,
        "3 of 30 days vested"
    );
}

#[tokio::test]
async fn a_license_is_sold_back_for_weth_at_the_eth_price() {
    let mut w = worker_world("buyback-weth", 2 * DAY + 12 * HOUR).await;
    w.attest(0, 1, 60_000_000).await;
    w.net.bank.advance(10 * HOUR).await;
    w.net.push_price().await;
    let license = w.license.clone();
    let (weth_mint, token) = (w.net.weth_mint, anchor_spl::token::ID);
    w.net
        .bank
        .mint_to(
            &weth_mint,
            &token,
            &pda::buyback_weth_vault(),
            10 * 100_000_000,
        )
        .await;
    // ETH/USD at $3,000 (exponent −8) from the Pyth receiver, for the cluster's ETH feed.
    let feed = inferix_cli::deployment::parse_feed_id(
        "ff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace",
    )
    .unwrap();
    let eth_price = Pubkey::new_unique();
    let now = w.net.bank.now().await;
    let pyth = |publish_time| {
        pyth_price_account(
            feed,
            VerificationLevel::Full,
            300_000_000_000,
            0,
            publish_time,
            PYTH_RECEIVER_PROGRAM_ID,
        )
    };
    w.net.bank.put_account(&eth_price, pyth(now - 3_600));
    let eth = eth_price.to_string();
    let quote = [
        "buyback",
        "quote",
        "--license",
        &license,
        "--eth-price-account",
        &eth,
    ];
    refused(
        w.net.inferix(&w.bob, &quote).await,
        "cannot be used now",
        "wait for a fresh price update",
    );
    w.net.bank.put_account(&eth_price, pyth(now));
    let quoted = w.net.inferix(&w.bob, &quote).await.unwrap();
    // 80 % of $300 at $3,000 per ETH = 0.08 wETH (8 decimals).
    assert_eq!(quoted.json["weth_amount"], 8_000_000);
    assert_eq!(quoted.json["ifx_amount"], 6_000_000_000_000u64);
    refused(
        w.net
            .inferix(
                &w.bob,
                &["buyback", "sell", "--license", &license, "--option", "weth"],
            )
            .await,
        "the wETH option needs the ETH/USD price",
        "pass --eth-price-account",
    );
    let sold = w
        .net
        .inferix(
            &w.bob,
            &[
                "buyback",
                "sell",
                "--license",
                &license,
                "--option",
                "weth",
                "--eth-price-account",
                &eth,
            ],
        )
        .await
        .unwrap();
    assert_eq!(sold.json["amount"], 8_000_000);
    let bob_weth = pda::associated_token(&w.bob.pubkey(), &weth_mint, &token);
    assert_eq!(w.net.bank.token_balance(&bob_weth).await, 8_000_000);
    refused(
        w.net
            .inferix(&w.bob, &["buyback", "withdraw", "--license", &license])
            .await,
        "has no IFX buyback vesting",
        "sell it back first with `inferix buyback sell --option ifx`",
    );
}

#[tokio::test]
async fn claims_of_several_epochs_are_batched_and_a_rerun_resumes() {
    let mut w = worker_world("claim-batches", 30 * DAY).await;
    let epoch_secs = w.net.deployment.rewards.epoch_length_secs;
    let grace = w.net.deployment.rewards.grace_secs;
    for epoch in 0..6u32 {
        if epoch > 0 {
            let start = w.net.start_ts + i64::from(epoch) * epoch_secs;
            w.net.bank.set_time(start).await;
            for v in &w.verifiers {
                let keypair = v.wallet.keypair.insecure_clone();
                let file = v.wallet.file.clone();
                let wallet = Wallet {
                    name: "verifier",
                    keypair,
                    file,
                };
                w.net
                    .open_verifier_epoch(&wallet, &v.node, epoch)
                    .await
                    .unwrap();
            }
        }
        w.attest(epoch, epoch + 1, 60_000_000).await;
    }
    let license = w.license.clone();
    let start = w.net.start_ts;
    let claim_in = |epoch: i64| start + epoch * epoch_secs + grace;
    // In epoch 3, epochs 0–2 are past their grace; an earlier run stopped after epoch 0.
    w.net.bank.set_time(claim_in(3)).await;
    let first = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license, "--epoch", "0"])
        .await
        .unwrap();
    assert_eq!(first.json["claimed"], serde_json::json!([0]));
    let resumed = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license, "--batch", "1"])
        .await
        .unwrap();
    assert_eq!(resumed.json["claimed"], serde_json::json!([1, 2]));
    assert_eq!(resumed.json["waiting"], serde_json::json!([3]));
    assert_eq!(
        resumed.json["signatures"].as_array().unwrap().len(),
        2,
        "one epoch per transaction"
    );
    assert!(
        resumed
            .lines
            .iter()
            .any(|l| l == "transaction 2/2: epoch 2"),
        "{:?}",
        resumed.lines
    );
    // In epoch 5, epochs 3 and 4 fit in one transaction with the default batch.
    w.net.bank.set_time(claim_in(5)).await;
    let packed = w
        .net
        .inferix(&w.bob, &["claim", "--license", &license])
        .await
        .unwrap();
    assert_eq!(packed.json["claimed"], serde_json::json!([3, 4]));
    assert_eq!(packed.json["signatures"].as_array().unwrap().len(), 1);
    assert!(
        packed
            .lines
            .iter()
            .any(|l| l == "transaction 1/1: epoch 3, epoch 4"),
        "{:?}",
        packed.lines
    );
    for epoch in 0..5 {
        let e: Epoch = w.net.bank.anchor_account(&pda::epoch(epoch)).await;
        assert!(
            e.finalized && e.worker_claimed == e.worker_reward,
            "epoch {epoch}"
        );
    }
}
