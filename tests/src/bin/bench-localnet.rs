//! Benchmark of the local cluster over JSON-RPC (SPEC §11): real `submit_attestation`
//! transactions (the Ed25519 precompile with the manager's and two verifiers' signatures, then
//! the program) sent with `sendTransaction` by eight worker nodes at once; `getMultipleAccounts`
//! of 100 addresses; and the process's memory after all of it. Server and clients share this
//! process, as on a developer's machine, so the figures include both.
//!
//! `cargo run --release -p inferix-tests --bin bench-localnet [transactions]` (100,000 by default)

#![allow(deprecated)]

use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use inferix_sdk::epoch_rewards::state::NodeRewards;
use inferix_sdk::pda;
use inferix_tests::bank::Bank;
use inferix_tests::localnet::{LocalNet, Participants, Profile, Verifier, Worker};
use inferix_tests::rpcnet::RpcNet;
use inferix_worker::chain::{self, Cosigner};
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_types::config::RpcSendTransactionConfig;
use solana_signer::Signer;
use solana_transaction::Transaction;

const WORKER_NODES: usize = 8;
const ONE_IB: u64 = 1_000_000;
const MULTIPLE_ACCOUNTS_CALLS: usize = 1_000;
/// How long a sender signs with one blockhash and clock reading before it asks again (a
/// blockhash lives 150 slots, about a minute; an attestation's `issued_at` 10 minutes).
const REFRESH_AFTER: Duration = Duration::from_secs(20);

/// What one sending task needs: its node's operator and the co-signers' keys.
struct Sender {
    url: String,
    operator: Keypair,
    node: Pubkey,
    manager: Keypair,
    verifiers: Vec<(Pubkey, Keypair)>,
}

impl Sender {
    /// Sends attestations with sequence numbers `seqs`, each waiting for the server's answer
    /// (the next sequence number needs the previous one landed).
    async fn run(self, seqs: std::ops::RangeInclusive<u32>, skip_preflight: bool) -> Self {
        let client = RpcClient::new(self.url.clone());
        let mut chain = inferix_sdk::client::RpcChain::new(&self.url);
        let cosigners: Vec<Cosigner> = self
            .verifiers
            .iter()
            .map(|(node, operator)| Cosigner {
                node: *node,
                operator,
            })
            .collect();
        let config = RpcSendTransactionConfig {
            skip_preflight,
            ..Default::default()
        };
        let (mut blockhash, mut issued_at) = (Default::default(), 0);
        let mut refreshed: Option<Instant> = None;
        for seq in seqs {
            if refreshed.is_none_or(|at| at.elapsed() > REFRESH_AFTER) {
                refreshed = Some(Instant::now());
                blockhash = client.get_latest_blockhash().await.expect("a blockhash");
                issued_at = inferix_sdk::client::Chain::unix_timestamp(&mut chain)
                    .await
                    .expect("the clock");
            }
            let attestation = chain::attestation(
                self.node,
                0,
                seq,
                ONE_IB,
                u64::from(seq),
                seq,
                [seq as u8; 32],
                issued_at,
            );
            let instructions = chain::attestation_instructions(
                &self.operator.pubkey(),
                &attestation,
                &self.manager,
                &cosigners,
            );
            let tx = Transaction::new_signed_with_payer(
                &instructions,
                Some(&self.operator.pubkey()),
                &[&self.operator],
                blockhash,
            );
            client
                .send_transaction_with_config(&tx, config)
                .await
                .unwrap_or_else(|e| panic!("attestation {seq} of {}: {e}", self.node));
        }
        self
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

/// `VmRSS` and `VmHWM` of this process, in MiB.
fn memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let out = std::env::temp_dir().join(format!("inferix-bench-localnet-{}", std::process::id()));
    // Attestations as fast as they come: the per-node interval would measure the clock, not the
    // cluster.
    let profile = Profile::parse(
        "[rewards]\nmin_participation_minutes = 0\nmin_attestation_interval_secs = 0\n",
    )
    .expect("a valid profile");
    let mut local = LocalNet::with_profile(Bank::start().await, &out, &profile).await;
    local.verbose = false;
    local.deploy().await;
    let mut net = RpcNet::serve(local).await;
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    net.set_time(net.start_ts + whitelist_secs).await;

    println!("setting up 2 verifiers and {WORKER_NODES} worker nodes over JSON-RPC…");
    let verifiers: Vec<Verifier> = vec![
        net.verifier("verifier-1").await.expect("verifier 1"),
        net.verifier("verifier-2").await.expect("verifier 2"),
    ];
    let mut senders = vec![];
    let mut addresses = vec![];
    for name in [
        "worker-1", "worker-2", "worker-3", "worker-4", "worker-5", "worker-6", "worker-7",
        "worker-8",
    ] {
        let Worker {
            wallet,
            license: mint,
            node,
        } = net
            .worker(name, ONE_IB, &verifiers)
            .await
            .expect("a staked worker");
        addresses.extend([node, mint, pda::license_record(&mint), wallet.pubkey()]);
        senders.push(Sender {
            url: net.url.clone(),
            operator: wallet.keypair.insecure_clone(),
            node,
            manager: net.manager.keypair.insecure_clone(),
            verifiers: verifiers
                .iter()
                .map(|v| (v.node, v.wallet.keypair.insecure_clone()))
                .collect(),
        });
    }

    // getMultipleAccounts of 100: the nodes, their licences and owners, then absent addresses.
    addresses.extend([
        pda::staking_config(),
        pda::rewards_config(),
        pda::reward_vault(),
        pda::epoch(0),
    ]);
    while addresses.len() < 100 {
        addresses.push(Keypair::new().pubkey());
    }
    let client = RpcClient::new(net.url.clone());
    let mut latencies = Vec::with_capacity(MULTIPLE_ACCOUNTS_CALLS);
    for _ in 0..MULTIPLE_ACCOUNTS_CALLS {
        let started = Instant::now();
        let found = client
            .get_multiple_accounts(&addresses)
            .await
            .expect("getMultipleAccounts");
        latencies.push(started.elapsed());
        assert_eq!(found.len(), 100);
    }
    latencies.sort();

    // Half with preflight (each transaction simulated, then executed: what clients do by
    // default), half without.
    let half = total.div_ceil(2 * WORKER_NODES as u32);
    let mut rates = vec![];
    for (phase, skip_preflight) in [(0, false), (1, true)] {
        let seqs = phase * half + 1..=(phase + 1) * half;
        println!(
            "sending {} attestations ({half} per node, skip_preflight {skip_preflight})…",
            half * WORKER_NODES as u32
        );
        let started = Instant::now();
        let tasks: Vec<_> = senders
            .into_iter()
            .map(|sender| tokio::spawn(sender.run(seqs.clone(), skip_preflight)))
            .collect();
        senders = vec![];
        for task in tasks {
            senders.push(task.await.expect("a sender"));
        }
        rates.push(f64::from(half * WORKER_NODES as u32) / started.elapsed().as_secs_f64());
    }
    let sent = 2 * half * WORKER_NODES as u32;
    for sender in &senders {
        let rewards: NodeRewards = net.anchor_account(&pda::node_rewards(&sender.node)).await;
        assert_eq!(
            rewards.last_seq,
            2 * half,
            "every attestation of {} landed",
            sender.node
        );
    }
    let (rss, peak) = memory_mib();

    println!("inferix-localnet over JSON-RPC (one process, 2 cores)");
    println!(
        "  attestations       {:.0} tx/s with preflight, {:.0} tx/s without ({WORKER_NODES} senders, sendTransaction)",
        rates[0], rates[1]
    );
    println!(
        "  getMultipleAccounts(100)  p50 {:.2} ms, p99 {:.2} ms over {MULTIPLE_ACCOUNTS_CALLS} calls",
        percentile(&latencies, 50).as_secs_f64() * 1e3,
        percentile(&latencies, 99).as_secs_f64() * 1e3
    );
    println!("  memory             {rss} MiB resident after {sent} attestations (peak {peak} MiB)");
    let _ = std::fs::remove_dir_all(&out);
}
