//! The IB benchmark (SPEC §7): figures are consistent with the reference and repeatable.

mod support;

use inferix_worker::bench::{self, BenchReference};
use support::*;

const TINY_REFERENCE: &str = r#"
provenance = "test"
[[scene]]
name = "cornell-box"
width = 16
height = 16
samples_per_pixel = 2
t0_ms = 50.0
[[scene]]
name = "neon-night"
width = 16
height = 12
samples_per_pixel = 2
t0_ms = 80.0
"#;

#[test]
fn ib_is_t0_over_the_median_frame_time_and_aggregates_by_geometric_mean() {
    let reference = BenchReference::parse(TINY_REFERENCE, "tiny").unwrap();
    let mut calls = Vec::new();
    let report = bench::run(renderer(), &reference, 3, &mut |scene, run| {
        calls.push((scene, run))
    })
    .unwrap();
    assert_eq!(calls, vec![(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    assert_eq!(report.scenes.len(), 2);
    for (s, entry) in report.scenes.iter().zip(&reference.scene) {
        assert_eq!(s.times_ms.len(), 3);
        assert!(s.min_ms <= s.median_ms && s.median_ms <= s.max_ms);
        assert!((s.ib - entry.t0_ms / s.median_ms).abs() < 1e-12);
        let samples = (entry.width * entry.height * entry.samples_per_pixel) as f64;
        assert!((s.megasamples_per_second - samples / s.median_ms / 1e3).abs() < 1e-9);
    }
    let expected = (report.scenes[0].ib * report.scenes[1].ib).sqrt();
    assert!((report.ib - expected).abs() < 1e-9);
    assert_eq!(report.ib_micros, (expected * 1e6).round() as u64);
    // The scene-set hash depends on what is measured, not on how fast.
    let again = bench::run(renderer(), &reference, 1, &mut |_, _| {}).unwrap();
    assert_eq!(again.scene_set_hash, report.scene_set_hash);
}

#[test]
fn the_cli_refuses_an_invalid_reference_file_by_name() {
    let path = out_dir("bench").join("bad-reference.toml");
    std::fs::write(&path, "provenance = 'x'\nscene = []\n").unwrap();
    let output = worker_cli()
        .args(["bench", "--reference"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = failure_message(output);
    assert!(
        stderr.contains("invalid benchmark reference") && stderr.contains("no [[scene]]"),
        "{stderr}"
    );
}

#[test]
fn the_cli_reports_the_benchmark_as_json() {
    let path = out_dir("bench").join("tiny.toml");
    std::fs::write(&path, TINY_REFERENCE).unwrap();
    let output = worker_cli()
        .args(["bench", "--json", "--runs", "2", "--reference"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["runs"], 2);
    assert_eq!(report["scenes"].as_array().unwrap().len(), 2);
    assert!(report["ib"].as_f64().unwrap() > 0.0);
    assert_eq!(report["scene_set_hash"].as_str().unwrap().len(), 64);
}
