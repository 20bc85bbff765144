//! The verifier daemon: leases verification tasks, checks each frame on its own adapter (the
//! noise regions and spot tiles re-rendered after the commitment), writes every verdict to its
//! own SQLite ledger before posting it, and co-signs through the relay only what that ledger
//! supports — an attestation whose every job it accepted itself, whose cumulative IBM equals
//! its ledger's sum for that worker and epoch, with a seq above the last it signed; a Violation
//! only for a job it rejected. It opens its verifier-epoch account each epoch.

use std::sync::{Arc, Mutex};

use anchor_lang::prelude::Pubkey;
use base64::Engine;
use inferix_common::messages::{SignedMessage, ViolationKind};
use inferix_node_api::chain_view::ChainView;
use inferix_node_api::client::NodeClient;
use inferix_node_api::ops::{MetricKind, Metrics};
use inferix_node_api::wire::{
    AttestationProposal, BenchmarkProposal, CosignAnswer, CosignTask, VerdictPost,
    VerificationTask, ViolationProposal,
};
use inferix_node_api::{hex, random_bytes, unix_now, violation_evidence};
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_sdk::signed::{benchmark_message, violation_message};
use inferix_sdk::{instructions, pda};
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Endorsement};
use inferix_worker::frame::decode_png_rgb8;
use inferix_worker::por::job::from_hex;
use inferix_worker::por::verify::{verify, VerifyInput, VerifyParams};
use inferix_worker::Renderer;
use reqwest::Method;
use solana_signer::Signer;
use sqlx::{Row, SqlitePool};
use tokio::sync::watch;

use crate::common::{ask_for_work, pause, scene_path, serve_ops, NodeConfig, NodeParts};

pub const ENV_PREFIX: &str = "INFERIX_VERIFIER";

pub const EXAMPLE: &str = r#"# verifier.toml — every key, with its default where it has one.
manager_url = "http://127.0.0.1:8800"
rpc_url = "http://127.0.0.1:8899"
keypair = "operator.json"        # the operator key the node registered; signs requests and co-signs
node = "<node address>"          # `inferix node register` prints it
database = "verifier.sqlite"     # the verdict ledger and the last seq signed per worker
cache = "cache"                  # scene files by content hash
ops_bind = "127.0.0.1:9200"      # /health and /metrics (default: any free port)
poll_interval_ms = 1000
long_poll_secs = 20              # the manager holds a request for work up to this long (0: plain polls)
adapter = ""                     # GPU adapter (empty: the first)
low_sol_lamports = 50000000      # warn below 0.05 SOL (it pays to open its epoch accounts)
# Any key can be overridden by INFERIX_VERIFIER_<KEY>, e.g. INFERIX_VERIFIER_MANAGER_URL.
"#;

const METRICS: &[(&str, MetricKind, &str)] = &[
    (
        "tasks_leased_total",
        MetricKind::Counter,
        "Verification tasks leased.",
    ),
    (
        "jobs_verified_total",
        MetricKind::Counter,
        "Frames this verifier accepted.",
    ),
    (
        "jobs_rejected_total",
        MetricKind::Counter,
        "Frames this verifier rejected.",
    ),
    (
        "ibm_verified_micros_total",
        MetricKind::Counter,
        "IBM (millionths) of the frames it accepted.",
    ),
    (
        "cosigned_total",
        MetricKind::Counter,
        "Attestations and Violations it co-signed.",
    ),
    (
        "cosign_refused_total",
        MetricKind::Counter,
        "Co-signing requests it refused.",
    ),
    (
        "epochs_opened_total",
        MetricKind::Counter,
        "Verifier-epoch accounts it opened.",
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
        "From asking for a verification task to getting one (a long poll's wait included).",
    ),
];

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS verdicts (
    task_id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    job_hash TEXT NOT NULL,
    frame_root TEXT NOT NULL,
    ibm_micros INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    posted INTEGER NOT NULL DEFAULT 0,
    decided_at INTEGER NOT NULL,
    benchmark INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS verdicts_by_worker ON verdicts (worker, epoch, accepted);
CREATE TABLE IF NOT EXISTS signed (
    worker TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signed_violations (
    job_id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL
);
"#;

struct Verifier {
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
    } = NodeParts::open("verifier", config_path, ENV_PREFIX, SCHEMA, METRICS).await?;
    let verifier = Arc::new(Verifier {
        metrics: metrics.clone(),
        config,
        client,
        chain,
        db,
        renderer,
    });
    let health_metrics = metrics.clone();
    let node = verifier.client.node.to_string();
    let health = Arc::new(move || {
        serde_json::json!({
            "status": "ok",
            "role": "verifier",
            "node": node,
            "adapter": adapter,
            "jobs_verified": health_metrics.value("jobs_verified_total"),
            "jobs_rejected": health_metrics.value("jobs_rejected_total"),
            "cosigned": health_metrics.value("cosigned_total"),
        })
    });
    let ops = serve_ops("verifier", &verifier.config.ops_bind, metrics, health).await?;
    let (stop_tx, stop) = watch::channel(false);
    let tasks = tokio::spawn(verifier.clone().verify_loop(stop.clone()));
    let epochs = tokio::spawn(verifier.clone().epoch_loop(stop.clone()));
    let cosigning = tokio::spawn(verifier.clone().cosign_loop(stop));
    inferix_node_api::ops::shutdown_signal().await;
    tracing::info!("stopping");
    let _ = stop_tx.send(true);
    let _ = cosigning.await;
    let _ = epochs.await;
    tasks.abort();
    ops.abort();
    verifier.db.close().await;
    Ok(())
}

impl Verifier {
    async fn verify_loop(self: Arc<Self>, stop: watch::Receiver<bool>) {
        loop {
            let wait = match self.one_task(&stop).await {
                Ok(true) => 0,
                Ok(false) => self.config.poll_interval_ms,
                Err(e) => {
                    self.metrics.inc("manager_errors_total");
                    tracing::warn!(error = %e, "verification step failed");
                    self.config.poll_interval_ms * 3
                }
            };
            if pause(wait, &stop).await {
                return;
            }
        }
    }

    /// Posts verdicts the ledger holds but the manager has not heard (a crash between the two),
    /// then verifies one new task; `false` when there was nothing to do.
    async fn one_task(&self, stop: &watch::Receiver<bool>) -> Result<bool, String> {
        for row in sqlx::query(
            "SELECT task_id, accepted, reasons, evidence_hash FROM verdicts WHERE posted = 0",
        )
        .fetch_all(&self.db)
        .await
        .map_err(|e| e.to_string())?
        {
            let verdict = VerdictPost {
                accepted: row.get("accepted"),
                reasons: serde_json::from_str(&row.get::<String, _>("reasons")).unwrap_or_default(),
                evidence_hash: row.get("evidence_hash"),
            };
            self.post_verdict(&row.get::<String, _>("task_id"), &verdict)
                .await?;
        }
        let asked = std::time::Instant::now();
        let task: Option<VerificationTask> = ask_for_work(
            &self.client,
            Method::POST,
            "/v1/node/verifications/lease",
            self.config.long_poll_secs,
            stop,
        )
        .await
        .map_err(|e| e.to_string())?;
        let Some(task) = task else { return Ok(false) };
        self.metrics
            .observe("lease_latency_seconds", asked.elapsed().as_secs_f64());
        self.metrics.inc("tasks_leased_total");
        let mut job = task.job.clone();
        job.scene = scene_path(
            &self.client,
            &self.config.cache,
            &job.scene,
            task.asset.as_deref(),
            task.asset_extension.as_deref(),
        )
        .await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(&task.frame_png_base64)
            .map_err(|e| e.to_string())?;
        let renderer = self.renderer.clone();
        let (key, commitment) = (task.key.clone(), task.commitment.clone());
        let verdict = tokio::task::spawn_blocking(move || {
            let (width, height, rgb8) = decode_png_rgb8(&png)?;
            let input = VerifyInput {
                job: &job,
                key: &key,
                commitment: &commitment,
                width,
                height,
                rgb8: &rgb8,
            };
            let renderer = renderer.lock().expect("renderer");
            // The spot tiles are drawn from a nonce of ours, chosen after the commitment.
            verify(
                &input,
                Some(&renderer),
                &random_bytes::<32>(),
                &VerifyParams::default(),
            )
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?;
        let verdict = match verdict {
            Ok(v) => VerdictPost {
                accepted: v.accepted,
                reasons: v.reasons,
                evidence_hash: v.evidence_hash,
            },
            // Files that do not belong together are the worker's fault: a rejection with the reason.
            Err(reason) => VerdictPost {
                accepted: false,
                reasons: vec![reason],
                evidence_hash: hex(&[0; 32]),
            },
        };
        sqlx::query(
            "INSERT INTO verdicts (task_id, job_id, worker, epoch, job_hash, frame_root, ibm_micros, accepted, reasons, evidence_hash, decided_at, benchmark)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(&task.task_id)
        .bind(&task.job_id)
        .bind(task.worker.to_string())
        .bind(task.epoch as i64)
        .bind(&task.commitment.job_hash)
        .bind(&task.commitment.frame_root)
        .bind(task.ibm_micros as i64)
        .bind(verdict.accepted)
        .bind(serde_json::to_string(&verdict.reasons).expect("strings serialize"))
        .bind(&verdict.evidence_hash)
        .bind(unix_now())
        .bind(task.benchmark)
        .execute(&self.db)
        .await
        .map_err(|e| e.to_string())?;
        if verdict.accepted {
            self.metrics.inc("jobs_verified_total");
            self.metrics
                .add("ibm_verified_micros_total", task.ibm_micros);
        } else {
            self.metrics.inc("jobs_rejected_total");
        }
        tracing::info!(task = %task.task_id, job = %task.job_id, worker = %task.worker, epoch = task.epoch, accepted = verdict.accepted, reasons = ?verdict.reasons, "verdict recorded");
        self.post_verdict(&task.task_id, &verdict).await?;
        Ok(true)
    }

    async fn post_verdict(&self, task_id: &str, verdict: &VerdictPost) -> Result<(), String> {
        let path = format!("/v1/node/verifications/{task_id}/verdict");
        match self
            .client
            .call::<serde_json::Value>(Method::POST, &path, Some(verdict))
            .await
        {
            Ok(_) => {}
            Err(e) if e.name() == Some("VerdictAlreadyPosted") => {}
            Err(e) => return Err(e.to_string()),
        }
        sqlx::query("UPDATE verdicts SET posted = 1 WHERE task_id = ?")
            .bind(task_id)
            .execute(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Opens each epoch's verifier account on time (over RPC only).
    async fn epoch_loop(self: Arc<Self>, stop: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.open_epoch().await {
                self.metrics.inc("rpc_errors_total");
                tracing::warn!(error = %e, "cannot open this epoch's verifier account yet");
            }
            if pause(self.config.poll_interval_ms, &stop).await {
                return;
            }
        }
    }

    async fn cosign_loop(self: Arc<Self>, stop: watch::Receiver<bool>) {
        loop {
            match ask_for_work::<Vec<CosignTask>>(
                &self.client,
                Method::GET,
                "/v1/node/cosign",
                self.config.long_poll_secs,
                &stop,
            )
            .await
            {
                Ok(tasks) => {
                    for task in tasks.unwrap_or_default() {
                        if let Err(e) = self.answer(&task).await {
                            tracing::warn!(request = %task.request_id, error = %e, "cannot answer a co-signing request");
                        }
                    }
                }
                Err(e) => {
                    self.metrics.inc("manager_errors_total");
                    tracing::warn!(error = %e, "cannot read co-signing requests");
                }
            }
            if pause(self.config.poll_interval_ms, &stop).await {
                return;
            }
        }
    }

    /// Opens this epoch's verifier-epoch account (its credits) unless it exists.
    async fn open_epoch(&self) -> Result<(), String> {
        let (epoch, _) = self.chain.epoch_now().await.map_err(|e| e.to_string())?;
        let node = self.client.node;
        if self
            .chain
            .exists(&pda::verifier_epoch(epoch, &node))
            .await
            .map_err(|e| e.to_string())?
        {
            return Ok(());
        }
        let operator = self.client.operator();
        let lamports = self
            .chain
            .lamports(&operator.pubkey())
            .await
            .map_err(|e| e.to_string())?;
        self.metrics.set("operator_lamports", lamports);
        if lamports < self.config.low_sol_lamports {
            tracing::warn!(
                lamports,
                "the operator's SOL runs low: opening epoch accounts needs rent and fees"
            );
        }
        let signature = self
            .chain
            .send(
                &[instructions::open_verifier_epoch(
                    &operator.pubkey(),
                    &node,
                    epoch,
                )],
                operator,
            )
            .await
            .map_err(|e| e.to_string())?;
        self.metrics.inc("epochs_opened_total");
        tracing::info!(epoch, %signature, "opened this epoch's verifier account");
        Ok(())
    }

    async fn answer(&self, task: &CosignTask) -> Result<(), String> {
        let decision = match (&task.attestation, &task.violation, &task.benchmark) {
            (Some(p), None, None) => self.judge_attestation(&task.subject, p).await?,
            (None, Some(p), None) => {
                self.judge_violation(&task.subject, p, &task.request_id)
                    .await?
            }
            (None, None, Some(p)) => self.judge_benchmark(&task.subject, p).await?,
            _ => Err(
                "the request carries not exactly one attestation, violation or benchmark".into(),
            ),
        };
        let answer = match decision {
            Ok(message) => {
                self.metrics.inc("cosigned_total");
                let endorsement =
                    Endorsement::sign(&message, self.client.operator(), Some(self.client.node));
                CosignAnswer {
                    endorsement: Some(endorsement.to_json()),
                    refusal: None,
                }
            }
            Err(reason) => {
                self.metrics.inc("cosign_refused_total");
                tracing::warn!(request = %task.request_id, subject = %task.subject, reason, "refused to co-sign");
                CosignAnswer {
                    endorsement: None,
                    refusal: Some(reason),
                }
            }
        };
        let path = format!("/v1/node/cosign/{}", task.request_id);
        self.client
            .call::<serde_json::Value>(Method::POST, &path, Some(&answer))
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// The attestation's bytes when the ledger supports every field, else why not. The seq it
    /// signs is recorded before the signature leaves, so it never signs two messages at one seq.
    async fn judge_attestation(
        &self,
        worker: &Pubkey,
        p: &AttestationProposal,
    ) -> Result<Result<Vec<u8>, String>, String> {
        let rows = sqlx::query("SELECT job_id, job_hash, frame_root, ibm_micros, accepted FROM verdicts WHERE worker = ? AND epoch = ? AND benchmark = 0")
            .bind(worker.to_string())
            .bind(p.epoch as i64)
            .fetch_all(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let mut records = Vec::with_capacity(p.job_ids.len());
        for id in &p.job_ids {
            let Some(row) = rows
                .iter()
                .find(|r| r.get::<String, _>("job_id") == *id && r.get::<bool, _>("accepted"))
            else {
                return Ok(Err(format!("NotVerifiedByMe: job {id} is not in this verifier's ledger as accepted for worker {worker} in epoch {}", p.epoch)));
            };
            records.push(WorkRecord {
                job_hash: from_hex(&row.get::<String, _>("job_hash")).unwrap_or_default(),
                frame_root: from_hex(&row.get::<String, _>("frame_root")).unwrap_or_default(),
                ibm_micros: row.get::<i64, _>("ibm_micros") as u64,
            });
        }
        let ledger_sum: u64 = rows
            .iter()
            .filter(|r| r.get::<bool, _>("accepted"))
            .map(|r| r.get::<i64, _>("ibm_micros") as u64)
            .sum();
        if p.cumulative_ibm_micros != ledger_sum {
            return Ok(Err(format!("IbmMismatch: the attestation claims {} IBM micros; this verifier's ledger holds {ledger_sum} for worker {worker} in epoch {}", p.cumulative_ibm_micros, p.epoch)));
        }
        if p.jobs_verified as usize != records.len() || p.work_root != hex(&work_root(&records)) {
            return Ok(Err(
                "WorkRootMismatch: the job count or work root is not that of the jobs listed"
                    .into(),
            ));
        }
        let last: Option<i64> = sqlx::query_scalar("SELECT last_seq FROM signed WHERE worker = ?")
            .bind(worker.to_string())
            .fetch_optional(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(last) = last.filter(|l| i64::from(p.seq) <= *l) {
            return Ok(Err(format!("SeqNotAbove: seq {} is not above {last}, the last this verifier signed for worker {worker}", p.seq)));
        }
        sqlx::query("INSERT INTO signed (worker, last_seq) VALUES (?, ?) ON CONFLICT (worker) DO UPDATE SET last_seq = excluded.last_seq")
            .bind(worker.to_string())
            .bind(i64::from(p.seq))
            .execute(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let root = from_hex(&p.work_root).unwrap_or_default();
        Ok(Ok(chain::attestation(
            *worker,
            p.epoch,
            p.seq,
            p.ib_micros,
            p.cumulative_ibm_micros,
            p.jobs_verified,
            root,
            p.issued_at,
        )
        .to_signed_bytes()))
    }

    /// The Benchmark's bytes when this verifier accepted every frame of the run: it vouches
    /// that the frames were rendered; the manager, which timed them, vouches for the times.
    async fn judge_benchmark(
        &self,
        worker: &Pubkey,
        p: &BenchmarkProposal,
    ) -> Result<Result<Vec<u8>, String>, String> {
        for id in &p.job_ids {
            let accepted: Option<bool> = sqlx::query_scalar(
                "SELECT accepted FROM verdicts WHERE worker = ? AND job_id = ? AND benchmark = 1",
            )
            .bind(worker.to_string())
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(|e| e.to_string())?;
            if accepted != Some(true) {
                return Ok(Err(format!("NotVerifiedByMe: benchmark job {id} is not in this verifier's ledger as accepted for worker {worker}")));
            }
        }
        let args = BenchmarkArgs {
            ib_micros: p.ib_micros,
            scene_set_hash: from_hex(&p.scene_set_hash).ok_or("a malformed scene set hash")?,
            issued_at: p.issued_at,
        };
        Ok(Ok(benchmark_message(worker, &args)))
    }

    /// The Violation's bytes when this verifier rejected the job it names, else why not.
    async fn judge_violation(
        &self,
        worker: &Pubkey,
        p: &ViolationProposal,
        request_id: &str,
    ) -> Result<Result<Vec<u8>, String>, String> {
        let row = sqlx::query("SELECT job_hash, frame_root, accepted, epoch FROM verdicts WHERE worker = ? AND job_id = ? AND accepted = 0")
            .bind(worker.to_string())
            .bind(&p.job_id)
            .fetch_optional(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let Some(row) = row else {
            return Ok(Err(format!(
                "NotRejectedByMe: this verifier did not reject job {} of worker {worker}",
                p.job_id
            )));
        };
        let evidence = violation_evidence(
            &row.get::<String, _>("job_hash"),
            &row.get::<String, _>("frame_root"),
        );
        if p.kind != ViolationKind::FailedPoR as u8
            || p.evidence_hash != hex(&evidence)
            || p.epoch as i64 != row.get::<i64, _>("epoch")
        {
            return Ok(Err("ViolationMismatch: the kind, evidence or epoch is not that of the frame this verifier rejected".into()));
        }
        let fresh = sqlx::query("INSERT INTO signed_violations (job_id, request_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(&p.job_id)
            .bind(request_id)
            .execute(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        if fresh.rows_affected() == 0 {
            return Ok(Err(format!(
                "AlreadySigned: this verifier already signed a violation for job {}",
                p.job_id
            )));
        }
        let args = ViolationArgs {
            epoch: p.epoch,
            kind: p.kind,
            evidence_hash: evidence,
            issued_at: p.issued_at,
        };
        Ok(Ok(violation_message(worker, &args)))
    }
}

#[cfg(test)]
mod metrics_docs {
    use super::METRICS;

    #[test]
    fn docs_operations_lists_every_metric_the_verifier_serves() {
        let doc = include_str!("../../docs/operations.md");
        let missing = inferix_node_api::ops::undocumented_metrics("verifier", METRICS, doc);
        assert!(missing.is_empty(), "docs/operations.md lacks {missing:?}");
    }
}
