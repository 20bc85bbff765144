//! A manager under load (issue 17): N simulated workers and verifiers against one or more
//! manager replicas on PostgreSQL. Simulated nodes render nothing: a worker uploads a tiny grey
//! frame with a true commitment to it, a verifier accepts what it is given; every request is
//! real HTTP, signed by the node's operator key and checked by the manager as in production.
//!
//! The nodes' on-chain accounts are copies of a real worker's and verifier's `Node` account
//! (registered, benchmarked and staked through the CLI) with keys of their own, written into the
//! local cluster's bank before it serves: the manager only reads them. The queue is filled by
//! copying, in SQL, one job the manager took in through its API (PoR preparation and all).
//! `load-manager` prints the figures; `tests/manager_load.rs` runs it small.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::{AccountDeserialize, AccountSerialize, Space};
use inferix_common::messages::SignedMessage;
use inferix_localnet::network::LocalNet;
use inferix_node_api::client::NodeClient;
use inferix_node_api::hex;
use inferix_node_api::wire::{
    AcceptedJob, AttestationProposal, CosignAnswer, CosignState, CosignTask, JobLease,
    ResultUpload, VerdictPost, VerificationTask,
};
use inferix_sdk::node_staking::state::Node;
use inferix_sdk::pda;
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::Endorsement;
use inferix_worker::por::job::{Commitment, COMMITMENT_FORMAT};
use inferix_worker::por::tiles::{frame_root, TILE_SIZE};
use reqwest::Method;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::daemons::{
    binary, connect, count, deployed_local_profile, free_port, issue_token, replica_config,
    write_manager_config, Customer, Daemon, ONE_IB,
};
use crate::localnet::Participants;
use crate::postgres::TestDatabase;
use crate::rpcnet::RpcNet;

/// Copies job `$2` into `$1` more queued jobs, each with an id and `job_json` of its own.
const COPY_JOB: &str = "INSERT INTO jobs (id, customer, scene, asset, asset_extension, width, \
    height, samples_per_pixel, ibm_micros, job_json, key_json, status, attempts, created_at, kind) \
    SELECT id || '-' || g, customer, scene, asset, asset_extension, width, height, \
    samples_per_pixel, ibm_micros, REPLACE(job_json, id, id || '-' || g), key_json, 'queued', 0, \
    created_at + g, kind FROM jobs, generate_series(1, $1) AS g WHERE id = $2";

/// The header of the table [`Figures::row`] fills.
pub const TABLE_HEADER: &str = "| workers | replicas | leases/s | lease p50 | lease p99 | uploads/s | verdicts/s | relay p50 | rows (jobs, attempts, verifications, nonces) | manager peak MiB |\n|---|---|---|---|---|---|---|---|---|---|";

/// A cluster with simulated nodes, ready for runs.
pub struct LoadNet {
    net: RpcNet,
    dir: PathBuf,
    workers: Vec<SimNode>,
    verifiers: Vec<SimNode>,
    /// The simulated workers' IB (their template's).
    worker_ib_micros: u64,
}

impl LoadNet {
    /// Deploys the local profile and writes `workers` worker and `verifiers` verifier nodes.
    pub async fn start(workers: usize, verifiers: usize) -> LoadNet {
        let (dir, mut local) = deployed_local_profile("load").await;
        let real_verifiers = vec![
            local
                .verifier("template-verifier")
                .await
                .expect("a verifier"),
            local
                .verifier("template-verifier-2")
                .await
                .expect("a verifier"),
        ];
        let worker = local
            .worker("template-worker", ONE_IB, &real_verifiers)
            .await
            .expect("a worker");
        let worker_template = node_account(&mut local, &worker.node).await;
        let verifier_template = node_account(&mut local, &real_verifiers[0].node).await;
        let workers = (0..workers)
            .map(|_| sim_node(&mut local, &worker_template))
            .collect();
        let verifiers = (0..verifiers)
            .map(|_| sim_node(&mut local, &verifier_template))
            .collect();
        // Committees are drawn from every active verifier: the two real ones, for which no
        // simulated verifier answers, are taken out of the draw by blacklisting them.
        for v in &real_verifiers {
            let mut node = node_account(&mut local, &v.node).await;
            node.blacklisted = true;
            put_node(&mut local, &v.node, &node);
        }
        let net = RpcNet::serve(local).await;
        net.warp_clock(60).await;
        LoadNet {
            net,
            dir,
            workers,
            verifiers,
            worker_ib_micros: worker_template.ib_micros,
        }
    }

    /// One run: the first `workers` simulated workers and every simulated verifier against
    /// `replicas` managers on a fresh database with `jobs` queued. The workers ask for leases
    /// at `lease_rate` per second in all, evenly spread, or with `None` each as fast as it can.
    /// Panics if a job is leased twice or lost.
    pub async fn run(
        &self,
        workers: usize,
        replicas: usize,
        jobs: usize,
        lease_rate: Option<f64>,
    ) -> Figures {
        let (net, dir, verifiers) = (&self.net, &self.dir, &self.verifiers[..]);
        let workers = &self.workers[..workers];
        let database = TestDatabase::create("load").await;
        let run_dir = dir.join(format!("run-{}-{replicas}", workers.len()));
        std::fs::create_dir_all(&run_dir).expect("the run's folder");
        // Leases never lapse during a run, and node lookups are cached for its length.
        let config = write_manager_config(
            &run_dir,
            free_port(),
            &net.url,
            &net.manager.file,
            &database.url,
            3_600,
            3_600,
        );
        let token = issue_token(&config, "load");
        let mut managers = vec![Daemon::start(
            "manager",
            &binary("inferix-manager"),
            &[
                "serve".into(),
                "--config".into(),
                config.display().to_string(),
            ],
            &run_dir,
        )];
        for n in 2..=replicas {
            let replica = replica_config(&config, n);
            managers.push(Daemon::start(
                &format!("manager-{n}"),
                &binary("inferix-manager"),
                &[
                    "serve".into(),
                    "--config".into(),
                    replica.display().to_string(),
                ],
                &run_dir,
            ));
        }
        let urls: Vec<String> = managers.iter().map(|m| m.url.clone()).collect();

        // One job through the API, copied in SQL into a queue of `jobs`.
        let customer = Customer::new(&urls[0], &token);
        let first = customer
            .submit("cornell-box", FRAME.0, FRAME.1, 1)
            .await
            .expect("a job")
            .job_id;
        let mut db = connect(&database.url).await;
        sqlx::query(COPY_JOB)
            .bind(jobs as i64 - 1)
            .bind(&first)
            .execute(&mut db)
            .await
            .expect("copying the job");

        // Phase 1: the workers lease, alternating replicas, until the queue is dry: each as fast
        // as it can, or paced so that together they ask `lease_rate` times a second.
        let clients = |nodes: &[SimNode]| -> Vec<Vec<Arc<NodeClient>>> {
            nodes
                .iter()
                .map(|n| {
                    urls.iter()
                        .map(|u| Arc::new(NodeClient::new(u, n.node, n.operator.insecure_clone())))
                        .collect()
                })
                .collect()
        };
        let worker_clients = clients(workers);
        let started = Instant::now();
        let period = lease_rate.map(|rate| Duration::from_secs_f64(workers.len() as f64 / rate));
        let mut tasks = vec![];
        for (i, clients) in worker_clients.iter().cloned().enumerate() {
            let first_ask = tokio::time::Instant::from_std(started)
                + period.map_or(Duration::ZERO, |p| {
                    p.mul_f64(i as f64 / workers.len() as f64)
                });
            tasks.push(tokio::spawn(async move {
                let (mut leases, mut latencies) = (vec![], vec![]);
                let mut next_ask = first_ask;
                for turn in i.. {
                    if let Some(period) = period {
                        tokio::time::sleep_until(next_ask).await;
                        next_ask += period;
                    }
                    let asked = Instant::now();
                    let lease: Option<JobLease> = clients[turn % clients.len()]
                        .call(Method::POST, "/v1/node/lease", Some(&serde_json::json!({})))
                        .await
                        .expect("a lease answer");
                    latencies.push(asked.elapsed().as_secs_f64() * 1e3);
                    match lease {
                        Some(lease) => leases.push(lease),
                        None => break,
                    }
                }
                (leases, latencies)
            }));
        }
        let mut leases: Vec<Vec<JobLease>> = vec![];
        let mut latencies = vec![];
        for task in tasks {
            let (l, t) = task.await.expect("a worker");
            leases.push(l);
            latencies.extend(t);
        }
        let lease_secs = started.elapsed().as_secs_f64();
        let leased: Vec<&String> = leases.iter().flatten().map(|l| &l.job.job_id).collect();
        let distinct: HashSet<&String> = leased.iter().copied().collect();
        assert_eq!(leased.len(), jobs, "every job leased");
        assert_eq!(distinct.len(), jobs, "no job leased twice");
        assert_eq!(
            count(
                &database.url,
                "SELECT COUNT(*) - COUNT(DISTINCT job_id) FROM attempts"
            )
            .await,
            0,
            "no second attempt of any job in the database"
        );
        latencies.sort_by(f64::total_cmp);
        let quantile = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];

        // Phase 2: the workers upload their frames while the verifiers lease and accept them.
        let frame = grey_frame();
        let started = Instant::now();
        let mut uploads = vec![];
        for (clients, leases) in worker_clients.iter().cloned().zip(leases) {
            let frame = frame.clone();
            uploads.push(tokio::spawn(async move {
                for (turn, lease) in leases.into_iter().enumerate() {
                    let upload = upload_for(&lease, &frame);
                    clients[turn % clients.len()]
                        .call::<serde_json::Value>(
                            Method::POST,
                            &format!("/v1/node/leases/{}/result", lease.lease_id),
                            Some(&upload),
                        )
                        .await
                        .expect("an upload accepted");
                }
            }));
        }
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut verifying = vec![];
        for (i, clients) in clients(verifiers).into_iter().enumerate() {
            let done = done.clone();
            verifying.push(tokio::spawn(async move {
                let mut verdicts = 0u64;
                for turn in i.. {
                    let client = &clients[turn % clients.len()];
                    let task: Option<VerificationTask> = client
                        .call(
                            Method::POST,
                            "/v1/node/verifications/lease?wait_secs=1",
                            Some(&serde_json::json!({})),
                        )
                        .await
                        .expect("a task answer");
                    match task {
                        Some(task) => {
                            let verdict = VerdictPost {
                                accepted: true,
                                reasons: vec![],
                                evidence_hash: hex(&[0; 32]),
                            };
                            client
                                .call::<serde_json::Value>(
                                    Method::POST,
                                    &format!("/v1/node/verifications/{}/verdict", task.task_id),
                                    Some(&verdict),
                                )
                                .await
                                .expect("a verdict recorded");
                            verdicts += 1;
                        }
                        None if done.load(std::sync::atomic::Ordering::SeqCst) => break,
                        None => {}
                    }
                }
                verdicts
            }));
        }
        for upload in uploads {
            upload.await.expect("a worker's uploads");
        }
        let upload_secs = started.elapsed().as_secs_f64();
        loop {
            let verified = count(
                &database.url,
                "SELECT COUNT(*) FROM jobs WHERE status = 'verified'",
            )
            .await;
            if verified == jobs as i64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let verify_secs = started.elapsed().as_secs_f64();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let mut verdicts = 0;
        for v in verifying {
            verdicts += v.await.expect("a verifier");
        }
        assert_eq!(
            count(
                &database.url,
                "SELECT COUNT(*) FROM attempts WHERE status = 'accepted'"
            )
            .await,
            jobs as i64,
            "every job accepted once: none lost"
        );
        // Phase 3: every worker proposes an attestation for its accepted jobs and waits until its
        // whole committee co-signed it through the relay (the verifiers sign what they are sent).
        let relaying = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let mut cosigning = vec![];
        for (i, clients) in clients(verifiers).into_iter().enumerate() {
            let relaying = relaying.clone();
            cosigning.push(tokio::spawn(async move {
                for turn in i.. {
                    if !relaying.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let client = &clients[turn % clients.len()];
                    let tasks: Option<Vec<CosignTask>> = client
                        .call(Method::GET, "/v1/node/cosign?wait_secs=1", None::<&()>)
                        .await
                        .expect("co-signing tasks");
                    for task in tasks.unwrap_or_default() {
                        let p = task.attestation.as_ref().expect("only attestations here");
                        let message = inferix_worker::chain::attestation(
                            task.subject,
                            p.epoch,
                            p.seq,
                            p.ib_micros,
                            p.cumulative_ibm_micros,
                            p.jobs_verified,
                            inferix_worker::por::job::from_hex(&p.work_root).expect("a work root"),
                            p.issued_at,
                        )
                        .to_signed_bytes();
                        let endorsement =
                            Endorsement::sign(&message, client.operator(), Some(client.node));
                        let answer = CosignAnswer {
                            endorsement: Some(endorsement.to_json()),
                            refusal: None,
                        };
                        client
                            .call::<serde_json::Value>(
                                Method::POST,
                                &format!("/v1/node/cosign/{}", task.request_id),
                                Some(&answer),
                            )
                            .await
                            .expect("an answer recorded");
                    }
                }
            }));
        }
        let chain = inferix_node_api::chain_view::ChainView::new(&net.url);
        let (epoch, _) = chain.epoch_now().await.expect("the epoch");
        let issued_at = chain.now().await.expect("the clock");
        let mut proposing = vec![];
        for clients in worker_clients.iter().cloned() {
            let ib_micros = self.worker_ib_micros;
            proposing.push(tokio::spawn(async move {
                let client = &clients[0];
                let work: Option<Vec<AcceptedJob>> = client
                    .call(
                        Method::GET,
                        &format!("/v1/node/work?epoch={epoch}"),
                        None::<&()>,
                    )
                    .await
                    .expect("the accepted work");
                let work = work.unwrap_or_default();
                if work.is_empty() {
                    return None;
                }
                let records: Vec<WorkRecord> = work
                    .iter()
                    .map(|j| WorkRecord {
                        job_hash: inferix_worker::por::job::from_hex(&j.job_hash)
                            .expect("a job hash"),
                        frame_root: inferix_worker::por::job::from_hex(&j.frame_root)
                            .expect("a frame root"),
                        ibm_micros: j.ibm_micros,
                    })
                    .collect();
                let proposal = AttestationProposal {
                    epoch,
                    seq: 1,
                    ib_micros,
                    cumulative_ibm_micros: records.iter().map(|r| r.ibm_micros).sum(),
                    jobs_verified: records.len() as u32,
                    work_root: hex(&work_root(&records)),
                    issued_at,
                    job_ids: work.iter().map(|j| j.job_id.clone()).collect(),
                };
                let asked = Instant::now();
                let state: CosignState = client
                    .call(Method::POST, "/v1/node/attestations", Some(&proposal))
                    .await
                    .expect("a proposal accepted")
                    .expect("a relay state");
                loop {
                    let now: CosignState = client
                        .call(
                            Method::GET,
                            &format!("/v1/node/attestations/{}", state.request_id),
                            None::<&()>,
                        )
                        .await
                        .expect("the relay state")
                        .expect("a relay state");
                    if now.endorsements.len() > now.committee.len() {
                        return Some(asked.elapsed().as_secs_f64() * 1e3);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }));
        }
        let mut relay_ms = vec![];
        for p in proposing {
            relay_ms.extend(p.await.expect("a proposing worker"));
        }
        relaying.store(false, std::sync::atomic::Ordering::SeqCst);
        for c in cosigning {
            c.await.expect("a co-signing verifier");
        }
        relay_ms.sort_by(f64::total_cmp);
        let relay_p50_ms = relay_ms[(relay_ms.len() - 1) / 2];

        let mut rows = [0; 4];
        for (row, table) in rows
            .iter_mut()
            .zip(["jobs", "attempts", "verifications", "nonces"])
        {
            *row = count(&database.url, &format!("SELECT COUNT(*) FROM {table}")).await;
        }
        let peak_mib = managers.iter().map(|m| m.peak_rss_mib()).collect();
        drop(managers);
        drop(db);
        Figures {
            leases_per_s: jobs as f64 / lease_secs,
            p50_ms: quantile(0.5),
            p99_ms: quantile(0.99),
            uploads_per_s: jobs as f64 / upload_secs,
            verdicts_per_s: verdicts as f64 / verify_secs,
            relay_p50_ms,
            rows,
            peak_mib,
        }
    }
}

impl Drop for LoadNet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A simulated node: its address and operator key.
struct SimNode {
    node: anchor_lang::prelude::Pubkey,
    operator: Keypair,
}

const FRAME: (u32, u32) = (128, 96);

/// What a run measured.
pub struct Figures {
    pub leases_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub uploads_per_s: f64,
    pub verdicts_per_s: f64,
    /// From an attestation proposed to its whole committee's signatures, the median.
    pub relay_p50_ms: f64,
    pub rows: [i64; 4],
    pub peak_mib: Vec<f64>,
}

impl Figures {
    pub fn line(&self, n: usize, replicas: usize) -> String {
        format!(
            "N = {n}, {replicas} replica(s): {:.0} leases/s (p50 {:.1} ms, p99 {:.1} ms), {:.0} uploads/s, {:.0} verdicts/s, relay round trip p50 {:.0} ms",
            self.leases_per_s, self.p50_ms, self.p99_ms, self.uploads_per_s, self.verdicts_per_s, self.relay_p50_ms
        )
    }

    pub fn row(&self, n: usize, replicas: usize) -> String {
        let peaks: Vec<String> = self.peak_mib.iter().map(|m| format!("{m:.0}")).collect();
        format!(
            "| {n} | {replicas} | {:.0} | {:.1} ms | {:.1} ms | {:.0} | {:.0} | {:.0} ms | {} | {} |",
            self.leases_per_s,
            self.p50_ms,
            self.p99_ms,
            self.uploads_per_s,
            self.verdicts_per_s,
            self.relay_p50_ms,
            self.rows.map(|r| r.to_string()).join(", "),
            peaks.join(" + ")
        )
    }
}

async fn node_account(local: &mut LocalNet, address: &anchor_lang::prelude::Pubkey) -> Node {
    let account = local.bank.account(address).await.expect("the node exists");
    Node::try_deserialize(&mut &account.data[..]).expect("a node account")
}

fn put_node(local: &mut LocalNet, address: &anchor_lang::prelude::Pubkey, node: &Node) {
    let mut data = vec![];
    node.try_serialize(&mut data).expect("a node serializes");
    // The program's accounts have a fixed size (space for the largest value).
    data.resize(8 + Node::INIT_SPACE, 0);
    local.bank.put_account(
        address,
        solana_account::Account {
            lamports: 10_000_000,
            data,
            owner: inferix_sdk::node_staking::ID,
            executable: false,
            rent_epoch: 0,
        },
    );
}

/// A copy of `template` under a fresh licence and operator key.
fn sim_node(local: &mut LocalNet, template: &Node) -> SimNode {
    let operator = Keypair::new();
    let mut node = template.clone();
    node.license_mint = anchor_lang::prelude::Pubkey::new_unique();
    node.owner = operator.pubkey();
    node.operator = operator.pubkey();
    let address = pda::node(&node.license_mint);
    put_node(local, &address, &node);
    SimNode {
        node: address,
        operator,
    }
}

/// A grey frame of the jobs' size, as PNG with its rows (the same for every job).
#[derive(Clone)]
struct Frame {
    png_base64: String,
    root: String,
}

fn grey_frame() -> Frame {
    let (width, height) = FRAME;
    let rgb8 = vec![128u8; (width * height * 3) as usize];
    let png = inferix_worker::frame::encode_png_rgb8(width, height, &rgb8).expect("a PNG");
    Frame {
        png_base64: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png),
        root: hex(&frame_root(width, height, &rgb8)),
    }
}

fn upload_for(lease: &JobLease, frame: &Frame) -> ResultUpload {
    ResultUpload {
        commitment: Commitment {
            format: COMMITMENT_FORMAT.into(),
            job_id: lease.job.job_id.clone(),
            job_hash: hex(&[0; 32]),
            width: lease.job.width,
            height: lease.job.height,
            tile_size: TILE_SIZE,
            frame_root: frame.root.clone(),
            adapter: "simulated".into(),
            render_ms: 1.0,
        },
        frame_png_base64: frame.png_base64.clone(),
    }
}
