//! Every way the worker can fail, each with a message that says what to do.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("scene file not found: {path}")]
    SceneNotFound { path: String },
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("corrupt or invalid glTF file {path}: {reason}")]
    CorruptScene { path: String, reason: String },
    #[error("glTF file {path} refers to a texture it does not have: {reference} ({reason})")]
    MissingTexture {
        path: String,
        reference: String,
        reason: String,
    },
    #[error("malformed sampler in glTF file {path}: sampler {sampler}: {reason}")]
    MalformedSampler {
        path: String,
        sampler: String,
        reason: String,
    },
    #[error("unsupported glTF feature in {path}: {feature}")]
    UnsupportedGltf { path: String, feature: String },
    #[error(
        "unknown scene '{spec}': give a built-in scene ({builtins}) or a path to a .gltf/.glb file"
    )]
    UnknownScene { spec: String, builtins: String },
    #[error(
        "no Vulkan adapter found: install your GPU's Vulkan driver, or on a machine without a GPU \
         Mesa's software adapter (Debian/Ubuntu: `apt-get install mesa-vulkan-drivers libvulkan1`)"
    )]
    NoAdapter,
    #[error("no adapter matches '{requested}'; available: {available}")]
    AdapterNotFound {
        requested: String,
        available: String,
    },
    #[error("cannot open the GPU device on {adapter}: {reason}")]
    DeviceUnavailable { adapter: String, reason: String },
    #[error(
        "scene too large for this device: {what} needs {needed_bytes} bytes, the limit is \
         {limit_bytes} bytes (simplify the scene or use a GPU with larger buffer limits)"
    )]
    SceneTooLarge {
        what: String,
        needed_bytes: u64,
        limit_bytes: u64,
    },
    #[error("invalid render settings: {0}")]
    InvalidSettings(String),
    #[error("GPU error during {stage}: {reason}")]
    Gpu { stage: String, reason: String },
    #[error("invalid benchmark reference {path}: {reason}")]
    InvalidBenchReference { path: String, reason: String },
    #[error("cannot write {path}: {reason}")]
    Output { path: String, reason: String },
    #[error("invalid PoR file {path}: {reason}")]
    InvalidJobFile { path: String, reason: String },
    #[error("PoR files do not belong together: {0}")]
    JobMismatch(String),
    #[error("cannot place the noise objects: {0}")]
    PorPlacement(String),
    #[error("keypair file {path}: {reason}")]
    Keypair { path: String, reason: String },
    #[error("{0}")]
    Chain(String),
}

impl From<inferix_sdk::keypair::KeypairFileError> for WorkerError {
    fn from(e: inferix_sdk::keypair::KeypairFileError) -> Self {
        WorkerError::Keypair {
            path: e.path,
            reason: e.reason,
        }
    }
}

impl WorkerError {
    /// A read failure on `path`, telling a missing file apart from other I/O errors.
    pub fn from_io(path: &Path, err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::NotFound {
            WorkerError::SceneNotFound {
                path: path.display().to_string(),
            }
        } else {
            WorkerError::Io {
                path: path.display().to_string(),
                reason: err.to_string(),
            }
        }
    }
}
