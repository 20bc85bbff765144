//! What the manager and the node daemons share (SPEC §12): every request a node sends is signed
//! by its operator key ([`auth`]); the JSON bodies they exchange ([`wire`]); the verifier
//! committee drawn for a worker per epoch ([`committee`]); what they read from the chain
//! ([`chain_view`]); and the plumbing each daemon has — a TOML config with environment
//! overrides ([`config`]), `/health`, Prometheus `/metrics`, JSON logs and graceful shutdown
//! ([`ops`]).

pub mod auth;
pub mod chain_view;
pub mod client;
pub mod committee;
pub mod config;
pub mod ops;
pub mod sqlite;
pub mod wire;

/// Lower-case hex of a hash or any bytes.
pub fn hex(bytes: &[u8]) -> String {
    inferix_worker::hex(bytes)
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Seconds since the Unix epoch on this host's clock (request timestamps, leases).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// The evidence a Violation for a rejected frame names (and its slash record is keyed by): the
/// job hash and the frame root the worker committed to.
pub fn violation_evidence(job_hash_hex: &str, frame_root_hex: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::new()
        .chain_update(b"IFXVIOL1")
        .chain_update(job_hash_hex.as_bytes())
        .chain_update(frame_root_hex.as_bytes())
        .finalize()
        .into()
}

/// Milliseconds since the Unix epoch on this host's clock (benchmark timings).
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
