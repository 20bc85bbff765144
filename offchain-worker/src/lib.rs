//! Inferix off-chain worker (SPEC §7): a wgpu compute-shader path tracer over glTF and built-in
//! scenes, the IB benchmark built on it, Proof of Rendering, and signed attestations on-chain.

pub mod bench;
pub mod bvh;
pub mod chain;
pub mod compare;
pub mod error;
pub mod frame;
pub mod gpu;
pub mod por;
pub mod render;
pub mod scene;

pub use error::WorkerError;
pub use frame::Frame;
pub use gpu::Gpu;
pub use render::{PixelRect, RenderSettings, Renderer};
pub use scene::Scene;

/// Lower-case hex of a hash or any bytes, as printed in reports and JSON.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
