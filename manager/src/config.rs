//! The manager's config file (`inferix-manager --help` prints a complete example).

use std::path::{Path, PathBuf};

use inferix_node_api::config::{self, ConfigError};
use serde::Deserialize;

pub const ENV_PREFIX: &str = "INFERIX_MANAGER";

pub const EXAMPLE: &str = r#"# manager.toml — every key, with its default where it has one.
bind = "127.0.0.1:8800"                 # the API, /health and /metrics
rpc_url = "http://127.0.0.1:8899"       # a JSON-RPC node of the cluster
keypair = "manager.json"                # a manager key registered in both configs on chain; pays Violations
secret_file = "manager-secret.bin"      # ≥ 16 random bytes that place the PoR noise; never leaves this host
database = "manager.sqlite"             # jobs, leases, verdicts, the relay: an SQLite file (created if missing)
                                        # or a PostgreSQL URL shared by replicas, e.g. "postgres://inferix@db.internal/inferix"
objects = "objects"                     # scene uploads and frames: a folder (created if missing), or
                                        # "s3://bucket/prefix" shared by replicas (AWS_* environment:
                                        # credentials, AWS_REGION, AWS_ENDPOINT for other S3 stores)
object_cache = "object-cache"           # this replica's copies of scenes for rendering, and staged uploads
committee_size = 3                      # verifiers per worker and epoch (≥ the on-chain quorum)
noise_objects = 12                      # PoR noise objects per job (8..=15)
max_upload_bytes = 67108864             # largest scene upload
max_samples_per_job = 2000000000        # width × height × samples per pixel
lease_slack_secs = 30                   # a lease lasts this long plus
lease_cost_factor = 3.0                 # this many times the job's minutes at the worker's IB
verification_deadline_secs = 300        # a verifier's lease on a verification task
failures_before_backoff = 2             # expired leases in a row before a worker is backed off
backoff_secs = 120
node_cache_secs = 10                    # how long an on-chain node lookup is trusted
max_long_poll_secs = 30                 # longest a node's request for work is held (its wait_secs)
adapter = ""                            # GPU adapter for PoR preparation (empty: the first)
# Any key can be overridden by INFERIX_MANAGER_<KEY>, e.g. INFERIX_MANAGER_BIND=0.0.0.0:8800.
"#;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagerConfig {
    #[serde(default = "default_bind")]
    pub bind: String,
    #[serde(default = "default_rpc_url")]
    pub rpc_url: String,
    pub keypair: PathBuf,
    pub secret_file: PathBuf,
    /// An SQLite file (resolved from the config's folder) or a `postgres://` URL.
    #[serde(default = "default_database")]
    pub database: String,
    /// A folder (resolved from the config's folder) or an `s3://bucket/prefix` URL.
    #[serde(default = "default_objects")]
    pub objects: String,
    #[serde(default = "default_object_cache")]
    pub object_cache: PathBuf,
    #[serde(default = "default_committee_size")]
    pub committee_size: usize,
    #[serde(default = "default_noise_objects")]
    pub noise_objects: u32,
    #[serde(default = "default_max_upload_bytes")]
    pub max_upload_bytes: usize,
    #[serde(default = "default_max_samples_per_job")]
    pub max_samples_per_job: u64,
    #[serde(default = "default_lease_slack_secs")]
    pub lease_slack_secs: i64,
    #[serde(default = "default_lease_cost_factor")]
    pub lease_cost_factor: f64,
    #[serde(default = "default_verification_deadline_secs")]
    pub verification_deadline_secs: i64,
    #[serde(default = "default_failures_before_backoff")]
    pub failures_before_backoff: i64,
    #[serde(default = "default_backoff_secs")]
    pub backoff_secs: i64,
    #[serde(default = "default_node_cache_secs")]
    pub node_cache_secs: u64,
    #[serde(default = "default_max_long_poll_secs")]
    pub max_long_poll_secs: u64,
    #[serde(default)]
    pub adapter: String,
}

fn default_bind() -> String {
    "127.0.0.1:8800".into()
}
fn default_rpc_url() -> String {
    "http://127.0.0.1:8899".into()
}
fn default_database() -> String {
    "manager.sqlite".into()
}
fn default_objects() -> String {
    "objects".into()
}
fn default_object_cache() -> PathBuf {
    "object-cache".into()
}
fn default_committee_size() -> usize {
    inferix_node_api::committee::DEFAULT_COMMITTEE_SIZE
}
fn default_noise_objects() -> u32 {
    12
}
fn default_max_upload_bytes() -> usize {
    64 << 20
}
fn default_max_samples_per_job() -> u64 {
    2_000_000_000
}
fn default_lease_slack_secs() -> i64 {
    30
}
fn default_lease_cost_factor() -> f64 {
    3.0
}
fn default_verification_deadline_secs() -> i64 {
    300
}
fn default_failures_before_backoff() -> i64 {
    2
}
fn default_backoff_secs() -> i64 {
    120
}
fn default_node_cache_secs() -> u64 {
    10
}
fn default_max_long_poll_secs() -> u64 {
    30
}

impl ManagerConfig {
    /// Reads the file, applies `INFERIX_MANAGER_*` and resolves paths from the file's folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let mut c: Self = config::load(path, ENV_PREFIX)?;
        for p in [&mut c.keypair, &mut c.secret_file, &mut c.object_cache] {
            *p = config::resolve(path, p);
        }
        if !c.objects.starts_with("s3://") {
            c.objects = config::resolve(path, Path::new(&c.objects))
                .display()
                .to_string();
        }
        if crate::store::backend_of(&c.database) == crate::store::Backend::Sqlite {
            let file = PathBuf::from(c.database.trim_start_matches("sqlite://"));
            c.database = config::resolve(path, &file).display().to_string();
        }
        if c.committee_size == 0 {
            return Err(ConfigError::Invalid {
                path: path.display().to_string(),
                reason: "committee_size must be at least 1 (and at least the on-chain quorum)"
                    .into(),
            });
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_example_is_a_valid_config() {
        let dir = std::env::temp_dir().join(format!("ifx-manager-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("manager.toml");
        std::fs::write(&file, EXAMPLE).unwrap();
        let config = ManagerConfig::load(&file).unwrap();
        assert_eq!(config.committee_size, 3);
        assert_eq!(
            config.database,
            dir.join("manager.sqlite").display().to_string()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
