//! The JSON bodies of the manager's API (docs/manager-api.yaml describes every route).
//! Addresses travel in base58, hashes in hex, frames as base64 PNG.

use anchor_lang::prelude::Pubkey;
use inferix_worker::por::job::{Commitment, Job, VerificationKey};
use serde::{Deserialize, Serialize};

/// Serde for addresses as base58 text.
pub mod base58 {
    use super::*;

    pub fn serialize<S: serde::Serializer>(key: &Pubkey, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&key.to_string())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Pubkey, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a base58 address")))
    }
}

/// An error response: the error's name and what to do about it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
}

/// `POST /v1/scenes` answer: the uploaded scene, named by its content hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SceneUploaded {
    /// `sha256:<hex>`, to name in a job.
    pub scene: String,
    pub bytes: u64,
    pub triangles: u64,
}

/// `POST /v1/jobs`: a built-in scene's name or an uploaded scene's `sha256:<hex>`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRequest {
    pub scene: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
}

/// A job as its customer sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobStatus {
    pub job_id: String,
    /// `queued`, `leased`, `verifying` or `verified`.
    pub status: String,
    pub scene: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    /// Its cost in IBM (millionths): samples over the unit node's samples per minute.
    pub ibm_micros: u64,
    /// Leases handed out so far (more than one after an expiry or a rejection).
    pub attempts: u32,
    /// The worker whose frame the committee accepted.
    pub worker: Option<String>,
    /// The epoch the verified work is credited in.
    pub epoch: Option<u32>,
    pub frame_ready: bool,
}

/// `POST /v1/node/lease` answer: a job to render before `deadline`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobLease {
    pub lease_id: String,
    pub job: Job,
    /// The content hash of the scene file to fetch from `/v1/node/assets/`, when the job's
    /// scene is an upload rather than a built-in.
    pub asset: Option<String>,
    /// The file name's extension (`glb` or `gltf`) the asset is loaded as.
    pub asset_extension: Option<String>,
    /// Unix seconds (manager's clock) after which the job goes to another worker.
    pub deadline: i64,
    pub ibm_micros: u64,
    /// How often the worker reports progress: each heartbeat that shows progress moves the
    /// deadline to at least the manager's lease slack ahead, and this is a third of it, so two
    /// lost heartbeats do not cost the lease.
    pub heartbeat_secs: u64,
}

/// `POST /v1/node/leases/{id}/heartbeat`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Heartbeat {
    /// Samples per pixel rendered so far, of `samples_total`.
    pub samples_done: u32,
    pub samples_total: u32,
}

/// `POST /v1/node/leases/{id}/result`: the commitment and the frame it commits to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResultUpload {
    pub commitment: Commitment,
    pub frame_png_base64: String,
}

/// A job the committee accepted from this worker, as the manager records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AcceptedJob {
    pub job_id: String,
    pub job_hash: String,
    pub frame_root: String,
    pub ibm_micros: u64,
    pub epoch: u32,
}

/// `POST /v1/node/verifications/lease` answer: a frame to check.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerificationTask {
    pub task_id: String,
    pub job_id: String,
    #[serde(with = "base58")]
    pub worker: Pubkey,
    pub epoch: u32,
    pub ibm_micros: u64,
    pub job: Job,
    pub asset: Option<String>,
    pub asset_extension: Option<String>,
    pub key: VerificationKey,
    pub commitment: Commitment,
    pub frame_png_base64: String,
    pub deadline: i64,
    /// A benchmark job: its frame is checked like any other, its work is not credited.
    pub benchmark: bool,
}

/// `POST /v1/node/verifications/{id}/verdict`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerdictPost {
    pub accepted: bool,
    pub reasons: Vec<String>,
    pub evidence_hash: String,
}

/// A `PorAttestation`'s fields as the worker proposes them, with the jobs it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttestationProposal {
    pub epoch: u32,
    pub seq: u32,
    pub ib_micros: u64,
    pub cumulative_ibm_micros: u64,
    pub jobs_verified: u32,
    pub work_root: String,
    pub issued_at: i64,
    pub job_ids: Vec<String>,
}

/// A `Violation`'s fields and the job it is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViolationProposal {
    pub epoch: u32,
    pub kind: u8,
    pub evidence_hash: String,
    pub issued_at: i64,
    pub job_id: String,
}

/// A `Benchmark`'s fields and the benchmark jobs whose lease-to-result times gave the IB.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkProposal {
    pub ib_micros: u64,
    pub scene_set_hash: String,
    pub issued_at: i64,
    pub job_ids: Vec<String>,
}

/// `POST /v1/node/benchmark` answer: the benchmark set queued for this worker alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchmarkStarted {
    pub benchmark_id: String,
    pub jobs: Vec<String>,
}

/// A message the manager relays to a committee for signatures.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CosignTask {
    pub request_id: String,
    /// The node the message is about.
    #[serde(with = "base58")]
    pub subject: Pubkey,
    pub attestation: Option<AttestationProposal>,
    pub violation: Option<ViolationProposal>,
    #[serde(default)]
    pub benchmark: Option<BenchmarkProposal>,
}

/// `POST /v1/node/cosign/{id}`: a verifier's signature, or why it refuses.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CosignAnswer {
    /// An `Endorsement` in its file form (`{signer, node, signature}`).
    pub endorsement: Option<serde_json::Value>,
    pub refusal: Option<String>,
}

/// Where a relayed request stands: the manager's endorsement first, then the verifiers'.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CosignState {
    pub request_id: String,
    pub endorsements: Vec<serde_json::Value>,
    pub refusals: Vec<Refusal>,
    pub committee: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Refusal {
    pub verifier: String,
    pub reason: String,
}
