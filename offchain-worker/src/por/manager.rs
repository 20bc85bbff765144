//! Manager role: derives a job's noise placement from HMAC-SHA256(manager secret, job id) and
//! writes the noised job and its verification key.
//!
//! Placement: candidate squares (4–7 px) are drawn from the HMAC stream; a cheap pre-render
//! (1 spp, 2 bounces) scores each by the Laplacian energy of its surroundings, and the calmest
//! are taken first — there the pattern stands out most against its envelope, so it survives
//! the test. Each accepted square becomes a camera-facing quad at half the depth of the nearest
//! surface seen through it (so nothing hides it) with envelopes kept apart (so no two noise
//! objects overlap or share an envelope).

use glam::Vec3;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::bvh::{self, Bvh};
use crate::error::WorkerError;
use crate::por::job::{Job, NoiseObject, NoiseRegion, VerificationKey, JOB_FORMAT, KEY_FORMAT};
use crate::por::laplacian::{envelope, Energy};
use crate::render::{PixelRect, RenderSettings, Renderer};
use crate::scene::{Aabb, Scene};

pub const DEFAULT_NOISE_COUNT: u32 = 12;
pub const NOISE_COUNT_RANGE: std::ops::RangeInclusive<u32> = 8..=15;
pub const NOISE_SIZE_RANGE: std::ops::RangeInclusive<u32> = 4..=7;
/// Shortest manager secret accepted: HMAC keys below 128 bits would be guessable.
pub const MIN_SECRET_BYTES: usize = 16;
/// The pattern's Laplacian energy is set this far (8-bit levels) above the energy the pre-render
/// shows around it — which overstates a full render's noise, 1 spp being noisier — so that
/// e_i stays well above the threshold of 5 (the Inferix "tune μ" step).
const ENERGY_MARGIN: f64 = 32.0;
/// Pattern amplitude bounds around the local mean colour, 8-bit sRGB.
const AMPLITUDE_RANGE: (f64, f64) = (8.0, 48.0);
/// Candidates drawn per noise object wanted.
const CANDIDATES_PER_OBJECT: u32 = 24;
/// Ray samples per pixel side when checking what lies behind a candidate square.
const DEPTH_SAMPLES_PER_PIXEL: u32 = 4;
/// Noise quads sit at this fraction of the nearest surface depth behind them.
const DEPTH_FRACTION: f32 = 0.5;
/// The pre-render only ranks candidates by how busy their surroundings are: one sample with one
/// indirect bounce (Cycles' count: `max_bounces` 1) shows edges, textures and shadows, and keeps
/// the manager's cost per job a small share of the job's render (about 2 / (spp × mean path
/// length)).
const PRERENDER_SPP: u32 = 1;
const PRERENDER_BOUNCES: u32 = 1;
const NOISE_STREAM_TAG: &[u8; 8] = b"IFXNOISE";

/// Pseudo-random stream HMAC-SHA256(secret, tag ‖ job id ‖ counter): without the secret, the
/// job id says nothing about where the noise goes.
pub struct NoiseStream {
    mac: Hmac<Sha256>,
    job_id: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl NoiseStream {
    pub fn new(secret: &[u8], job_id: &[u8; 32]) -> Self {
        Self {
            mac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length"),
            job_id: *job_id,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        if self.used == 32 {
            let mut mac = self.mac.clone();
            mac.update(NOISE_STREAM_TAG);
            mac.update(&self.job_id);
            mac.update(&self.counter.to_le_bytes());
            self.block = mac.finalize().into_bytes().into();
            self.counter += 1;
            self.used = 0;
        }
        let value = u64::from_le_bytes(
            self.block[self.used..self.used + 8]
                .try_into()
                .expect("8 bytes"),
        );
        self.used += 8;
        value
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in `range` (the modulo bias is below 2⁻⁵⁰ for these small ranges).
    pub fn in_range(&mut self, range: std::ops::RangeInclusive<u32>) -> u32 {
        let span = (range.end() - range.start()) as u64 + 1;
        range.start() + (self.next_u64() % span) as u32
    }

    /// Normal deviate (Box–Muller).
    pub fn normal(&mut self, mean: f64, std_dev: f64) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        mean + std_dev * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A noised job, its key, and how the placement went.
pub struct CreatedJob {
    pub job: Job,
    pub key: VerificationKey,
    pub candidates_drawn: u32,
    pub prerender_ms: f64,
}

/// Where a candidate square would go: its rectangle and the camera depth of its quad.
struct Placement {
    rect: PixelRect,
    depth: f32,
}

pub fn check_secret(secret: &[u8]) -> Result<(), WorkerError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(WorkerError::InvalidSettings(format!(
            "the manager secret has {} bytes; use at least {MIN_SECRET_BYTES} random bytes",
            secret.len()
        )));
    }
    Ok(())
}

/// Makes a job of `scene_spec` at `settings` with `noise_count` noise objects.
pub fn create_job(
    renderer: &Renderer,
    scene_spec: &str,
    settings: &RenderSettings,
    secret: &[u8],
    job_id: [u8; 32],
    noise_count: u32,
) -> Result<CreatedJob, WorkerError> {
    settings.validate()?;
    check_secret(secret)?;
    if !NOISE_COUNT_RANGE.contains(&noise_count) {
        return Err(WorkerError::InvalidSettings(format!(
            "{noise_count} noise objects: choose {}..={}",
            NOISE_COUNT_RANGE.start(),
            NOISE_COUNT_RANGE.end()
        )));
    }
    let aspect = settings.width as f32 / settings.height as f32;
    let clean = Scene::load(scene_spec, aspect)?;
    let mut stream = NoiseStream::new(secret, &job_id);

    let started = std::time::Instant::now();
    let preview_settings = RenderSettings {
        max_bounces: PRERENDER_BOUNCES,
        region: None,
        ..RenderSettings::new(
            settings.width,
            settings.height,
            PRERENDER_SPP,
            stream.next_u64(),
        )
    };
    let preview = renderer
        .render(&renderer.upload(&clean)?, &preview_settings, &mut |_, _| {})?
        .srgb8();
    let prerender_ms = started.elapsed().as_secs_f64() * 1e3;
    let energy = Energy::new(&preview, settings.width, settings.height);

    let (width, height) = (settings.width, settings.height);
    let candidates_drawn = noise_count * CANDIDATES_PER_OBJECT;
    let mut candidates: Vec<(f64, u32, PixelRect)> = Vec::new();
    for order in 0..candidates_drawn {
        let size = stream.in_range(NOISE_SIZE_RANGE);
        // The envelope (the square grown by its size) and one more pixel for the Laplacian's
        // neighbours must stay inside the frame.
        let margin = size + 1;
        if width < 3 * size + 2 * margin || height < 3 * size + 2 * margin {
            continue;
        }
        let x = stream.in_range(margin..=width - 2 * size - margin);
        let y = stream.in_range(margin..=height - 2 * size - margin);
        let rect = PixelRect {
            x,
            y,
            width: size,
            height: size,
        };
        let surroundings = energy.mean_outside(&envelope(&rect), &rect);
        candidates.push((surroundings, order, rect));
    }
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    let bounds: Vec<Aabb> = clean.triangles.iter().map(Aabb::of_triangle).collect();
    let scene_bvh = Bvh::build(&bounds);
    let mut placed: Vec<Placement> = Vec::new();
    for (_, _, rect) in candidates {
        if placed.len() == noise_count as usize {
            break;
        }
        let grown = grow(&envelope(&rect), 1);
        if placed.iter().any(|p| overlaps(&grown, &envelope(&p.rect))) {
            continue;
        }
        if let Some(depth) = nearest_depth(&clean, &scene_bvh, &rect, width, height) {
            placed.push(Placement {
                rect,
                depth: depth * DEPTH_FRACTION,
            });
        }
    }
    if placed.len() < noise_count as usize {
        return Err(WorkerError::PorPlacement(format!(
            "only {} of {noise_count} noise objects fit in a {width}x{height} frame of '{scene_spec}'; \
             render a larger frame or ask for fewer",
            placed.len()
        )));
    }

    let mut noise_objects = Vec::new();
    let mut regions = Vec::new();
    for p in &placed {
        let base = energy.mean_colour(&envelope(&p.rect));
        let surroundings = energy.mean_outside(&envelope(&p.rect), &p.rect);
        let pattern = noise_pattern(&mut stream, p.rect.width, base, surroundings);
        let pattern_rgb8 = crate::hex(&pattern);
        noise_objects.push(NoiseObject {
            corners: quad_corners(&clean, &p.rect, p.depth, width, height),
            size_px: p.rect.width,
            pattern_rgb8: pattern_rgb8.clone(),
        });
        regions.push(NoiseRegion {
            rect: p.rect,
            pattern_rgb8,
        });
    }
    let job = Job {
        format: JOB_FORMAT.to_string(),
        job_id: crate::hex(&job_id),
        scene: scene_spec.to_string(),
        scene_hash: crate::hex(&clean.content_hash()),
        width,
        height,
        samples_per_pixel: settings.samples_per_pixel,
        seed: settings.seed,
        max_bounces: settings.max_bounces,
        noise_objects,
    };
    let noised = job.noised_scene(&clean, std::path::Path::new("(new job)"))?;
    let key = VerificationKey {
        format: KEY_FORMAT.to_string(),
        job_id: job.job_id.clone(),
        job_hash: crate::hex(&job.hash(&noised)),
        regions,
    };
    Ok(CreatedJob {
        job,
        key,
        candidates_drawn,
        prerender_ms,
    })
}

/// `size²` RGB values: a plane wave cos(2π(x/X + y/Y) + φ) of the Inferix noise structure,
/// periods X, Y ~ N(2.5, 0.5) px (high frequency: Laplacian energy), around `base`, with the
/// amplitude that puts its energy `ENERGY_MARGIN` above `surroundings`.
fn noise_pattern(
    stream: &mut NoiseStream,
    size: u32,
    base: [f64; 3],
    surroundings: f64,
) -> Vec<u8> {
    let period = |s: &mut NoiseStream| {
        let p = s.normal(2.5, 0.5).clamp(2.0, 4.0);
        if s.uniform() < 0.5 {
            -p
        } else {
            p
        }
    };
    let (px, py) = (period(stream), period(stream));
    let phase = stream.uniform() * std::f64::consts::TAU;
    let wave =
        |x: u32, y: u32| (std::f64::consts::TAU * (x as f64 / px + y as f64 / py) + phase).cos();
    // Laplacian energy of the unit-amplitude wave inside the square.
    let mut unit_energy = 0.0;
    for y in 0..size {
        for x in 0..size {
            let (l, r) = (x.saturating_sub(1), (x + 1).min(size - 1));
            let (u, d) = (y.saturating_sub(1), (y + 1).min(size - 1));
            unit_energy +=
                (4.0 * wave(x, y) - wave(l, y) - wave(r, y) - wave(x, u) - wave(x, d)).abs();
        }
    }
    unit_energy /= (size * size) as f64;
    let amplitude = ((surroundings + ENERGY_MARGIN) / unit_energy.max(1e-3))
        .clamp(AMPLITUDE_RANGE.0, AMPLITUDE_RANGE.1);
    let centre = base.map(|c| c.clamp(amplitude, 255.0 - amplitude));
    let mut out = Vec::with_capacity((size * size * 3) as usize);
    for y in 0..size {
        for x in 0..size {
            for c in centre {
                out.push((c + amplitude * wave(x, y)).round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

pub fn overlaps(a: &PixelRect, b: &PixelRect) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

fn grow(r: &PixelRect, by: u32) -> PixelRect {
    PixelRect {
        x: r.x.saturating_sub(by),
        y: r.y.saturating_sub(by),
        width: r.width + 2 * by,
        height: r.height + 2 * by,
    }
}

/// Frame positions (fx, fy) of a regular grid over `rect`, `DEPTH_SAMPLES_PER_PIXEL` per pixel
/// side, edges included.
pub fn sample_grid(rect: &PixelRect, width: u32, height: u32) -> Vec<(f32, f32)> {
    let steps = rect.width * DEPTH_SAMPLES_PER_PIXEL;
    let mut points = Vec::new();
    for j in 0..=steps {
        for i in 0..=steps {
            let px = rect.x as f32 + i as f32 / DEPTH_SAMPLES_PER_PIXEL as f32;
            let py = rect.y as f32 + j as f32 / DEPTH_SAMPLES_PER_PIXEL as f32;
            points.push((px / width as f32, py / height as f32));
        }
    }
    points
}

/// Camera depth (distance along the view direction) of the nearest surface seen anywhere
/// through `rect`; for open sky, the depth of the scene's centre. `None` when a surface touches
/// the camera.
fn nearest_depth(
    scene: &Scene,
    scene_bvh: &Bvh,
    rect: &PixelRect,
    width: u32,
    height: u32,
) -> Option<f32> {
    let camera = &scene.camera;
    let aspect = width as f32 / height as f32;
    let mut nearest = f32::INFINITY;
    for (fx, fy) in sample_grid(rect, width, height) {
        let dir = camera.ray_direction(aspect, fx, fy);
        if let Some(t) = bvh::closest_hit(
            scene_bvh,
            &scene.triangles,
            camera.position,
            dir.normalize(),
        ) {
            nearest = nearest.min(t / dir.length());
        }
    }
    if nearest.is_infinite() {
        let b = scene.bounds();
        let centre = if b.is_empty() {
            camera.position + camera.forward
        } else {
            (b.min + b.max) * 0.5
        };
        nearest = (centre - camera.position).dot(camera.forward).max(1.0);
    }
    (nearest > 1e-3).then_some(nearest)
}

/// World corners of the quad whose image is exactly `rect`, at camera depth `depth`.
fn quad_corners(
    scene: &Scene,
    rect: &PixelRect,
    depth: f32,
    width: u32,
    height: u32,
) -> [[f32; 3]; 4] {
    let camera = &scene.camera;
    let aspect = width as f32 / height as f32;
    let at = |px: u32, py: u32| -> [f32; 3] {
        let dir = camera.ray_direction(aspect, px as f32 / width as f32, py as f32 / height as f32);
        (camera.position + dir * depth).to_array()
    };
    let (x0, y0, x1, y1) = (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
    [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)]
}

/// Camera-space position of a world point: (fx, fy) frame coordinates and depth.
pub fn project(scene: &Scene, point: Vec3, width: u32, height: u32) -> (f32, f32, f32) {
    let camera = &scene.camera;
    let (right, up) = camera.image_plane(width as f32 / height as f32);
    let rel = point - camera.position;
    let depth = rel.dot(camera.forward);
    let on_plane = rel / depth - camera.forward;
    let fx = (on_plane.dot(right) / right.length_squared() + 1.0) * 0.5;
    let fy = (1.0 - on_plane.dot(up) / up.length_squared()) * 0.5;
    (fx, fy, depth)
}
