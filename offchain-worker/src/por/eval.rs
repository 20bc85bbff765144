//! `por-eval`: measures PoR on this adapter — detection of each cheating class, false rejection
//! of honest renders, how visible the noise is, and what verification costs.

use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::compare;
use crate::error::WorkerError;
use crate::por::job::{Commitment, Job};
use crate::por::manager::{create_job, CreatedJob};
use crate::por::tiles::{frame_root, tile_rects};
use crate::por::verify::{verify, Verdict, VerifyInput, VerifyParams};
use crate::por::worker::render_job;
use crate::render::{RenderSettings, Renderer};
use crate::scene::{builtin, Scene};

/// Ways a worker may try to get paid without rendering the job as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cheat {
    /// Another scene rendered instead.
    WrongScene,
    /// An honest frame of another job of the same scene handed in again.
    ReusedFrame,
    /// The job rendered with a quarter of the samples.
    QuarterSamples,
    /// The job rendered with a sixteenth of the samples.
    SixteenthSamples,
    /// Only the noise objects rendered, over the background.
    NoiseOnly,
    /// 10 % of the tiles filled from a 1-spp render.
    FakedTiles,
    /// A 1/16-sample render, blurred to hide its noise.
    DenoisedLowSamples,
}

impl Cheat {
    pub const ALL: [Cheat; 7] = [
        Cheat::WrongScene,
        Cheat::ReusedFrame,
        Cheat::QuarterSamples,
        Cheat::SixteenthSamples,
        Cheat::NoiseOnly,
        Cheat::FakedTiles,
        Cheat::DenoisedLowSamples,
    ];
}

#[derive(Clone, Debug)]
pub struct EvalConfig {
    pub scenes: Vec<String>,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub noise_objects: u32,
    pub honest_jobs: u32,
    pub jobs_per_cheat: u32,
    pub params: VerifyParams,
    /// Frame size of the separate verification-cost runs (one job per scene); `None` skips them.
    pub cost_frame: Option<(u32, u32)>,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            scenes: builtin::NAMES.iter().map(|s| s.to_string()).collect(),
            width: 192,
            height: 144,
            samples_per_pixel: 16,
            noise_objects: crate::por::manager::DEFAULT_NOISE_COUNT,
            honest_jobs: 200,
            jobs_per_cheat: 20,
            params: VerifyParams::default(),
            cost_frame: Some((1280, 720)),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ClassResult {
    pub class: Cheat,
    pub jobs: u32,
    pub rejected: u32,
    pub detection_rate: f64,
    pub failed_noise_test: u32,
    pub failed_spot_check: u32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct HonestResult {
    pub jobs: u32,
    pub false_rejections: u32,
    pub false_rejection_rate: f64,
    /// One-sided 95 % upper bound on the false rejection rate (exact binomial).
    pub false_rejection_upper_95: f64,
    /// Share of honest noise regions passing the Inferix test (the pooled rule assumes ≥ 0.95).
    pub region_pass_rate: f64,
    pub min_regions_passed: u32,
    /// Smallest e_i of any honest region (threshold 5).
    pub min_region_e: f64,
    /// Smallest correlation of an honest region with its expected pattern.
    pub min_pattern_match: f64,
    /// Largest FLIP mean of any honest spot-checked tile (tolerance in the parameters).
    pub max_tile_flip: f32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CostResult {
    pub width: u32,
    pub height: u32,
    pub jobs: u32,
    pub spot_checks: u32,
    pub render_ms: f64,
    pub noise_check_ms: f64,
    pub spot_check_ms: f64,
    pub noise_check_fraction: f64,
    pub with_spot_checks_fraction: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Visibility {
    /// FLIP mean of the noised frame against the clean frame, same seed, per scene.
    pub flip_noised_vs_clean: Vec<(String, f32)>,
    /// The same at the cost runs' larger frame.
    pub flip_noised_vs_clean_large: Vec<(String, f32)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub adapter: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub noise_objects: u32,
    pub params: VerifyParams,
    pub honest: HonestResult,
    pub classes: Vec<ClassResult>,
    pub visibility: Visibility,
    /// Cost at the evaluation frame size.
    pub cost: CostResult,
    /// Cost at the larger frame of `cost_frame`.
    pub cost_large: Option<CostResult>,
    /// Chance that `spot_checks` tiles find a 10 %-faked frame at the large size (hypergeometric).
    pub faked_tiles_detection_large: Option<f64>,
    pub elapsed_s: f64,
}

const EVAL_SECRET: &[u8] = b"por-eval manager secret, not for production";

fn derive(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"IFXEVAL1");
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

fn make_job(
    renderer: &Renderer,
    config: &EvalConfig,
    scene: &str,
    label: &[u8],
    index: u32,
    size: (u32, u32),
) -> Result<CreatedJob, WorkerError> {
    let job_id = derive(&[label, &index.to_le_bytes(), scene.as_bytes()]);
    let seed = u64::from_le_bytes(job_id[..8].try_into().expect("8 bytes"));
    let settings = RenderSettings::new(size.0, size.1, config.samples_per_pixel, seed);
    create_job(
        renderer,
        scene,
        &settings,
        EVAL_SECRET,
        job_id,
        config.noise_objects,
    )
}

fn render_scene(
    renderer: &Renderer,
    scene: &Scene,
    settings: &RenderSettings,
) -> Result<Vec<u8>, WorkerError> {
    Ok(renderer
        .render(&renderer.upload(scene)?, settings, &mut |_, _| {})?
        .srgb8())
}

fn commit(job: &Job, job_hash: &str, rgb8: &[u8], adapter: &str) -> Commitment {
    Commitment {
        format: crate::por::job::COMMITMENT_FORMAT.to_string(),
        job_id: job.job_id.clone(),
        job_hash: job_hash.to_string(),
        width: job.width,
        height: job.height,
        tile_size: crate::por::tiles::TILE_SIZE,
        frame_root: crate::hex(&frame_root(job.width, job.height, rgb8)),
        adapter: adapter.to_string(),
        render_ms: 0.0,
    }
}

/// 3×3 box blur applied twice (a cheap stand-in for a denoiser).
fn blur(rgb8: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = rgb8.to_vec();
    for _ in 0..2 {
        let src = out.clone();
        for y in 0..height as i64 {
            for x in 0..width as i64 {
                for c in 0..3 {
                    let mut sum = 0u32;
                    for (dx, dy) in (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))) {
                        let sx = (x + dx).clamp(0, width as i64 - 1);
                        let sy = (y + dy).clamp(0, height as i64 - 1);
                        sum += src[((sy * width as i64 + sx) * 3 + c) as usize] as u32;
                    }
                    out[((y * width as i64 + x) * 3 + c) as usize] = ((sum + 4) / 9) as u8;
                }
            }
        }
    }
    out
}

/// The frame a cheater of class `cheat` hands in for `target`.
fn cheat_frame(
    renderer: &Renderer,
    config: &EvalConfig,
    target: &CreatedJob,
    cheat: Cheat,
    index: u32,
) -> Result<Vec<u8>, WorkerError> {
    let job = &target.job;
    let origin = std::path::Path::new("(eval job)");
    let clean = job.load_clean_scene(origin)?;
    let noised = job.noised_scene(&clean, origin)?;
    let settings = job.settings();
    let fewer = |divisor: u32| RenderSettings {
        samples_per_pixel: (settings.samples_per_pixel / divisor).max(1),
        ..settings
    };
    Ok(match cheat {
        Cheat::WrongScene => {
            let position = config
                .scenes
                .iter()
                .position(|s| *s == job.scene)
                .unwrap_or(0);
            let other = &config.scenes[(position + 1) % config.scenes.len()];
            let other = Scene::load(other, job.aspect())?;
            render_scene(renderer, &other, &settings)?
        }
        Cheat::ReusedFrame => {
            let other = make_job(
                renderer,
                config,
                &job.scene,
                b"reused",
                index,
                (job.width, job.height),
            )?;
            render_job(renderer, &other.job, origin, &mut |_, _| {})?.rgb8
        }
        Cheat::QuarterSamples => render_scene(renderer, &noised, &fewer(4))?,
        Cheat::SixteenthSamples => render_scene(renderer, &noised, &fewer(16))?,
        Cheat::NoiseOnly => {
            let only_noise = job.noised_scene(&clean.background_only(), origin)?;
            render_scene(renderer, &only_noise, &settings)?
        }
        Cheat::FakedTiles => {
            let mut honest = render_scene(renderer, &noised, &settings)?;
            let cheap = render_scene(renderer, &noised, &fewer(settings.samples_per_pixel))?;
            let rects = tile_rects(job.width, job.height);
            let faked = rects.len().div_ceil(10);
            let mut order: Vec<usize> = (0..rects.len()).collect();
            let shuffle_key = derive(&[b"faked", &index.to_le_bytes()]);
            order.sort_by_key(|&i| derive(&[&shuffle_key, &(i as u64).to_le_bytes()]));
            for &t in &order[..faked] {
                let r = rects[t];
                for row in r.y..r.y + r.height {
                    let start = ((row * job.width + r.x) * 3) as usize;
                    let end = start + (r.width * 3) as usize;
                    honest[start..end].copy_from_slice(&cheap[start..end]);
                }
            }
            honest
        }
        Cheat::DenoisedLowSamples => {
            let low = render_scene(renderer, &noised, &fewer(16))?;
            blur(&low, job.width, job.height)
        }
    })
}

fn verify_frame(
    renderer: &Renderer,
    config: &EvalConfig,
    created: &CreatedJob,
    rgb8: &[u8],
    label: &[u8],
    index: u32,
) -> Result<Verdict, WorkerError> {
    let job = &created.job;
    let commitment = commit(
        job,
        &created.key.job_hash,
        rgb8,
        &renderer.gpu.adapter.label(),
    );
    let input = VerifyInput {
        job,
        key: &created.key,
        commitment: &commitment,
        width: job.width,
        height: job.height,
        rgb8,
    };
    let nonce = derive(&[b"nonce", label, &index.to_le_bytes()]);
    verify(&input, Some(renderer), &nonce, &config.params)
}

/// 1 − C(T − f, m) / C(T, m): the chance that m distinct tiles of T hit one of f faked ones.
pub fn hypergeometric_detection(tiles: u32, faked: u32, checked: u32) -> f64 {
    let mut miss = 1.0;
    for i in 0..checked.min(tiles) {
        miss *= (tiles - faked).saturating_sub(i) as f64 / (tiles - i) as f64;
    }
    1.0 - miss
}

/// One-sided 95 % upper bound of a binomial rate with `failures` out of `trials` (Clopper–Pearson,
/// by bisection).
pub fn upper_bound_95(failures: u32, trials: u32) -> f64 {
    if trials == 0 {
        return 1.0;
    }
    let (mut lo, mut hi) = (failures as f64 / trials as f64, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if crate::por::verify::binomial_cdf(failures, trials, mid) > 0.05 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Honest jobs at one frame size: what they cost to verify, how they fared, how visible the
/// noise is (first job of each scene).
struct HonestRuns {
    cost: CostResult,
    honest: HonestResult,
    visibility: Vec<(String, f32)>,
}

fn cost_runs(
    renderer: &Renderer,
    config: &EvalConfig,
    size: (u32, u32),
    jobs: u32,
    label: &[u8],
    progress: &mut dyn FnMut(&str),
) -> Result<HonestRuns, WorkerError> {
    let mut cost = CostResult {
        width: size.0,
        height: size.1,
        spot_checks: config.params.spot_checks,
        ..CostResult::default()
    };
    let mut honest = HonestResult {
        min_regions_passed: u32::MAX,
        min_region_e: f64::INFINITY,
        min_pattern_match: f64::INFINITY,
        ..HonestResult::default()
    };
    let mut visibility = Vec::new();
    let (mut regions, mut regions_passed) = (0u32, 0u32);
    for index in 0..jobs {
        let scene = &config.scenes[(index as usize) % config.scenes.len()];
        let created = make_job(renderer, config, scene, label, index, size)?;
        let origin = std::path::Path::new("(eval job)");
        let rendered = render_job(renderer, &created.job, origin, &mut |_, _| {})?;
        let verdict = verify_frame(renderer, config, &created, &rendered.rgb8, label, index)?;
        honest.jobs += 1;
        honest.false_rejections += u32::from(!verdict.accepted);
        if let Some(noise) = &verdict.noise {
            regions += noise.regions.len() as u32;
            regions_passed += noise.passed;
            honest.min_regions_passed = honest.min_regions_passed.min(noise.passed);
            for r in &noise.regions {
                honest.min_region_e = honest.min_region_e.min(r.e);
                honest.min_pattern_match = honest.min_pattern_match.min(r.pattern_match);
            }
            cost.noise_check_ms += noise.elapsed_ms;
        }
        if let Some(s) = &verdict.spot_check {
            for t in &s.tiles {
                honest.max_tile_flip = honest.max_tile_flip.max(t.flip_mean);
            }
            cost.spot_check_ms += s.elapsed_ms;
        }
        cost.jobs += 1;
        cost.render_ms += rendered.commitment.render_ms;
        if (index as usize) < config.scenes.len() {
            let clean = created.job.load_clean_scene(origin)?;
            let clean_frame = render_scene(renderer, &clean, &created.job.settings())?;
            let (stats, _) = compare::flip(&clean_frame, &rendered.rgb8, size.0, size.1);
            visibility.push((scene.clone(), stats.mean));
        }
        progress(&format!(
            "honest {}/{jobs} {}x{}",
            index + 1,
            size.0,
            size.1
        ));
    }
    honest.false_rejection_rate = honest.false_rejections as f64 / honest.jobs.max(1) as f64;
    honest.false_rejection_upper_95 = upper_bound_95(honest.false_rejections, honest.jobs);
    honest.region_pass_rate = regions_passed as f64 / regions.max(1) as f64;
    cost.noise_check_fraction = cost.noise_check_ms / cost.render_ms;
    cost.with_spot_checks_fraction = (cost.noise_check_ms + cost.spot_check_ms) / cost.render_ms;
    for v in [
        &mut cost.render_ms,
        &mut cost.noise_check_ms,
        &mut cost.spot_check_ms,
    ] {
        *v /= cost.jobs.max(1) as f64;
    }
    Ok(HonestRuns {
        cost,
        honest,
        visibility,
    })
}

/// Runs the whole evaluation; `progress` receives a line per job.
pub fn run(
    renderer: &Renderer,
    config: &EvalConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<EvalReport, WorkerError> {
    let started = Instant::now();
    let size = (config.width, config.height);
    let HonestRuns {
        cost,
        honest,
        visibility,
    } = cost_runs(
        renderer,
        config,
        size,
        config.honest_jobs,
        b"honest",
        progress,
    )?;
    let mut classes = Vec::new();
    for cheat in Cheat::ALL {
        let mut result = ClassResult {
            class: cheat,
            jobs: 0,
            rejected: 0,
            detection_rate: 0.0,
            failed_noise_test: 0,
            failed_spot_check: 0,
        };
        let label = format!("{cheat:?}");
        for index in 0..config.jobs_per_cheat {
            let scene = &config.scenes[(index as usize) % config.scenes.len()];
            let target = make_job(renderer, config, scene, label.as_bytes(), index, size)?;
            let frame = cheat_frame(renderer, config, &target, cheat, index)?;
            let verdict = verify_frame(renderer, config, &target, &frame, label.as_bytes(), index)?;
            result.jobs += 1;
            result.rejected += u32::from(!verdict.accepted);
            result.failed_noise_test +=
                u32::from(verdict.noise.as_ref().is_some_and(|n| !n.accepted));
            result.failed_spot_check +=
                u32::from(verdict.spot_check.as_ref().is_some_and(|s| !s.accepted));
            progress(&format!("{label} {}/{}", index + 1, config.jobs_per_cheat));
        }
        result.detection_rate = result.rejected as f64 / result.jobs.max(1) as f64;
        classes.push(result);
    }
    let (cost_large, visibility_large, faked_tiles_detection_large) = match config.cost_frame {
        Some(frame) => {
            let jobs = config.scenes.len() as u32;
            let runs = cost_runs(renderer, config, frame, jobs, b"cost", progress)?;
            let tiles = tile_rects(frame.0, frame.1).len() as u32;
            let detection =
                hypergeometric_detection(tiles, tiles.div_ceil(10), config.params.spot_checks);
            (Some(runs.cost), runs.visibility, Some(detection))
        }
        None => (None, Vec::new(), None),
    };
    Ok(EvalReport {
        adapter: renderer.gpu.adapter.label(),
        width: config.width,
        height: config.height,
        samples_per_pixel: config.samples_per_pixel,
        noise_objects: config.noise_objects,
        params: config.params,
        honest,
        classes,
        visibility: Visibility {
            flip_noised_vs_clean: visibility,
            flip_noised_vs_clean_large: visibility_large,
        },
        cost,
        cost_large,
        faked_tiles_detection_large,
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_probability_of_spot_checks() {
        // 44 of 920 tiles (1280×720) against 92 faked ones: at least 99 %.
        let p = hypergeometric_detection(920, 92, 44);
        assert!((0.99..0.995).contains(&p), "{p}");
        assert_eq!(hypergeometric_detection(10, 1, 10), 1.0);
        assert_eq!(hypergeometric_detection(10, 0, 5), 0.0);
    }

    #[test]
    fn upper_bound_of_zero_failures_follows_the_rule_of_three() {
        let u = upper_bound_95(0, 200);
        assert!((u - 0.0149).abs() < 2e-4, "{u}");
        assert!(upper_bound_95(1, 200) > u);
    }
}
