//! Figures of the node software (SPEC §12): the manager's cost per job as a share of the job's
//! render time, the latency from submission to verified frame and to attestation on chain, and
//! the daemons' memory — the manager, three verifier daemons and a worker daemon as processes
//! against the cluster's JSON-RPC, as the tests run them.
//!
//! `bench-daemons [--jobs N] [--frame WIDTHxHEIGHT] [--spp N]`

use std::time::{Duration, Instant};

use clap::Parser;
use inferix_node_api::chain_view::ChainView;
use inferix_tests::daemons::{connect, count, sqlite_url, Daemon, DaemonNet, Options};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 4)]
    jobs: usize,
    #[arg(long, default_value = "256x192", value_parser = inferix_tests::parse_frame_size)]
    frame: (u32, u32),
    #[arg(long, default_value_t = 64)]
    spp: u32,
    /// How often the daemons poll the manager (the product's default is 1,000 ms).
    #[arg(long, default_value_t = 1_000)]
    poll_interval_ms: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let (width, height) = args.frame;
    let options = Options {
        poll_interval_ms: args.poll_interval_ms,
        // The product's default (the tests' 2 s only makes a blacklisting visible sooner).
        node_cache_secs: 10,
        ..Options::default()
    };
    let mut net = DaemonNet::start("bench", options).await;
    // The program credits only the current epoch, and work accepted too late in one is not
    // carried into the next (docs/decisions.md): start the run with a fresh ten-minute epoch.
    let chain = ChainView::new(&net.net.url);
    let (epoch, _) = chain.epoch_now().await.expect("the cluster's epoch");
    let schedule = chain
        .rewards_config()
        .await
        .expect("rewards config")
        .schedule;
    let (_, epoch_end) = schedule.bounds(epoch).expect("epoch bounds");
    net.net.set_time(epoch_end).await;
    // The manager's start-up (GPU device, shader compilation) is not a per-job cost, and the
    // verifiers open the new epoch's accounts meanwhile.
    tokio::time::sleep(Duration::from_secs(5)).await;
    // At rest: every node connected and long-polling, nothing queued.
    let rest_cpu_before = net.manager.cpu_seconds();
    let rest = Duration::from_secs(20);
    tokio::time::sleep(rest).await;
    let rest_cpu_ms_per_s =
        (net.manager.cpu_seconds() - rest_cpu_before) * 1e3 / rest.as_secs_f64();
    let cpu_before = net.manager.cpu_seconds();
    let scenes = ["cornell-box", "material-spheres", "neon-night"];
    // The nodes are frozen while the jobs come in, so the manager's CPU in that window is job
    // intake alone (otherwise the worker's lease and the manager's pre-render share the cores
    // with the first render); their requests wait in the sockets until they thaw.
    let nodes: Vec<&Daemon> = net
        .worker_daemon
        .iter()
        .chain(net.verifier_daemons.iter())
        .collect();
    nodes.iter().for_each(|d| d.freeze(true));
    let started = Instant::now();
    let mut ids = vec![];
    for i in 0..args.jobs {
        let job = net
            .submit(scenes[i % scenes.len()], width, height, args.spp)
            .await
            .expect("a job");
        ids.push(job.job_id);
    }
    let submitted_s = started.elapsed().as_secs_f64();
    // Submission returns once the job is prepared and queued: the CPU until then is intake.
    let intake_cpu = net.manager.cpu_seconds() - cpu_before;
    let preparation_ms = net
        .manager
        .metric("inferix_manager_por_preparation_milliseconds_total")
        .await;
    nodes.iter().for_each(|d| d.freeze(false));
    let jobs = net.wait_verified(&ids, Duration::from_secs(3_600)).await;
    let verified_s = started.elapsed().as_secs_f64();
    let total: u64 = jobs.iter().map(|j| j.ibm_micros).sum();
    let node = net.worker.node;
    net.wait_credited(
        &node,
        jobs[0].epoch.unwrap_or(0),
        total,
        Duration::from_secs(600),
    )
    .await;
    let attested_s = started.elapsed().as_secs_f64();
    let manager_cpu = net.manager.cpu_seconds() - cpu_before;
    let worker_db = net.dir.join("worker.sqlite");
    let render_ms: f64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(render_ms), 0.0) FROM leases WHERE status = 'uploaded'",
    )
    .fetch_one(&mut connect(&sqlite_url(&worker_db)).await)
    .await
    .expect("render times");
    let uploaded = count(
        &sqlite_url(&worker_db),
        "SELECT COUNT(*) FROM leases WHERE status = 'uploaded'",
    )
    .await;
    let n = args.jobs as f64;
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("bench-daemons ({profile} build): {} jobs of {width}×{height} at {} spp; manager, 3 verifier daemons, worker daemon on 2 cores, polling every {} ms, long polls of 20 s, node lookups cached 10 s", args.jobs, args.spp, args.poll_interval_ms);
    println!(
        "  render time per job (worker)              {:.0} ms",
        render_ms / uploaded.max(1) as f64
    );
    println!(
        "  manager CPU per job, all of it            {:.0} ms ({:.2} % of the render)",
        manager_cpu * 1e3 / n,
        manager_cpu * 1e3 / render_ms * 100.0
    );
    println!(
        "    job intake (PoR placement, pre-render)  {:.0} ms ({:.2} %)",
        intake_cpu * 1e3 / n,
        intake_cpu * 1e3 / render_ms * 100.0
    );
    println!(
        "      of which PoR preparation (wall)       {:.0} ms",
        preparation_ms / n
    );
    println!(
        "    serving the nodes                       {:.0} ms ({:.2} %)",
        (manager_cpu - intake_cpu) * 1e3 / n,
        (manager_cpu - intake_cpu) * 1e3 / render_ms * 100.0
    );
    println!("  manager at rest, 4 nodes waiting for work  {rest_cpu_ms_per_s:.2} ms CPU per s");
    println!(
        "  serving the nodes, per second of the run   {:.2} ms CPU per s",
        (manager_cpu - intake_cpu) * 1e3 / (attested_s - submitted_s)
    );
    println!(
        "  submission of {} jobs                      {submitted_s:.1} s",
        args.jobs
    );
    println!("  submission → every frame verified         {verified_s:.1} s");
    println!("  submission → attested on chain            {attested_s:.1} s");
    println!(
        "  peak memory                               manager {:.0} MiB, worker {:.0} MiB, verifiers {}",
        net.manager.peak_rss_mib(),
        net.worker_daemon.as_ref().map_or(0.0, |d| d.peak_rss_mib()),
        net.verifier_daemons.iter().map(|d| format!("{:.0} MiB", d.peak_rss_mib())).collect::<Vec<_>>().join(", ")
    );
}
