//! `inferix-worker job …`: the three PoR roles from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use inferix_worker::frame::{read_png_rgb8, write_png_rgb8};
use inferix_worker::gpu::Gpu;
use inferix_worker::por::eval::{CostResult, EvalReport};
use inferix_worker::por::job::{
    from_hex, read_json, write_json, Commitment, Job, VerificationKey, COMMITMENT_FORMAT,
    JOB_FORMAT, KEY_FORMAT,
};
use inferix_worker::por::manager::{self, DEFAULT_NOISE_COUNT};
use inferix_worker::por::verify::{self, Verdict, VerifyInput, VerifyParams};
use inferix_worker::por::worker::render_job;
use inferix_worker::{RenderSettings, Renderer, WorkerError};

pub const JOB_FILE: &str = "job.json";
pub const FRAME_FILE: &str = "frame.png";
pub const COMMITMENT_FILE: &str = "commitment.json";

#[derive(Subcommand)]
pub enum JobCommand {
    /// Manager: make a noised job from a scene and a secret; the key goes to verifiers only.
    Create {
        /// Built-in scene name or a .gltf/.glb path.
        #[arg(long)]
        scene: String,
        #[arg(long, default_value_t = 640)]
        width: u32,
        #[arg(long, default_value_t = 480)]
        height: u32,
        #[arg(long, default_value_t = 16)]
        spp: u32,
        #[arg(long, default_value_t = RenderSettings::DEFAULT_MAX_BOUNCES)]
        max_bounces: u32,
        /// Render seed (default: from the job id).
        #[arg(long)]
        seed: Option<u64>,
        /// Noise objects to insert (8–15).
        #[arg(long, default_value_t = DEFAULT_NOISE_COUNT)]
        noise_objects: u32,
        /// File whose bytes are the manager secret (at least 16 random bytes, e.g.
        /// `head -c 32 /dev/urandom > manager.secret`).
        #[arg(long)]
        secret_file: PathBuf,
        /// Job id as 64 hex digits (default: 32 random bytes).
        #[arg(long)]
        job_id: Option<String>,
        /// Folder for the worker's job.json.
        #[arg(long)]
        out: PathBuf,
        /// Where to write the verification key (default: key.json beside the job folder).
        #[arg(long)]
        key_out: Option<PathBuf>,
        #[arg(long)]
        adapter: Option<String>,
    },
    /// Worker: render a job folder and commit to the frame.
    Render {
        job: PathBuf,
        /// Result folder: frame.png, commitment.json and a copy of job.json.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        adapter: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Verifier: check a result folder with the job's key; exit status 1 when rejected.
    Verify {
        result: PathBuf,
        #[arg(long)]
        key: PathBuf,
        /// Verifier nonce as 64 hex digits (default: 32 random bytes, drawn after reading the
        /// commitment).
        #[arg(long)]
        nonce: Option<String>,
        /// Tiles to re-render (0: noise test only).
        #[arg(long, default_value_t = VerifyParams::default().spot_checks)]
        spot_checks: u32,
        /// Largest FLIP mean of a re-rendered tile against the committed one.
        #[arg(long, default_value_t = VerifyParams::default().tile_flip_tolerance)]
        tile_tolerance: f32,
        #[arg(long)]
        adapter: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

fn hex32(what: &str, text: &str) -> Result<[u8; 32], WorkerError> {
    from_hex::<32>(text).ok_or_else(|| {
        WorkerError::InvalidSettings(format!("{what} must be 64 hex digits, got '{text}'"))
    })
}

fn read_secret(path: &Path) -> Result<Vec<u8>, WorkerError> {
    let secret = std::fs::read(path).map_err(|e| WorkerError::from_io(path, e))?;
    manager::check_secret(&secret)?;
    Ok(secret)
}

pub fn run(command: JobCommand) -> Result<ExitCode, WorkerError> {
    match command {
        JobCommand::Create {
            scene,
            width,
            height,
            spp,
            max_bounces,
            seed,
            noise_objects,
            secret_file,
            job_id,
            out,
            key_out,
            adapter,
        } => {
            let secret = read_secret(&secret_file)?;
            let job_id = match job_id {
                Some(text) => hex32("--job-id", &text)?,
                None => random_bytes(),
            };
            let seed = seed.unwrap_or(u64::from_le_bytes(job_id[..8].try_into().expect("8")));
            let settings = RenderSettings {
                max_bounces,
                ..RenderSettings::new(width, height, spp, seed)
            };
            settings.validate()?;
            let renderer = Renderer::new(Gpu::open(adapter.as_deref(), None)?)?;
            let created =
                manager::create_job(&renderer, &scene, &settings, &secret, job_id, noise_objects)?;
            let key_path =
                key_out.unwrap_or_else(|| out.parent().unwrap_or(Path::new(".")).join("key.json"));
            write_json(&out.join(JOB_FILE), &created.job)?;
            write_json(&key_path, &created.key)?;
            println!(
                "job {} ({}x{} @ {} spp, {} noise objects from {} candidates, pre-render {:.0} ms)",
                created.job.job_id,
                width,
                height,
                spp,
                created.job.noise_objects.len(),
                created.candidates_drawn,
                created.prerender_ms
            );
            println!("  for the worker: {}", out.join(JOB_FILE).display());
            println!(
                "  verification key (verifiers only): {}",
                key_path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        JobCommand::Render {
            job,
            out,
            adapter,
            json,
        } => {
            let job_path = job.join(JOB_FILE);
            let job: Job = read_json(&job_path, JOB_FORMAT)?;
            let renderer = Renderer::new(Gpu::open(adapter.as_deref(), None)?)?;
            let rendered = render_job(&renderer, &job, &job_path, &mut |_, _| {})?;
            write_png_rgb8(&out.join(FRAME_FILE), job.width, job.height, &rendered.rgb8)?;
            write_json(&out.join(COMMITMENT_FILE), &rendered.commitment)?;
            write_json(&out.join(JOB_FILE), &job)?;
            let c = &rendered.commitment;
            if json {
                println!("{}", serde_json::to_string_pretty(c).expect("serializable"));
            } else {
                println!(
                    "rendered job {} in {:.0} ms on {}; frame root {}",
                    c.job_id, c.render_ms, c.adapter, c.frame_root
                );
                println!("  result: {}", out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        JobCommand::Verify {
            result,
            key,
            nonce,
            spot_checks,
            tile_tolerance,
            adapter,
            json,
        } => {
            let job: Job = read_json(&result.join(JOB_FILE), JOB_FORMAT)?;
            let key: VerificationKey = read_json(&key, KEY_FORMAT)?;
            let commitment: Commitment =
                read_json(&result.join(COMMITMENT_FILE), COMMITMENT_FORMAT)?;
            let (width, height, rgb8) = read_png_rgb8(&result.join(FRAME_FILE))?;
            let nonce = match nonce {
                Some(text) => hex32("--nonce", &text)?,
                None => random_bytes(),
            };
            let params = VerifyParams {
                spot_checks,
                tile_flip_tolerance: tile_tolerance,
                ..VerifyParams::default()
            };
            let renderer = if spot_checks > 0 {
                Some(Renderer::new(Gpu::open(adapter.as_deref(), None)?)?)
            } else {
                None
            };
            let input = VerifyInput {
                job: &job,
                key: &key,
                commitment: &commitment,
                width,
                height,
                rgb8: &rgb8,
            };
            let verdict = verify::verify(&input, renderer.as_ref(), &nonce, &params)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&verdict).expect("serializable")
                );
            } else {
                print_verdict(&verdict);
            }
            Ok(if verdict.accepted {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn print_verdict(v: &Verdict) {
    println!(
        "job {}: {}",
        v.job_id,
        if v.accepted { "ACCEPTED" } else { "REJECTED" }
    );
    for reason in &v.reasons {
        println!("  reason: {reason}");
    }
    if let Some(n) = &v.noise {
        println!(
            "  noise test: {}/{} regions pass (e ≥ {} and pattern match ≥ {}; need {}, honest false-alarm bound {:.1e}), {:.2} ms",
            n.passed,
            n.regions.len(),
            verify::REGION_THRESHOLD,
            verify::MIN_PATTERN_MATCH,
            n.required,
            n.false_alarm_bound,
            n.elapsed_ms
        );
        for r in &n.regions {
            println!(
                "    {}x{} at ({:>4},{:>4}): region {:7.2} envelope {:7.2} e {:7.2} match {:5.2} {}",
                r.rect.width,
                r.rect.height,
                r.rect.x,
                r.rect.y,
                r.region_energy,
                r.envelope_energy,
                r.e,
                r.pattern_match,
                if r.passed { "pass" } else { "FAIL" }
            );
        }
    }
    if let Some(s) = &v.spot_check {
        let worst = s.tiles.iter().map(|t| t.flip_mean).fold(0.0f32, f32::max);
        println!(
            "  spot check: {} tiles (nonce {}), {} differ, worst FLIP mean {:.4}, {:.0} ms",
            s.tiles.len(),
            s.nonce,
            s.tiles.iter().filter(|t| !t.passed).count(),
            worst,
            s.elapsed_ms
        );
    }
    println!("  frame root {}", v.frame_root);
    println!("  evidence hash {}", v.evidence_hash);
}

/// `WIDTHxHEIGHT` or `none`.
pub fn parse_frame(text: &str) -> Result<Option<(u32, u32)>, WorkerError> {
    if text == "none" {
        return Ok(None);
    }
    let parsed = text
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    match parsed {
        Some((w, h)) => {
            RenderSettings::new(w, h, 1, 0).validate()?;
            Ok(Some((w, h)))
        }
        None => Err(WorkerError::InvalidSettings(format!(
            "frame '{text}' is not WIDTHxHEIGHT (e.g. 1280x720) or none"
        ))),
    }
}

fn print_cost(label: &str, c: &CostResult) {
    println!(
        "{label}: {}x{}, {} jobs, render {:.0} ms; noise check {:.3} ms = {:.4} % of render; \
         with {} spot-checked tiles {:.0} ms = {:.2} %",
        c.width,
        c.height,
        c.jobs,
        c.render_ms,
        c.noise_check_ms,
        100.0 * c.noise_check_fraction,
        c.spot_checks,
        c.spot_check_ms,
        100.0 * c.with_spot_checks_fraction
    );
}

pub fn print_eval(r: &EvalReport) {
    println!(
        "PoR evaluation on {}: {}x{} @ {} spp, {} noise objects, {} spot checks, FLIP tolerance {}",
        r.adapter,
        r.width,
        r.height,
        r.samples_per_pixel,
        r.noise_objects,
        r.params.spot_checks,
        r.params.tile_flip_tolerance
    );
    let h = &r.honest;
    println!(
        "honest jobs: {}, falsely rejected {} ({:.2} %, 95 % upper bound {:.2} %); regions passing \
         {:.2} %, fewest per job {}, smallest e {:.1}, smallest pattern match {:.2}; worst tile FLIP {:.4}",
        h.jobs,
        h.false_rejections,
        100.0 * h.false_rejection_rate,
        100.0 * h.false_rejection_upper_95,
        100.0 * h.region_pass_rate,
        h.min_regions_passed,
        h.min_region_e,
        h.min_pattern_match,
        h.max_tile_flip
    );
    println!(
        "{:<20} {:>5} {:>9} {:>10} {:>11} {:>11}",
        "cheating class", "jobs", "rejected", "detection", "noise test", "spot check"
    );
    for c in &r.classes {
        println!(
            "{:<20} {:>5} {:>9} {:>9.1}% {:>11} {:>11}",
            format!("{:?}", c.class),
            c.jobs,
            c.rejected,
            100.0 * c.detection_rate,
            c.failed_noise_test,
            c.failed_spot_check
        );
    }
    let sizes = [
        ((r.width, r.height), &r.visibility.flip_noised_vs_clean),
        (
            r.cost_large
                .as_ref()
                .map_or((0, 0), |c| (c.width, c.height)),
            &r.visibility.flip_noised_vs_clean_large,
        ),
    ];
    for ((w, h), flips) in sizes {
        for (scene, flip) in flips {
            println!("noise visibility at {w}x{h}, {scene}: FLIP mean noised vs clean {flip:.5}");
        }
    }
    print_cost("cost at the evaluation size", &r.cost);
    if let Some(c) = &r.cost_large {
        print_cost("cost at the large size", c);
    }
    if let Some(p) = r.faked_tiles_detection_large {
        println!(
            "10 % faked tiles at the large size: found by {} spot checks with probability {:.2} %",
            r.params.spot_checks,
            100.0 * p
        );
    }
    println!("elapsed {:.0} s", r.elapsed_s);
}
