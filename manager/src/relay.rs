//! The co-signing relay. A worker proposes an attestation; the manager signs it only for jobs
//! it dispatched that the worker's committee accepted, and passes it to the committee, whose
//! verifiers each sign or refuse on their own host; the worker collects the signatures and
//! submits. A frame the committee rejected becomes a Violation the manager signs, relays the
//! same way and submits once a quorum signed.

use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use axum::http::StatusCode;
use inferix_common::messages::{SignedMessage, ViolationKind};
use inferix_node_api::committee::committee;
use inferix_node_api::wire::{
    AttestationProposal, BenchmarkProposal, CosignAnswer, CosignState, CosignTask, Refusal,
    ViolationProposal,
};
use inferix_node_api::{hex, random_bytes, unix_now, violation_evidence};
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_sdk::pda;
use inferix_sdk::signed::{benchmark_message, violation_message};
use inferix_worker::bench::scene_set_hash;
use inferix_worker::chain::work::{work_root, WorkRecord};
use inferix_worker::chain::{self, Endorsement};
use inferix_worker::por::job::{from_hex, hex_bytes};
use inferix_worker::Scene;
use sqlx::Row;

use crate::server::{ApiErr, Manager};
use crate::wakeups::Topic;

/// How far `issued_at` may be from the cluster's clock when the manager signs.
const ISSUED_AT_TOLERANCE_SECS: i64 = 120;

fn refuse(name: &str, message: impl Into<String>) -> ApiErr {
    ApiErr::new(StatusCode::UNPROCESSABLE_ENTITY, name, message)
}

/// Checks a worker's proposal against the manager's records, signs it and opens a relay
/// request to the worker's committee for the attestation's epoch.
pub async fn propose_attestation(
    m: &Manager,
    worker: &Pubkey,
    p: AttestationProposal,
) -> Result<CosignState, ApiErr> {
    let accepted = crate::dispatch::accepted_work(m, worker, p.epoch).await?;
    let mut listed = p.job_ids.clone();
    listed.sort();
    listed.dedup();
    let mut known: Vec<String> = accepted.iter().map(|j| j.job_id.clone()).collect();
    known.sort();
    if listed.len() != p.job_ids.len() || listed != known {
        return Err(refuse(
            "JobsNotAccepted",
            format!(
                "an attestation for epoch {} covers exactly the {} jobs of this worker the committee accepted in it; the proposal lists {}",
                p.epoch,
                known.len(),
                p.job_ids.len()
            ),
        ));
    }
    let records: Vec<WorkRecord> = p
        .job_ids
        .iter()
        .map(|id| {
            let j = accepted
                .iter()
                .find(|j| &j.job_id == id)
                .expect("checked above");
            WorkRecord {
                job_hash: from_hex(&j.job_hash).unwrap_or_default(),
                frame_root: from_hex(&j.frame_root).unwrap_or_default(),
                ibm_micros: j.ibm_micros,
            }
        })
        .collect();
    let cumulative: u64 = records.iter().map(|r| r.ibm_micros).sum();
    let root = hex(&work_root(&records));
    if p.cumulative_ibm_micros != cumulative
        || p.jobs_verified as usize != records.len()
        || p.work_root != root
    {
        return Err(refuse(
            "AttestationMismatch",
            format!(
                "the accepted jobs sum to {cumulative} IBM micros over {} jobs with work root {root}; the proposal says {} over {} with {}",
                records.len(),
                p.cumulative_ibm_micros,
                p.jobs_verified,
                p.work_root
            ),
        ));
    }
    let chain_now = m.chain.now().await?;
    if (p.issued_at - chain_now).abs() > ISSUED_AT_TOLERANCE_SECS {
        return Err(refuse("IssuedAtOutOfRange", format!("issued_at {} is more than {ISSUED_AT_TOLERANCE_SECS} s from the cluster's clock {chain_now}", p.issued_at)));
    }
    let attestation = chain::attestation(
        *worker,
        p.epoch,
        p.seq,
        p.ib_micros,
        cumulative,
        p.jobs_verified,
        from_hex(&root).expect("hex"),
        p.issued_at,
    );
    let message = attestation.to_signed_bytes();
    let verifiers = m.chain.active_verifiers().await?;
    let drawn = committee(p.epoch, worker, &verifiers, m.config.committee_size);
    let task = CosignTask {
        request_id: hex(&random_bytes::<16>()),
        subject: *worker,
        attestation: Some(p),
        violation: None,
        benchmark: None,
    };
    open_request(m, &task, "attestation", &message, &drawn, None).await?;
    m.metrics.inc("attestations_cosigned_total");
    state(m, worker, &task.request_id).await
}

async fn open_request(
    m: &Manager,
    task: &CosignTask,
    kind: &str,
    message: &[u8],
    drawn: &[Pubkey],
    attempt: Option<&str>,
) -> Result<(), ApiErr> {
    let endorsement = Endorsement::sign(message, &m.key, None);
    sqlx::query(
        "INSERT INTO cosign_requests (id, kind, subject, task_json, message_hex, committee, manager_endorsement, status, attempt_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)",
    )
    .bind(&task.request_id)
    .bind(kind)
    .bind(task.subject.to_string())
    .bind(serde_json::to_string(task).expect("tasks serialize"))
    .bind(hex(message))
    .bind(drawn.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))
    .bind(endorsement.to_json().to_string())
    .bind(attempt)
    .bind(unix_now())
    .execute(&m.db.pool)
    .await?;
    m.wakeups.notify(Topic::CosignRequests);
    tracing::info!(request = %task.request_id, kind, subject = %task.subject, committee = drawn.len(), "relay request opened");
    Ok(())
}

/// A Violation for a frame the whole committee rejected, signed by the manager and relayed.
pub async fn propose_violation(
    m: &Manager,
    attempt: &str,
    job_id: &str,
    worker: &str,
    epoch: u32,
    job_hash: &str,
    frame_root: &str,
) -> Result<(), ApiErr> {
    let worker: Pubkey = worker.parse().map_err(ApiErr::internal)?;
    let evidence = violation_evidence(job_hash, frame_root);
    let proposal = ViolationProposal {
        epoch,
        kind: ViolationKind::FailedPoR as u8,
        evidence_hash: hex(&evidence),
        issued_at: m.chain.now().await?,
        job_id: job_id.to_string(),
    };
    let message = violation_message(&worker, &violation_args(&proposal));
    let verifiers: Vec<Pubkey> = sqlx::query_scalar::<_, String>(
        "SELECT verifier FROM verifications WHERE attempt_id = $1 ORDER BY verifier",
    )
    .bind(attempt)
    .fetch_all(&m.db.pool)
    .await?
    .iter()
    .filter_map(|v| v.parse().ok())
    .collect();
    let task = CosignTask {
        request_id: hex(&random_bytes::<16>()),
        subject: worker,
        attestation: None,
        violation: Some(proposal),
        benchmark: None,
    };
    open_request(m, &task, "violation", &message, &verifiers, Some(attempt)).await
}

/// A `Benchmark` of `worker` at `ib_micros`, signed by the manager and relayed to the
/// verifiers that checked the benchmark frames.
pub async fn propose_benchmark(
    m: &Manager,
    worker: &Pubkey,
    ib_micros: u64,
    job_ids: Vec<String>,
) -> Result<(), ApiErr> {
    let scenes: Vec<Scene> = m
        .reference
        .scene
        .iter()
        .map(|s| Scene::load(&s.name, s.width as f32 / s.height as f32))
        .collect::<Result<_, _>>()
        .map_err(ApiErr::internal)?;
    let proposal = BenchmarkProposal {
        ib_micros,
        scene_set_hash: hex(&scene_set_hash(&m.reference, &scenes)),
        issued_at: m.chain.now().await?,
        job_ids,
    };
    let message = benchmark_message(worker, &benchmark_args(&proposal));
    let mut verifiers: Vec<Pubkey> = vec![];
    for job in &proposal.job_ids {
        let drawn: Vec<String> = sqlx::query_scalar(
            "SELECT v.verifier FROM verifications v JOIN jobs j ON j.verified_attempt = v.attempt_id WHERE j.id = $1",
        )
        .bind(job)
        .fetch_all(&m.db.pool)
        .await?;
        verifiers.extend(drawn.iter().filter_map(|v| v.parse::<Pubkey>().ok()));
    }
    verifiers.sort();
    verifiers.dedup();
    let task = CosignTask {
        request_id: hex(&random_bytes::<16>()),
        subject: *worker,
        attestation: None,
        violation: None,
        benchmark: Some(proposal),
    };
    open_request(m, &task, "benchmark", &message, &verifiers, None).await
}

fn benchmark_args(p: &BenchmarkProposal) -> BenchmarkArgs {
    BenchmarkArgs {
        ib_micros: p.ib_micros,
        scene_set_hash: from_hex(&p.scene_set_hash).unwrap_or_default(),
        issued_at: p.issued_at,
    }
}

fn violation_args(p: &ViolationProposal) -> ViolationArgs {
    ViolationArgs {
        epoch: p.epoch,
        kind: p.kind,
        evidence_hash: from_hex(&p.evidence_hash).unwrap_or_default(),
        issued_at: p.issued_at,
    }
}

/// The endorsements so far (the manager's first) and the refusals.
pub async fn state(m: &Manager, worker: &Pubkey, id: &str) -> Result<CosignState, ApiErr> {
    let row = sqlx::query(
        "SELECT subject, committee, manager_endorsement FROM cosign_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&m.db.pool)
    .await?
    .filter(|r| r.get::<String, _>("subject") == worker.to_string())
    .ok_or_else(|| {
        ApiErr::new(
            StatusCode::NOT_FOUND,
            "UnknownRequest",
            format!("no relay request {id} for this node"),
        )
    })?;
    let mut endorsements = vec![
        serde_json::from_str(&row.get::<String, _>("manager_endorsement"))
            .map_err(ApiErr::internal)?,
    ];
    let mut refusals = vec![];
    for answer in sqlx::query("SELECT verifier, endorsement, refusal FROM cosign_answers WHERE request_id = $1 ORDER BY verifier").bind(id).fetch_all(&m.db.pool).await? {
        if let Some(e) = answer.get::<Option<String>, _>("endorsement") {
            endorsements.push(serde_json::from_str(&e).map_err(ApiErr::internal)?);
        }
        if let Some(reason) = answer.get::<Option<String>, _>("refusal") {
            refusals.push(Refusal { verifier: answer.get("verifier"), reason });
        }
    }
    Ok(CosignState {
        request_id: id.to_string(),
        endorsements,
        refusals,
        committee: row
            .get::<String, _>("committee")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Open requests whose committee names this verifier and that it has not answered.
pub async fn tasks(m: &Manager, verifier: &Pubkey) -> Result<Vec<CosignTask>, ApiErr> {
    let me = verifier.to_string();
    // The committee filter is in SQL, so other committees' requests never crowd out this one's.
    let rows = sqlx::query(
        "SELECT task_json FROM cosign_requests r WHERE status = 'open'
         AND (',' || committee || ',') LIKE ('%,' || $1 || ',%')
         AND NOT EXISTS (SELECT 1 FROM cosign_answers a WHERE a.request_id = r.id AND a.verifier = $2)
         ORDER BY created_at LIMIT 50",
    )
    .bind(&me)
    .bind(&me)
    .fetch_all(&m.db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| serde_json::from_str(&r.get::<String, _>("task_json")).ok())
        .collect())
}

/// A committee member's signature (checked against the message and its operator) or refusal.
pub async fn answer(
    m: &Manager,
    verifier: &Pubkey,
    operator: &Pubkey,
    id: &str,
    a: CosignAnswer,
) -> Result<(), ApiErr> {
    let me = verifier.to_string();
    let row = sqlx::query("SELECT committee, message_hex FROM cosign_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(&m.db.pool)
        .await?
        .filter(|r| r.get::<String, _>("committee").split(',').any(|v| v == me))
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::NOT_FOUND,
                "UnknownRequest",
                format!("no relay request {id} for this verifier's committee"),
            )
        })?;
    let message = hex_bytes(&row.get::<String, _>("message_hex")).unwrap_or_default();
    let (endorsement, refusal) = match (a.endorsement, a.refusal) {
        (Some(e), None) => {
            let parsed = Endorsement::from_json(&e)
                .map_err(|reason| refuse("MalformedEndorsement", reason))?;
            if parsed.signer != *operator
                || parsed.node != Some(*verifier)
                || !parsed.verifies(&message)
            {
                return Err(refuse("BadEndorsement", "the endorsement is not this verifier's operator signing this request's message as this node"));
            }
            (Some(parsed.to_json().to_string()), None)
        }
        (None, Some(reason)) => (None, Some(reason)),
        _ => {
            return Err(refuse(
                "MalformedAnswer",
                "answer with exactly one of endorsement or refusal",
            ))
        }
    };
    let inserted = sqlx::query("INSERT INTO cosign_answers (request_id, verifier, endorsement, refusal) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(&me)
        .bind(&endorsement)
        .bind(&refusal)
        .execute(&m.db.pool)
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiErr::new(
            StatusCode::CONFLICT,
            "AlreadyAnswered",
            format!("this verifier already answered request {id}"),
        ));
    }
    m.wakeups.notify(Topic::CosignAnswers);
    tracing::info!(request = %id, verifier = %verifier, signed = endorsement.is_some(), refusal = ?refusal, "relay answer");
    Ok(())
}

/// After each co-signing answer (and every ten seconds, to retry after an RPC failure): each
/// open Violation or Benchmark with a quorum of verifier signatures is submitted (paid by the
/// manager key); a transport failure is retried, a refusal recorded.
pub async fn submit_relayed_forever(m: Arc<Manager>) {
    loop {
        let answered = m.wakeups.changed(Topic::CosignAnswers, RELAY_RETRY);
        if let Err(e) = submit_relayed(&m).await {
            tracing::warn!(error = %e.message, "relay submission pass failed");
        }
        answered.await;
    }
}

const RELAY_RETRY: Duration = Duration::from_secs(10);

async fn submit_relayed(m: &Manager) -> Result<(), ApiErr> {
    // One replica submits at a time: the same request sent by two would be refused the second
    // time, and that refusal recorded over the first one's success.
    let Some(_lead) = m.db.lead(crate::store::RELAY_SUBMITTER).await? else {
        return Ok(());
    };
    let open = sqlx::query("SELECT id, kind, subject, task_json FROM cosign_requests WHERE kind IN ('violation', 'benchmark') AND status = 'open' ORDER BY created_at")
        .fetch_all(&m.db.pool)
        .await?;
    if open.is_empty() {
        return Ok(());
    }
    let staking = m.chain.staking_config().await?;
    for row in open {
        let id: String = row.get("id");
        let kind: String = row.get("kind");
        let subject: Pubkey = row
            .get::<String, _>("subject")
            .parse()
            .map_err(ApiErr::internal)?;
        let state = state(m, &subject, &id).await?;
        let signed = state.endorsements.len() - 1;
        let everyone = signed + state.refusals.len() >= state.committee.len();
        if signed < staking.params.quorum as usize {
            if everyone {
                close(
                    m,
                    &id,
                    "failed",
                    None,
                    Some("the committee did not reach the quorum"),
                )
                .await?;
                finish_run(m, &kind, &subject, "failed").await?;
            }
            continue;
        }
        let task: CosignTask =
            serde_json::from_str(&row.get::<String, _>("task_json")).map_err(ApiErr::internal)?;
        let endorsements: Vec<Endorsement> = state
            .endorsements
            .iter()
            .filter_map(|e| Endorsement::from_json(e).ok())
            .collect();
        let instructions = match (task.violation, task.benchmark) {
            (Some(violation), None) => {
                let ifx = IfxToken {
                    mint: staking.ifx_mint,
                    token_program: staking.ifx_token_program,
                };
                chain::endorsed_violation_instructions(
                    &m.key_pubkey(),
                    &subject,
                    &ifx,
                    violation_args(&violation),
                    None,
                    &endorsements,
                )
            }
            (None, Some(benchmark)) => chain::endorsed_benchmark_instructions(
                &subject,
                &pda::pushed_price(),
                benchmark_args(&benchmark),
                &endorsements,
            ),
            _ => {
                return Err(ApiErr::internal(format!(
                    "relay request {id} holds no {kind}"
                )))
            }
        }
        .map_err(|e| ApiErr::internal(e.to_string()))?;
        match m.chain.send(&instructions, &m.key).await {
            Ok(signature) => {
                m.metrics.inc(if kind == "violation" {
                    "violations_submitted_total"
                } else {
                    "benchmarks_submitted_total"
                });
                tracing::info!(request = %id, kind, node = %subject, %signature, "landed on chain");
                close(m, &id, "submitted", Some(&signature), None).await?;
                finish_run(m, &kind, &subject, "submitted").await?;
            }
            Err(inferix_sdk::client::ChainError::Unreachable(reason)) => {
                m.metrics.inc("rpc_errors_total");
                tracing::warn!(request = %id, reason, "RPC unreachable; the request stays queued");
            }
            Err(e) => {
                m.metrics.inc("violations_failed_total");
                tracing::warn!(request = %id, kind, error = %e, "the chain refused it");
                close(m, &id, "failed", None, Some(&e.to_string())).await?;
                finish_run(m, &kind, &subject, "failed").await?;
            }
        }
    }
    Ok(())
}

/// A benchmark's run ends with its relay request.
async fn finish_run(m: &Manager, kind: &str, worker: &Pubkey, status: &str) -> Result<(), ApiErr> {
    if kind == "benchmark" {
        sqlx::query("UPDATE benchmarks SET status = $1 WHERE worker = $2 AND status = 'signing'")
            .bind(status)
            .bind(worker.to_string())
            .execute(&m.db.pool)
            .await?;
    }
    Ok(())
}

async fn close(
    m: &Manager,
    id: &str,
    status: &str,
    signature: Option<&str>,
    error: Option<&str>,
) -> Result<(), ApiErr> {
    sqlx::query(
        "UPDATE cosign_requests SET status = $1, signature = $2, last_error = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(signature)
    .bind(error)
    .bind(id)
    .execute(&m.db.pool)
    .await?;
    Ok(())
}

impl Manager {
    fn key_pubkey(&self) -> Pubkey {
        solana_signer::Signer::pubkey(&self.key)
    }
}
