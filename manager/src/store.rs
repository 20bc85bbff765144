//! The manager's state in SQLite (embedded; the scale work puts the same queries on
//! PostgreSQL). Every change that touches more than one row is one transaction, so a killed
//! manager restarts with its jobs, leases, verdicts and relay exactly as they were.

use std::path::Path;

use sqlx::{Row, SqlitePool};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS customers (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS scenes (
    hash TEXT PRIMARY KEY,
    extension TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    triangles INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    scene TEXT NOT NULL,
    asset TEXT,
    asset_extension TEXT,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    samples_per_pixel INTEGER NOT NULL,
    ibm_micros INTEGER NOT NULL,
    job_json TEXT NOT NULL,
    key_json TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    verified_attempt TEXT,
    created_at INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'render',
    benchmark_id TEXT,
    reserved_for TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    leased_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    status TEXT NOT NULL,
    epoch INTEGER,
    commitment_json TEXT,
    job_hash TEXT,
    frame_root TEXT,
    uploaded_at INTEGER,
    samples_done INTEGER NOT NULL DEFAULT 0,
    leased_at_ms INTEGER NOT NULL DEFAULT 0,
    uploaded_at_ms INTEGER
);
CREATE INDEX IF NOT EXISTS attempts_by_worker ON attempts (worker, status, epoch);
CREATE INDEX IF NOT EXISTS attempts_by_status ON attempts (status, deadline);
CREATE TABLE IF NOT EXISTS verifications (
    id TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL,
    verifier TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline INTEGER,
    accepted INTEGER,
    reasons TEXT,
    evidence_hash TEXT,
    UNIQUE (attempt_id, verifier)
);
CREATE INDEX IF NOT EXISTS verifications_by_verifier ON verifications (verifier, status);
CREATE TABLE IF NOT EXISTS benchmarks (
    id TEXT PRIMARY KEY,
    worker TEXT NOT NULL,
    status TEXT NOT NULL,
    ib_micros INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS worker_failures (
    worker TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    backoff_until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    node TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (node, nonce)
);
CREATE TABLE IF NOT EXISTS cosign_requests (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    task_json TEXT NOT NULL,
    message_hex TEXT NOT NULL,
    committee TEXT NOT NULL,
    manager_endorsement TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt_id TEXT,
    signature TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cosign_answers (
    request_id TEXT NOT NULL,
    verifier TEXT NOT NULL,
    endorsement TEXT,
    refusal TEXT,
    PRIMARY KEY (request_id, verifier)
);
"#;

pub type Db = SqlitePool;

#[derive(Debug, thiserror::Error)]
#[error("manager database {path}: {reason}")]
pub struct StoreError {
    pub path: String,
    pub reason: String,
}

pub async fn open(path: &Path) -> Result<Db, StoreError> {
    inferix_node_api::sqlite::open(path, SCHEMA, 4)
        .await
        .map_err(|e| StoreError {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
}

/// A job row as dispatch reads it.
#[derive(Clone, Debug)]
pub struct JobRow {
    pub id: String,
    pub customer: String,
    pub scene: String,
    pub asset: Option<String>,
    pub asset_extension: Option<String>,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub ibm_micros: u64,
    pub job_json: String,
    pub key_json: String,
    pub status: String,
    pub attempts: u32,
    pub verified_attempt: Option<String>,
    /// `render` (a customer's) or `benchmark` (timed for a worker's IB, never credited).
    pub kind: String,
}

impl JobRow {
    pub fn from_row(row: &sqlx::sqlite::SqliteRow) -> Self {
        Self {
            id: row.get("id"),
            customer: row.get("customer"),
            scene: row.get("scene"),
            asset: row.get("asset"),
            asset_extension: row.get("asset_extension"),
            width: row.get::<i64, _>("width") as u32,
            height: row.get::<i64, _>("height") as u32,
            samples_per_pixel: row.get::<i64, _>("samples_per_pixel") as u32,
            ibm_micros: row.get::<i64, _>("ibm_micros") as u64,
            job_json: row.get("job_json"),
            key_json: row.get("key_json"),
            status: row.get("status"),
            attempts: row.get::<i64, _>("attempts") as u32,
            verified_attempt: row.get("verified_attempt"),
            kind: row.get("kind"),
        }
    }
}

pub async fn job(db: &Db, id: &str) -> sqlx::Result<Option<JobRow>> {
    Ok(sqlx::query("SELECT * FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(JobRow::from_row))
}

/// Records a request's nonce; `false` when it was already used.
pub async fn use_nonce(db: &Db, node: &str, nonce: &str, expires_at: i64) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO nonces (node, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(node)
    .bind(nonce)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn forget_nonces(db: &Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM nonces WHERE expires_at < ?")
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// The customer a token was issued to.
pub async fn customer(db: &Db, token_hash: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM customers WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

pub async fn add_customer(db: &Db, token_hash: &str, name: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO customers (token_hash, name, created_at) VALUES (?, ?, ?)")
        .bind(token_hash)
        .bind(name)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// Counts rows per status of `table` (for /metrics and /health).
pub async fn count_by_status(db: &Db, table: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(&format!(
        "SELECT status, COUNT(*) AS n FROM {table} GROUP BY status ORDER BY status"
    ))
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(|r| (r.get("status"), r.get("n"))).collect())
}
