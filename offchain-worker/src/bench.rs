//! The IB benchmark (SPEC §7): render the benchmark scene set, time each frame (T_G) over
//! repeated runs, and compare with the standard unit node's reference times: IB_G = T0_G / T_G
//! per scene; the node's IB is the geometric mean over the set (no single scene dominates).

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::WorkerError;
use crate::hex;
use crate::render::{RenderSettings, Renderer};
use crate::scene::Scene;

/// The reference shipped with the worker (governance may publish a newer one; pass it with
/// `--reference`).
pub const DEFAULT_REFERENCE: &str = include_str!("../bench-reference.toml");
/// Domain tag of the scene-set hash carried by `Benchmark` attestations.
const SCENE_SET_TAG: &[u8; 8] = b"IFXBSET1";
/// Fixed seed: every node renders exactly the same frames.
const BENCH_SEED: u64 = 0x1f_e41c_be9c;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct BenchScene {
    /// A built-in scene name (or a glTF path).
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    /// Frame time of the standard unit node, milliseconds.
    pub t0_ms: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct BenchReference {
    /// Where the reference times come from, printed with every report.
    pub provenance: String,
    pub scene: Vec<BenchScene>,
}

impl BenchReference {
    pub fn parse(text: &str, origin: &str) -> Result<BenchReference, WorkerError> {
        let invalid = |reason: String| WorkerError::InvalidBenchReference {
            path: origin.to_string(),
            reason,
        };
        let reference: BenchReference = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if reference.scene.is_empty() {
            return Err(invalid("no [[scene]] entries".into()));
        }
        for s in &reference.scene {
            if !(s.t0_ms.is_finite() && s.t0_ms > 0.0) {
                return Err(invalid(format!(
                    "{}: t0_ms must be a positive number",
                    s.name
                )));
            }
            RenderSettings::new(s.width, s.height, s.samples_per_pixel, BENCH_SEED)
                .validate()
                .map_err(|e| invalid(format!("{}: {e}", s.name)))?;
        }
        Ok(reference)
    }

    pub fn load(path: Option<&Path>) -> Result<BenchReference, WorkerError> {
        match path {
            None => Self::parse(DEFAULT_REFERENCE, "built-in bench-reference.toml"),
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| WorkerError::InvalidBenchReference {
                        path: p.display().to_string(),
                        reason: e.to_string(),
                    })?;
                Self::parse(&text, &p.display().to_string())
            }
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SceneTiming {
    pub name: String,
    pub content_hash: String,
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub t0_ms: f64,
    pub times_ms: Vec<f64>,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// (max − min) / median, percent.
    pub spread_percent: f64,
    pub megasamples_per_second: f64,
    pub ib: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub adapter: String,
    pub reference_provenance: String,
    pub runs: u32,
    pub scene_set_hash: String,
    pub scenes: Vec<SceneTiming>,
    pub ib: f64,
    /// IB in the on-chain unit (SPEC §1: 6 decimals).
    pub ib_micros: u64,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Identifies exactly what was measured: each scene's content and settings and the reference
/// times compared against.
pub fn scene_set_hash(reference: &BenchReference, scenes: &[Scene]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(SCENE_SET_TAG);
    for (entry, scene) in reference.scene.iter().zip(scenes) {
        h.update(scene.content_hash());
        h.update(entry.width.to_le_bytes());
        h.update(entry.height.to_le_bytes());
        h.update(entry.samples_per_pixel.to_le_bytes());
        h.update(RenderSettings::DEFAULT_MAX_BOUNCES.to_le_bytes());
        h.update(((entry.t0_ms * 1000.0).round() as u64).to_le_bytes());
    }
    h.finalize().into()
}

/// Runs the benchmark: per scene one untimed warm-up frame, then `runs` timed frames.
/// `progress(scene_index, run_index)` is called before each timed frame.
pub fn run(
    renderer: &Renderer,
    reference: &BenchReference,
    runs: u32,
    progress: &mut dyn FnMut(usize, u32),
) -> Result<BenchReport, WorkerError> {
    if runs == 0 {
        return Err(WorkerError::InvalidSettings(
            "at least one benchmark run".into(),
        ));
    }
    let scenes: Vec<Scene> = reference
        .scene
        .iter()
        .map(|s| Scene::load(&s.name, s.width as f32 / s.height as f32))
        .collect::<Result<_, _>>()?;
    let mut timings = Vec::new();
    for (index, (entry, scene)) in reference.scene.iter().zip(&scenes).enumerate() {
        let uploaded = renderer.upload(scene)?;
        let settings = RenderSettings::new(
            entry.width,
            entry.height,
            entry.samples_per_pixel,
            BENCH_SEED,
        );
        renderer.render(
            &uploaded,
            &RenderSettings {
                samples_per_pixel: 1,
                ..settings
            },
            &mut |_, _| {},
        )?;
        let mut times_ms = Vec::new();
        for run in 0..runs {
            progress(index, run);
            let started = Instant::now();
            renderer.render(&uploaded, &settings, &mut |_, _| {})?;
            times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let mut sorted = times_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let median_ms = median(&sorted);
        let samples = entry.width as f64 * entry.height as f64 * entry.samples_per_pixel as f64;
        timings.push(SceneTiming {
            name: entry.name.clone(),
            content_hash: hex(&scene.content_hash()),
            width: entry.width,
            height: entry.height,
            samples_per_pixel: entry.samples_per_pixel,
            t0_ms: entry.t0_ms,
            min_ms: sorted[0],
            max_ms: sorted[sorted.len() - 1],
            spread_percent: (sorted[sorted.len() - 1] - sorted[0]) / median_ms * 100.0,
            megasamples_per_second: samples / (median_ms / 1000.0) / 1e6,
            ib: entry.t0_ms / median_ms,
            median_ms,
            times_ms,
        });
    }
    let ib = geometric_mean(timings.iter().map(|t| t.ib));
    Ok(BenchReport {
        adapter: renderer.gpu.adapter.label(),
        reference_provenance: reference.provenance.clone(),
        runs,
        scene_set_hash: hex(&scene_set_hash(reference, &scenes)),
        scenes: timings,
        ib,
        ib_micros: (ib * 1e6).round() as u64,
    })
}

/// IB from one frame time per reference scene (in the reference's order): the geometric mean
/// of T0 / T over the set, in the on-chain unit (millionths).
pub fn ib_micros_from_frame_times(reference: &BenchReference, frame_ms: &[f64]) -> u64 {
    let ib = geometric_mean(
        reference
            .scene
            .iter()
            .zip(frame_ms)
            .map(|(s, t)| s.t0_ms / t.max(1e-3)),
    );
    (ib * 1e6).round() as u64
}

fn geometric_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum_ln, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v.ln(), n + 1));
    (sum_ln / n.max(1) as f64).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_reference_parses_and_names_builtin_scenes() {
        let r = BenchReference::load(None).unwrap();
        assert!(r.scene.len() >= 3);
        for s in &r.scene {
            assert!(
                crate::scene::builtin::by_name(&s.name).is_some(),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn invalid_references_are_refused_with_the_reason() {
        let bad = [
            ("provenance = 'x'\nscene = []", "no [[scene]]"),
            (
                "provenance = 'x'\n[[scene]]\nname = 'cornell-box'\nwidth = 8\nheight = 8\nsamples_per_pixel = 1\nt0_ms = 0.0",
                "positive",
            ),
            (
                "provenance = 'x'\n[[scene]]\nname = 'cornell-box'\nwidth = 0\nheight = 8\nsamples_per_pixel = 1\nt0_ms = 1.0",
                "empty",
            ),
            ("not toml [", "invalid"),
        ];
        for (text, expected) in bad {
            let err = BenchReference::parse(text, "test.toml").unwrap_err();
            assert!(matches!(err, WorkerError::InvalidBenchReference { .. }));
            assert!(err.to_string().to_lowercase().contains(expected), "{err}");
        }
    }

    #[test]
    fn ib_aggregates_by_geometric_mean() {
        let ib = geometric_mean([2.0, 0.5, 1.0].into_iter());
        assert!((ib - 1.0).abs() < 1e-12);
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }

    #[test]
    fn scene_set_hash_changes_with_settings_and_reference_times() {
        let r = BenchReference::load(None).unwrap();
        let scenes: Vec<Scene> = r
            .scene
            .iter()
            .map(|s| Scene::load(&s.name, 1.0).unwrap())
            .collect();
        let base = scene_set_hash(&r, &scenes);
        let mut slower = r.clone();
        slower.scene[0].t0_ms += 1.0;
        assert_ne!(base, scene_set_hash(&slower, &scenes));
        let mut bigger = r.clone();
        bigger.scene[0].width += 1;
        assert_ne!(base, scene_set_hash(&bigger, &scenes));
        assert_eq!(base, scene_set_hash(&r, &scenes));
    }
}
