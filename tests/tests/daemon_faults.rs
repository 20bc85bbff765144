//! SPEC §12's faults that must lose nothing, with real processes killed with SIGKILL: a worker
//! mid-render, the manager, a verifier; the RPC node down while an attestation is in flight.

use std::time::Duration;

use inferix_sdk::node_staking::state::Node;
use inferix_tests::daemons::{count, sqlite_url, wait_until, DaemonNet, Options};
use inferix_tests::localnet::Participants;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_worker_manager_and_verifier_lose_nothing_and_credit_once() {
    let mut net = DaemonNet::start(
        "kills",
        Options {
            lease_slack_secs: 10,
            ..Options::default()
        },
    )
    .await;
    let db = net.manager_db.clone();

    // The worker is killed mid-render; the manager is killed while the lease is out.
    let first = net
        .submit("cornell-box", 192, 144, 32)
        .await
        .expect("queued")
        .job_id;
    let log = net.worker_daemon().log.clone();
    wait_until("the worker renders", Duration::from_secs(60), || {
        let log = log.clone();
        async move {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("job leased")
        }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    net.worker_daemon().kill9();
    assert_eq!(net.job(&first).await.status, "leased");
    net.manager.restart();
    let job = net.job(&first).await;
    assert_eq!(
        (job.status.as_str(), job.attempts),
        ("leased", 1),
        "the lease survived the manager's restart"
    );
    net.worker_daemon().restart();
    let jobs = net
        .wait_verified(std::slice::from_ref(&first), Duration::from_secs(240))
        .await;
    assert_eq!(jobs[0].attempts, 2, "the expired lease was reassigned");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM attempts WHERE status = 'expired'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM attempts WHERE status = 'accepted'"
        )
        .await,
        1
    );
    let worker_log = net.worker_daemon().log_text();
    assert!(
        worker_log.contains("reconciled with the on-chain tally"),
        "{worker_log}"
    );

    // A verifier is killed while the committee checks the next job.
    let second = net
        .submit("material-spheres", 128, 96, 8)
        .await
        .expect("queued")
        .job_id;
    let manager_db = db.clone();
    wait_until("the committee has the frame", Duration::from_secs(120), || {
        let db = manager_db.clone();
        async move { count(&db, "SELECT COUNT(*) FROM verifications v JOIN attempts a ON a.id = v.attempt_id WHERE a.status = 'verifying'").await > 0 }
    })
    .await;
    net.verifier_daemons[0].restart();
    let jobs = net
        .wait_verified(&[first.clone(), second.clone()], Duration::from_secs(240))
        .await;
    let verifier_db = net.dir.join("verifier-1.sqlite");
    assert_eq!(
        count(
            &sqlite_url(&verifier_db),
            "SELECT COUNT(*) FROM verdicts WHERE accepted = 1"
        )
        .await,
        2,
        "the ledger kept every verdict"
    );

    // Both jobs credited, each exactly once, whatever was killed.
    let total: u64 = jobs.iter().map(|j| j.ibm_micros).sum();
    let epoch = jobs[1].epoch.unwrap();
    assert_eq!(jobs[0].epoch, Some(epoch));
    let node = net.worker.node;
    let tally = net
        .wait_credited(&node, epoch, total, Duration::from_secs(180))
        .await;
    assert_eq!(tally.cumulative_ibm_micros, total);
    assert_eq!(tally.jobs_verified, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attestation_in_flight_survives_the_rpc_node_going_down_and_lands_once() {
    let mut net = DaemonNet::start(
        "rpc-down",
        Options {
            worker_rpc_proxy: true,
            ..Options::default()
        },
    )
    .await;
    let job = net
        .submit("cornell-box", 128, 96, 8)
        .await
        .expect("queued")
        .job_id;
    let db = net.manager_db.clone();
    wait_until(
        "the worker proposes its attestation",
        Duration::from_secs(240),
        || {
            let db = db.clone();
            async move {
                count(
                    &db,
                    "SELECT COUNT(*) FROM cosign_requests WHERE kind = 'attestation'",
                )
                .await
                    > 0
            }
        },
    )
    .await;
    net.worker_rpc.as_ref().unwrap().set_down(true);
    let worker = net.worker_daemon.as_ref().unwrap();
    let errors = worker.metric("inferix_worker_rpc_errors_total").await;
    wait_until(
        "the worker meets the outage",
        Duration::from_secs(60),
        || async { worker.metric("inferix_worker_rpc_errors_total").await > errors },
    )
    .await;
    // Killed during the outage too: the outbox is on disk.
    net.worker_daemon().restart();
    tokio::time::sleep(Duration::from_secs(3)).await;
    net.worker_rpc.as_ref().unwrap().set_down(false);

    let jobs = net.wait_verified(&[job], Duration::from_secs(60)).await;
    let node = net.worker.node;
    let tally = net
        .wait_credited(
            &node,
            jobs[0].epoch.unwrap(),
            jobs[0].ibm_micros,
            Duration::from_secs(120),
        )
        .await;
    assert_eq!(tally.cumulative_ibm_micros, jobs[0].ibm_micros);
    let worker_db = net.dir.join("worker.sqlite");
    assert_eq!(
        count(
            &sqlite_url(&worker_db),
            "SELECT COUNT(*) FROM outbox WHERE status = 'landed'"
        )
        .await,
        1,
        "landed once"
    );
    let rewards: inferix_sdk::epoch_rewards::state::NodeRewards = net
        .net
        .anchor_account(&inferix_sdk::pda::node_rewards(&node))
        .await;
    assert_eq!(rewards.last_seq, 1, "one attestation on chain");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_with_no_active_verifier_is_refused_stores_nothing_and_is_retried_on_the_same_lease(
) {
    let mut net = DaemonNet::start(
        "no-verifiers",
        Options {
            worker_daemon: false,
            ..Options::default()
        },
    )
    .await;
    set_verifiers_active(&mut net, false).await;
    net.start_worker();
    let job = net
        .submit("cornell-box", 128, 96, 8)
        .await
        .expect("queued")
        .job_id;

    // The worker renders, the manager refuses the frame by name and keeps the lease: no
    // verification opened, no frame kept, the job still leased to this worker.
    let worker_log = net.worker_daemon().log.clone();
    wait_until(
        "the manager refuses the upload",
        Duration::from_secs(120),
        || {
            let log = std::fs::read_to_string(&worker_log).unwrap_or_default();
            async move { log.contains("NoActiveVerifiers") && log.contains("retrying") }
        },
    )
    .await;
    let db = net.manager_db.clone();
    let of_job = |sql: &str| sql.replace("{job}", &job);
    assert_eq!(
        count(&db, &of_job("SELECT COUNT(*) FROM verifications v JOIN attempts a ON a.id = v.attempt_id WHERE a.job_id = '{job}'")).await,
        0
    );
    assert_eq!(
        count(
            &db,
            &of_job("SELECT COUNT(*) FROM attempts WHERE job_id = '{job}' AND status = 'leased'")
        )
        .await,
        1
    );
    assert_eq!(net.job(&job).await.status, "leased");
    assert!(
        !net.dir.join("objects/frames").is_dir()
            || std::fs::read_dir(net.dir.join("objects/frames"))
                .unwrap()
                .next()
                .is_none(),
        "no frame stored"
    );

    // The verifiers rejoin: the worker's next try on the same lease goes through.
    set_verifiers_active(&mut net, true).await;
    net.wait_verified(std::slice::from_ref(&job), Duration::from_secs(180))
        .await;
    assert_eq!(
        count(
            &db,
            &of_job("SELECT COUNT(*) FROM attempts WHERE job_id = '{job}'")
        )
        .await,
        1,
        "verified on the lease it was refused on"
    );
    assert_eq!(
        net.worker_daemon()
            .metric("inferix_worker_leases_lost_total")
            .await,
        0.0
    );
}

/// Every verifier's owner leaves (or rejoins) the active set through the CLI.
async fn set_verifiers_active(net: &mut DaemonNet, active: bool) {
    let flag = if active { "--activate" } else { "--deactivate" };
    for verifier in &net.verifiers {
        let node: Node = net.net.anchor_account(&verifier.node).await;
        let license = node.license_mint.to_string();
        net.net
            .inferix(
                &verifier.wallet,
                &["node", "set", "--license", &license, flag],
            )
            .await
            .expect("node set");
    }
}
