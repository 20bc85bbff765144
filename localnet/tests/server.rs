//! SPEC §11: the `inferix-localnet` server as a user runs it — deployed at start, a faucet,
//! `--ledger` keeping the network across a kill and a restart, foreign and corrupt ledgers
//! refused by name and left untouched.

use std::path::Path;
use std::process::Command;

use anchor_lang::prelude::Pubkey;
use inferix_localnet::bank::LAMPORTS_PER_SOL;
use serde_json::{json, Value};
use solana_rpc_client_types::request::RpcRequest;
use solana_signer::Signer;

mod server_harness;

use server_harness::{start, Server};

fn mint_of(cluster_file: &str, key: &str) -> Pubkey {
    let text = std::fs::read_to_string(cluster_file).expect("the cluster file");
    let table: toml::Table = text.parse().unwrap();
    let value = match key {
        "usd" => table["sales"][0]["payment_mint"].as_str(),
        _ => table["ifx_mint"].as_str(),
    };
    value.unwrap().parse().unwrap()
}

async fn faucet(
    server: &Server,
    wallet: &Pubkey,
    symbol: &str,
    amount: u64,
) -> Result<Value, String> {
    server
        .rpc
        .send::<Value>(
            RpcRequest::Custom {
                method: "inferixFaucet",
            },
            json!([wallet.to_string(), symbol, amount]),
        )
        .await
        .map_err(|e| e.to_string())
}

async fn token_balance(server: &Server, wallet: &Pubkey, mint: &Pubkey) -> u64 {
    let account = inferix_localnet::bank::ata_address(wallet, mint, &anchor_spl::token::ID);
    server
        .rpc
        .get_token_account_balance(&account)
        .await
        .map_or(0, |b| b.amount.parse().unwrap())
}

fn files(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_cluster_restarts_from_its_ledger_with_nothing_lost_or_doubled() {
    let ledger = tempfile::tempdir().unwrap();
    let folder = ledger.path().join("ledger");
    let folder_arg = folder.display().to_string();
    let alice = solana_keypair::Keypair::new();
    let bob = solana_keypair::Keypair::new();

    let server = start(&["--ledger", &folder_arg]);
    let ifx = mint_of(&server.cluster_file, "ifx");
    let usd = mint_of(&server.cluster_file, "usd");
    let airdrop = server
        .rpc
        .request_airdrop(&alice.pubkey(), 5 * LAMPORTS_PER_SOL)
        .await
        .unwrap();
    faucet(&server, &alice.pubkey(), "IFX", 2_500_000_000_000)
        .await
        .unwrap();
    faucet(&server, &alice.pubkey(), "usdc", 300_000_000)
        .await
        .unwrap();
    let blockhash = server.rpc.get_latest_blockhash().await.unwrap();
    let transfer = solana_transaction::Transaction::new_signed_with_payer(
        &[anchor_lang::solana_program::system_instruction::transfer(
            &alice.pubkey(),
            &bob.pubkey(),
            LAMPORTS_PER_SOL,
        )],
        Some(&alice.pubkey()),
        &[&alice],
        blockhash,
    );
    let paid = server
        .rpc
        .send_and_confirm_transaction(&transfer)
        .await
        .unwrap();
    let alice_lamports = server.rpc.get_balance(&alice.pubkey()).await.unwrap();
    let slot = server.rpc.get_slot().await.unwrap();

    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL: no clean stop, no checkpoint
    server.child.wait().unwrap();
    drop(server);

    let server = start(&["--ledger", &folder_arg]);
    assert_eq!(
        server.rpc.get_balance(&alice.pubkey()).await.unwrap(),
        alice_lamports
    );
    assert_eq!(
        server.rpc.get_balance(&bob.pubkey()).await.unwrap(),
        LAMPORTS_PER_SOL
    );
    assert_eq!(
        token_balance(&server, &alice.pubkey(), &ifx).await,
        2_500_000_000_000
    );
    assert_eq!(
        token_balance(&server, &alice.pubkey(), &usd).await,
        300_000_000
    );
    assert!(
        server.rpc.get_slot().await.unwrap() > slot,
        "slots never go back"
    );

    let history = server
        .rpc
        .get_signatures_for_address(&alice.pubkey())
        .await
        .unwrap();
    assert_eq!(
        history.len(),
        4,
        "airdrop, two faucet mints and the transfer"
    );
    assert_eq!(history[0].signature, paid.to_string());
    assert_eq!(history[3].signature, airdrop.to_string());
    let kept = server
        .rpc
        .get_transaction(
            &paid,
            solana_transaction_status_client_types::UiTransactionEncoding::Json,
        )
        .await
        .unwrap();
    let logs: Option<Vec<String>> = kept.transaction.meta.unwrap().log_messages.into();
    assert!(!logs.unwrap().is_empty(), "logs survive the restart");

    // The same signed transfer again is refused (its blockhash died with the old bank).
    let again = server.rpc.send_transaction(&transfer).await;
    assert!(again.is_err(), "a transaction is never applied twice");
    assert_eq!(
        server.rpc.get_balance(&bob.pubkey()).await.unwrap(),
        LAMPORTS_PER_SOL
    );

    // The cluster keeps working after the restart: the price pusher and new transactions.
    faucet(&server, &bob.pubkey(), "IFX", 1).await.unwrap();
    assert_eq!(token_balance(&server, &bob.pubkey(), &ifx).await, 1);
    drop(server);

    // Without --ledger the network is fresh.
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().display().to_string();
    let server = start(&["--out", &out]);
    assert_eq!(server.rpc.get_balance(&alice.pubkey()).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faucet_refuses_unknown_tokens_and_oversized_requests() {
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().display().to_string();
    let server = start(&["--out", &out]);
    let wallet = Pubkey::new_unique();
    let unknown = faucet(&server, &wallet, "DOGE", 1).await.unwrap_err();
    assert!(unknown.contains("FaucetUnknownToken"), "{unknown}");
    let too_much = faucet(&server, &wallet, "IFX", u64::MAX).await.unwrap_err();
    assert!(too_much.contains("FaucetLimitExceeded"), "{too_much}");
    let ifx = mint_of(&server.cluster_file, "ifx");
    assert_eq!(
        token_balance(&server, &wallet, &ifx).await,
        0,
        "nothing minted"
    );
}

#[test]
fn foreign_and_corrupt_ledgers_are_refused_by_name_and_left_untouched() {
    let root = tempfile::tempdir().unwrap();
    let cases = [
        (
            "foreign",
            "notes.txt",
            b"someone else's files".to_vec(),
            "LedgerForeign",
        ),
        (
            "corrupt",
            "ledger.sqlite3",
            vec![0x5a; 8_192],
            "LedgerCorrupt",
        ),
    ];
    for (name, file, bytes, error) in cases {
        let folder = root.path().join(name);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(file), &bytes).unwrap();
        let before = files(&folder);
        let output = Command::new(env!("CARGO_BIN_EXE_inferix-localnet"))
            .args(["--rpc-port", "0", "--ws-port", "0", "--ledger"])
            .arg(&folder)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{name}: refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(error), "{name}: {stderr}");
        assert_eq!(files(&folder), before, "{name}: never overwritten");
    }
}
