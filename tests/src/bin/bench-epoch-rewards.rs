//! Benchmark: one epoch with 10, 100 and 1,000 worker nodes on the embedded bank — each node
//! attests once, the epoch is finalized, every node claims — printing the mean wall time per
//! attestation and per claim at each size. No instruction loops over nodes, so neither figure
//! should grow with the number of nodes.
//!
//! `cargo run --release -p inferix-tests --bin bench-epoch-rewards [sizes…]`

#![allow(deprecated)]

use inferix_tests::*;
use solana_signer::Signer;
use std::time::{Duration, Instant};

const HOUR: i64 = 3_600;

async fn run(nodes: usize) -> (Duration, Duration) {
    let mut w = RewardsWorld::start(default_rewards_params(), 2).await;
    let mut workers = Vec::with_capacity(nodes);
    for _ in 0..nodes {
        workers.push(w.worker(1_000_000).await);
    }
    w.fund_rewards(1_000_000 * IFX).await;
    w.bank().advance(13 * HOUR).await;

    // Every timed transaction is distinct: no slot warp between them (see `Bank::reuse_blockhash`).
    w.bank().reuse_blockhash = true;
    let started = Instant::now();
    for (i, worker) in workers.iter().enumerate() {
        let ibm = 100_000_000 + i as u64;
        w.attest(worker, 1, ibm).await.expect("attestation");
    }
    let attest = started.elapsed() / nodes as u32;

    let end = w.epoch(0).await.end_ts;
    w.bank().set_time(end + 6 * HOUR).await;
    w.finalize(0).await.expect("finalize");
    let started = Instant::now();
    for worker in &workers {
        let holder = worker.owner.pubkey();
        w.claim_worker(0, worker, &holder).await.expect("claim");
    }
    let claim = started.elapsed() / nodes as u32;

    let epoch = w.epoch(0).await;
    assert!(
        epoch.worker_claimed <= epoch.worker_reward
            && epoch.worker_reward - epoch.worker_claimed <= nodes as u64
    );
    (attest, claim)
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100, 1_000]
    } else {
        sizes
    };
    println!(
        "{:>6}  {:>16}  {:>12}",
        "nodes", "per attestation", "per claim"
    );
    for nodes in sizes {
        let (attest, claim) = run(nodes).await;
        println!(
            "{nodes:>6}  {:>13.2} ms  {:>9.2} ms",
            attest.as_secs_f64() * 1e3,
            claim.as_secs_f64() * 1e3
        );
    }
}
