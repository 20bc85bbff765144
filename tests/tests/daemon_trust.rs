//! SPEC §12's trust: a cheating worker is rejected by its committee and slashed through a
//! Violation; node requests that are forged, replayed, stale, from an unregistered key or of the
//! wrong kind are refused by name; verifiers co-sign only what their own ledger supports.

use std::time::Duration;

use inferix_node_api::auth::RequestSignature;
use inferix_node_api::client::NodeClient;
use inferix_node_api::wire::{ApiError, AttestationProposal, JobLease, ResultUpload};
use inferix_node_api::{hex, unix_now, violation_evidence};
use inferix_sdk::node_staking::state::{Node, SlashRecord};
use inferix_sdk::pda;
use inferix_tests::daemons::{count, wait_until, DaemonNet, Options};
use inferix_tests::localnet::Participants;
use inferix_worker::gpu::Gpu;
use inferix_worker::por::job::{Commitment, COMMITMENT_FORMAT};
use inferix_worker::por::tiles::{frame_root, TILE_SIZE};
use inferix_worker::{Renderer, Scene};
use reqwest::Method;
use solana_keypair::Keypair;

fn refusal<T: std::fmt::Debug>(r: Result<T, inferix_node_api::client::ClientError>) -> String {
    r.expect_err("a refusal")
        .name()
        .expect("a named refusal")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cheating_worker_is_rejected_and_slashed_and_bad_requests_are_refused_by_name() {
    let mut net = DaemonNet::start(
        "cheat",
        Options {
            worker_daemon: false,
            ..Options::default()
        },
    )
    .await;
    let job_id = net
        .submit("cornell-box", 128, 96, 8)
        .await
        .expect("queued")
        .job_id;
    let worker = net.worker_client();

    // Three workers cheat three ways, each committing honestly to the job hash: another scene
    // rendered; only the noise objects rendered (the scene skipped); the true frame with half
    // of its tiles faked.
    let renderer = Renderer::new(Gpu::open(None, None).unwrap()).unwrap();
    let mut cheaters = vec![(net.worker.node, worker)];
    for name in ["cheater-2", "cheater-3"] {
        let extra = net
            .net
            .worker(name, inferix_tests::daemons::ONE_IB, &net.verifiers)
            .await
            .expect("a worker");
        let client = NodeClient::new(
            &net.manager.url,
            extra.node,
            extra.wallet.keypair.insecure_clone(),
        );
        cheaters.push((extra.node, client));
    }
    let mut jobs = vec![job_id.clone()];
    for _ in 1..cheaters.len() {
        jobs.push(
            net.submit("cornell-box", 128, 96, 8)
                .await
                .expect("queued")
                .job_id,
        );
    }
    let mut evidence = vec![];
    let mut stakes = vec![];
    let mut leases = vec![];
    for (cheat, (node, client)) in [Cheat::OtherScene, Cheat::NoiseOnly, Cheat::FakedTiles]
        .into_iter()
        .zip(&cheaters)
    {
        let lease: JobLease = client
            .call(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
            .await
            .unwrap()
            .expect("a lease");
        let (upload, job_hash, root) = cheat.frame(&renderer, &lease);
        stakes.push((*node, net.net.anchor_account::<Node>(node).await.stake));
        client
            .call::<serde_json::Value>(
                Method::POST,
                &format!("/v1/node/leases/{}/result", lease.lease_id),
                Some(&upload),
            )
            .await
            .unwrap();
        evidence.push(violation_evidence(&job_hash, &root));
        leases.push(lease);
    }
    let worker = net.worker_client();
    let lease = leases.swap_remove(0);
    let db = net.manager_db.clone();
    wait_until("the Violation lands", Duration::from_secs(180), || {
        let db = db.clone();
        async move { count(&db, "SELECT COUNT(*) FROM cosign_requests WHERE kind = 'violation' AND status = 'submitted'").await == 3 }
    })
    .await;
    for ((node, before), evidence) in stakes.iter().zip(&evidence) {
        let record: SlashRecord = net.net.anchor_account(&pda::slash_record(evidence)).await;
        assert_eq!(record.node, *node);
        let after = net.net.anchor_account::<Node>(node).await.stake;
        assert!(after < *before, "slashed: {before} → {after}");
    }
    let node: Node = net.net.anchor_account(&net.worker.node).await;
    for verifier in &net.verifier_daemons {
        assert_eq!(
            verifier
                .metric("inferix_verifier_jobs_rejected_total")
                .await,
            3.0
        );
    }
    for id in &jobs {
        let status = net.job(id).await;
        assert_eq!(
            (status.status.as_str(), status.attempts, status.frame_ready),
            ("queued", 1, false),
            "queued for another worker, no frame released"
        );
    }
    assert_eq!(
        net.manager
            .metric("inferix_manager_violations_submitted_total")
            .await,
        3.0
    );

    // The cheater never gets that job again, and cannot claim it as work.
    let again = worker
        .call::<JobLease>(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
        .await;
    assert!(matches!(again, Ok(None)) || refusal(again) == "NodeNotActive");
    let (epoch, now) = (0, net.net.now().await);
    let claim = AttestationProposal {
        epoch,
        seq: 1,
        ib_micros: node.ib_micros,
        cumulative_ibm_micros: lease.ibm_micros,
        jobs_verified: 1,
        work_root: hex(&[0; 32]),
        issued_at: now,
        job_ids: vec![job_id.clone()],
    };
    let refused = worker
        .call::<serde_json::Value>(Method::POST, "/v1/node/attestations", Some(&claim))
        .await;
    assert!(["JobsNotAccepted", "NodeNotActive"].contains(&refusal(refused).as_str()));
    // Even past a manager that skips its checks, no verifier signs work it rejected.
    let id = net.relay_unchecked(claim).await;
    let refusals = net.refusals(&id).await;
    assert_eq!(refusals.len(), 3);
    assert!(
        refusals
            .iter()
            .all(|r| r.reason.starts_with("NotVerifiedByMe")),
        "{refusals:?}"
    );

    // Requests the manager refuses by name.
    let stranger = NodeClient::new(
        &net.manager.url,
        solana_pubkey::Pubkey::new_unique(),
        Keypair::new(),
    );
    assert_eq!(
        refusal(
            stranger
                .call::<JobLease>(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
                .await
        ),
        "UnregisteredNode"
    );
    let forger = NodeClient::new(&net.manager.url, net.worker.node, Keypair::new());
    assert_eq!(
        refusal(
            forger
                .call::<JobLease>(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
                .await
        ),
        "ForgedRequest"
    );
    let verifier = NodeClient::new(
        &net.manager.url,
        net.verifiers[0].node,
        net.verifiers[0].wallet.keypair.insecure_clone(),
    );
    let wrong_kind = verifier
        .call::<JobLease>(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
        .await;
    assert_eq!(refusal(wrong_kind), "WrongNodeKind");
    let http = reqwest::Client::new();
    let url = format!("{}/v1/node/cosign", net.manager.url);
    let operator = net.verifiers[0].wallet.keypair.insecure_clone();
    let send = |signature: RequestSignature| {
        let mut request = http.get(&url);
        for (name, value) in signature.headers() {
            request = request.header(name, value);
        }
        request.send()
    };
    let signed = RequestSignature::sign(
        &operator,
        net.verifiers[0].node,
        "GET",
        "/v1/node/cosign",
        b"",
        unix_now(),
    );
    assert_eq!(send(signed.clone()).await.unwrap().status(), 200);
    assert_eq!(
        error_name(send(signed).await.unwrap()).await,
        "ReplayedRequest"
    );
    let stale = RequestSignature::sign(
        &operator,
        net.verifiers[0].node,
        "GET",
        "/v1/node/cosign",
        b"",
        unix_now() - 600,
    );
    assert_eq!(error_name(send(stale).await.unwrap()).await, "StaleRequest");
    assert_eq!(
        error_name(http.get(&url).send().await.unwrap()).await,
        "MissingHeader"
    );
    // A signed body over the upload limit is refused before any handler reads it.
    let oversized = vec![b' '; 65 << 20];
    let path = "/v1/node/verifications/lease";
    let signed = RequestSignature::sign(
        &operator,
        net.verifiers[0].node,
        "POST",
        path,
        &oversized,
        unix_now(),
    );
    let mut request = http.post(format!("{}{path}", net.manager.url));
    for (name, value) in signed.headers() {
        request = request.header(name, value);
    }
    let response = request.body(oversized).send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(error_name(response).await, "BodyUnreadable");
}

/// How a cheating worker makes its frame.
#[derive(Clone, Copy, Debug)]
enum Cheat {
    OtherScene,
    NoiseOnly,
    FakedTiles,
}

impl Cheat {
    /// The upload, its job hash and frame root: the commitment is to the job's true hash.
    fn frame(self, renderer: &Renderer, lease: &JobLease) -> (ResultUpload, String, String) {
        let job = &lease.job;
        let origin = std::path::Path::new(".");
        let clean = job.load_clean_scene(origin).unwrap();
        let noised = job.noised_scene(&clean, origin).unwrap();
        let job_hash = hex(&job.hash(&noised));
        let render = |scene: &Scene| {
            let uploaded = renderer.upload(scene).unwrap();
            renderer
                .render(&uploaded, &job.settings(), &mut |_, _| {})
                .unwrap()
                .srgb8()
        };
        let rgb8 = match self {
            Cheat::OtherScene => render(&Scene::load("neon-night", job.aspect()).unwrap()),
            Cheat::NoiseOnly => {
                let mut quads = noised.clone();
                quads.triangles.drain(..clean.triangles.len());
                render(&quads)
            }
            Cheat::FakedTiles => {
                let mut rgb8 = render(&noised);
                for (i, tile) in inferix_worker::por::tiles::tile_rects(job.width, job.height)
                    .iter()
                    .enumerate()
                {
                    if i % 2 == 0 {
                        for y in tile.y..tile.y + tile.height {
                            let row = (y * job.width + tile.x) as usize * 3;
                            rgb8[row..row + tile.width as usize * 3].fill(128);
                        }
                    }
                }
                rgb8
            }
        };
        let root = hex(&frame_root(job.width, job.height, &rgb8));
        let commitment = Commitment {
            format: COMMITMENT_FORMAT.into(),
            job_id: job.job_id.clone(),
            job_hash: job_hash.clone(),
            width: job.width,
            height: job.height,
            tile_size: TILE_SIZE,
            frame_root: root.clone(),
            adapter: renderer.gpu.adapter.label(),
            render_ms: 1.0,
        };
        let png = inferix_worker::frame::encode_png_rgb8(job.width, job.height, &rgb8).unwrap();
        (
            ResultUpload {
                commitment,
                frame_png_base64: base64_encode(&png),
            },
            job_hash,
            root,
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_worker_is_answered_when_a_job_arrives_and_one_losing_its_leases_is_backed_off() {
    let mut net = DaemonNet::start(
        "backoff",
        Options {
            worker_daemon: false,
            lease_slack_secs: 2,
            ..Options::default()
        },
    )
    .await;
    let worker = std::sync::Arc::new(net.worker_client());

    // Long polling: with nothing queued the manager holds the request, answers it empty when
    // the wait ends, and at once when a job arrives during the wait.
    let empty: Option<JobLease> = worker
        .call(
            Method::POST,
            "/v1/node/lease?wait_secs=1",
            Some(&serde_json::json!({})),
        )
        .await
        .unwrap();
    assert!(empty.is_none(), "nothing to lease");
    let waiting = {
        let worker = worker.clone();
        tokio::spawn(async move {
            worker
                .call::<JobLease>(
                    Method::POST,
                    "/v1/node/lease?wait_secs=25",
                    Some(&serde_json::json!({})),
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!waiting.is_finished(), "the manager holds the request");
    net.submit("cornell-box", 128, 96, 8).await.expect("queued");
    let first = waiting
        .await
        .unwrap()
        .unwrap()
        .expect("the waiting worker got the new job");
    assert_eq!(
        first.heartbeat_secs, 1,
        "heartbeats every third of the lease slack, at least every second"
    );

    let db = net.manager_db.clone();
    for expired in 1..=2 {
        if expired > 1 {
            let lease: Option<JobLease> = worker
                .call(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
                .await
                .unwrap();
            assert!(lease.is_some(), "the job is leased again after it expired");
        }
        let db = db.clone();
        wait_until("the lease expires", Duration::from_secs(60), || {
            let db = db.clone();
            async move {
                count(
                    &db,
                    "SELECT COUNT(*) FROM attempts WHERE status = 'expired'",
                )
                .await
                    == expired
            }
        })
        .await;
    }
    let refused = worker
        .call::<JobLease>(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
        .await;
    assert_eq!(refusal(refused), "WorkerBackedOff");

    // A graceful stop does not wait out a verifier's pending long poll: it is answered empty.
    let verifier = NodeClient::new(
        &net.manager.url,
        net.verifiers[0].node,
        net.verifiers[0].wallet.keypair.insecure_clone(),
    );
    let waiting = tokio::spawn(async move {
        verifier
            .call::<Vec<serde_json::Value>>(
                Method::GET,
                "/v1/node/cosign?wait_secs=25",
                None::<&()>,
            )
            .await
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!waiting.is_finished(), "the manager holds the request");
    assert!(
        net.manager.terminate().success(),
        "the manager stops cleanly"
    );
    let answered = waiting.await.unwrap().unwrap();
    assert_eq!(answered, Some(vec![]), "the wait ended empty");
}

async fn error_name(response: reqwest::Response) -> String {
    response
        .json::<ApiError>()
        .await
        .expect("a named error")
        .error
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
