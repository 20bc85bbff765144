//! Issue 17: manager replicas on one PostgreSQL database and one S3-compatible object store. Two
//! replicas serve one network: the customer talks to the first, the worker and verifier daemons
//! to the second. Workers leasing
//! from both at once never get the same job; when the first replica is killed, the leases it
//! granted come back at their deadline through the second, and every job is rendered, verified
//! and attested there: nothing lost, nothing done twice.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use inferix_node_api::client::NodeClient;
use inferix_node_api::wire::JobLease;
use inferix_tests::daemons::{count, DaemonNet, ManagerDatabase, Options, ONE_IB};
use inferix_tests::localnet::Participants;
use reqwest::Method;

const JOBS: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_never_lease_a_job_twice_and_one_crashing_loses_nothing() {
    let mut net = DaemonNet::start(
        "replicas",
        Options {
            worker_daemon: false,
            manager_database: ManagerDatabase::Postgres,
            manager_replicas: 2,
            manager_objects_in_s3: true,
            lease_slack_secs: 8,
            ..Options::default()
        },
    )
    .await;
    let replicas = [net.manager.url.clone(), net.node_manager_url()];
    for replica in std::iter::once(&net.manager).chain(&net.replicas) {
        let health = replica.get("/health").await;
        assert!(
            health.contains("\"objects\":\"s3://inferix/objects\""),
            "{health}"
        );
    }
    let mut lessors = vec![];
    for name in ["lessor-1", "lessor-2", "lessor-3", "lessor-4"] {
        let worker = net
            .net
            .worker(name, ONE_IB, &net.verifiers)
            .await
            .expect("a worker");
        let clients: Vec<Arc<NodeClient>> = replicas
            .iter()
            .map(|url| {
                Arc::new(NodeClient::new(
                    url,
                    worker.node,
                    worker.wallet.keypair.insecure_clone(),
                ))
            })
            .collect();
        lessors.push(clients);
    }

    // A worker long-polling the second replica hears of a job queued at the first (NOTIFY),
    // well before its 30-s wait ends.
    let waiting = {
        let client = lessors[0][1].clone();
        tokio::spawn(async move {
            let lease: Option<JobLease> = client
                .call(
                    Method::POST,
                    "/v1/node/lease?wait_secs=30",
                    Some(&serde_json::json!({})),
                )
                .await
                .expect("a lease answer");
            (lease, Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    // 8 spp: at 2 spp PoR's noise test rejected about one honest 128×96 job in 100 (por-eval,
    // both the current and the previous renderer), which would bar the only worker.
    let mut jobs = vec![
        net.submit("cornell-box", 128, 96, 8)
            .await
            .expect("queued")
            .job_id,
    ];
    let queued = Instant::now();
    let (lease, answered) = waiting.await.expect("the waiting worker");
    let mut leased = vec![lease.expect("woken with the job").job.job_id];
    assert!(
        answered.duration_since(queued) < Duration::from_secs(15),
        "woken by the other replica"
    );

    // A customer's model uploaded at one replica is stored once in the shared S3 store, by
    // content hash; a job on it is submitted at the other, which fetches it to prepare the job.
    let duck =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/scenes/Duck/Duck.glb");
    let own_model = match std::fs::read(&duck) {
        Ok(bytes) => {
            let uploaded = net.customer.upload(bytes).await.expect("a GLB upload");
            let job = net
                .customer
                .at(&replicas[1])
                .submit(&uploaded.scene, 128, 96, 8)
                .await
                .expect("a job on the upload at the other replica");
            jobs.push(job.job_id);
            1
        }
        Err(_) => {
            eprintln!(
                "{} is absent: the uploaded-model job is skipped",
                duck.display()
            );
            0
        }
    };
    for i in 1 + own_model..JOBS {
        // Submitted at either replica: one queue.
        let customer = net.customer.at(&replicas[i % 2]);
        jobs.push(
            customer
                .submit("cornell-box", 128, 96, 8)
                .await
                .expect("queued")
                .job_id,
        );
    }

    // The workers ask both replicas at once, each alternating between them, until the queue is
    // dry.
    let mut leasing = vec![];
    for (i, clients) in lessors.into_iter().enumerate() {
        leasing.push(tokio::spawn(async move {
            let mut leased = vec![];
            for turn in 0.. {
                let lease: Option<JobLease> = clients[(turn + i) % 2]
                    .call(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
                    .await
                    .expect("a lease answer");
                match lease {
                    Some(lease) => leased.push(lease.job.job_id),
                    None => break,
                }
            }
            leased
        }));
    }
    for worker in leasing {
        leased.extend(worker.await.expect("a leasing worker"));
    }
    let distinct: HashSet<&String> = leased.iter().collect();
    assert_eq!(leased.len(), JOBS, "every job leased once: {leased:?}");
    assert_eq!(distinct.len(), JOBS, "no job leased twice: {leased:?}");
    assert_eq!(
        count(&net.manager_db, "SELECT COUNT(*) FROM attempts").await,
        JOBS as i64
    );

    // The first replica dies holding nothing but rows: its leases lapse (the workers never
    // upload), the second replica's sweep queues the jobs again, and the worker daemon, which
    // talks to the second replica only, renders them all.
    net.manager.kill9();
    net.customer = net.customer.at(&replicas[1]);
    net.start_worker();
    let statuses = net.wait_verified(&jobs, Duration::from_secs(300)).await;
    let worker = net.worker.node.to_string();
    assert!(
        statuses.iter().all(|s| s.worker.as_ref() == Some(&worker)),
        "the worker daemon rendered every job: {statuses:?}"
    );
    let db = net.manager_db.clone();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM attempts WHERE status = 'expired'"
        )
        .await,
        JOBS as i64,
        "the crashed replica's leases lapsed, each once"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM attempts WHERE status = 'accepted'"
        )
        .await,
        JOBS as i64,
        "each job accepted once"
    );
    // Attested through the second replica: each epoch's tally holds exactly its jobs.
    let mut per_epoch = std::collections::BTreeMap::new();
    for status in &statuses {
        *per_epoch
            .entry(status.epoch.expect("an epoch"))
            .or_insert(0) += status.ibm_micros;
    }
    let node = net.worker.node;
    for (epoch, ibm_micros) in per_epoch {
        let tally = net
            .wait_credited(&node, epoch, ibm_micros, Duration::from_secs(180))
            .await;
        assert_eq!(tally.cumulative_ibm_micros, ibm_micros, "credited once");
    }
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM cosign_requests WHERE status = 'failed'"
        )
        .await,
        0,
        "no relayed request failed"
    );
}
