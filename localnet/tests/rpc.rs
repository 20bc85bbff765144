//! SPEC §11: the local cluster answers the Solana JSON-RPC API as a cluster does, checked with
//! the standard Rust client (`solana-rpc-client`) and raw HTTP for what a client never sends.

#![allow(deprecated)]

use std::net::SocketAddr;

use anchor_lang::prelude::Pubkey;
use inferix_localnet::bank::{Bank, LAMPORTS_PER_SOL};
use inferix_localnet::rpc::RpcServer;
use serde_json::{json, Value};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_types::request::RpcRequest;
use solana_signer::Signer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn cluster() -> (RpcServer, RpcClient) {
    let bank = Bank::start().await;
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = RpcServer::start(bank, any_port).await.expect("serving");
    let client = RpcClient::new_with_commitment(
        server.url(),
        solana_commitment_config::CommitmentConfig::confirmed(),
    );
    (server, client)
}

/// POSTs `body` as it is and returns the JSON answer.
async fn post_raw(server: &RpcServer, body: &str) -> Value {
    let mut stream = tokio::net::TcpStream::connect(server.address)
        .await
        .unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.address,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (_, json) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    serde_json::from_str(json).expect("a JSON body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_client_reads_airdrops_and_sends_transactions() {
    let (_server, client) = cluster().await;
    assert_eq!(client.get_version().await.unwrap().solana_core, "3.1.12");
    let first = client.get_slot().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert!(
        client.get_slot().await.unwrap() > first,
        "slots advance in real time"
    );

    let alice = solana_keypair::Keypair::new();
    let signature = client
        .request_airdrop(&alice.pubkey(), 2 * LAMPORTS_PER_SOL)
        .await
        .unwrap();
    assert!(client.confirm_transaction(&signature).await.unwrap());
    assert_eq!(
        client.get_balance(&alice.pubkey()).await.unwrap(),
        2 * LAMPORTS_PER_SOL
    );

    let bob = Pubkey::new_unique();
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let pay = solana_transaction::Transaction::new_signed_with_payer(
        &[anchor_lang::solana_program::system_instruction::transfer(
            &alice.pubkey(),
            &bob,
            LAMPORTS_PER_SOL,
        )],
        Some(&alice.pubkey()),
        &[&alice],
        blockhash,
    );
    client.send_and_confirm_transaction(&pay).await.unwrap();
    let account = client.get_account(&bob).await.unwrap();
    assert_eq!(account.lamports, LAMPORTS_PER_SOL);
    let accounts = client
        .get_multiple_accounts(&[bob, Pubkey::new_unique()])
        .await
        .unwrap();
    assert!(accounts[0].is_some() && accounts[1].is_none());
    let rent = client
        .get_minimum_balance_for_rent_exemption(165)
        .await
        .unwrap();
    assert_eq!(rent, 2_039_280);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_transaction_is_the_standard_preflight_error_with_its_logs() {
    let (server, client) = cluster().await;
    let poor = solana_keypair::Keypair::new();
    let signature = client
        .request_airdrop(&poor.pubkey(), LAMPORTS_PER_SOL / 10)
        .await
        .unwrap();
    assert!(client.confirm_transaction(&signature).await.unwrap());
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let overspend = solana_transaction::Transaction::new_signed_with_payer(
        &[anchor_lang::solana_program::system_instruction::transfer(
            &poor.pubkey(),
            &Pubkey::new_unique(),
            LAMPORTS_PER_SOL,
        )],
        Some(&poor.pubkey()),
        &[&poor],
        blockhash,
    );
    let wire = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        bincode::serialize(&overspend).unwrap(),
    );
    let answer = post_raw(
        &server,
        &json!({"jsonrpc": "2.0", "id": 7, "method": "sendTransaction",
                "params": [wire, {"encoding": "base64"}]})
        .to_string(),
    )
    .await;
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["error"]["code"], -32002);
    let logs = answer["error"]["data"]["logs"].as_array().unwrap();
    assert!(
        logs.iter()
            .any(|l| l.as_str().unwrap().contains("insufficient lamports")),
        "{logs:?}"
    );
    // The standard client reads it as the transaction's error.
    let refused = client.send_transaction(&overspend).await.unwrap_err();
    assert!(refused.get_transaction_error().is_some(), "{refused}");
    assert_eq!(
        client.get_balance(&poor.pubkey()).await.unwrap(),
        LAMPORTS_PER_SOL / 10,
        "nothing moved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_the_standard_errors_and_the_server_keeps_serving() {
    let (server, client) = cluster().await;
    let call = |method: &str, params: Value| {
        json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string()
    };
    let malformed = post_raw(&server, "{\"jsonrpc\": \"2.0\", \"method\": ").await;
    assert_eq!(malformed["error"]["code"], -32700);
    let unknown = post_raw(&server, &call("getEverything", json!([]))).await;
    assert_eq!(unknown["error"]["code"], -32601);
    let wrong = post_raw(&server, &call("getBalance", json!([42]))).await;
    assert_eq!(wrong["error"]["code"], -32602);
    let bad_key = post_raw(&server, &call("getBalance", json!(["not-a-key"]))).await;
    assert_eq!(bad_key["error"]["code"], -32602);
    let oversized =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, vec![1u8; 1_300]);
    let too_big = post_raw(
        &server,
        &call(
            "sendTransaction",
            json!([oversized, {"encoding": "base64"}]),
        ),
    )
    .await;
    assert_eq!(too_big["error"]["code"], -32602);
    // A transaction whose signature does not match its message.
    let alice = solana_keypair::Keypair::new();
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let mut forged = solana_transaction::Transaction::new_signed_with_payer(
        &[anchor_lang::solana_program::system_instruction::transfer(
            &alice.pubkey(),
            &Pubkey::new_unique(),
            1,
        )],
        Some(&alice.pubkey()),
        &[&alice],
        blockhash,
    );
    forged.signatures[0] = solana_signature::Signature::from([7u8; 64]);
    let wire = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        bincode::serialize(&forged).unwrap(),
    );
    let unsigned = post_raw(
        &server,
        &call("sendTransaction", json!([wire, {"encoding": "base64"}])),
    )
    .await;
    assert_eq!(unsigned["error"]["code"], -32003);
    // A batch answers each call; the server still serves.
    let batch = post_raw(
        &server,
        &json!([
            {"jsonrpc": "2.0", "id": 1, "method": "getHealth"},
            {"jsonrpc": "2.0", "id": 2, "method": "nope"}
        ])
        .to_string(),
    )
    .await;
    assert_eq!(batch[0]["result"], "ok");
    assert_eq!(batch[1]["error"]["code"], -32601);
    let health: String = client
        .send(RpcRequest::GetHealth, Value::Null)
        .await
        .unwrap();
    assert_eq!(health, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn program_accounts_are_found_by_owner_size_and_bytes() {
    let (server, client) = cluster().await;
    let payer = {
        let cluster = server.cluster.clone();
        cluster.payer().await
    };
    let owner = Pubkey::new_unique();
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let mut accounts = vec![];
    for fill in [1u8, 2] {
        let account = solana_keypair::Keypair::new();
        let create = anchor_lang::solana_program::system_instruction::create_account(
            &payer.pubkey(),
            &account.pubkey(),
            LAMPORTS_PER_SOL,
            8,
            &owner,
        );
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &[create],
            Some(&payer.pubkey()),
            &[&payer, &account],
            blockhash,
        );
        client.send_and_confirm_transaction(&tx).await.unwrap();
        accounts.push((account.pubkey(), fill));
    }
    let all = client.get_program_accounts(&owner).await.unwrap();
    assert_eq!(all.len(), 2);
    let sized = post_raw(
        &server,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "getProgramAccounts",
                "params": [owner.to_string(), {"encoding": "base64",
                    "filters": [{"dataSize": 9}]}]})
        .to_string(),
    )
    .await;
    assert_eq!(sized["result"].as_array().unwrap().len(), 0);
    let zeros = post_raw(
        &server,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "getProgramAccounts",
                "params": [owner.to_string(), {"encoding": "base64", "withContext": true,
                    "filters": [{"dataSize": 8}, {"memcmp": {"offset": 0, "bytes": "11111111"}}]}]})
        .to_string(),
    )
    .await;
    assert_eq!(zeros["result"]["value"].as_array().unwrap().len(), 2);
}

/// The programs' logs read as a cluster's: `msg!` lines as `Program log:` and Anchor events as
/// `Program data:` (which native programs would otherwise print or drop), for event parsers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn program_logs_and_events_read_as_on_a_cluster() {
    let bank = Bank::start().await;
    let deployer = bank.deployer.insecure_clone();
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = RpcServer::start(bank, any_port).await.unwrap();
    let client = RpcClient::new(server.url());
    let init = inferix_sdk::admin::license_initialize_config(
        &deployer.pubkey(),
        node_license::instructions::InitializeConfigArgs {
            pause_guardian: deployer.pubkey(),
            buyback_authority: deployer.pubkey(),
            lock_duration_secs: 86_400,
            user_code_discount_bps: 500,
            user_code_commission_bps: 500,
        },
    );
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let tx = solana_transaction::Transaction::new_signed_with_payer(
        &[init],
        Some(&deployer.pubkey()),
        &[&deployer],
        blockhash,
    );
    let simulated = client.simulate_transaction(&tx).await.unwrap().value;
    assert!(simulated.err.is_none(), "{simulated:?}");
    let logs = simulated.logs.unwrap();
    let program = node_license::ID.to_string();
    assert_eq!(logs[0], format!("Program {program} invoke [1]"));
    assert!(logs.contains(&"Program log: Instruction: InitializeConfig".to_string()));
    let event = logs
        .iter()
        .find_map(|line| line.strip_prefix("Program data: "))
        .expect("the ConfigInitialized event");
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, event).unwrap();
    assert_eq!(
        &bytes[..8],
        <node_license::events::ConfigInitialized as anchor_lang::Discriminator>::DISCRIMINATOR
    );
    assert!(logs.last().unwrap().ends_with("success"), "{logs:?}");

    // A refusal's preflight error carries the program's own explanation.
    let again = client.send_and_confirm_transaction(&tx).await;
    assert!(again.is_ok());
    let blockhash = client.get_latest_blockhash().await.unwrap();
    let squat = solana_keypair::Keypair::new();
    let airdrop = client
        .request_airdrop(&squat.pubkey(), LAMPORTS_PER_SOL)
        .await
        .unwrap();
    assert!(client.confirm_transaction(&airdrop).await.unwrap());
    let pause = solana_transaction::Transaction::new_signed_with_payer(
        &[inferix_sdk::admin::license_set_paused(
            &squat.pubkey(),
            true,
        )],
        Some(&squat.pubkey()),
        &[&squat],
        blockhash,
    );
    let refused = client.simulate_transaction(&pause).await.unwrap().value;
    let logs = refused.logs.unwrap();
    assert!(
        logs.iter()
            .any(|l| l.starts_with("Program log: AnchorError")),
        "{logs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_balances_supply_and_accounts_by_owner() {
    let mut bank = Bank::start().await;
    let token = anchor_spl::token::ID;
    let mint = bank.create_mint(&token, 6).await;
    let holder = Pubkey::new_unique();
    let account = bank.fund_tokens(&holder, &mint, &token, 2_500_000).await;
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = RpcServer::start(bank, any_port).await.unwrap();
    let client = RpcClient::new(server.url());

    let balance = client.get_token_account_balance(&account).await.unwrap();
    assert_eq!(
        (
            balance.amount.as_str(),
            balance.decimals,
            balance.ui_amount_string.as_str()
        ),
        ("2500000", 6, "2.5")
    );
    let supply = client.get_token_supply(&mint).await.unwrap();
    assert_eq!(supply.amount, "2500000");
    let owned = client
        .get_token_accounts_by_owner(
            &holder,
            solana_rpc_client_types::request::TokenAccountsFilter::Mint(mint),
        )
        .await
        .unwrap();
    assert_eq!(owned.len(), 1);
    assert_eq!(owned[0].pubkey, account.to_string());
    let not_token = client.get_token_account_balance(&holder).await;
    assert!(not_token.is_err(), "a wallet is not a token account");

    let blockhash = client.get_latest_blockhash().await.unwrap();
    assert!(client
        .is_blockhash_valid(
            &blockhash,
            solana_commitment_config::CommitmentConfig::confirmed()
        )
        .await
        .unwrap());
    assert!(!client
        .is_blockhash_valid(
            &solana_hash::Hash::new_unique(),
            solana_commitment_config::CommitmentConfig::confirmed()
        )
        .await
        .unwrap());
    let slot = client.get_slot().await.unwrap();
    let time = client.get_block_time(slot).await.unwrap();
    assert!(time > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_serves_transactions_with_logs_newest_first() {
    let (_server, client) = cluster().await;
    let alice = solana_keypair::Keypair::new();
    let first = client
        .request_airdrop(&alice.pubkey(), 2 * LAMPORTS_PER_SOL)
        .await
        .unwrap();
    let second = client
        .request_airdrop(&alice.pubkey(), LAMPORTS_PER_SOL)
        .await
        .unwrap();

    let found = client
        .get_signatures_for_address(&alice.pubkey())
        .await
        .unwrap();
    let listed: Vec<&str> = found.iter().map(|s| s.signature.as_str()).collect();
    assert_eq!(listed, [second.to_string(), first.to_string()]);
    assert!(found
        .iter()
        .all(|s| s.err.is_none() && s.block_time.is_some()));

    for encoding in [
        solana_transaction_status_client_types::UiTransactionEncoding::Json,
        solana_transaction_status_client_types::UiTransactionEncoding::Base64,
    ] {
        let tx = client.get_transaction(&first, encoding).await.unwrap();
        let meta = tx.transaction.meta.expect("a status meta");
        assert!(meta.err.is_none());
        let logs: Option<Vec<String>> = meta.log_messages.into();
        assert!(
            logs.unwrap()
                .iter()
                .any(|l| l == "Program 11111111111111111111111111111111 success"),
            "the transaction's logs are kept"
        );
        assert_eq!(
            meta.post_balances[1] - meta.pre_balances[1],
            2 * LAMPORTS_PER_SOL
        );
    }
    let unknown = solana_signature::Signature::from([7; 64]);
    let missing = client
        .send::<Value>(
            RpcRequest::GetTransaction,
            json!([unknown.to_string(), {"encoding": "json"}]),
        )
        .await
        .unwrap();
    assert_eq!(missing, Value::Null, "an unknown signature is null");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_subscribers_hear_slots_signatures_and_accounts() {
    use futures_util::StreamExt;
    use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;

    let (server, client) = cluster().await;
    let pubsub = PubsubClient::new(&server.ws_url())
        .await
        .expect("connecting");

    let (mut slots, stop_slots) = pubsub.slot_subscribe().await.unwrap();
    let first = slots.next().await.expect("a slot").slot;
    let next = slots.next().await.expect("another slot").slot;
    assert!(next > first, "slots are notified as they advance");
    stop_slots().await;

    let alice = solana_keypair::Keypair::new();
    let (mut account, stop_account) = pubsub
        .account_subscribe(&alice.pubkey(), None)
        .await
        .unwrap();
    let signature = client
        .request_airdrop(&alice.pubkey(), 3 * LAMPORTS_PER_SOL)
        .await
        .unwrap();
    let changed = account.next().await.expect("an account notification");
    assert_eq!(changed.value.lamports, 3 * LAMPORTS_PER_SOL);
    stop_account().await;

    // A signature processed before the subscription is notified at once.
    let (mut status, _) = pubsub.signature_subscribe(&signature, None).await.unwrap();
    let heard = status.next().await.expect("a signature notification");
    assert!(matches!(
        heard.value,
        solana_rpc_client_types::response::RpcSignatureResult::ProcessedSignature(ref r) if r.err.is_none()
    ));
}

/// Sends `request` (a raw HTTP/1.1 request) and returns the whole answer, head and body.
async fn http_raw(server: &RpcServer, request: String) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.address)
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response.to_ascii_lowercase()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_pages_on_any_origin_may_call_the_cluster() {
    let (server, _) = cluster().await;
    let preflight = http_raw(
        &server,
        format!(
            "OPTIONS / HTTP/1.1\r\nHost: {}\r\nOrigin: http://127.0.0.1:5173\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
            server.address
        ),
    )
    .await;
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(
        preflight.contains("access-control-allow-origin: *"),
        "{preflight}"
    );
    assert!(
        preflight.contains("access-control-allow-headers: content-type"),
        "{preflight}"
    );
    let body = r#"{"jsonrpc": "2.0", "id": 1, "method": "getSlot"}"#;
    let answer = http_raw(
        &server,
        format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nOrigin: http://127.0.0.1:5173\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            server.address,
            body.len()
        ),
    )
    .await;
    assert!(
        answer.contains("access-control-allow-origin: *"),
        "{answer}"
    );
    assert!(answer.contains("\"result\""), "{answer}");
}
