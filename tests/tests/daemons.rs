//! SPEC §12 across processes: the manager, three verifier daemons and a worker daemon, each
//! with only its own key, over real sockets against the cluster's JSON-RPC.

use std::time::Duration;

use inferix_tests::daemons::{DaemonNet, Options};

const JOB: (u32, u32, u32) = (128, 96, 8);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_rendered_verified_by_the_committee_attested_and_credited() {
    let mut net = DaemonNet::start("happy", Options::default()).await;
    let (w, h, spp) = JOB;
    let mut ids = vec![];
    for scene in ["cornell-box", "material-spheres"] {
        let job = net.submit(scene, w, h, spp).await.expect("a job is queued");
        assert_eq!(job.status, "queued");
        assert!(!job.frame_ready);
        ids.push(job.job_id);
    }
    // A customer's own model: uploaded once, fetched by every node into its cache by hash.
    let duck =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/scenes/Duck/Duck.glb");
    match std::fs::read(&duck) {
        Ok(bytes) => {
            let uploaded = net.upload(bytes.clone()).await.expect("a GLB upload");
            assert!(uploaded.scene.starts_with("sha256:") && uploaded.triangles > 0);
            let again = net.upload(bytes).await.unwrap();
            assert_eq!(again.scene, uploaded.scene, "stored once, by content hash");
            let job = net
                .submit(&uploaded.scene, w, h, spp)
                .await
                .expect("a job on the upload");
            let (status, e) = net.frame(&job.job_id).await.expect_err("not yet");
            assert_eq!((status, e.error.as_str()), (409, "FrameNotVerified"));
            ids.push(job.job_id);
        }
        Err(_) => eprintln!(
            "{} is absent: the uploaded-model job is skipped",
            duck.display()
        ),
    }
    let jobs = net.wait_verified(&ids, Duration::from_secs(300)).await;
    let total: u64 = jobs.iter().map(|j| j.ibm_micros).sum();
    let worker = net.worker.node.to_string();
    for job in &jobs {
        assert_eq!(job.worker.as_deref(), Some(worker.as_str()));
        assert_eq!(job.attempts, 1);
        let png = net.frame(&job.job_id).await.expect("the verified frame");
        let (fw, fh, _) = inferix_worker::frame::decode_png_rgb8(&png).expect("a PNG");
        assert_eq!((fw, fh), (w, h));
    }

    // Attested on chain: the worker proposed, the manager and the committee co-signed through
    // the relay, the worker's operator submitted.
    let epoch = jobs[0].epoch.expect("credited in an epoch");
    let node = net.worker.node;
    let tally = net
        .wait_credited(&node, epoch, total, Duration::from_secs(120))
        .await;
    assert_eq!(tally.cumulative_ibm_micros, total, "credited exactly once");
    assert_eq!(tally.jobs_verified as usize, ids.len());
    let worker_daemon = net.worker_daemon.as_ref().expect("running");
    assert!(
        worker_daemon
            .metric("inferix_worker_attestations_submitted_total")
            .await
            >= 1.0
    );
    assert_eq!(
        worker_daemon
            .metric("inferix_worker_jobs_rendered_total")
            .await,
        ids.len() as f64
    );
    let health: serde_json::Value =
        serde_json::from_str(&worker_daemon.get("/health").await).unwrap();
    assert_eq!(health["role"], "worker");
    for verifier in &net.verifier_daemons {
        assert_eq!(
            verifier
                .metric("inferix_verifier_jobs_verified_total")
                .await,
            ids.len() as f64
        );
        assert!(verifier.metric("inferix_verifier_cosigned_total").await >= 1.0);
    }
    assert_eq!(
        net.manager
            .metric("inferix_manager_jobs_verified_total")
            .await,
        ids.len() as f64
    );
    let health: serde_json::Value =
        serde_json::from_str(&net.manager.get("/health").await).unwrap();
    assert_eq!(health["rpc"]["reachable"], true);

    // Every committee member's verifier-epoch account got the credit.
    for v in &net.verifiers {
        let credits = inferix_sdk::client::Chain::account(
            &mut net.net.chain,
            &inferix_sdk::pda::verifier_epoch(epoch, &v.node),
        )
        .await
        .unwrap()
        .expect("the verifier opened its epoch account");
        let credits: inferix_sdk::epoch_rewards::state::VerifierEpoch =
            anchor_lang::AccountDeserialize::try_deserialize(&mut credits.data.as_slice()).unwrap();
        assert_eq!(credits.credits_ibm_micros, total);
    }

    // A verifier never signs a seq it already signed, even for work it verified.
    let accepted: Vec<inferix_node_api::wire::AcceptedJob> = net
        .worker_client()
        .call(
            reqwest::Method::GET,
            &format!("/v1/node/work?epoch={epoch}"),
            None::<&()>,
        )
        .await
        .unwrap()
        .unwrap();
    let records: Vec<inferix_worker::chain::work::WorkRecord> = accepted
        .iter()
        .map(|j| inferix_worker::chain::work::WorkRecord {
            job_hash: inferix_worker::por::job::from_hex(&j.job_hash).unwrap(),
            frame_root: inferix_worker::por::job::from_hex(&j.frame_root).unwrap(),
            ibm_micros: j.ibm_micros,
        })
        .collect();
    let replay = inferix_node_api::wire::AttestationProposal {
        epoch,
        seq: 1,
        ib_micros: inferix_tests::daemons::ONE_IB,
        cumulative_ibm_micros: total,
        jobs_verified: records.len() as u32,
        work_root: inferix_node_api::hex(&inferix_worker::chain::work::work_root(&records)),
        issued_at: inferix_tests::localnet::Participants::now(&mut net.net).await,
        job_ids: accepted.iter().map(|j| j.job_id.clone()).collect(),
    };
    let id = net.relay_unchecked(replay).await;
    let refusals = net.refusals(&id).await;
    assert!(
        refusals.iter().all(|r| r.reason.starts_with("SeqNotAbove")),
        "{refusals:?}"
    );

    // SIGTERM stops each daemon cleanly.
    assert!(net.worker_daemon().terminate().success());
    assert!(net.manager.terminate().success());
}

fn refused<T>(
    r: Result<T, (u16, inferix_node_api::wire::ApiError)>,
) -> (u16, inferix_node_api::wire::ApiError) {
    r.err().expect("a refusal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_customer_input_gets_a_named_error_and_queues_nothing() {
    let net = DaemonNet::start(
        "customer",
        Options {
            worker_daemon: false,
            ..Options::default()
        },
    )
    .await;

    let (status, e) = refused(net.upload(b"solid 0 0 0\nendsolid".to_vec()).await);
    assert_eq!((status, e.error.as_str()), (422, "NotGltf"));
    let external = br#"{"asset": {"version": "2.0"}, "buffers": [{"uri": "../../manager-secret.bin", "byteLength": 32}]}"#;
    let (status, e) = refused(net.upload(external.to_vec()).await);
    assert_eq!(
        (status, e.error.as_str()),
        (422, "ExternalReference"),
        "never a file of the manager's"
    );
    let draco = br#"{"asset": {"version": "2.0"}, "extensionsUsed": ["KHR_draco_mesh_compression"], "extensionsRequired": ["KHR_draco_mesh_compression"], "scenes": [{"nodes": []}], "scene": 0}"#;
    let (status, e) = refused(net.upload(draco.to_vec()).await);
    assert_eq!(
        (status, e.error.as_str()),
        (422, "UnsupportedFeature"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("KHR_draco_mesh_compression"),
        "{}",
        e.message
    );
    let (status, _) = refused(net.upload(vec![b'g'; 65 << 20]).await);
    assert_eq!(status, 413, "an upload over max_upload_bytes");
    let (status, e) = refused(net.submit("teapot", 64, 64, 4).await);
    assert_eq!((status, e.error.as_str()), (422, "UnknownScene"));
    let (status, e) = refused(net.submit("cornell-box", 0, 64, 4).await);
    assert_eq!((status, e.error.as_str()), (422, "InvalidSettings"));
    let (status, e) = refused(net.submit("cornell-box", 16_000, 16_000, 64).await);
    assert_eq!((status, e.error.as_str()), (422, "JobTooLarge"));
    let (status, e) = refused(net.submit("sha256:00", 64, 64, 4).await);
    assert_eq!((status, e.error.as_str()), (422, "UnknownScene"));
    assert_eq!(
        net.manager
            .metric("inferix_manager_jobs_submitted_total")
            .await,
        0.0,
        "nothing queued"
    );

    // No token, a wrong token.
    let response = reqwest::Client::new()
        .post(format!("{}/v1/jobs", net.manager.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let response = reqwest::Client::new()
        .get(format!("{}/v1/jobs/x", net.manager.url))
        .bearer_auth("ifx_wrong")
        .send()
        .await
        .unwrap();
    let e: inferix_node_api::wire::ApiError = response.json().await.unwrap();
    assert_eq!(e.error, "UnknownToken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_worker_is_benchmarked_by_the_manager_and_its_committee_then_works() {
    let mut net = DaemonNet::start(
        "benchmark",
        Options {
            worker_benchmarked: false,
            ..Options::default()
        },
    )
    .await;
    let node = net.worker.node;
    let mut ib = 0;
    let started = std::time::Instant::now();
    while ib == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no benchmark landed\n{}",
            net.logs()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        ib = net
            .net
            .anchor_account::<inferix_sdk::node_staking::state::Node>(&node)
            .await
            .ib_micros;
    }
    // The IB on chain is the one the manager timed: T0 / (upload − lease) per reference scene,
    // geometric mean. (Its value depends on how busy the 2 cores are; this machine alone is 1.)
    let reference = inferix_worker::bench::BenchReference::load(None).unwrap();
    let mut frame_ms = vec![];
    let mut db = inferix_tests::daemons::connect(&net.manager_db).await;
    for scene in &reference.scene {
        let ms: i64 = sqlx::query_scalar(
            "SELECT a.uploaded_at_ms - a.leased_at_ms FROM jobs j JOIN attempts a ON a.id = j.verified_attempt WHERE j.kind = 'benchmark' AND j.scene = $1",
        )
        .bind(&scene.name)
        .fetch_one(&mut db)
        .await
        .unwrap();
        frame_ms.push(ms as f64);
    }
    assert_eq!(
        ib,
        inferix_worker::bench::ib_micros_from_frame_times(&reference, &frame_ms),
        "times {frame_ms:?}"
    );
    assert!(
        ib <= 1_500_000,
        "no faster than this machine alone: IB {ib}"
    );
    assert_eq!(
        net.manager
            .metric("inferix_manager_benchmarks_submitted_total")
            .await,
        1.0
    );
    for verifier in &net.verifier_daemons {
        assert_eq!(
            verifier
                .metric("inferix_verifier_jobs_verified_total")
                .await,
            3.0,
            "the committee checked the benchmark frames"
        );
    }
    net.stake_worker().await;
    // 128×96: at 96×64 the 12 noise objects did not fit in neon-night for about one job id in
    // 40 (`PorPlacementFailed`); none of 60 failed at 128×96.
    let job = net
        .submit("neon-night", 128, 96, 4)
        .await
        .expect("queued")
        .job_id;
    let jobs = net.wait_verified(&[job], Duration::from_secs(180)).await;
    let tally = net
        .wait_credited(
            &node,
            jobs[0].epoch.unwrap(),
            jobs[0].ibm_micros,
            Duration::from_secs(120),
        )
        .await;
    assert_eq!(
        tally.cumulative_ibm_micros, jobs[0].ibm_micros,
        "benchmark frames are not credited as work"
    );
}
