//! The routes: customers (bearer token) and nodes (signed requests). Handlers parse and
//! authenticate; `dispatch` and `relay` change state.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use inferix_node_api::wire::{
    AttestationProposal, CosignAnswer, Heartbeat, JobRequest, ResultUpload, VerdictPost,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::server::{
    token_hash, ActiveVerifier, ActiveWorker, AnyNode, AnyWorker, ApiErr, Manager, Signed,
};
use crate::wakeups::{LongPoll, Topic};
use crate::{dispatch, relay, store};

type Shared = State<Arc<Manager>>;

pub fn router(manager: Arc<Manager>) -> Router {
    let upload_limit = manager.config.max_upload_bytes;
    let health = manager.clone();
    let metrics = manager.metrics.clone();
    Router::new()
        .route("/v1/scenes", post(upload_scene))
        .route("/v1/jobs", post(submit_job))
        .route("/v1/jobs/{id}", get(job_status))
        .route("/v1/jobs/{id}/frame", get(job_frame))
        .route("/v1/node/lease", post(lease_job))
        .route("/v1/node/assets/{hash}", get(asset))
        .route("/v1/node/leases/{id}/heartbeat", post(heartbeat))
        .route("/v1/node/leases/{id}/result", post(upload_result))
        .route("/v1/node/benchmark", post(start_benchmark))
        .route("/v1/node/work", get(accepted_work))
        .route("/v1/node/verifications/lease", post(lease_verification))
        .route("/v1/node/verifications/{id}/verdict", post(post_verdict))
        .route("/v1/node/attestations", post(propose_attestation))
        .route("/v1/node/attestations/{id}", get(attestation_state))
        .route("/v1/node/cosign", get(cosign_tasks))
        .route("/v1/node/cosign/{id}", post(answer_cosign))
        .route(
            "/health",
            get(move || async move { Json(health.health().await) }),
        )
        .route(
            "/metrics",
            get(move || async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    metrics.render(),
                )
            }),
        )
        .layer(DefaultBodyLimit::max(upload_limit))
        .with_state(manager)
}

/// The customer a bearer token was issued to.
async fn customer(m: &Manager, headers: &HeaderMap) -> Result<String, ApiErr> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::UNAUTHORIZED,
                "MissingToken",
                "send 'Authorization: Bearer <token>' with a token from `inferix-manager issue-token`",
            )
        })?;
    store::customer(&m.db, &token_hash(token))
        .await?
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::UNAUTHORIZED,
                "UnknownToken",
                "this token was not issued by this manager",
            )
        })
}

fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiErr> {
    serde_json::from_slice(body).map_err(|e| {
        ApiErr::new(
            StatusCode::BAD_REQUEST,
            "MalformedBody",
            format!("the body is not the expected JSON: {e}"),
        )
    })
}

fn maybe<T: serde::Serialize>(value: Option<T>) -> Response {
    match value {
        Some(v) => Json(v).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn upload_scene(
    State(m): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiErr> {
    customer(&m, &headers).await?;
    let uploaded = dispatch::store_scene(&m, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(uploaded)).into_response())
}

async fn submit_job(State(m): Shared, headers: HeaderMap, body: Bytes) -> Result<Response, ApiErr> {
    let customer = customer(&m, &headers).await?;
    let request: JobRequest = json_body(&body)?;
    let status = dispatch::submit_job(&m, &customer, request).await?;
    Ok((StatusCode::CREATED, Json(status)).into_response())
}

async fn job_status(
    State(m): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiErr> {
    let customer = customer(&m, &headers).await?;
    Ok(Json(dispatch::job_status(&m, &customer, &id).await?).into_response())
}

async fn job_frame(
    State(m): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiErr> {
    let customer = customer(&m, &headers).await?;
    let png = dispatch::verified_frame(&m, &customer, &id).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "image/png")], png).into_response())
}

async fn lease_job(
    State(m): Shared,
    Query(poll): Query<LongPoll>,
    caller: Signed<AnyWorker>,
) -> Result<Response, ApiErr> {
    let lease = m
        .long_poll(Topic::Jobs, poll.wait_secs, || async {
            let started = std::time::Instant::now();
            let lease = dispatch::lease_job(&m, &caller.node, &caller.account).await?;
            if lease.is_some() {
                m.metrics
                    .observe("lease_latency_seconds", started.elapsed().as_secs_f64());
            }
            Ok(lease)
        })
        .await?;
    Ok(maybe(lease))
}

async fn asset(
    State(m): Shared,
    Path(hash): Path<String>,
    _caller: Signed<AnyNode>,
) -> Result<Response, ApiErr> {
    Ok(dispatch::scene_asset(&m, &hash).await?.into_response())
}

async fn heartbeat(
    State(m): Shared,
    Path(id): Path<String>,
    caller: Signed<AnyWorker>,
) -> Result<Response, ApiErr> {
    let beat: Heartbeat = json_body(&caller.body)?;
    dispatch::heartbeat(&m, &caller.node, &id, &beat).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn upload_result(
    State(m): Shared,
    Path(id): Path<String>,
    caller: Signed<AnyWorker>,
) -> Result<Response, ApiErr> {
    let upload: ResultUpload = json_body(&caller.body)?;
    let accepted = dispatch::upload_result(&m, &caller.node, &id, upload).await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)).into_response())
}

async fn start_benchmark(State(m): Shared, caller: Signed<AnyWorker>) -> Result<Response, ApiErr> {
    let started = dispatch::start_benchmark(&m, &caller.node).await?;
    Ok((StatusCode::CREATED, Json(started)).into_response())
}

#[derive(Deserialize)]
struct WorkQuery {
    epoch: u32,
    /// How many accepted jobs of the epoch the worker already knows: the answer waits (up to
    /// `wait_secs`) until there are others.
    known: Option<usize>,
    #[serde(default)]
    wait_secs: u64,
}

async fn accepted_work(
    State(m): Shared,
    Query(q): Query<WorkQuery>,
    caller: Signed<ActiveWorker>,
) -> Result<Response, ApiErr> {
    let grown = m
        .long_poll(Topic::VerifiedWork, q.wait_secs, || async {
            let work = dispatch::accepted_work(&m, &caller.node, q.epoch).await?;
            Ok((Some(work.len()) != q.known).then_some(work))
        })
        .await?;
    let work = match grown {
        Some(work) => work,
        None => dispatch::accepted_work(&m, &caller.node, q.epoch).await?,
    };
    Ok(Json(work).into_response())
}

async fn lease_verification(
    State(m): Shared,
    Query(poll): Query<LongPoll>,
    caller: Signed<ActiveVerifier>,
) -> Result<Response, ApiErr> {
    let task = m
        .long_poll(Topic::Verifications, poll.wait_secs, || {
            dispatch::lease_verification(&m, &caller.node)
        })
        .await?;
    Ok(maybe(task))
}

async fn post_verdict(
    State(m): Shared,
    Path(id): Path<String>,
    caller: Signed<ActiveVerifier>,
) -> Result<Response, ApiErr> {
    let verdict: VerdictPost = json_body(&caller.body)?;
    dispatch::post_verdict(&m, &caller.node, &id, verdict).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn propose_attestation(
    State(m): Shared,
    caller: Signed<ActiveWorker>,
) -> Result<Response, ApiErr> {
    let proposal: AttestationProposal = json_body(&caller.body)?;
    let state = relay::propose_attestation(&m, &caller.node, proposal).await?;
    Ok((StatusCode::CREATED, Json(state)).into_response())
}

async fn attestation_state(
    State(m): Shared,
    Path(id): Path<String>,
    caller: Signed<ActiveWorker>,
) -> Result<Response, ApiErr> {
    Ok(Json(relay::state(&m, &caller.node, &id).await?).into_response())
}

async fn cosign_tasks(
    State(m): Shared,
    Query(poll): Query<LongPoll>,
    caller: Signed<ActiveVerifier>,
) -> Result<Response, ApiErr> {
    let tasks = m
        .long_poll(Topic::CosignRequests, poll.wait_secs, || async {
            let tasks = relay::tasks(&m, &caller.node).await?;
            Ok((!tasks.is_empty()).then_some(tasks))
        })
        .await?;
    Ok(Json(tasks.unwrap_or_default()).into_response())
}

async fn answer_cosign(
    State(m): Shared,
    Path(id): Path<String>,
    caller: Signed<ActiveVerifier>,
) -> Result<Response, ApiErr> {
    let answer: CosignAnswer = json_body(&caller.body)?;
    relay::answer(&m, &caller.node, &caller.account.operator, &id, answer).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
