//! Jobs from intake to verified frame: scenes and jobs in, leases out (deadlines from the job's
//! cost and the worker's IB), frames back, the worker's committee's verdicts, and a sweeper
//! that takes back expired leases and backs off workers that keep losing them.

use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use axum::http::StatusCode;
use base64::Engine;
use inferix_node_api::committee::committee;
use inferix_node_api::wire::{
    AcceptedJob, BenchmarkStarted, Heartbeat, JobLease, JobRequest, JobStatus, ResultUpload,
    SceneUploaded, VerdictPost, VerificationTask,
};
use inferix_node_api::{hex, random_bytes, sha256, unix_now};
use inferix_sdk::node_staking::state::Node;
use inferix_worker::bench::ib_micros_from_frame_times;
use inferix_worker::chain::work::job_ibm_micros;
use inferix_worker::por::job::{Commitment, Job, VerificationKey};
use inferix_worker::por::manager::create_job;
use inferix_worker::por::tiles::frame_root;
use inferix_worker::scene::builtin;
use inferix_worker::{RenderSettings, Scene, WorkerError};
use sqlx::Row;

use crate::server::{ApiErr, Manager};
use crate::store::{self, JobRow};
use crate::wakeups::Topic;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn bad(name: &str, message: impl Into<String>) -> ApiErr {
    ApiErr::new(StatusCode::UNPROCESSABLE_ENTITY, name, message)
}

/// The slowest IB a lease's deadline assumes (a node not yet benchmarked has IB 0).
const LEASE_IB_FLOOR_MICROS: u64 = 50_000;

fn new_id() -> String {
    hex(&random_bytes::<16>())
}

/// A scene upload: a GLB, or a self-contained glTF (JSON with embedded buffers), loaded once
/// to refuse what the renderer cannot draw; stored by content hash.
pub async fn store_scene(m: &Manager, bytes: Vec<u8>) -> Result<SceneUploaded, ApiErr> {
    let glb = bytes.starts_with(b"glTF");
    let json = match glb {
        true => glb_json_chunk(&bytes),
        false => serde_json::from_slice::<serde_json::Value>(&bytes).ok(),
    };
    let Some(json) = json.filter(|v| v.get("asset").is_some()) else {
        return Err(bad(
            "NotGltf",
            "the upload is neither a GLB (magic 'glTF') nor a glTF JSON document with an 'asset'",
        ));
    };
    // Only embedded data: a path would be read from the manager's own disk.
    let external = ["buffers", "images"].iter().find_map(|list| {
        json.get(*list)?.as_array()?.iter().find_map(|item| {
            let uri = item.get("uri")?.as_str()?;
            (!uri.starts_with("data:")).then(|| uri.to_string())
        })
    });
    if let Some(uri) = external {
        return Err(bad(
            "ExternalReference",
            format!("the glTF refers to '{uri}': upload a GLB, or a glTF with its buffers and images embedded as data: URIs"),
        ));
    }
    let extension = if glb { "glb" } else { "gltf" };
    let hash = hex(&sha256(&bytes));
    let key = format!("scenes/{hash}.{extension}");
    let size = bytes.len() as u64;
    if !m.objects.exists(&key).await.map_err(ApiErr::internal)? {
        let staged = m.objects.staging(&format!("{hash}.{extension}"));
        std::fs::write(&staged, &bytes).map_err(ApiErr::internal)?;
        let path = staged.clone();
        let loaded = tokio::task::spawn_blocking(move || Scene::load(&path.to_string_lossy(), 1.0))
            .await
            .map_err(ApiErr::internal)?;
        let scene = match loaded {
            Ok(scene) => scene,
            Err(e) => {
                let _ = std::fs::remove_file(&staged);
                return Err(scene_error(e));
            }
        };
        let _ = std::fs::remove_file(&staged);
        m.objects.put(&key, bytes).await.map_err(ApiErr::internal)?;
        sqlx::query(
            "INSERT INTO scenes (hash, extension, bytes, triangles, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(&hash)
        .bind(extension)
        .bind(size as i64)
        .bind(scene.triangles.len() as i64)
        .bind(unix_now())
        .execute(&m.db.pool)
        .await?;
    }
    let triangles: i64 = sqlx::query_scalar("SELECT triangles FROM scenes WHERE hash = $1")
        .bind(&hash)
        .fetch_one(&m.db.pool)
        .await?;
    Ok(SceneUploaded {
        scene: format!("sha256:{hash}"),
        bytes: size,
        triangles: triangles as u64,
    })
}

/// The JSON chunk of a GLB (header, then a chunk of type `JSON`).
fn glb_json_chunk(bytes: &[u8]) -> Option<serde_json::Value> {
    let length = u32::from_le_bytes(bytes.get(12..16)?.try_into().ok()?) as usize;
    if bytes.get(16..20)? != b"JSON" {
        return None;
    }
    serde_json::from_slice(bytes.get(20..20usize.checked_add(length)?)?).ok()
}

fn scene_error(e: WorkerError) -> ApiErr {
    match e {
        WorkerError::UnsupportedGltf { feature, .. } => bad(
            "UnsupportedFeature",
            format!("the scene uses {feature}, which the renderer does not support"),
        ),
        WorkerError::CorruptScene { reason, .. } => bad(
            "CorruptScene",
            format!("the glTF could not be read: {reason}"),
        ),
        WorkerError::SceneTooLarge { .. } => bad("SceneTooLarge", e.to_string()),
        other => bad("InvalidScene", other.to_string()),
    }
}

/// Validates a job, places its PoR noise with the manager's secret and queues it. Nothing is
/// queued unless every check passed.
pub async fn submit_job(m: &Manager, customer: &str, r: JobRequest) -> Result<JobStatus, ApiErr> {
    let settings = RenderSettings::new(r.width, r.height, r.samples_per_pixel, 0);
    settings
        .validate()
        .map_err(|e| bad("InvalidSettings", e.to_string()))?;
    let samples = r.width as u64 * r.height as u64 * r.samples_per_pixel as u64;
    if samples > m.config.max_samples_per_job {
        return Err(bad(
            "JobTooLarge",
            format!(
                "{samples} samples (width × height × samples per pixel); this manager takes at most {}",
                m.config.max_samples_per_job
            ),
        ));
    }
    let (spec, asset, extension) = match r.scene.strip_prefix("sha256:") {
        Some(hash) => {
            let extension: Option<String> =
                sqlx::query_scalar("SELECT extension FROM scenes WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(&m.db.pool)
                    .await?;
            let extension = extension.ok_or_else(|| {
                bad(
                    "UnknownScene",
                    format!("no scene was uploaded with hash {hash}: POST it to /v1/scenes first"),
                )
            })?;
            let path = m
                .objects
                .local_file(&format!("scenes/{hash}.{extension}"))
                .await
                .map_err(ApiErr::internal)?;
            (
                path.to_string_lossy().into_owned(),
                Some(hash.to_string()),
                Some(extension),
            )
        }
        None if builtin::by_name(&r.scene).is_some() => (r.scene.clone(), None, None),
        None => {
            return Err(bad(
                "UnknownScene",
                format!(
                    "'{}' is neither a built-in scene ({}) nor an uploaded 'sha256:<hash>'",
                    r.scene,
                    builtin::NAMES.join(", ")
                ),
            ))
        }
    };
    let id = queue_job(
        m,
        NewJob {
            customer,
            scene: &r.scene,
            spec,
            asset,
            extension,
            width: r.width,
            height: r.height,
            samples_per_pixel: r.samples_per_pixel,
            benchmark: None,
        },
    )
    .await?;
    m.metrics.inc("jobs_submitted_total");
    job_status(m, customer, &id).await
}

/// A job to prepare and queue: a customer's, or one of a worker's benchmark run.
struct NewJob<'a> {
    customer: &'a str,
    /// As the customer named it.
    scene: &'a str,
    /// What the manager loads: a built-in's name or the uploaded file's path here.
    spec: String,
    asset: Option<String>,
    extension: Option<String>,
    width: u32,
    height: u32,
    samples_per_pixel: u32,
    /// `(benchmark id, worker)` for a benchmark job, reserved for that worker.
    benchmark: Option<(&'a str, &'a Pubkey)>,
}

/// Places the job's PoR noise with the manager's secret (a pre-render on its adapter), then
/// stores job and key in one row; returns the job's id.
async fn queue_job(m: &Manager, new: NewJob<'_>) -> Result<String, ApiErr> {
    let job_id = random_bytes::<32>();
    let renderer = m.renderer.clone();
    let secret = m.secret.clone();
    let noise = m.config.noise_objects;
    let seed = u64::from_le_bytes(job_id[..8].try_into().expect("8 bytes"));
    let settings = RenderSettings::new(new.width, new.height, new.samples_per_pixel, seed);
    let spec = new.spec.clone();
    let started = std::time::Instant::now();
    let created = tokio::task::spawn_blocking(move || {
        let renderer = renderer.lock().expect("renderer");
        create_job(&renderer, &spec, &settings, &secret, job_id, noise)
    })
    .await
    .map_err(ApiErr::internal)?
    .map_err(|e| match e {
        WorkerError::PorPlacement(reason) => bad(
            "PorPlacementFailed",
            format!("the PoR noise cannot be placed in this scene at this size: {reason}"),
        ),
        other => scene_error(other),
    })?;
    let preparation_ms = started.elapsed().as_millis() as u64;
    m.metrics
        .add("por_preparation_milliseconds_total", preparation_ms);
    let mut job = created.job;
    // Nodes load an uploaded scene from their own cache; the path here is the manager's.
    if let (Some(hash), Some(ext)) = (&new.asset, &new.extension) {
        job.scene = format!("{hash}.{ext}");
    }
    let ibm_micros = job_ibm_micros(new.width, new.height, new.samples_per_pixel, &m.reference);
    let (kind, benchmark_id, reserved_for) = match new.benchmark {
        Some((id, worker)) => ("benchmark", Some(id), Some(worker.to_string())),
        None => ("render", None, None),
    };
    sqlx::query(
        "INSERT INTO jobs (id, customer, scene, asset, asset_extension, width, height, samples_per_pixel, ibm_micros, job_json, key_json, status, created_at, kind, benchmark_id, reserved_for)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $13, $14, $15)",
    )
    .bind(&job.job_id)
    .bind(new.customer)
    .bind(new.scene)
    .bind(&new.asset)
    .bind(&new.extension)
    .bind(new.width as i64)
    .bind(new.height as i64)
    .bind(new.samples_per_pixel as i64)
    .bind(ibm_micros as i64)
    .bind(serde_json::to_string(&job).expect("jobs serialize"))
    .bind(serde_json::to_string(&created.key).expect("keys serialize"))
    .bind(unix_now())
    .bind(kind)
    .bind(benchmark_id)
    .bind(reserved_for)
    .execute(&m.db.pool)
    .await?;
    m.wakeups.notify(Topic::Jobs);
    tracing::info!(job = %job.job_id, customer = new.customer, kind, scene = new.scene, width = new.width, height = new.height, spp = new.samples_per_pixel, preparation_ms, "job queued");
    Ok(job.job_id)
}

/// Queues the benchmark set (the IB reference's scenes, a fresh seed and fresh noise each)
/// for `worker` alone; its lease-to-result times give the worker's IB once the committee
/// accepted every frame. A run already under way is returned as is.
pub async fn start_benchmark(m: &Manager, worker: &Pubkey) -> Result<BenchmarkStarted, ApiErr> {
    let _guard = m.benchmarks.lock().await;
    let running: Option<String> = sqlx::query_scalar(
        "SELECT id FROM benchmarks WHERE worker = $1 AND status IN ('running', 'signing')",
    )
    .bind(worker.to_string())
    .fetch_optional(&m.db.pool)
    .await?;
    let id = match running {
        Some(id) => id,
        None => {
            let id = new_id();
            for scene in &m.reference.scene {
                queue_job(
                    m,
                    NewJob {
                        customer: "benchmark",
                        scene: &scene.name,
                        spec: scene.name.clone(),
                        asset: None,
                        extension: None,
                        width: scene.width,
                        height: scene.height,
                        samples_per_pixel: scene.samples_per_pixel,
                        benchmark: Some((&id, worker)),
                    },
                )
                .await?;
            }
            let inserted = sqlx::query("INSERT INTO benchmarks (id, worker, status, created_at) VALUES ($1, $2, 'running', $3) ON CONFLICT DO NOTHING")
                .bind(&id)
                .bind(worker.to_string())
                .bind(unix_now())
                .execute(&m.db.pool)
                .await?;
            if inserted.rows_affected() == 1 {
                tracing::info!(benchmark = %id, worker = %worker, scenes = m.reference.scene.len(), "benchmark queued");
                id
            } else {
                // Another replica started this worker's run meanwhile (one running run per
                // worker is a unique index): ours is withdrawn, theirs is the answer.
                sqlx::query("UPDATE jobs SET status = 'failed' WHERE benchmark_id = $1 AND status = 'queued'")
                    .bind(&id)
                    .execute(&m.db.pool)
                    .await?;
                sqlx::query_scalar(
                    "SELECT id FROM benchmarks WHERE worker = $1 AND status IN ('running', 'signing')",
                )
                .bind(worker.to_string())
                .fetch_one(&m.db.pool)
                .await?
            }
        }
    };
    let jobs =
        sqlx::query_scalar("SELECT id FROM jobs WHERE benchmark_id = $1 ORDER BY created_at, id")
            .bind(&id)
            .fetch_all(&m.db.pool)
            .await?;
    Ok(BenchmarkStarted {
        benchmark_id: id,
        jobs,
    })
}

pub async fn job_status(m: &Manager, customer: &str, id: &str) -> Result<JobStatus, ApiErr> {
    let job = customer_job(m, customer, id).await?;
    let verified = match &job.verified_attempt {
        Some(attempt) => sqlx::query("SELECT worker, epoch FROM attempts WHERE id = $1")
            .bind(attempt)
            .fetch_optional(&m.db.pool)
            .await?
            .map(|r| {
                (
                    r.get::<String, _>("worker"),
                    r.get::<i64, _>("epoch") as u32,
                )
            }),
        None => None,
    };
    Ok(JobStatus {
        job_id: job.id.clone(),
        status: job.status.clone(),
        scene: job.scene.clone(),
        width: job.width,
        height: job.height,
        samples_per_pixel: job.samples_per_pixel,
        ibm_micros: job.ibm_micros,
        attempts: job.attempts,
        frame_ready: verified.is_some(),
        worker: verified.as_ref().map(|v| v.0.clone()),
        epoch: verified.map(|v| v.1),
    })
}

async fn customer_job(m: &Manager, customer: &str, id: &str) -> Result<JobRow, ApiErr> {
    store::job(&m.db, id)
        .await?
        .filter(|j| j.customer == customer)
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::NOT_FOUND,
                "UnknownJob",
                format!("you have no job {id}"),
            )
        })
}

/// The frame, only once the committee accepted it.
pub async fn verified_frame(m: &Manager, customer: &str, id: &str) -> Result<Vec<u8>, ApiErr> {
    let job = customer_job(m, customer, id).await?;
    let attempt = job.verified_attempt.ok_or_else(|| {
        ApiErr::new(
            StatusCode::CONFLICT,
            "FrameNotVerified",
            format!(
                "job {id} is {}: its frame is released once the verifier committee accepts it",
                job.status
            ),
        )
    })?;
    m.objects
        .get(&format!("frames/{attempt}.png"))
        .await
        .map_err(ApiErr::internal)
}

/// Hands the worker its own queued benchmark jobs first, then (when it is active) the oldest
/// queued job it has not failed verification on, unless the worker is backed off. The
/// deadline: the job's minutes at the worker's IB (at least [`LEASE_IB_FLOOR_MICROS`]), times
/// the cost factor, plus the slack.
pub async fn lease_job(
    m: &Manager,
    worker: &Pubkey,
    node: &Node,
) -> Result<Option<JobLease>, ApiErr> {
    let worker_text = worker.to_string();
    let now = unix_now();
    let _guard = m.pick_lock().await;
    let backoff: Option<i64> =
        sqlx::query_scalar("SELECT backoff_until FROM worker_failures WHERE worker = $1")
            .bind(&worker_text)
            .fetch_optional(&m.db.pool)
            .await?;
    if let Some(until) = backoff.filter(|u| *u > now) {
        return Err(ApiErr::new(
            StatusCode::TOO_MANY_REQUESTS,
            "WorkerBackedOff",
            format!(
                "this worker let {} leases expire in a row; it gets jobs again in {} s",
                m.config.failures_before_backoff,
                until - now
            ),
        ));
    }
    let mut tx = m.db.begin_write().await?;
    // The worker's own (benchmark) jobs, then the open queue: two picks, each walking a partial
    // index in queue order and stopping at the first job it may take.
    let pick = |queue: &str| {
        format!(
            "SELECT * FROM jobs WHERE status = 'queued' AND {queue}
             AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.job_id = jobs.id AND a.worker = $1 AND a.status IN ('rejected', 'disputed'))
             ORDER BY created_at, id LIMIT 1{}",
            m.db.skip_locked()
        )
    };
    let mut row = sqlx::query(&pick("reserved_for = $1"))
        .bind(&worker_text)
        .fetch_optional(&mut *tx)
        .await?;
    if row.is_none() && node.is_active() {
        row = sqlx::query(&pick("reserved_for IS NULL"))
            .bind(&worker_text)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let Some(job) = row.as_ref().map(JobRow::from_row) else {
        if !node.is_active() {
            return Err(inferix_node_api::auth::AuthError::NodeNotActive(*worker).into());
        }
        return Ok(None);
    };
    let ib_micros = node.ib_micros.max(LEASE_IB_FLOOR_MICROS);
    let minutes = job.ibm_micros as f64 / ib_micros.max(1) as f64;
    let deadline = now
        + m.config.lease_slack_secs
        + (m.config.lease_cost_factor * minutes * 60.0).ceil() as i64;
    let lease_id = new_id();
    sqlx::query("INSERT INTO attempts (id, job_id, worker, leased_at, deadline, status, leased_at_ms) VALUES ($1, $2, $3, $4, $5, 'leased', $6)")
        .bind(&lease_id)
        .bind(&job.id)
        .bind(&worker_text)
        .bind(now)
        .bind(deadline)
        .bind(inferix_node_api::unix_now_ms())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE jobs SET status = 'leased', attempts = attempts + 1 WHERE id = $1")
        .bind(&job.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    m.metrics.inc("jobs_leased_total");
    tracing::info!(job = %job.id, lease = %lease_id, worker = %worker, deadline, "job leased");
    Ok(Some(JobLease {
        lease_id,
        job: serde_json::from_str(&job.job_json).map_err(ApiErr::internal)?,
        asset: job.asset,
        asset_extension: job.asset_extension,
        deadline,
        ibm_micros: job.ibm_micros,
        heartbeat_secs: heartbeat_secs(m.config.lease_slack_secs),
    }))
}

/// A third of the lease slack (at least a second): see [`JobLease::heartbeat_secs`].
fn heartbeat_secs(lease_slack_secs: i64) -> u64 {
    (lease_slack_secs / 3).max(1) as u64
}

pub async fn scene_asset(m: &Manager, hash: &str) -> Result<Vec<u8>, ApiErr> {
    let extension: Option<String> =
        sqlx::query_scalar("SELECT extension FROM scenes WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&m.db.pool)
            .await?;
    let extension = extension.ok_or_else(|| {
        ApiErr::new(
            StatusCode::NOT_FOUND,
            "UnknownAsset",
            format!("no scene {hash}"),
        )
    })?;
    m.objects
        .get(&format!("scenes/{hash}.{extension}"))
        .await
        .map_err(ApiErr::internal)
}

/// The worker's attempt under `lease_id`, refused unless it is this worker's and still live.
async fn live_attempt(
    m: &Manager,
    worker: &Pubkey,
    lease_id: &str,
) -> Result<(String, i64), ApiErr> {
    let row = sqlx::query("SELECT job_id, worker, status, deadline FROM attempts WHERE id = $1")
        .bind(lease_id)
        .fetch_optional(&m.db.pool)
        .await?
        .filter(|r| r.get::<String, _>("worker") == worker.to_string())
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::NOT_FOUND,
                "UnknownLease",
                format!("this worker holds no lease {lease_id}"),
            )
        })?;
    let deadline: i64 = row.get("deadline");
    if row.get::<String, _>("status") != "leased" || deadline < unix_now() {
        return Err(ApiErr::new(
            StatusCode::GONE,
            "LeaseExpired",
            format!("lease {lease_id} ended (deadline {deadline}): the job went back to the queue"),
        ));
    }
    Ok((row.get("job_id"), deadline))
}

/// Progress from a live lease. A worker still advancing keeps its lease at least
/// `lease_slack_secs` ahead, so a slower adapter than its IB says is not cut off mid-render; a
/// worker that stops (killed, hung) loses it once the deadline passes.
pub async fn heartbeat(
    m: &Manager,
    worker: &Pubkey,
    lease_id: &str,
    beat: &Heartbeat,
) -> Result<(), ApiErr> {
    live_attempt(m, worker, lease_id).await?;
    sqlx::query(
        "UPDATE attempts SET samples_done = $1, deadline = CASE WHEN deadline > $2 THEN deadline ELSE $2 END WHERE id = $3 AND samples_done < $4",
    )
    .bind(beat.samples_done as i64)
    .bind(unix_now() + m.config.lease_slack_secs)
    .bind(lease_id)
    .bind(beat.samples_done as i64)
    .execute(&m.db.pool)
    .await?;
    Ok(())
}

/// A frame under a live lease: checked against its commitment and the job, stored, and handed
/// to the worker's committee for this epoch.
pub async fn upload_result(
    m: &Manager,
    worker: &Pubkey,
    lease_id: &str,
    upload: ResultUpload,
) -> Result<serde_json::Value, ApiErr> {
    let (job_id, _) = live_attempt(m, worker, lease_id).await?;
    let job = store::job(&m.db, &job_id)
        .await?
        .ok_or_else(|| ApiErr::internal("lease without job"))?;
    let c = &upload.commitment;
    let png = B64
        .decode(&upload.frame_png_base64)
        .map_err(|_| bad("MalformedFrame", "frame_png_base64 is not base64"))?;
    let (width, height, rgb8) = decode_png(&png)?;
    if c.job_id != job.id
        || (width, height) != (job.width, job.height)
        || (c.width, c.height) != (job.width, job.height)
    {
        return Err(bad(
            "ResultMismatch",
            format!(
                "the commitment or frame is for job {} at {}×{}; the lease is for job {} at {}×{}",
                c.job_id, width, height, job.id, job.width, job.height
            ),
        ));
    }
    let root = hex(&frame_root(width, height, &rgb8));
    if root != c.frame_root {
        return Err(bad(
            "FrameMismatch",
            format!(
                "the frame's root is {root}, the commitment says {}",
                c.frame_root
            ),
        ));
    }
    let (epoch, _) = m
        .chain
        .epoch_now()
        .await
        .inspect_err(|_| m.metrics.inc("rpc_errors_total"))?;
    let verifiers = m
        .chain
        .active_verifiers()
        .await
        .inspect_err(|_| m.metrics.inc("rpc_errors_total"))?;
    let drawn = committee(epoch, worker, &verifiers, m.config.committee_size);
    if drawn.is_empty() {
        // Nobody could check the frame: refused before anything is stored, the lease kept.
        return Err(ApiErr::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NoActiveVerifiers",
            "no verifier is active on chain to check this frame; the lease stays yours: upload again later",
        ));
    }
    m.objects
        .put(&format!("frames/{lease_id}.png"), png)
        .await
        .map_err(ApiErr::internal)?;
    let _guard = m.pick_lock().await;
    let mut tx = m.db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE attempts SET status = 'verifying', epoch = $1, commitment_json = $2, job_hash = $3, frame_root = $4, uploaded_at = $5, uploaded_at_ms = $6 WHERE id = $7 AND status = 'leased'",
    )
    .bind(epoch as i64)
    .bind(serde_json::to_string(c).expect("commitments serialize"))
    .bind(&c.job_hash)
    .bind(&root)
    .bind(unix_now())
    .bind(inferix_node_api::unix_now_ms())
    .bind(lease_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiErr::new(
            StatusCode::GONE,
            "LeaseExpired",
            format!("lease {lease_id} ended while the frame was uploading"),
        ));
    }
    sqlx::query("UPDATE jobs SET status = 'verifying' WHERE id = $1")
        .bind(&job.id)
        .execute(&mut *tx)
        .await?;
    for verifier in &drawn {
        sqlx::query(
            "INSERT INTO verifications (id, attempt_id, verifier, status) VALUES ($1, $2, $3, 'open')",
        )
        .bind(new_id())
        .bind(lease_id)
        .bind(verifier.to_string())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE worker_failures SET failures = 0 WHERE worker = $1")
        .bind(worker.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    m.wakeups.notify(Topic::Verifications);
    m.metrics.inc("results_uploaded_total");
    tracing::info!(job = %job.id, lease = %lease_id, worker = %worker, epoch, committee = ?drawn.iter().map(|v| v.to_string()).collect::<Vec<_>>(), "frame uploaded, committee verifying");
    Ok(
        serde_json::json!({ "epoch": epoch, "committee": drawn.iter().map(|v| v.to_string()).collect::<Vec<_>>() }),
    )
}

fn decode_png(png: &[u8]) -> Result<(u32, u32, Vec<u8>), ApiErr> {
    inferix_worker::frame::decode_png_rgb8(png).map_err(|e| {
        bad(
            "MalformedFrame",
            format!("the frame is not an 8-bit RGB PNG: {e}"),
        )
    })
}

pub async fn accepted_work(
    m: &Manager,
    worker: &Pubkey,
    epoch: u32,
) -> Result<Vec<AcceptedJob>, ApiErr> {
    let rows = sqlx::query(
        "SELECT a.job_id, a.job_hash, a.frame_root, a.epoch, j.ibm_micros FROM attempts a JOIN jobs j ON j.id = a.job_id
         WHERE a.worker = $1 AND a.status = 'accepted' AND a.epoch = $2 AND j.kind = 'render' ORDER BY a.uploaded_at, a.job_id",
    )
    .bind(worker.to_string())
    .bind(epoch as i64)
    .fetch_all(&m.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| AcceptedJob {
            job_id: r.get("job_id"),
            job_hash: r.get("job_hash"),
            frame_root: r.get("frame_root"),
            ibm_micros: r.get::<i64, _>("ibm_micros") as u64,
            epoch: r.get::<i64, _>("epoch") as u32,
        })
        .collect())
}

/// The oldest open (or abandoned) verification of this verifier, with the key and the frame.
pub async fn lease_verification(
    m: &Manager,
    verifier: &Pubkey,
) -> Result<Option<VerificationTask>, ApiErr> {
    let now = unix_now();
    let deadline = now + m.config.verification_deadline_secs;
    let _guard = m.pick_lock().await;
    let row = sqlx::query(
        "SELECT v.id, v.attempt_id, a.worker, a.epoch, a.commitment_json, j.* FROM verifications v
         JOIN attempts a ON a.id = v.attempt_id JOIN jobs j ON j.id = a.job_id
         WHERE v.verifier = $1 AND (v.status = 'open' OR (v.status = 'leased' AND v.deadline < $2))
         ORDER BY a.uploaded_at, v.id LIMIT 1",
    )
    .bind(verifier.to_string())
    .bind(now)
    .fetch_optional(&m.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let task_id: String = row.get(0);
    let attempt_id: String = row.get(1);
    // Taken only if still free: another replica may have handed it out since the read.
    let taken = sqlx::query(
        "UPDATE verifications SET status = 'leased', deadline = $1
         WHERE id = $2 AND (status = 'open' OR (status = 'leased' AND deadline < $3))",
    )
    .bind(deadline)
    .bind(&task_id)
    .bind(now)
    .execute(&m.db.pool)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    let job = JobRow::from_row(&row);
    let commitment: Commitment =
        serde_json::from_str(&row.get::<String, _>("commitment_json")).map_err(ApiErr::internal)?;
    let png = m
        .objects
        .get(&format!("frames/{attempt_id}.png"))
        .await
        .map_err(ApiErr::internal)?;
    Ok(Some(VerificationTask {
        task_id,
        job_id: job.id.clone(),
        worker: row
            .get::<String, _>("worker")
            .parse()
            .map_err(ApiErr::internal)?,
        epoch: row.get::<i64, _>("epoch") as u32,
        ibm_micros: job.ibm_micros,
        job: serde_json::from_str::<Job>(&job.job_json).map_err(ApiErr::internal)?,
        key: serde_json::from_str::<VerificationKey>(&job.key_json).map_err(ApiErr::internal)?,
        asset: job.asset,
        asset_extension: job.asset_extension,
        commitment,
        frame_png_base64: B64.encode(png),
        deadline,
        benchmark: job.kind == "benchmark",
    }))
}

/// Records a verdict; once the whole committee has answered, the frame is accepted (every
/// verdict accepts), rejected (every verdict rejects: a Violation goes to the committee for
/// signatures) or disputed; a job not accepted goes back to the queue for another worker.
pub async fn post_verdict(
    m: &Manager,
    verifier: &Pubkey,
    task_id: &str,
    verdict: VerdictPost,
) -> Result<(), ApiErr> {
    let _guard = m.pick_lock().await;
    let row = sqlx::query("SELECT attempt_id, verifier, status FROM verifications WHERE id = $1")
        .bind(task_id)
        .fetch_optional(&m.db.pool)
        .await?
        .filter(|r| r.get::<String, _>("verifier") == verifier.to_string())
        .ok_or_else(|| {
            ApiErr::new(
                StatusCode::NOT_FOUND,
                "UnknownTask",
                format!("no verification task {task_id} for this verifier"),
            )
        })?;
    let already_posted = || {
        ApiErr::new(
            StatusCode::CONFLICT,
            "VerdictAlreadyPosted",
            format!("task {task_id} already has this verifier's verdict"),
        )
    };
    if row.get::<String, _>("status") == "done" {
        return Err(already_posted());
    }
    let attempt_id: String = row.get("attempt_id");
    let mut tx = m.db.begin_write().await?;
    // The committee's last verdicts may arrive at different replicas at once: each decides
    // with the attempt locked, so exactly one sees the committee complete.
    m.db.lock_row(&mut tx, "attempts", &attempt_id).await?;
    let posted = sqlx::query("UPDATE verifications SET status = 'done', accepted = $1, reasons = $2, evidence_hash = $3 WHERE id = $4 AND status <> 'done'")
        .bind(verdict.accepted as i64)
        .bind(serde_json::to_string(&verdict.reasons).expect("strings serialize"))
        .bind(&verdict.evidence_hash)
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
    if posted.rows_affected() != 1 {
        return Err(already_posted());
    }
    let tallies = sqlx::query("SELECT status, accepted FROM verifications WHERE attempt_id = $1")
        .bind(&attempt_id)
        .fetch_all(&mut *tx)
        .await?;
    let pending = tallies
        .iter()
        .any(|r| r.get::<String, _>("status") != "done");
    let accepting = tallies
        .iter()
        .filter(|r| r.get::<Option<i64>, _>("accepted") == Some(1))
        .count();
    m.metrics.inc("verdicts_total");
    tracing::info!(task = %task_id, attempt = %attempt_id, verifier = %verifier, accepted = verdict.accepted, reasons = ?verdict.reasons, "verdict");
    let mut violation = None;
    let mut benchmark = None;
    let mut accepted = false;
    if !pending {
        let attempt = sqlx::query("SELECT a.job_id, a.worker, a.epoch, a.job_hash, a.frame_root, j.ibm_micros, j.kind, j.benchmark_id FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.id = $1")
            .bind(&attempt_id)
            .fetch_one(&mut *tx)
            .await?;
        let job_id: String = attempt.get("job_id");
        benchmark = attempt.get::<Option<String>, _>("benchmark_id");
        let outcome = if accepting == tallies.len() {
            "accepted"
        } else if accepting == 0 {
            "rejected"
        } else {
            "disputed"
        };
        sqlx::query("UPDATE attempts SET status = $1 WHERE id = $2")
            .bind(outcome)
            .bind(&attempt_id)
            .execute(&mut *tx)
            .await?;
        accepted = outcome == "accepted";
        if accepted {
            sqlx::query("UPDATE jobs SET status = 'verified', verified_attempt = $1 WHERE id = $2")
                .bind(&attempt_id)
                .bind(&job_id)
                .execute(&mut *tx)
                .await?;
            m.metrics.inc("jobs_verified_total");
            m.metrics.add(
                "ibm_accepted_micros_total",
                attempt.get::<i64, _>("ibm_micros") as u64,
            );
        } else {
            // A customer's job goes to another worker; a benchmark job fails its run.
            let (job_status, run_status) = match &benchmark {
                Some(_) => ("failed", "failed"),
                None => ("queued", "running"),
            };
            sqlx::query("UPDATE jobs SET status = $1 WHERE id = $2")
                .bind(job_status)
                .bind(&job_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE benchmarks SET status = $1 WHERE id = $2")
                .bind(run_status)
                .bind(&benchmark)
                .execute(&mut *tx)
                .await?;
            m.metrics.inc("jobs_rejected_total");
            if outcome == "rejected" {
                violation = Some((
                    job_id.clone(),
                    attempt.get::<String, _>("worker"),
                    attempt.get::<i64, _>("epoch") as u32,
                    attempt.get::<String, _>("job_hash"),
                    attempt.get::<String, _>("frame_root"),
                ));
            }
        }
        tracing::info!(job = %job_id, attempt = %attempt_id, outcome, "committee decided");
    }
    tx.commit().await?;
    if !pending {
        m.wakeups.notify(match accepted {
            true => Topic::VerifiedWork,
            false => Topic::Jobs,
        });
    }
    if let Some(id) = benchmark.filter(|_| accepted) {
        finish_benchmark(m, &id).await?;
    }
    if let Some((job_id, worker, epoch, job_hash, frame_root)) = violation {
        crate::relay::propose_violation(
            m,
            &attempt_id,
            &job_id,
            &worker,
            epoch,
            &job_hash,
            &frame_root,
        )
        .await?;
    }
    Ok(())
}

/// Once every frame of a benchmark run is accepted: the worker's IB from the lease-to-result
/// times of the accepted attempts (geometric mean of T0 / T over the set), signed by the
/// manager and relayed to the committee that checked the frames.
async fn finish_benchmark(m: &Manager, id: &str) -> Result<(), ApiErr> {
    let rows = sqlx::query(
        "SELECT j.id, j.scene, j.status, a.worker, a.leased_at_ms, a.uploaded_at_ms FROM jobs j
         LEFT JOIN attempts a ON a.id = j.verified_attempt WHERE j.benchmark_id = $1 ORDER BY j.created_at, j.id",
    )
    .bind(id)
    .fetch_all(&m.db.pool)
    .await?;
    if rows
        .iter()
        .any(|r| r.get::<String, _>("status") != "verified")
    {
        return Ok(());
    }
    let mut frame_ms = vec![];
    for scene in &m.reference.scene {
        let row = rows
            .iter()
            .find(|r| r.get::<String, _>("scene") == scene.name)
            .ok_or_else(|| ApiErr::internal(format!("benchmark {id} has no {} job", scene.name)))?;
        let leased: i64 = row.get("leased_at_ms");
        let uploaded: Option<i64> = row.get("uploaded_at_ms");
        frame_ms.push((uploaded.unwrap_or(leased) - leased) as f64);
    }
    let ib_micros = ib_micros_from_frame_times(&m.reference, &frame_ms);
    let worker: Pubkey = rows[0]
        .get::<String, _>("worker")
        .parse()
        .map_err(ApiErr::internal)?;
    let job_ids: Vec<String> = rows.iter().map(|r| r.get("id")).collect();
    let updated = sqlx::query("UPDATE benchmarks SET status = 'signing', ib_micros = $1 WHERE id = $2 AND status = 'running'")
        .bind(ib_micros as i64)
        .bind(id)
        .execute(&m.db.pool)
        .await?;
    if updated.rows_affected() == 1 {
        tracing::info!(benchmark = id, worker = %worker, ib_micros, ?frame_ms, "benchmark timed; the committee co-signs the IB");
        crate::relay::propose_benchmark(m, &worker, ib_micros, job_ids).await?;
    }
    Ok(())
}

/// Every `SWEEP_INTERVAL`: leases past their deadline go back to the queue (and count against
/// their worker); every `NONCE_PURGE_INTERVAL`, nonces too old to be replayed are forgotten.
/// (An abandoned verification lease needs no sweep: past its deadline, the next verification
/// lease request hands it out again.)
pub async fn sweep_forever(m: Arc<Manager>) {
    let mut sweeps = tokio::time::interval(SWEEP_INTERVAL);
    let mut purges = tokio::time::interval(NONCE_PURGE_INTERVAL);
    loop {
        tokio::select! {
            _ = sweeps.tick() => {
                if let Err(e) = sweep(&m).await {
                    tracing::warn!(error = %e, "sweep failed");
                }
            }
            _ = purges.tick() => {
                if let Err(e) = store::forget_nonces(&m.db, unix_now()).await {
                    tracing::warn!(error = %e, "forgetting old nonces failed");
                }
            }
        }
    }
}

/// A lease is taken back at most this long after its deadline.
const SWEEP_INTERVAL: Duration = Duration::from_secs(2);
const NONCE_PURGE_INTERVAL: Duration = Duration::from_secs(60);

async fn sweep(m: &Manager) -> sqlx::Result<()> {
    let now = unix_now();
    let _guard = m.pick_lock().await;
    let expired = sqlx::query(
        "SELECT id, job_id, worker FROM attempts WHERE status = 'leased' AND deadline < $1",
    )
    .bind(now)
    .fetch_all(&m.db.pool)
    .await?;
    for row in expired {
        let (id, job_id, worker): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let mut tx = m.db.begin_write().await?;
        // Another replica's sweep, or the worker's upload, may have got there first.
        let expired = sqlx::query(
            "UPDATE attempts SET status = 'expired' WHERE id = $1 AND status = 'leased'",
        )
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if expired.rows_affected() != 1 {
            continue;
        }
        sqlx::query("UPDATE jobs SET status = 'queued' WHERE id = $1 AND status = 'leased'")
            .bind(&job_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO worker_failures (worker, failures, backoff_until) VALUES ($1, 1, 0)
             ON CONFLICT (worker) DO UPDATE SET failures = worker_failures.failures + 1",
        )
        .bind(&worker)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE worker_failures SET backoff_until = $1, failures = 0 WHERE worker = $2 AND failures >= $3")
            .bind(now + m.config.backoff_secs)
            .bind(&worker)
            .bind(m.config.failures_before_backoff)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        m.metrics.inc("leases_expired_total");
        m.wakeups.notify(Topic::Jobs);
        tracing::warn!(lease = %id, job = %job_id, worker = %worker, "lease expired; job queued again");
    }
    Ok(())
}
