//! The manager's state in a SQL database: an embedded SQLite file for one manager, or
//! PostgreSQL for several replicas of it; one config line (`database`) picks the backend, and
//! every query is the same text on both (`$n` parameters, portable SQL, integers as BIGINT,
//! booleans as 0/1). Every change that touches more than one row is one transaction, so a killed
//! manager restarts with its jobs, leases, verdicts and relay exactly as they were. Migrations
//! are versioned and applied at start, under a lock so that replicas starting together apply
//! each one once.

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Row, Transaction};

/// The schema's versions, in order: each is applied once, in its own transaction.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "the manager's tables", SCHEMA_V1),
    (
        2,
        "one running benchmark per worker, across replicas",
        "CREATE UNIQUE INDEX IF NOT EXISTS one_benchmark_run_per_worker ON benchmarks (worker)
         WHERE status IN ('running', 'signing')",
    ),
    (
        3,
        "the lease picks walk the queue in order; attempts by job",
        "CREATE INDEX IF NOT EXISTS jobs_open_queue ON jobs (created_at, id)
             WHERE status = 'queued' AND reserved_for IS NULL;
         CREATE INDEX IF NOT EXISTS jobs_reserved_queue ON jobs (reserved_for, created_at, id)
             WHERE status = 'queued';
         CREATE INDEX IF NOT EXISTS attempts_by_job ON attempts (job_id);",
    ),
];

const SCHEMA_V1: &str = r#"
CREATE TABLE IF NOT EXISTS customers (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenes (
    hash TEXT PRIMARY KEY,
    extension TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    triangles BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    scene TEXT NOT NULL,
    asset TEXT,
    asset_extension TEXT,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    samples_per_pixel BIGINT NOT NULL,
    ibm_micros BIGINT NOT NULL,
    job_json TEXT NOT NULL,
    key_json TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    verified_attempt TEXT,
    created_at BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'render',
    benchmark_id TEXT,
    reserved_for TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    leased_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    status TEXT NOT NULL,
    epoch BIGINT,
    commitment_json TEXT,
    job_hash TEXT,
    frame_root TEXT,
    uploaded_at BIGINT,
    samples_done BIGINT NOT NULL DEFAULT 0,
    leased_at_ms BIGINT NOT NULL DEFAULT 0,
    uploaded_at_ms BIGINT
);
CREATE INDEX IF NOT EXISTS attempts_by_worker ON attempts (worker, status, epoch);
CREATE INDEX IF NOT EXISTS attempts_by_status ON attempts (status, deadline);
CREATE TABLE IF NOT EXISTS verifications (
    id TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL,
    verifier TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline BIGINT,
    accepted BIGINT,
    reasons TEXT,
    evidence_hash TEXT,
    UNIQUE (attempt_id, verifier)
);
CREATE INDEX IF NOT EXISTS verifications_by_verifier ON verifications (verifier, status);
CREATE TABLE IF NOT EXISTS benchmarks (
    id TEXT PRIMARY KEY,
    worker TEXT NOT NULL,
    status TEXT NOT NULL,
    ib_micros BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS worker_failures (
    worker TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    backoff_until BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    node TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
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
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS cosign_answers (
    request_id TEXT NOT NULL,
    verifier TEXT NOT NULL,
    endorsement TEXT,
    refusal TEXT,
    PRIMARY KEY (request_id, verifier)
);
"#;

/// Which database the manager's state lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One file, one manager process (it holds the file's write lock per transaction).
    Sqlite,
    /// A server shared by any number of manager replicas.
    Postgres,
}

/// The manager's database: a pool and the backend behind it.
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
#[error("manager database {location}: {reason}")]
pub struct StoreError {
    pub location: String,
    pub reason: String,
}

/// Opens the database `database` names: a `postgres://` or `postgresql://` URL, or else an
/// SQLite file path (created if missing). Applies the migrations it lacks.
pub async fn open(database: &str) -> Result<Db, StoreError> {
    let failed = |e: sqlx::Error| StoreError {
        location: redacted(database),
        reason: e.to_string(),
    };
    sqlx::any::install_default_drivers();
    let backend = backend_of(database);
    let url = match backend {
        Backend::Postgres => database.to_string(),
        Backend::Sqlite => sqlite_url(Path::new(database.trim_start_matches("sqlite://"))),
    };
    let options = AnyConnectOptions::from_str(&url)
        .map_err(failed)?
        .disable_statement_logging();
    // SQLite writes one at a time whatever the pool; a server takes concurrent transactions.
    let max_connections = match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => 16,
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        // An embedded file cannot drop a connection: no ping before each use there.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL with `synchronous = NORMAL`: a commit survives the process being
                    // killed; only a power loss can take back the last commits.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA busy_timeout = 10000",
                    ] {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(failed)?;
    let db = Db { pool, backend };
    db.migrate().await.map_err(failed)?;
    Ok(db)
}

/// The backend a `database` setting names.
pub fn backend_of(database: &str) -> Backend {
    match database.starts_with("postgres://") || database.starts_with("postgresql://") {
        true => Backend::Postgres,
        false => Backend::Sqlite,
    }
}

/// An SQLite file as a connection URL that creates it if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `database` without a password, for errors and logs.
fn redacted(database: &str) -> String {
    match url::Url::parse(database) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => database.to_string(),
    }
}

/// Advisory lock ids (PostgreSQL) of what replicas take turns at.
const MIGRATION_LOCK: i64 = 0x1f1e_0001;
pub const RELAY_SUBMITTER: i64 = 0x1f1e_0002;

/// While it lives, this replica leads a task (see [`Db::lead`]).
pub struct Lead {
    _lock: Option<Transaction<'static, Any>>,
}

impl Db {
    async fn migrate(&self) -> sqlx::Result<()> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        let applied = self.apply_missing(&mut conn).await;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        applied
    }

    async fn apply_missing(&self, conn: &mut AnyConnection) -> sqlx::Result<()> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )",
        )
        .execute(&mut *conn)
        .await?;
        for (version, description, sql) in MIGRATIONS {
            let mut tx = match self.backend {
                Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
                Backend::Postgres => conn.begin().await?,
            };
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_none() {
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
                )
                .bind(version)
                .bind(description)
                .bind(inferix_node_api::unix_now())
                .execute(&mut *tx)
                .await?;
                tracing::info!(version, description, "database migrated");
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// A transaction that writes. SQLite takes its write lock at `BEGIN IMMEDIATE` (no
    /// read-to-write upgrade to deadlock on); PostgreSQL locks rows as the statements need them
    /// ([`Db::skip_locked`], [`Db::lock_row`]).
    pub async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Ends a `SELECT` of work that other replicas may be picking at the same moment: on
    /// PostgreSQL each transaction locks the row it picks and passes over rows locked by
    /// another, so no two replicas hand out the same row; SQLite's write lock already
    /// serializes the pick.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// Locks row `id` of `table` until the transaction ends, so that replicas deciding from
    /// the same rows (a committee's verdicts, a relay request's answers) take turns; `false`
    /// when there is no such row. SQLite's `BEGIN IMMEDIATE` already holds the whole file.
    pub async fn lock_row(
        &self,
        tx: &mut AnyConnection,
        table: &str,
        id: &str,
    ) -> sqlx::Result<bool> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        };
        Ok(
            sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1{lock}"))
                .bind(id)
                .fetch_optional(tx)
                .await?
                .is_some(),
        )
    }

    /// Makes this replica the one that runs `task` (a pass of a background loop whose effects
    /// outside the database must not happen twice) for as long as the returned guard lives;
    /// `None` while another replica runs it. PostgreSQL: a transaction-scoped advisory lock on
    /// a connection of its own, released when the guard drops or the process dies. SQLite:
    /// always this process, the file's only manager.
    pub async fn lead(&self, task: i64) -> sqlx::Result<Option<Lead>> {
        match self.backend {
            Backend::Sqlite => Ok(Some(Lead { _lock: None })),
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                let leads: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                    .bind(task)
                    .fetch_one(&mut *tx)
                    .await?;
                Ok(leads.then_some(Lead { _lock: Some(tx) }))
            }
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
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
    pub fn from_row(row: &AnyRow) -> Self {
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
    Ok(sqlx::query("SELECT * FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(JobRow::from_row))
}

/// Records a request's nonce; `false` when it was already used.
pub async fn use_nonce(db: &Db, node: &str, nonce: &str, expires_at: i64) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO nonces (node, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(node)
    .bind(nonce)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn forget_nonces(db: &Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM nonces WHERE expires_at < $1")
        .bind(now)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// The customer a token was issued to.
pub async fn customer(db: &Db, token_hash: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM customers WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await
}

pub async fn add_customer(db: &Db, token_hash: &str, name: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO customers (token_hash, name, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(name)
        .bind(now)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Counts rows per status of `table` (for /metrics and /health).
pub async fn count_by_status(db: &Db, table: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(&format!(
        "SELECT status, COUNT(*) AS n FROM {table} GROUP BY status ORDER BY status"
    ))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().map(|r| (r.get("status"), r.get("n"))).collect())
}
