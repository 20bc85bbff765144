//! What both daemons do the same way: config, database, the scene cache, the ops server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anchor_lang::prelude::Pubkey;
use inferix_node_api::chain_view::ChainView;
use inferix_node_api::client::{ClientError, NodeClient};
use inferix_node_api::ops::{ops_router, HealthReport, MetricKind, Metrics};
use inferix_node_api::{hex, sha256};
use inferix_worker::gpu::Gpu;
use inferix_worker::Renderer;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sqlx::SqlitePool;

/// The keys both daemons' configs share.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    pub manager_url: String,
    #[serde(default = "default_rpc_url")]
    pub rpc_url: String,
    /// The operator keypair the node registered on chain; it signs every request.
    pub keypair: PathBuf,
    /// The node's address (its staking account).
    pub node: String,
    pub database: PathBuf,
    /// Scene files fetched from the manager, by content hash.
    pub cache: PathBuf,
    /// `/health` and `/metrics`.
    #[serde(default = "default_ops_bind")]
    pub ops_bind: String,
    #[serde(default = "default_poll_interval_ms")]
    pub poll_interval_ms: u64,
    /// How long the manager may hold a request for work until there is some (0: plain polls).
    #[serde(default = "default_long_poll_secs")]
    pub long_poll_secs: u64,
    /// GPU adapter (empty: the first).
    #[serde(default)]
    pub adapter: String,
    /// Warn when the operator holds fewer lamports (it pays its own transactions).
    #[serde(default = "default_low_sol_lamports")]
    pub low_sol_lamports: u64,
}

fn default_rpc_url() -> String {
    "http://127.0.0.1:8899".into()
}
fn default_ops_bind() -> String {
    "127.0.0.1:0".into()
}
fn default_poll_interval_ms() -> u64 {
    1_000
}
fn default_long_poll_secs() -> u64 {
    20
}
fn default_low_sol_lamports() -> u64 {
    50_000_000
}

impl NodeConfig {
    pub fn load(path: &Path, env_prefix: &str) -> Result<Self, String> {
        let mut c: Self =
            inferix_node_api::config::load(path, env_prefix).map_err(|e| e.to_string())?;
        for p in [&mut c.keypair, &mut c.database, &mut c.cache] {
            *p = inferix_node_api::config::resolve(path, p);
        }
        Ok(c)
    }

    pub fn node(&self) -> Result<Pubkey, String> {
        self.node
            .parse()
            .map_err(|_| format!("node '{}' is not a base58 address", self.node))
    }

    pub fn client(&self) -> Result<NodeClient, String> {
        let operator =
            inferix_sdk::keypair::read_keypair_file(&self.keypair).map_err(|e| e.to_string())?;
        Ok(NodeClient::new(&self.manager_url, self.node()?, operator))
    }

    pub fn adapter(&self) -> Option<&str> {
        (!self.adapter.is_empty()).then_some(self.adapter.as_str())
    }
}

/// What a node daemon opens at start: its config, the signed client, the chain, its database
/// (with `schema` applied), its GPU adapter and its metrics.
pub struct NodeParts {
    pub config: NodeConfig,
    pub client: NodeClient,
    pub chain: ChainView,
    pub db: SqlitePool,
    pub renderer: Arc<Mutex<Renderer>>,
    pub adapter: String,
    pub metrics: Arc<Metrics>,
}

impl NodeParts {
    pub async fn open(
        role: &str,
        config_path: &Path,
        env_prefix: &str,
        schema: &str,
        metrics: &'static [(&'static str, MetricKind, &'static str)],
    ) -> Result<Self, String> {
        inferix_node_api::ops::init_logging();
        let config = NodeConfig::load(config_path, env_prefix)?;
        let client = config.client()?;
        let db = inferix_node_api::sqlite::open(&config.database, schema, 2)
            .await
            .map_err(|e| format!("database {}: {e}", config.database.display()))?;
        let renderer = Renderer::new(Gpu::open(config.adapter(), None).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            chain: ChainView::new(&config.rpc_url),
            adapter: renderer.gpu.adapter.label(),
            renderer: Arc::new(Mutex::new(renderer)),
            metrics: Arc::new(Metrics::new(role, metrics)),
            config,
            client,
            db,
        })
    }
}

/// The local path of a job's scene: a built-in's name as is, an uploaded scene fetched once
/// from the manager into the cache and checked against its content hash.
pub async fn scene_path(
    client: &NodeClient,
    cache: &Path,
    builtin: &str,
    asset: Option<&str>,
    extension: Option<&str>,
) -> Result<String, String> {
    let (Some(hash), Some(extension)) = (asset, extension) else {
        return Ok(builtin.to_string());
    };
    if !hash.bytes().all(|b| b.is_ascii_hexdigit()) || !["glb", "gltf"].contains(&extension) {
        return Err(format!(
            "the manager named a malformed asset {hash}.{extension}"
        ));
    }
    let path = cache.join(format!("{hash}.{extension}"));
    if !path.is_file() {
        let bytes = client
            .bytes(&format!("/v1/node/assets/{hash}"))
            .await
            .map_err(|e: ClientError| e.to_string())?;
        if hex(&sha256(&bytes)) != hash {
            return Err(format!(
                "the asset the manager sent does not hash to {hash}"
            ));
        }
        std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        let staged = cache.join(format!("{hash}.partial"));
        std::fs::write(&staged, &bytes).map_err(|e| format!("{}: {e}", staged.display()))?;
        std::fs::rename(&staged, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        tracing::info!(
            asset = hash,
            bytes = bytes.len(),
            "scene fetched into the cache"
        );
    }
    Ok(path.to_string_lossy().into_owned())
}

/// Starts `/health` and `/metrics` on `bind`; prints the address for whoever started us.
pub async fn serve_ops(
    role: &str,
    bind: &str,
    metrics: Arc<Metrics>,
    health: HealthReport,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!("inferix-{role}-daemon ops on http://{address}");
    tracing::info!(%address, "ops endpoints (/health, /metrics) listening");
    let app = ops_router(metrics, health);
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    }))
}

/// Asks the manager for work with `?wait_secs=` (long polling: it answers as soon as there is
/// some, or empty after the wait); `Ok(None)` also when the daemon is told to stop meanwhile.
pub async fn ask_for_work<R: DeserializeOwned>(
    client: &NodeClient,
    method: Method,
    path_and_query: &str,
    wait_secs: u64,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<Option<R>, ClientError> {
    let separator = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    let path = format!("{path_and_query}{separator}wait_secs={wait_secs}");
    let body = (method == Method::POST).then(|| serde_json::json!({}));
    let mut stop = stop.clone();
    if *stop.borrow_and_update() {
        return Ok(None);
    }
    tokio::select! {
        answer = client.call(method, &path, body.as_ref()) => answer,
        _ = stop.changed() => Ok(None),
    }
}

/// Waits `ms`, or returns `true` at once when the daemon is told to stop.
pub async fn pause(ms: u64, stop: &tokio::sync::watch::Receiver<bool>) -> bool {
    let mut stop = stop.clone();
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(std::time::Duration::from_millis(ms)) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}
