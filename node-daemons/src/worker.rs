//! The worker daemon: lease → fetch the scene (cached by content hash) → render (progress in
//! the log and in heartbeats) → commit → upload, in a loop; and, every
//! `min_attestation_interval` with new verified IBM, an attestation: proposed to the manager,
//! co-signed by the manager and the committee through the relay, submitted over RPC from an
//! outbox that survives restarts and RPC outages. The chain's tally (cumulative IBM, last seq)
//! is the reference at every step, so a crash never double-counts nor loses work.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use inferix_node_api::chain_view::ChainView;
use inferix_node_api::client::{ClientError, NodeClient};
use inferix_node_api::ops::{MetricKind, Metrics};
use inferix_node_api::wire::{
    AcceptedJob, AttestationProposal, BenchmarkStarted, CosignState, Heartbeat, JobLease,
    ResultUpload,
};
use inferix_node_api::{hex, unix_now};
use inferix_sdk::client::ChainError;
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Endorsement};
use inferix_worker::frame::encode_png_rgb8;
use inferix_worker::por::job::from_hex;
use inferix_worker::por::worker::render_job;
use inferix_worker::Renderer;
use reqwest::Method;
use solana_signer::Signer;
use sqlx::{Row, SqlitePool};
use tokio::sync::watch;

use crate::common::{ask_for_work, pause, scene_path, serve_ops, NodeConfig, NodeParts};

pub const ENV_PREFIX: &str = "INFERIX_WORKER";

pub const EXAMPLE: &str = r#"# worker.toml — every key, with its default where it has one.
manager_url = "http://127.0.0.1:8800"
rpc_url = "http://127.0.0.1:8899"
keypair = "operator.json"        # the operator key the node registered; signs requests, pays attestations
node = "<node address>"          # `inferix node register` prints it
database = "worker.sqlite"       # leases, accepted jobs, the attestation outbox
cache = "cache"                  # scene files by content hash
ops_bind = "127.0.0.1:9100"      # /health and /metrics (default: any free port)
poll_interval_ms = 1000
long_poll_secs = 20              # the manager holds a request for work up to this long (0: plain polls)
adapter = ""                     # GPU adapter (empty: the first)
low_sol_lamports = 50000000      # warn below 0.05 SOL
# Any key can be overridden by INFERIX_WORKER_<KEY>, e.g. INFERIX_WORKER_MANAGER_URL.
"#;

const METRICS: &[(&str, MetricKind, &str)] = &[
    (
        "jobs_leased_total",
        MetricKind::Counter,
        "Jobs this worker leased.",
    ),
    (
        "jobs_rendered_total",
        MetricKind::Counter,
        "Frames rendered and uploaded.",
    ),
    (
        "leases_lost_total",
        MetricKind::Counter,
        "Leases that ended before the frame was uploaded.",
    ),
    (
        "ibm_accepted_micros",
        MetricKind::Gauge,
        "IBM (millionths) the committee accepted this epoch.",
    ),
    (
        "ibm_credited_micros",
        MetricKind::Gauge,
        "IBM (millionths) credited on chain this epoch.",
    ),
    (
        "attestations_submitted_total",
        MetricKind::Counter,
        "Attestations that landed on chain.",
    ),
    (
        "attestations_failed_total",
        MetricKind::Counter,
        "Attestations refused by the relay or the chain.",
    ),
    (
        "rpc_errors_total",
        MetricKind::Counter,
        "Errors reaching the RPC node.",
    ),
    (
        "manager_errors_total",
        MetricKind::Counter,
        "Errors reaching or refusals from the manager.",
    ),
    (
        "operator_lamports",
        MetricKind::Gauge,
        "The operator's SOL balance, lamports.",
    ),
    (
        "lease_latency_seconds",
        MetricKind::Histogram,
        "From asking for a job lease to getting one (a long poll's wait included).",
    ),
];

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS leases (
    lease_id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    status TEXT NOT NULL,
    leased_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    render_ms REAL
);
CREATE TABLE IF NOT EXISTS accepted_jobs (
    job_id TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL,
    job_hash TEXT NOT NULL,
    frame_root TEXT NOT NULL,
    ibm_micros INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    proposal_json TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL DEFAULT 0,
    signature TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
"#;

/// Seconds a proposal waits for the whole committee before it is sent with a quorum.
const FULL_COMMITTEE_WAIT_SECS: i64 = 20;

struct Worker {
    config: NodeConfig,
    client: NodeClient,
    chain: ChainView,
    db: SqlitePool,
    renderer: Arc<Mutex<Renderer>>,
    metrics: Arc<Metrics>,
}

pub async fn run(config_path: &std::path::Path) -> Result<(), String> {
    let NodeParts {
        config,
        client,
        chain,
        db,
        renderer,
        adapter,
        metrics,
    } = NodeParts::open("worker", config_path, ENV_PREFIX, SCHEMA, METRICS).await?;
    let worker = Arc::new(Worker {
        metrics: metrics.clone(),
        config,
        client,
        chain,
        db,
        renderer,
    });
    let health_metrics = metrics.clone();
    let node = worker.client.node.to_string();
    let health = Arc::new(move || {
        serde_json::json!({
            "status": "ok",
            "role": "worker",
            "node": node,
            "adapter": adapter,
            "jobs_rendered": health_metrics.value("jobs_rendered_total"),
            "ibm_accepted_micros": health_metrics.value("ibm_accepted_micros"),
            "ibm_credited_micros": health_metrics.value("ibm_credited_micros"),
            "attestations_submitted": health_metrics.value("attestations_submitted_total"),
        })
    });
    let ops = serve_ops("worker", &worker.config.ops_bind, metrics, health).await?;
    worker.reconcile().await;
    let (stop_tx, stop) = watch::channel(false);
    let jobs = tokio::spawn(worker.clone().job_loop(stop.clone()));
    let attestations = tokio::spawn(worker.clone().attestation_loop(stop));
    inferix_node_api::ops::shutdown_signal().await;
    tracing::info!("stopping: no new leases; the outbox resumes at the next start");
    let _ = stop_tx.send(true);
    let _ = attestations.await;
    jobs.abort();
    ops.abort();
    worker.db.close().await;
    Ok(())
}

impl Worker {
    /// At start: the chain's tally for this epoch against the local records.
    async fn reconcile(&self) {
        let node = self.client.node;
        match self.chain.epoch_now().await {
            Ok((epoch, _)) => match self.chain.worker_tally(&node, epoch).await {
                Ok((tally, rewards)) => {
                    let local: i64 = sqlx::query_scalar(
                        "SELECT COALESCE(SUM(ibm_micros), 0) FROM accepted_jobs WHERE epoch = ?",
                    )
                    .bind(epoch as i64)
                    .fetch_one(&self.db)
                    .await
                    .unwrap_or(0);
                    tracing::info!(
                        epoch,
                        credited_ibm_micros = tally.as_ref().map_or(0, |t| t.cumulative_ibm_micros),
                        last_seq = rewards.as_ref().map_or(0, |r| r.last_seq),
                        local_accepted_ibm_micros = local,
                        "reconciled with the on-chain tally"
                    );
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the on-chain tally yet"),
            },
            Err(e) => tracing::warn!(error = %e, "cannot read the cluster's epoch yet"),
        }
    }

    async fn job_loop(self: Arc<Self>, stop: watch::Receiver<bool>) {
        loop {
            if pause(0, &stop).await {
                return;
            }
            let wait = match self.one_job(&stop).await {
                Ok(true) => 0,
                Ok(false) => self.config.poll_interval_ms,
                Err(e) => {
                    self.metrics.inc("manager_errors_total");
                    tracing::warn!(error = %e, "job step failed");
                    self.config.poll_interval_ms * 3
                }
            };
            if pause(wait, &stop).await {
                return;
            }
        }
    }

    /// Leases, renders and uploads one job; `false` when there was none.
    async fn one_job(&self, stop: &watch::Receiver<bool>) -> Result<bool, String> {
        let asked = Instant::now();
        let lease: Option<JobLease> = ask_for_work(
            &self.client,
            Method::POST,
            "/v1/node/lease",
            self.config.long_poll_secs,
            stop,
        )
        .await
        .map_err(|e| e.to_string())?;
        let Some(lease) = lease else { return Ok(false) };
        self.metrics
            .observe("lease_latency_seconds", asked.elapsed().as_secs_f64());
        self.metrics.inc("jobs_leased_total");
        sqlx::query("INSERT INTO leases (lease_id, job_id, status, leased_at, deadline) VALUES (?, ?, 'rendering', ?, ?)")
            .bind(&lease.lease_id)
            .bind(&lease.job.job_id)
            .bind(unix_now())
            .bind(lease.deadline)
            .execute(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(lease = %lease.lease_id, job = %lease.job.job_id, scene = %lease.job.scene, width = lease.job.width, height = lease.job.height, spp = lease.job.samples_per_pixel, deadline = lease.deadline, "job leased");
        let mut job = lease.job.clone();
        job.scene = scene_path(
            &self.client,
            &self.config.cache,
            &job.scene,
            lease.asset.as_deref(),
            lease.asset_extension.as_deref(),
        )
        .await?;
        let progress = Arc::new(Mutex::new((0u32, job.samples_per_pixel)));
        let renderer = self.renderer.clone();
        let render_progress = progress.clone();
        let started = Instant::now();
        let mut render = tokio::task::spawn_blocking(move || {
            let renderer = renderer.lock().expect("renderer");
            render_job(
                &renderer,
                &job,
                std::path::Path::new("."),
                &mut |done, total| {
                    *render_progress.lock().expect("progress") = (done, total);
                },
            )
        });
        let mut logged_percent = 0;
        let heartbeat_every = Duration::from_secs(lease.heartbeat_secs.max(1));
        let mut last_beat = Instant::now();
        let rendered = loop {
            tokio::select! {
                done = &mut render => break done.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?,
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    if *stop.borrow() {
                        return Err("stopping mid-render; the lease will expire".into());
                    }
                    let (samples_done, samples_total) = *progress.lock().expect("progress");
                    let percent = samples_done * 100 / samples_total.max(1);
                    if percent >= logged_percent + 25 {
                        logged_percent = percent;
                        tracing::info!(lease = %lease.lease_id, percent, "rendering");
                    }
                    if last_beat.elapsed() < heartbeat_every {
                        continue;
                    }
                    last_beat = Instant::now();
                    let beat = Heartbeat { samples_done, samples_total };
                    let path = format!("/v1/node/leases/{}/heartbeat", lease.lease_id);
                    if let Err(e) = self.client.call::<serde_json::Value>(Method::POST, &path, Some(&beat)).await {
                        if e.name() == Some("LeaseExpired") {
                            self.lose_lease(&lease.lease_id, "expired while rendering").await;
                            return Ok(true);
                        }
                    }
                }
            }
        };
        let render_ms = started.elapsed().as_secs_f64() * 1e3;
        let png = encode_png_rgb8(
            rendered.commitment.width,
            rendered.commitment.height,
            &rendered.rgb8,
        )
        .map_err(|e| e.to_string())?;
        let upload = ResultUpload {
            commitment: rendered.commitment,
            frame_png_base64: base64::engine::general_purpose::STANDARD.encode(png),
        };
        let path = format!("/v1/node/leases/{}/result", lease.lease_id);
        // A 503 (the manager's database, no active verifier) is the manager's to fix: the
        // upload is tried again while the lease lasts.
        let uploaded = loop {
            match self
                .client
                .call::<serde_json::Value>(Method::POST, &path, Some(&upload))
                .await
            {
                Err(e @ ClientError::Refused { status: 503, .. })
                    if unix_now() < lease.deadline =>
                {
                    tracing::warn!(lease = %lease.lease_id, error = %e, "upload refused for now; retrying");
                    tokio::time::sleep(Duration::from_millis(self.config.poll_interval_ms * 3))
                        .await;
                }
                answer => break answer,
            }
        };
        match uploaded {
            Ok(_) => {
                self.metrics.inc("jobs_rendered_total");
                sqlx::query(
                    "UPDATE leases SET status = 'uploaded', render_ms = ? WHERE lease_id = ?",
                )
                .bind(render_ms)
                .bind(&lease.lease_id)
                .execute(&self.db)
                .await
                .map_err(|e| e.to_string())?;
                tracing::info!(lease = %lease.lease_id, job = %lease.job.job_id, render_ms, "frame uploaded; the committee verifies it");
            }
            Err(e @ ClientError::Refused { .. }) => {
                self.lose_lease(&lease.lease_id, &e.to_string()).await
            }
            Err(e) => return Err(e.to_string()),
        }
        Ok(true)
    }

    async fn lose_lease(&self, lease_id: &str, why: &str) {
        self.metrics.inc("leases_lost_total");
        tracing::warn!(lease = lease_id, why, "lease lost");
        let _ = sqlx::query("UPDATE leases SET status = 'lost' WHERE lease_id = ?")
            .bind(lease_id)
            .execute(&self.db)
            .await;
    }

    async fn attestation_loop(self: Arc<Self>, stop: watch::Receiver<bool>) {
        loop {
            let creditable = match self.ensure_benchmarked().await {
                Ok(creditable) => creditable,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask for a benchmark yet");
                    false
                }
            };
            if !creditable {
                tracing::debug!(
                    "not active on chain (no IB yet, or stake below S(n)): nothing to attest"
                );
            } else {
                match self.attestation_step(&stop).await {
                    Ok(Some(wait_ms)) => {
                        if pause(wait_ms, &stop).await {
                            return;
                        }
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "attestation step failed; retrying"),
                }
            }
            if pause(self.config.poll_interval_ms * 2, &stop).await {
                return;
            }
        }
    }

    fn rpc_error(&self, e: ChainError) -> String {
        self.metrics.inc("rpc_errors_total");
        e.to_string()
    }

    /// A node without an IB cannot stake S(n) nor be credited: it asks the manager for the
    /// benchmark set, which its lease loop then renders like any job.
    /// `true` when the node can be credited (it has an IB and is active).
    async fn ensure_benchmarked(&self) -> Result<bool, String> {
        let node = self
            .chain
            .node(&self.client.node)
            .await
            .map_err(|e| self.rpc_error(e))?
            .ok_or("the node is not registered on chain")?;
        if node.ib_micros > 0 {
            return Ok(node.is_active());
        }
        let run: BenchmarkStarted = self
            .client
            .call(
                Method::POST,
                "/v1/node/benchmark",
                Some(&serde_json::json!({})),
            )
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the manager answered a benchmark request with no content")?;
        tracing::info!(benchmark = %run.benchmark_id, jobs = run.jobs.len(), "no IB yet: the benchmark set is queued for this worker");
        Ok(false)
    }

    /// One pass: learn the accepted jobs, then advance the outbox or propose a new attestation.
    /// Returns how long (ms) nothing can happen — 0 when it learned of new work while waiting —
    /// or `None` for the usual pause, so a worker waiting out the attestation interval or the
    /// IB × minutes cap does not ask the manager every few seconds.
    async fn attestation_step(&self, stop: &watch::Receiver<bool>) -> Result<Option<u64>, String> {
        let node = self.client.node;
        let (epoch, chain_now) = self
            .chain
            .epoch_now()
            .await
            .map_err(|e| self.rpc_error(e))?;
        let lamports = self
            .chain
            .lamports(&self.client.operator().pubkey())
            .await
            .map_err(|e| self.rpc_error(e))?;
        self.metrics.set("operator_lamports", lamports);
        if lamports < self.config.low_sol_lamports {
            tracing::warn!(
                lamports,
                threshold = self.config.low_sol_lamports,
                "the operator's SOL runs low: attestations need fees"
            );
        }
        let (tally, rewards) = self
            .chain
            .worker_tally(&node, epoch)
            .await
            .map_err(|e| self.rpc_error(e))?;
        let credited = tally.map_or(0, |t| t.cumulative_ibm_micros);
        self.metrics.set("ibm_credited_micros", credited);
        let last_seq = rewards.as_ref().map_or(0, |r| r.last_seq);
        let config = self
            .chain
            .rewards_config()
            .await
            .map_err(|e| self.rpc_error(e))?;
        let open = sqlx::query("SELECT * FROM outbox WHERE status = 'open' ORDER BY id LIMIT 1")
            .fetch_optional(&self.db)
            .await
            .map_err(|e| e.to_string())?;

        let (mut job_ids, mut records) = self.accepted_jobs(epoch).await?;
        // Nothing to attest or deliver: wait (long poll) until the committee accepts more work,
        // then start over with fresh reads of the chain.
        let idle = open.is_none() && records.iter().map(|r| r.ibm_micros).sum::<u64>() <= credited;
        let wait_secs = if idle { self.config.long_poll_secs } else { 0 };
        let path = format!("/v1/node/work?epoch={epoch}&known={}", records.len());
        let accepted: Vec<AcceptedJob> =
            ask_for_work(&self.client, Method::GET, &path, wait_secs, stop)
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
        let mut learned = false;
        for job in &accepted {
            let inserted = sqlx::query("INSERT INTO accepted_jobs (job_id, epoch, job_hash, frame_root, ibm_micros, seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(&job.job_id)
                .bind(job.epoch as i64)
                .bind(&job.job_hash)
                .bind(&job.frame_root)
                .bind(job.ibm_micros as i64)
                .bind(unix_now())
                .execute(&self.db)
                .await
                .map_err(|e| e.to_string())?;
            learned |= inserted.rows_affected() > 0;
        }
        if learned {
            if wait_secs > 0 {
                return Ok(Some(0));
            }
            (job_ids, records) = self.accepted_jobs(epoch).await?;
        }
        let cumulative: u64 = records.iter().map(|r| r.ibm_micros).sum();
        self.metrics.set("ibm_accepted_micros", cumulative);

        if let Some(row) = open {
            let id: i64 = row.get("id");
            let seq = row.get::<i64, _>("seq") as u32;
            let proposal: AttestationProposal =
                serde_json::from_str(&row.get::<String, _>("proposal_json"))
                    .map_err(|e| e.to_string())?;
            if seq <= last_seq {
                // It landed (perhaps just before a crash or an RPC outage hid the answer).
                self.close(id, "landed", None).await?;
                self.metrics.inc("attestations_submitted_total");
                tracing::info!(seq, "the outbox's attestation is on chain");
            } else if proposal.epoch != epoch
                || chain_now - proposal.issued_at > config.params.max_attestation_age_secs
            {
                self.close(
                    id,
                    "expired",
                    Some("its epoch ended or it grew older than the chain accepts"),
                )
                .await?;
            } else {
                let next_try_at = row.get::<i64, _>("next_try_at");
                if next_try_at > unix_now() {
                    return Ok(Some(self.capped_wait_ms(next_try_at - unix_now())));
                }
                self.advance(
                    id,
                    &proposal,
                    &row.get::<String, _>("request_id"),
                    row.get::<i64, _>("tries"),
                    config.params.quorum as usize,
                )
                .await?;
            }
            return Ok(None);
        }
        if cumulative <= credited {
            return Ok(None);
        }
        if let Some(r) = &rewards {
            let due_in =
                r.last_attestation_at + config.params.min_attestation_interval_secs - chain_now;
            if due_in > 0 {
                return Ok(Some(self.capped_wait_ms(due_in)));
            }
        }
        let node_account = self
            .chain
            .node(&node)
            .await
            .map_err(|e| self.rpc_error(e))?
            .ok_or("the node is not registered")?;
        // The chain credits at most IB × the minutes elapsed in the epoch: wait until it would.
        let (epoch_start, _) = config.schedule.bounds(epoch).map_err(|e| e.to_string())?;
        let minutes = ((chain_now - epoch_start) / 60).max(0) as u128;
        if cumulative as u128 > node_account.ib_micros as u128 * minutes {
            let minutes_needed =
                (cumulative as u128).div_ceil(node_account.ib_micros.max(1) as u128);
            let due_in = epoch_start + (minutes_needed as i64).saturating_mul(60) - chain_now;
            return Ok(Some(self.capped_wait_ms(due_in)));
        }
        let proposal = AttestationProposal {
            epoch,
            seq: last_seq + 1,
            ib_micros: node_account.ib_micros,
            cumulative_ibm_micros: cumulative,
            jobs_verified: records.len() as u32,
            work_root: hex(&work_root(&records)),
            issued_at: chain_now,
            job_ids,
        };
        let state: CosignState = self
            .client
            .call(Method::POST, "/v1/node/attestations", Some(&proposal))
            .await
            .map_err(|e| {
                self.metrics.inc("attestations_failed_total");
                e.to_string()
            })?
            .ok_or("the manager answered a proposal with no content")?;
        sqlx::query("INSERT INTO outbox (seq, epoch, proposal_json, request_id, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)")
            .bind(proposal.seq as i64)
            .bind(epoch as i64)
            .bind(serde_json::to_string(&proposal).expect("proposals serialize"))
            .bind(&state.request_id)
            .bind(unix_now())
            .execute(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(seq = proposal.seq, epoch, cumulative_ibm_micros = cumulative, jobs = records.len(), request = %state.request_id, "attestation proposed; the committee co-signs through the relay");
        Ok(None)
    }

    /// A wait of `secs` by the chain's clock, at most a long poll's length: the cluster's clock
    /// may jump (a warp, a slow slot), so the worker looks again at least that often.
    fn capped_wait_ms(&self, secs: i64) -> u64 {
        let cap = self.config.long_poll_secs.max(1);
        (secs.max(0) as u64).min(cap) * 1_000
    }

    /// This epoch's accepted jobs in the order they were learned: their ids and work records.
    async fn accepted_jobs(&self, epoch: u32) -> Result<(Vec<String>, Vec<WorkRecord>), String> {
        let rows = sqlx::query("SELECT job_id, job_hash, frame_root, ibm_micros FROM accepted_jobs WHERE epoch = ? ORDER BY seen_at, job_id")
            .bind(epoch as i64)
            .fetch_all(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let job_ids = rows.iter().map(|r| r.get("job_id")).collect();
        let records = rows
            .iter()
            .map(|r| WorkRecord {
                job_hash: from_hex(&r.get::<String, _>("job_hash")).unwrap_or_default(),
                frame_root: from_hex(&r.get::<String, _>("frame_root")).unwrap_or_default(),
                ibm_micros: r.get::<i64, _>("ibm_micros") as u64,
            })
            .collect();
        Ok((job_ids, records))
    }

    /// Collects the committee's signatures and submits; a transport failure is retried with
    /// backoff, a refusal closes the entry (the next pass proposes afresh).
    async fn advance(
        &self,
        id: i64,
        p: &AttestationProposal,
        request_id: &str,
        tries: i64,
        quorum: usize,
    ) -> Result<(), String> {
        let seq = p.seq;
        let state: CosignState = self
            .client
            .call(
                Method::GET,
                &format!("/v1/node/attestations/{request_id}"),
                None::<&()>,
            )
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no relay state")?;
        let signed = state.endorsements.len().saturating_sub(1);
        let answered = signed + state.refusals.len();
        let created: i64 = sqlx::query_scalar("SELECT created_at FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_one(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        if signed + (state.committee.len() - answered.min(state.committee.len())) < quorum {
            self.metrics.inc("attestations_failed_total");
            let reasons: Vec<String> = state
                .refusals
                .iter()
                .map(|r| format!("{}: {}", r.verifier, r.reason))
                .collect();
            tracing::warn!(seq, ?reasons, "the committee refused the attestation");
            return self.close(id, "refused", Some(&reasons.join("; "))).await;
        }
        let everyone = answered >= state.committee.len();
        if signed < quorum || (!everyone && unix_now() - created < FULL_COMMITTEE_WAIT_SECS) {
            return Ok(());
        }
        let endorsements: Vec<Endorsement> = state
            .endorsements
            .iter()
            .map(Endorsement::from_json)
            .collect::<Result<_, _>>()?;
        let attestation = chain::attestation(
            self.client.node,
            p.epoch,
            p.seq,
            p.ib_micros,
            p.cumulative_ibm_micros,
            p.jobs_verified,
            from_hex(&p.work_root).ok_or("work root")?,
            p.issued_at,
        );
        let operator = self.client.operator();
        let instructions = chain::endorsed_attestation_instructions(
            &operator.pubkey(),
            &attestation,
            &endorsements,
        )
        .map_err(|e| e.to_string())?;
        match self.chain.send(&instructions, operator).await {
            Ok(signature) => {
                self.metrics.inc("attestations_submitted_total");
                tracing::info!(seq, epoch = p.epoch, cumulative_ibm_micros = p.cumulative_ibm_micros, verifiers = signed, %signature, "attestation landed");
                sqlx::query("UPDATE outbox SET signature = ? WHERE id = ?")
                    .bind(&signature)
                    .bind(id)
                    .execute(&self.db)
                    .await
                    .map_err(|e| e.to_string())?;
                self.close(id, "landed", None).await
            }
            Err(ChainError::Unreachable(reason)) => {
                self.metrics.inc("rpc_errors_total");
                let backoff = 2i64.pow(tries.clamp(0, 5) as u32);
                tracing::warn!(
                    seq,
                    reason,
                    retry_in_secs = backoff,
                    "RPC unreachable; the attestation stays in the outbox"
                );
                sqlx::query("UPDATE outbox SET tries = tries + 1, next_try_at = ?, last_error = ? WHERE id = ?")
                    .bind(unix_now() + backoff)
                    .bind(&reason)
                    .bind(id)
                    .execute(&self.db)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(())
            }
            Err(e) => {
                self.metrics.inc("attestations_failed_total");
                tracing::warn!(seq, error = %e, "the chain refused the attestation");
                self.close(id, "refused", Some(&e.to_string())).await
            }
        }
    }

    async fn close(&self, id: i64, status: &str, error: Option<&str>) -> Result<(), String> {
        sqlx::query(
            "UPDATE outbox SET status = ?, last_error = COALESCE(?, last_error) WHERE id = ?",
        )
        .bind(status)
        .bind(error)
        .bind(id)
        .execute(&self.db)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod metrics_docs {
    use super::METRICS;

    #[test]
    fn docs_operations_lists_every_metric_the_worker_serves() {
        let doc = include_str!("../../docs/operations.md");
        let missing = inferix_node_api::ops::undocumented_metrics("worker", METRICS, doc);
        assert!(missing.is_empty(), "docs/operations.md lacks {missing:?}");
    }
}
