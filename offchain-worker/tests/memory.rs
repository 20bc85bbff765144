//! A node renders all day for months: repeated uploads and renders in one process must not make
//! it grow. This file holds one test so that the process's resident memory is its own.

mod support;

use inferix_worker::scene::builtin::NAMES;
use inferix_worker::{PixelRect, RenderSettings};
use support::*;

/// Renders and uploads before the baseline is taken: allocator pools, pipeline caches and the
/// driver's first-use state settle during these.
const WARM_UP_ROUNDS: u32 = 30;
const MEASURED_ROUNDS: u32 = 300;
/// A new scene upload every this many rounds (30 uploads over the measured rounds).
const ROUNDS_PER_UPLOAD: u32 = 10;
const MAX_GROWTH_BYTES: u64 = 32 << 20;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("resident pages in statm");
    pages * 4096
}

/// Frames as a worker and a verifier render them, small: whole frames of two sizes, several
/// passes (16 samples per pass), and single spot-check tiles.
fn settings_of_round(round: u32) -> RenderSettings {
    let mut settings = RenderSettings::new(24, 16, 1 + round % 40, u64::from(round));
    if round.is_multiple_of(3) {
        settings.width = 40;
        settings.height = 30;
    }
    if round.is_multiple_of(5) {
        settings.region = Some(PixelRect {
            x: 8,
            y: 4,
            width: 8,
            height: 8,
        });
    }
    settings
}

#[test]
fn resident_memory_stays_flat_over_hundreds_of_renders_and_uploads() {
    let scenes: Vec<_> = NAMES.iter().map(|name| builtin(name)).collect();
    let mut uploaded = upload(&scenes[0]);
    let mut run_round = |round: u32| {
        if round.is_multiple_of(ROUNDS_PER_UPLOAD) {
            uploaded = upload(&scenes[(round / ROUNDS_PER_UPLOAD) as usize % scenes.len()]);
        }
        renderer()
            .render(&uploaded, &settings_of_round(round), &mut |_, _| {})
            .expect("render succeeds");
    };
    for round in 0..WARM_UP_ROUNDS {
        run_round(round);
    }
    let baseline = resident_bytes();
    let mut highest = baseline;
    for round in WARM_UP_ROUNDS..WARM_UP_ROUNDS + MEASURED_ROUNDS {
        run_round(round);
        highest = highest.max(resident_bytes());
    }
    let mib = |bytes: u64| bytes as f64 / (1u64 << 20) as f64;
    eprintln!(
        "resident memory: {:.1} MiB after {WARM_UP_ROUNDS} warm-up rounds, at most {:.1} MiB over \
         {MEASURED_ROUNDS} more renders and {} uploads",
        mib(baseline),
        mib(highest),
        MEASURED_ROUNDS / ROUNDS_PER_UPLOAD
    );
    assert!(
        highest - baseline <= MAX_GROWTH_BYTES,
        "resident memory grew by {:.1} MiB (at most {:.0} MiB allowed): something is kept per \
         render or upload",
        mib(highest - baseline),
        mib(MAX_GROWTH_BYTES)
    );
}
