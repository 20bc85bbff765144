//! The files PoR roles exchange: the noised job (manager → worker and verifiers), the
//! verification key (manager → verifiers only), and the worker's frame commitment.

use std::path::Path;

use glam::Vec3;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::WorkerError;
use crate::frame::write_file;
use crate::render::{PixelRect, RenderSettings};
use crate::scene::{Material, Scene, Texture, TextureRef, Triangle};

pub const JOB_FORMAT: &str = "inferix-por-job/1";
pub const KEY_FORMAT: &str = "inferix-por-key/1";
pub const COMMITMENT_FORMAT: &str = "inferix-por-commitment/1";
/// Domain tag of the job hash that binds a key and a commitment to one noised job.
const JOB_HASH_TAG: &[u8; 8] = b"IFXJOB01";
/// Noise textures hold this many texels per covered pixel side, each pixel's block uniform, so
/// the renderer's bilinear filter blends neighbouring pixels' values only at block edges.
const TEXELS_PER_PIXEL: u32 = 4;

/// A camera-facing quad carrying one noise pattern, in world space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseObject {
    /// Top-left, top-right, bottom-right, bottom-left as seen from the camera.
    pub corners: [[f32; 3]; 4],
    /// Side of its square imprint on screen, pixels.
    pub size_px: u32,
    /// `size_px²` 8-bit sRGB RGB values, row-major from the top-left, hex-encoded.
    pub pattern_rgb8: String,
}

/// The job a worker renders: a scene, frame settings, and the noise objects to insert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub format: String,
    /// 32 random bytes, hex; also the placement's HMAC input.
    pub job_id: String,
    /// Built-in scene name or glTF path, as `Scene::load` takes it.
    pub scene: String,
    /// Content hash of the clean scene: a worker holding another file is refused.
    pub scene_hash: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub seed: u64,
    pub max_bounces: u32,
    pub noise_objects: Vec<NoiseObject>,
}

/// One noise region of the key: where the noise lands on screen and what it should show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseRegion {
    pub rect: PixelRect,
    pub pattern_rgb8: String,
}

/// What a verifier needs beyond the job, never given to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationKey {
    pub format: String,
    pub job_id: String,
    pub job_hash: String,
    pub regions: Vec<NoiseRegion>,
}

/// The worker's answer: the frame's tile Merkle root, made before any challenge is known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub format: String,
    pub job_id: String,
    pub job_hash: String,
    pub width: u32,
    pub height: u32,
    pub tile_size: u32,
    pub frame_root: String,
    pub adapter: String,
    pub render_ms: f64,
}

pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = hex_bytes(text)?;
    bytes.try_into().ok()
}

pub fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn invalid(path: &Path, reason: impl ToString) -> WorkerError {
    WorkerError::InvalidJobFile {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Reads one of the PoR JSON files, checking its `format` field.
pub fn read_json<T: DeserializeOwned>(path: &Path, format: &str) -> Result<T, WorkerError> {
    let text = std::fs::read_to_string(path).map_err(|e| WorkerError::from_io(path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| invalid(path, e))?;
    let found = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if found != format {
        return Err(invalid(
            path,
            format!("expected a '{format}' file, found format '{found}'"),
        ));
    }
    serde_json::from_value(value).map_err(|e| invalid(path, e))
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), WorkerError> {
    let text = serde_json::to_string_pretty(value).expect("PoR files serialize");
    write_file(path, text.as_bytes())
}

impl NoiseObject {
    pub fn pattern(&self) -> Option<Vec<u8>> {
        hex_bytes(&self.pattern_rgb8)
            .filter(|p| p.len() == (self.size_px * self.size_px * 3) as usize)
    }
}

impl Job {
    pub fn settings(&self) -> RenderSettings {
        RenderSettings {
            max_bounces: self.max_bounces,
            ..RenderSettings::new(self.width, self.height, self.samples_per_pixel, self.seed)
        }
    }

    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }

    /// The clean scene, checked against the job's scene hash.
    pub fn load_clean_scene(&self, origin: &Path) -> Result<Scene, WorkerError> {
        let scene = Scene::load(&self.scene, self.aspect())?;
        let found = crate::hex(&scene.content_hash());
        if found != self.scene_hash {
            return Err(WorkerError::JobMismatch(format!(
                "scene '{}' here has content hash {found}, the job {} was made for {}",
                self.scene,
                origin.display(),
                self.scene_hash
            )));
        }
        Ok(scene)
    }

    /// The scene with every noise object inserted: what the worker renders.
    pub fn noised_scene(&self, clean: &Scene, origin: &Path) -> Result<Scene, WorkerError> {
        let mut scene = clean.clone();
        for (i, object) in self.noise_objects.iter().enumerate() {
            let pattern = object.pattern().ok_or_else(|| {
                invalid(
                    origin,
                    format!(
                        "noise object {i}: pattern is not {0}×{0} RGB hex",
                        object.size_px
                    ),
                )
            })?;
            insert_noise_quad(&mut scene, object, &pattern);
        }
        Ok(scene)
    }

    /// Binds keys and commitments to exactly this noised scene and these frame settings.
    pub fn hash(&self, noised: &Scene) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(JOB_HASH_TAG);
        h.update(self.job_id.as_bytes());
        h.update(noised.content_hash());
        for v in [
            self.width,
            self.height,
            self.samples_per_pixel,
            self.max_bounces,
        ] {
            h.update(v.to_le_bytes());
        }
        h.update(self.seed.to_le_bytes());
        h.finalize().into()
    }
}

/// Appends a noise quad: unlit emission showing its pattern exactly, lighting nothing else.
fn insert_noise_quad(scene: &mut Scene, object: &NoiseObject, pattern: &[u8]) {
    let side = object.size_px * TEXELS_PER_PIXEL;
    let mut rgba8 = Vec::with_capacity((side * side * 4) as usize);
    for ty in 0..side {
        for tx in 0..side {
            let p = ((ty / TEXELS_PER_PIXEL) * object.size_px + tx / TEXELS_PER_PIXEL) as usize * 3;
            rgba8.extend_from_slice(&[pattern[p], pattern[p + 1], pattern[p + 2], 255]);
        }
    }
    scene.textures.push(Texture {
        width: side,
        height: side,
        rgba8,
    });
    scene.materials.push(Material {
        emissive_texture: Some(TextureRef::new(scene.textures.len() as u32 - 1)),
        lights_scene: false,
        ..Material::emissive([1.0; 3])
    });
    let material = scene.materials.len() as u32 - 1;
    let c = object.corners.map(Vec3::from);
    let normal = -scene.camera.forward;
    let uv = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    for [a, b, d] in [[0, 1, 2], [0, 2, 3]] {
        scene.triangles.push(Triangle {
            normals: [normal; 3],
            uvs: [uv[a], uv[b], uv[d]],
            ..Triangle::flat([c[a], c[b], c[d]], material)
        });
    }
}
