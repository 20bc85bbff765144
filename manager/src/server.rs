//! The manager process: its state, the node authentication every node route goes through,
//! errors as named JSON, the background loops and a graceful stop.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use inferix_node_api::auth::{AuthError, RequestSignature, MAX_SKEW_SECS};
use inferix_node_api::chain_view::{kind_name, ChainView};
use inferix_node_api::ops::{MetricKind, Metrics};
use inferix_node_api::wire::ApiError;
use inferix_node_api::{hex, sha256, unix_now};
use inferix_sdk::client::ChainError;
use inferix_sdk::node_license::state::LicenseKind;
use inferix_sdk::node_staking::state::Node;
use inferix_worker::bench::BenchReference;
use inferix_worker::gpu::Gpu;
use inferix_worker::por::manager::check_secret;
use inferix_worker::Renderer;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::config::ManagerConfig;
use crate::objects::Objects;
use crate::store::{self, Backend, Db};
use crate::wakeups::{Topic, Wakeups};

pub const METRICS: &[(&str, MetricKind, &str)] = &[
    (
        "jobs_submitted_total",
        MetricKind::Counter,
        "Jobs customers submitted.",
    ),
    (
        "jobs_leased_total",
        MetricKind::Counter,
        "Job leases handed to workers.",
    ),
    (
        "leases_expired_total",
        MetricKind::Counter,
        "Leases that passed their deadline; the job went back to the queue.",
    ),
    (
        "results_uploaded_total",
        MetricKind::Counter,
        "Frames workers uploaded under a valid lease.",
    ),
    (
        "verdicts_total",
        MetricKind::Counter,
        "Verdicts verifiers posted.",
    ),
    (
        "jobs_verified_total",
        MetricKind::Counter,
        "Jobs whose committee accepted the frame.",
    ),
    (
        "jobs_rejected_total",
        MetricKind::Counter,
        "Frames the committee rejected (or split on); the job was queued again.",
    ),
    (
        "ibm_accepted_micros_total",
        MetricKind::Counter,
        "IBM (millionths) of the jobs verified.",
    ),
    (
        "attestations_cosigned_total",
        MetricKind::Counter,
        "Attestations the manager co-signed.",
    ),
    (
        "violations_submitted_total",
        MetricKind::Counter,
        "Violations that landed on chain.",
    ),
    (
        "violations_failed_total",
        MetricKind::Counter,
        "Violation submissions the chain refused or that failed.",
    ),
    (
        "requests_refused_total",
        MetricKind::Counter,
        "Node requests refused (authentication, replay, state).",
    ),
    (
        "rpc_errors_total",
        MetricKind::Counter,
        "Errors talking to the RPC node.",
    ),
    (
        "lease_latency_seconds",
        MetricKind::Histogram,
        "Time to answer a job lease request.",
    ),
    (
        "por_preparation_milliseconds_total",
        MetricKind::Counter,
        "Time spent preparing PoR jobs (placing the noise: a pre-render on the manager's adapter).",
    ),
    (
        "benchmarks_submitted_total",
        MetricKind::Counter,
        "Benchmarks (update_ib) that landed on chain.",
    ),
];

/// An API error: HTTP status, name and what to do.
#[derive(Debug)]
pub struct ApiErr {
    pub status: StatusCode,
    pub name: String,
    pub message: String,
}

impl ApiErr {
    pub fn new(status: StatusCode, name: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            name: name.to_string(),
            message: message.into(),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", e.to_string())
    }
}

impl From<sqlx::Error> for ApiErr {
    fn from(e: sqlx::Error) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "DatabaseError",
            e.to_string(),
        )
    }
}

impl From<ChainError> for ApiErr {
    fn from(e: ChainError) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "ChainUnavailable", e.to_string())
    }
}

impl From<AuthError> for ApiErr {
    fn from(e: AuthError) -> Self {
        let status = match e {
            AuthError::UnregisteredNode(_)
            | AuthError::WrongNodeKind { .. }
            | AuthError::NodeNotActive(_)
            | AuthError::NodeBlacklisted(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        };
        Self::new(status, e.name(), e.to_string())
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        let body = ApiError {
            error: self.name,
            message: self.message,
        };
        (self.status, axum::Json(body)).into_response()
    }
}

pub struct Manager {
    pub config: ManagerConfig,
    pub db: Db,
    pub chain: ChainView,
    pub key: Keypair,
    pub secret: Vec<u8>,
    pub renderer: Arc<std::sync::Mutex<Renderer>>,
    pub reference: BenchReference,
    pub metrics: Arc<Metrics>,
    pub objects: Objects,
    /// On SQLite, serializes the changes that pick a row (leases, verdicts): see
    /// [`Manager::pick_lock`].
    pub dispatch: tokio::sync::Mutex<()>,
    /// One benchmark run per worker at a time.
    pub benchmarks: tokio::sync::Mutex<()>,
    pub wakeups: Wakeups,
    nodes: std::sync::Mutex<HashMap<Pubkey, (Node, Instant)>>,
}

/// Which nodes a route accepts. Every caller is registered and not blacklisted; only the
/// benchmark path (lease, heartbeat, result, assets) is open to a worker not yet active — it
/// cannot stake S(n) before it has an IB.
pub trait Caller {
    const KIND: Option<LicenseKind>;
    const MUST_BE_ACTIVE: bool;
}

pub struct ActiveWorker;
pub struct AnyWorker;
pub struct ActiveVerifier;
pub struct AnyNode;

impl Caller for ActiveWorker {
    const KIND: Option<LicenseKind> = Some(LicenseKind::Worker);
    const MUST_BE_ACTIVE: bool = true;
}
impl Caller for AnyWorker {
    const KIND: Option<LicenseKind> = Some(LicenseKind::Worker);
    const MUST_BE_ACTIVE: bool = false;
}
impl Caller for ActiveVerifier {
    const KIND: Option<LicenseKind> = Some(LicenseKind::Verifier);
    const MUST_BE_ACTIVE: bool = true;
}
impl Caller for AnyNode {
    const KIND: Option<LicenseKind> = None;
    const MUST_BE_ACTIVE: bool = false;
}

/// A node request that passed authentication: its signature over method, path, query and
/// body, its freshness, its nonce and the node on chain (registered, the right kind, active
/// when `C` says so, not blacklisted). Refusals are counted and answered by name.
pub struct Signed<C> {
    pub node: Pubkey,
    pub account: Node,
    pub body: Bytes,
    caller: PhantomData<C>,
}

impl<C: Caller> FromRequest<Arc<Manager>> for Signed<C> {
    type Rejection = ApiErr;

    async fn from_request(request: Request, m: &Arc<Manager>) -> Result<Self, ApiErr> {
        let (parts, body) = request.into_parts();
        let body = Bytes::from_request(Request::from_parts(parts.clone(), body), m)
            .await
            .map_err(|e| ApiErr::new(e.status(), "BodyUnreadable", e.body_text()))?;
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |p| p.as_str());
        let checked = m
            .check_request::<C>(&parts.method, path_and_query, &parts.headers, &body)
            .await;
        if checked.is_err() {
            m.metrics.inc("requests_refused_total");
        }
        let (node, account) = checked?;
        Ok(Self {
            node,
            account,
            body,
            caller: PhantomData,
        })
    }
}

impl Manager {
    async fn check_request<C: Caller>(
        &self,
        method: &axum::http::Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(Pubkey, Node), ApiErr> {
        let signature =
            RequestSignature::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()))?;
        let node = self.node(&signature.node).await?;
        signature.check(
            &node.operator,
            method.as_str(),
            path_and_query,
            body,
            unix_now(),
        )?;
        if let Some(expected) = C::KIND.filter(|k| *k != node.kind) {
            return Err(AuthError::WrongNodeKind {
                node: signature.node,
                expected: kind_name(expected),
                found: kind_name(node.kind),
            }
            .into());
        }
        if node.blacklisted {
            return Err(AuthError::NodeBlacklisted(signature.node).into());
        }
        if C::MUST_BE_ACTIVE && !node.is_active() {
            return Err(AuthError::NodeNotActive(signature.node).into());
        }
        let fresh = store::use_nonce(
            &self.db,
            &signature.node.to_string(),
            &signature.nonce,
            signature.timestamp + 2 * MAX_SKEW_SECS,
        )
        .await?;
        if !fresh {
            return Err(AuthError::ReplayedRequest {
                nonce: signature.nonce,
            }
            .into());
        }
        Ok((signature.node, node))
    }

    /// The node at `address`, from the chain at most `node_cache_secs` ago.
    async fn node(&self, address: &Pubkey) -> Result<Node, ApiErr> {
        let ttl = Duration::from_secs(self.config.node_cache_secs);
        if let Some((node, at)) = self.nodes.lock().expect("node cache").get(address) {
            if at.elapsed() < ttl {
                return Ok(node.clone());
            }
        }
        let node = match self.chain.node(address).await {
            Ok(Some(node)) => node,
            Ok(None) | Err(ChainError::BadAccount { .. }) => {
                return Err(AuthError::UnregisteredNode(*address).into())
            }
            Err(e) => {
                self.metrics.inc("rpc_errors_total");
                return Err(e.into());
            }
        };
        self.nodes
            .lock()
            .expect("node cache")
            .insert(*address, (node.clone(), Instant::now()));
        Ok(node)
    }

    /// Answers `query` now, or holds the request up to `wait_secs` (at most
    /// `max_long_poll_secs`) until `topic` brings an answer.
    pub async fn long_poll<T, F, Fut>(
        &self,
        topic: Topic,
        wait_secs: u64,
        query: F,
    ) -> Result<Option<T>, ApiErr>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, ApiErr>>,
    {
        let wait = Duration::from_secs(wait_secs.min(self.config.max_long_poll_secs));
        self.wakeups.wait_for(topic, wait, query).await
    }

    /// Held while a request picks rows to change (a lease, a verification, a verdict). SQLite
    /// has one writer at a time: queueing here is cheaper than spinning on its busy timeout.
    /// PostgreSQL's row locks let such requests run at once, in this replica and across
    /// replicas, so nothing is held.
    pub async fn pick_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.db.backend {
            Backend::Sqlite => Some(self.dispatch.lock().await),
            Backend::Postgres => None,
        }
    }

    /// The manager's own view for `/health`.
    pub async fn health(&self) -> serde_json::Value {
        let jobs = store::count_by_status(&self.db, "jobs")
            .await
            .unwrap_or_default();
        let chain = self.chain.now().await;
        serde_json::json!({
            "status": if chain.is_ok() { "ok" } else { "degraded" },
            "role": "manager",
            "manager": self.key.pubkey().to_string(),
            "rpc": { "url": self.chain.url, "reachable": chain.is_ok() },
            "jobs": jobs.into_iter().collect::<HashMap<_, _>>(),
            "objects": self.objects.location,
            "adapter": self.renderer.lock().expect("renderer").gpu.adapter.label(),
        })
    }
}

pub fn token_hash(token: &str) -> String {
    hex(&sha256(token.as_bytes()))
}

fn read_secret(path: &Path) -> Result<Vec<u8>, String> {
    let secret = std::fs::read(path).map_err(|e| format!("secret_file {}: {e}", path.display()))?;
    check_secret(&secret).map_err(|e| format!("secret_file {}: {e}", path.display()))?;
    Ok(secret)
}

pub async fn issue_token(config: &Path, customer: &str) -> Result<(), String> {
    let config = ManagerConfig::load(config).map_err(|e| e.to_string())?;
    let db = store::open(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let token = format!("ifx_{}", hex(&inferix_node_api::random_bytes::<24>()));
    store::add_customer(&db, &token_hash(&token), customer, unix_now())
        .await
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}

pub async fn serve(config_path: &Path) -> Result<(), String> {
    inferix_node_api::ops::init_logging();
    let config = ManagerConfig::load(config_path).map_err(|e| e.to_string())?;
    let key =
        inferix_sdk::keypair::read_keypair_file(&config.keypair).map_err(|e| e.to_string())?;
    let secret = read_secret(&config.secret_file)?;
    let db = store::open(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let objects =
        Objects::open(&config.objects, &config.object_cache).map_err(|e| e.to_string())?;
    let adapter = (!config.adapter.is_empty()).then_some(config.adapter.as_str());
    let renderer = Renderer::new(Gpu::open(adapter, None).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let manager = Arc::new(Manager {
        chain: ChainView::new(&config.rpc_url),
        reference: BenchReference::load(None).map_err(|e| e.to_string())?,
        metrics: Arc::new(Metrics::new("manager", METRICS)),
        renderer: Arc::new(std::sync::Mutex::new(renderer)),
        dispatch: tokio::sync::Mutex::new(()),
        benchmarks: tokio::sync::Mutex::new(()),
        wakeups: Wakeups::default(),
        nodes: std::sync::Mutex::new(HashMap::new()),
        config,
        db,
        key,
        secret,
        objects,
    });
    let mut background = vec![
        tokio::spawn(crate::dispatch::sweep_forever(manager.clone())),
        tokio::spawn(crate::relay::submit_relayed_forever(manager.clone())),
    ];
    if manager.db.backend == Backend::Postgres {
        let url = manager.config.database.clone();
        background.push(tokio::spawn(crate::replicas::share_wakeups(
            manager.clone(),
            url,
        )));
    }
    tracing::info!(
        %address,
        manager = %manager.key.pubkey(),
        rpc = %manager.config.rpc_url,
        "manager listening"
    );
    println!("inferix-manager listening on http://{address}");
    let app = crate::api::router(manager.clone());
    let stopping = manager.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            inferix_node_api::ops::shutdown_signal().await;
            stopping.wakeups.stop();
        })
        .await
        .map_err(|e| e.to_string())?;
    for task in background {
        task.abort();
    }
    manager.db.close().await;
    tracing::info!("manager stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::METRICS;

    #[test]
    fn docs_operations_lists_every_metric_the_manager_serves() {
        let doc = include_str!("../../docs/operations.md");
        let missing = inferix_node_api::ops::undocumented_metrics("manager", METRICS, doc);
        assert!(missing.is_empty(), "docs/operations.md lacks {missing:?}");
    }
}
