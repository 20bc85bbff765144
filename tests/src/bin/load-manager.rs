//! Issue 17's load test: the manager under N simulated workers and verifiers on PostgreSQL,
//! with one and then two replicas (`inferix_tests::load` says how the nodes are simulated). Per
//! run it prints leases per second and the lease latency the workers saw (p50/p99), frame
//! uploads and verdicts per second, the database's rows and each replica's peak memory, and
//! checks by counting that no job was leased twice and none was lost.
//!
//! `load-manager [--workers 10,100,200,500] [--replicas 1,2] [--jobs 2000] [--verifiers 12]
//! [--lease-rate 1000]`

use clap::Parser;
use inferix_tests::load::{LoadNet, TABLE_HEADER};

#[derive(Parser)]
struct Args {
    /// Simulated workers, one run per value.
    #[arg(long, value_delimiter = ',', default_values_t = [10, 100, 200, 500])]
    workers: Vec<usize>,
    /// Manager replicas on the one database, one run per value.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 2])]
    replicas: Vec<usize>,
    /// Jobs queued per run.
    #[arg(long, default_value_t = 2_000)]
    jobs: usize,
    /// Simulated verifiers (committees of three are drawn from them).
    #[arg(long, default_value_t = 12)]
    verifiers: usize,
    /// Leases asked for per second by all workers together, evenly spread (0: each worker asks
    /// again as soon as it is answered, which saturates the machine).
    #[arg(long, default_value_t = 0.0)]
    lease_rate: f64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let most_workers = args.workers.iter().copied().max().unwrap_or(0);
    println!(
        "setting up: a cluster with {most_workers} workers and {} verifiers",
        args.verifiers
    );
    let load = LoadNet::start(most_workers, args.verifiers).await;
    let mut rows = vec![];
    for &replicas in &args.replicas {
        for &n in &args.workers {
            let rate = (args.lease_rate > 0.0).then_some(args.lease_rate);
            let figures = load.run(n, replicas, args.jobs, rate).await;
            println!("{}", figures.line(n, replicas));
            rows.push((n, replicas, figures));
        }
    }
    println!("\n{TABLE_HEADER}");
    for (n, replicas, f) in &rows {
        println!("{}", f.row(*n, *replicas));
    }
}
