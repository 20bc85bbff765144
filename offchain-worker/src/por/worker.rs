//! Worker role: render the noised job and commit to the frame before any challenge is known.

use std::path::Path;
use std::time::Instant;

use crate::error::WorkerError;
use crate::por::job::{Commitment, Job, COMMITMENT_FORMAT};
use crate::por::tiles::{frame_root, TILE_SIZE};
use crate::render::Renderer;

/// A rendered job: the frame's 8-bit sRGB pixels and the commitment to them.
pub struct RenderedJob {
    pub rgb8: Vec<u8>,
    pub commitment: Commitment,
}

pub fn render_job(
    renderer: &Renderer,
    job: &Job,
    origin: &Path,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<RenderedJob, WorkerError> {
    let clean = job.load_clean_scene(origin)?;
    let noised = job.noised_scene(&clean, origin)?;
    let settings = job.settings();
    settings.validate()?;
    let started = Instant::now();
    let uploaded = renderer.upload(&noised)?;
    let rgb8 = renderer.render(&uploaded, &settings, progress)?.srgb8();
    let render_ms = started.elapsed().as_secs_f64() * 1e3;
    let commitment = Commitment {
        format: COMMITMENT_FORMAT.to_string(),
        job_id: job.job_id.clone(),
        job_hash: crate::hex(&job.hash(&noised)),
        width: job.width,
        height: job.height,
        tile_size: TILE_SIZE,
        frame_root: crate::hex(&frame_root(job.width, job.height, &rgb8)),
        adapter: renderer.gpu.adapter.label(),
        render_ms,
    };
    Ok(RenderedJob { rgb8, commitment })
}
