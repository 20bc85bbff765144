//! Verifier role: the commitment check, the Inferix Laplacian noise test pooled into one
//! statistical decision, and spot checks of tiles chosen after the commitment.

use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::compare;
use crate::error::WorkerError;
use crate::por::job::{from_hex, hex_bytes, Commitment, Job, NoiseRegion, VerificationKey};
use crate::por::laplacian::{envelope, mean_laplacian};
use crate::por::tiles::{frame_root, spot_check_tiles, tile_pixels, tile_rects, TILE_SIZE};
use crate::render::{GpuScene, PixelRect, RenderSettings, Renderer};

/// The Inferix per-region threshold on e_i, in 8-bit levels.
pub const REGION_THRESHOLD: f64 = 5.0;
/// Smallest correlation between a region and the key's expected pattern for the region to
/// count: the Inferix energy test alone also passes any region busier or calmer than its
/// surroundings, which natural images often are (por-eval measures both).
pub const MIN_PATTERN_MATCH: f64 = 0.5;
const EVIDENCE_TAG: &[u8; 8] = b"IFXEVID1";

#[derive(Clone, Copy, Debug, Serialize)]
pub struct VerifyParams {
    /// Largest probability of rejecting an honest frame by the noise test that the pooled
    /// decision allows (given `region_pass_probability`).
    pub false_alarm: f64,
    /// Lower bound on the chance that one honestly rendered region passes the Inferix test
    /// (por-eval measures it; see docs/por.md).
    pub region_pass_probability: f64,
    /// Tiles re-rendered: 44 find one of 10 % faked tiles with probability ≥ 99 %.
    pub spot_checks: u32,
    /// Largest FLIP mean between a committed tile and its re-render.
    pub tile_flip_tolerance: f32,
}

impl Default for VerifyParams {
    fn default() -> Self {
        Self {
            false_alarm: 1e-3,
            region_pass_probability: 0.95,
            spot_checks: 44,
            tile_flip_tolerance: 0.02,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionEvidence {
    pub rect: PixelRect,
    /// Mean |∇²| over the region and over its envelope.
    pub region_energy: f64,
    pub envelope_energy: f64,
    /// e_i = |envelope − region|.
    pub e: f64,
    /// Pearson correlation of the region's pixels with the expected pattern.
    pub pattern_match: f64,
    pub passed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoiseCheck {
    pub regions: Vec<RegionEvidence>,
    pub passed: u32,
    pub required: u32,
    /// P(fewer than `required` passes | honest) under the stated per-region pass probability.
    pub false_alarm_bound: f64,
    pub accepted: bool,
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct TileEvidence {
    pub index: u32,
    pub rect: PixelRect,
    pub flip_mean: f32,
    pub flip_max: f32,
    pub passed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SpotCheck {
    pub nonce: String,
    pub tiles: Vec<TileEvidence>,
    pub accepted: bool,
    /// Scene upload, re-rendering and comparison.
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub job_id: String,
    pub job_hash: String,
    pub frame_root: String,
    pub accepted: bool,
    /// Why it was rejected (empty when accepted).
    pub reasons: Vec<String>,
    /// Not run when the frame does not match its commitment.
    pub noise: Option<NoiseCheck>,
    pub spot_check: Option<SpotCheck>,
    /// Hash identifying this verification, the evidence of a `Violation` when rejected.
    pub evidence_hash: String,
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub fn binomial_cdf(k: u32, n: u32, p: f64) -> f64 {
    let mut term = (1.0 - p).powi(n as i32);
    let mut sum = 0.0;
    for i in 0..=k.min(n) {
        sum += term;
        term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
    }
    sum.min(1.0)
}

/// The most passes the decision can demand while rejecting an honest frame (each region
/// passing independently with probability ≥ `p`) with probability at most `alpha`.
pub fn required_passes(n: u32, p: f64, alpha: f64) -> u32 {
    (1..=n)
        .rev()
        .find(|&k| binomial_cdf(k - 1, n, p) <= alpha)
        .unwrap_or(0)
}

/// The Inferix test on each region, pooled: accept when at least `required_passes` pass.
pub fn noise_check(
    rgb8: &[u8],
    width: u32,
    height: u32,
    regions: &[NoiseRegion],
    params: &VerifyParams,
) -> NoiseCheck {
    let started = Instant::now();
    let evidence: Vec<RegionEvidence> = regions
        .iter()
        .map(|r| {
            let region_energy = mean_laplacian(rgb8, width, height, &r.rect);
            let envelope_energy = mean_laplacian(rgb8, width, height, &envelope(&r.rect));
            let e = (envelope_energy - region_energy).abs();
            let expected = hex_bytes(&r.pattern_rgb8).unwrap_or_default();
            let found = tile_pixels(rgb8, width, &r.rect);
            let pattern_match = correlation(&expected, &found);
            RegionEvidence {
                rect: r.rect,
                region_energy,
                envelope_energy,
                e,
                pattern_match,
                passed: e >= REGION_THRESHOLD && pattern_match >= MIN_PATTERN_MATCH,
            }
        })
        .collect();
    let n = evidence.len() as u32;
    let passed = evidence.iter().filter(|r| r.passed).count() as u32;
    let required = required_passes(n, params.region_pass_probability, params.false_alarm);
    NoiseCheck {
        false_alarm_bound: if required == 0 {
            0.0
        } else {
            binomial_cdf(required - 1, n, params.region_pass_probability)
        },
        accepted: n > 0 && passed >= required,
        regions: evidence,
        passed,
        required,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    }
}

/// Pearson correlation of two RGB8 pixel sequences of the same length, each channel centred on
/// its own mean (so a region's colour alone correlates with nothing); 0 when either is flat.
pub fn correlation(a: &[u8], b: &[u8]) -> f64 {
    if a.len() != b.len() || a.is_empty() || !a.len().is_multiple_of(3) {
        return 0.0;
    }
    let n = (a.len() / 3) as f64;
    let channel_means = |v: &[u8]| -> [f64; 3] {
        let mut m = [0.0; 3];
        for px in v.chunks_exact(3) {
            for c in 0..3 {
                m[c] += px[c] as f64 / n;
            }
        }
        m
    };
    let (ma, mb) = (channel_means(a), channel_means(b));
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (pa, pb) in a.chunks_exact(3).zip(b.chunks_exact(3)) {
        for c in 0..3 {
            let (dx, dy) = (pa[c] as f64 - ma[c], pb[c] as f64 - mb[c]);
            ab += dx * dy;
            aa += dx * dx;
            bb += dy * dy;
        }
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa * bb).sqrt()
    }
}

/// Re-renders `tiles` of the job and compares each with the committed frame by FLIP.
#[allow(clippy::too_many_arguments)]
pub fn spot_check(
    renderer: &Renderer,
    scene: &GpuScene,
    settings: &RenderSettings,
    rgb8: &[u8],
    nonce: &[u8; 32],
    tiles: &[u32],
    tolerance: f32,
    started: Instant,
) -> Result<SpotCheck, WorkerError> {
    let rects = tile_rects(settings.width, settings.height);
    let mut evidence = Vec::with_capacity(tiles.len());
    for &index in tiles {
        let rect = rects[index as usize];
        let tile = RenderSettings {
            region: Some(rect),
            ..*settings
        };
        let reference = renderer.render(scene, &tile, &mut |_, _| {})?.srgb8();
        let committed = tile_pixels(rgb8, settings.width, &rect);
        let (stats, _) = compare::flip(&reference, &committed, rect.width, rect.height);
        evidence.push(TileEvidence {
            index,
            rect,
            flip_mean: stats.mean,
            flip_max: stats.max,
            passed: stats.mean <= tolerance,
        });
    }
    Ok(SpotCheck {
        nonce: crate::hex(nonce),
        accepted: evidence.iter().all(|t| t.passed),
        tiles: evidence,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}

/// Everything a verifier holds for one job.
pub struct VerifyInput<'a> {
    pub job: &'a Job,
    pub key: &'a VerificationKey,
    pub commitment: &'a Commitment,
    pub width: u32,
    pub height: u32,
    pub rgb8: &'a [u8],
}

/// Checks the commitment, the noise and (when `renderer` is given) `params.spot_checks` tiles.
/// Files that belong to another job are a named error; a frame that fails a check is a
/// rejecting verdict with its evidence.
pub fn verify(
    input: &VerifyInput,
    renderer: Option<&Renderer>,
    nonce: &[u8; 32],
    params: &VerifyParams,
) -> Result<Verdict, WorkerError> {
    let VerifyInput {
        job,
        key,
        commitment,
        width,
        height,
        rgb8,
    } = *input;
    let clean = job.load_clean_scene(std::path::Path::new("job.json"))?;
    let noised = job.noised_scene(&clean, std::path::Path::new("job.json"))?;
    let job_hash = crate::hex(&job.hash(&noised));
    for (what, value) in [
        ("the verification key", &key.job_hash),
        ("the commitment", &commitment.job_hash),
    ] {
        if *value != job_hash {
            return Err(WorkerError::JobMismatch(format!(
                "{what} is for job hash {value}, the job file hashes to {job_hash}"
            )));
        }
    }
    let malformed = |r: &NoiseRegion| {
        let inside = r
            .rect
            .x
            .checked_add(r.rect.width)
            .is_some_and(|e| e <= job.width)
            && r.rect
                .y
                .checked_add(r.rect.height)
                .is_some_and(|e| e <= job.height);
        let pattern_len = r.rect.width as u64 * r.rect.height as u64 * 3;
        !inside || hex_bytes(&r.pattern_rgb8).map(|p| p.len() as u64) != Some(pattern_len)
    };
    if key.regions.is_empty() || key.regions.iter().any(malformed) {
        return Err(WorkerError::JobMismatch(
            "the verification key has no regions, or a region outside the frame or with a malformed pattern".into(),
        ));
    }
    let mut reasons = Vec::new();
    let root = frame_root(width, height, rgb8);
    if (width, height) != (job.width, job.height) {
        reasons.push(format!(
            "frame is {width}x{height}, the job asks for {}x{}",
            job.width, job.height
        ));
    }
    if from_hex::<32>(&commitment.frame_root) != Some(root) || commitment.tile_size != TILE_SIZE {
        reasons.push("frame does not match the committed tile root".to_string());
    }
    if !reasons.is_empty() {
        return Ok(verdict(job, job_hash, root, nonce, reasons, None, None));
    }
    let noise = noise_check(rgb8, width, height, &key.regions, params);
    if !noise.accepted {
        reasons.push(format!(
            "noise test: {} of {} regions pass, {} required",
            noise.passed,
            noise.regions.len(),
            noise.required
        ));
    }
    let spot = match renderer {
        Some(renderer) => {
            let started = Instant::now();
            let uploaded = renderer.upload(&noised)?;
            let tiles = spot_check_tiles(
                &root,
                nonce,
                tile_rects(width, height).len() as u32,
                params.spot_checks,
            );
            let spot = spot_check(
                renderer,
                &uploaded,
                &job.settings(),
                rgb8,
                nonce,
                &tiles,
                params.tile_flip_tolerance,
                started,
            )?;
            let failed = spot.tiles.iter().filter(|t| !t.passed).count();
            if failed > 0 {
                reasons.push(format!(
                    "spot check: {failed} of {} re-rendered tiles differ (FLIP mean > {})",
                    spot.tiles.len(),
                    params.tile_flip_tolerance
                ));
            }
            Some(spot)
        }
        None => None,
    };
    Ok(verdict(
        job,
        job_hash,
        root,
        nonce,
        reasons,
        Some(noise),
        spot,
    ))
}

fn verdict(
    job: &Job,
    job_hash: String,
    root: [u8; 32],
    nonce: &[u8; 32],
    reasons: Vec<String>,
    noise: Option<NoiseCheck>,
    spot_check: Option<SpotCheck>,
) -> Verdict {
    let evidence: [u8; 32] = Sha256::new()
        .chain_update(EVIDENCE_TAG)
        .chain_update(job_hash.as_bytes())
        .chain_update(root)
        .chain_update(nonce)
        .finalize()
        .into();
    Verdict {
        job_id: job.job_id.clone(),
        job_hash,
        frame_root: crate::hex(&root),
        accepted: reasons.is_empty(),
        reasons,
        noise,
        spot_check,
        evidence_hash: crate::hex(&evidence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_cdf_matches_hand_values() {
        assert!((binomial_cdf(0, 3, 0.5) - 0.125).abs() < 1e-12);
        assert!((binomial_cdf(1, 3, 0.5) - 0.5).abs() < 1e-12);
        assert!((binomial_cdf(3, 3, 0.5) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn pooled_rule_tolerates_failing_regions_within_the_false_alarm_level() {
        // 12 regions passing with p ≥ 0.95: demanding 8 rejects an honest frame with
        // probability 1.8e-4 ≤ 1e-3; demanding 9 would exceed it (2.2e-3).
        assert_eq!(required_passes(12, 0.95, 1e-3), 8);
        assert!(binomial_cdf(7, 12, 0.95) <= 1e-3);
        assert!(binomial_cdf(8, 12, 0.95) > 1e-3);
        // The AND rule is the special case of a near-certain pass.
        assert_eq!(required_passes(12, 1.0 - 1e-9, 1e-3), 12);
    }

    #[test]
    fn pattern_match_ignores_colour_and_follows_the_wave() {
        let wave: Vec<u8> = (0..16)
            .flat_map(|i| {
                let v = if i % 2 == 0 { 20u8 } else { 0 };
                [200 + v, 30 + v, 30 + v]
            })
            .collect();
        let flat_red: Vec<u8> = (0..16).flat_map(|_| [210u8, 40, 40]).collect();
        assert_eq!(correlation(&wave, &flat_red), 0.0);
        assert!((correlation(&wave, &wave) - 1.0).abs() < 1e-12);
        let inverted: Vec<u8> = wave.iter().map(|&v| 255 - v).collect();
        assert!((correlation(&wave, &inverted) + 1.0).abs() < 1e-12);
    }
}
