//! The routes: customers (bearer token) and nodes (signed requests). Handlers parse and
//! authenticate; `dispatch` and `relay` change state.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use inferix_node_api::wire::{
    AttestationProposal, CosignAnswer, Heartbeat, JobRequest, ResultUpload, VerdictPost,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::server::{token_hash, ApiErr, Caller, Manager};
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

fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
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
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let started = std::time::Instant::now();
    let (worker, node) = m
        .authenticate(
            Caller::WorkerActiveOrNot,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let lease = dispatch::lease_job(&m, &worker, &node).await?;
    m.metrics
        .observe("lease_latency_seconds", started.elapsed().as_secs_f64());
    Ok(maybe(lease))
}

async fn asset(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(hash): Path<String>,
) -> Result<Response, ApiErr> {
    m.authenticate(
        Caller::AnyNode,
        &method,
        &path_and_query(&uri),
        &headers,
        &[],
    )
    .await?;
    Ok(dispatch::scene_asset(&m, &hash).await?.into_response())
}

async fn heartbeat(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::WorkerActiveOrNot,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let beat: Heartbeat = json_body(&body)?;
    dispatch::heartbeat(&m, &worker, &id, &beat).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn upload_result(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::WorkerActiveOrNot,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let upload: ResultUpload = json_body(&body)?;
    let accepted = dispatch::upload_result(&m, &worker, &id, upload).await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)).into_response())
}

async fn start_benchmark(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::WorkerActiveOrNot,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let started = dispatch::start_benchmark(&m, &worker).await?;
    Ok((StatusCode::CREATED, Json(started)).into_response())
}

#[derive(Deserialize)]
struct EpochQuery {
    epoch: u32,
}

async fn accepted_work(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<EpochQuery>,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::Worker,
            &method,
            &path_and_query(&uri),
            &headers,
            &[],
        )
        .await?;
    Ok(Json(dispatch::accepted_work(&m, &worker, q.epoch).await?).into_response())
}

async fn lease_verification(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (verifier, _) = m
        .authenticate(
            Caller::Verifier,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    Ok(maybe(dispatch::lease_verification(&m, &verifier).await?))
}

async fn post_verdict(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (verifier, _) = m
        .authenticate(
            Caller::Verifier,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let verdict: VerdictPost = json_body(&body)?;
    dispatch::post_verdict(&m, &verifier, &id, verdict).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn propose_attestation(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::Worker,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let proposal: AttestationProposal = json_body(&body)?;
    let state = relay::propose_attestation(&m, &worker, proposal).await?;
    Ok((StatusCode::CREATED, Json(state)).into_response())
}

async fn attestation_state(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiErr> {
    let (worker, _) = m
        .authenticate(
            Caller::Worker,
            &method,
            &path_and_query(&uri),
            &headers,
            &[],
        )
        .await?;
    Ok(Json(relay::state(&m, &worker, &id).await?).into_response())
}

async fn cosign_tasks(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiErr> {
    let (verifier, _) = m
        .authenticate(
            Caller::Verifier,
            &method,
            &path_and_query(&uri),
            &headers,
            &[],
        )
        .await?;
    Ok(Json(relay::tasks(&m, &verifier).await?).into_response())
}

async fn answer_cosign(
    State(m): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiErr> {
    let (verifier, node) = m
        .authenticate(
            Caller::Verifier,
            &method,
            &path_and_query(&uri),
            &headers,
            &body,
        )
        .await?;
    let answer: CosignAnswer = json_body(&body)?;
    relay::answer(&m, &verifier, &node.operator, &id, answer).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
