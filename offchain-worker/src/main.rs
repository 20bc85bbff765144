//! `inferix-worker`: render scenes, list adapters, run the IB benchmark, compare images.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod chain_commands;
mod por_commands;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use inferix_worker::bench::{self, BenchReference};
use inferix_worker::compare;
use inferix_worker::frame::{read_png_rgb8, write_png_rgb8};
use inferix_worker::gpu::{self, Gpu};
use inferix_worker::por::eval::{self, EvalConfig};
use inferix_worker::por::verify::VerifyParams;
use inferix_worker::{hex, RenderSettings, Renderer, Scene, WorkerError};

#[derive(Parser)]
#[command(
    name = "inferix-worker",
    version,
    about = "Inferix worker: path tracer, IB benchmark, Proof of Rendering, on-chain attestations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A scene to load, and the frame size a scene without a camera of its own is framed for.
#[derive(clap::Args)]
struct SceneArgs {
    /// Built-in scene name or a .gltf/.glb path.
    #[arg(long)]
    scene: String,
    #[arg(long, default_value_t = 512)]
    width: u32,
    #[arg(long, default_value_t = 512)]
    height: u32,
}

impl SceneArgs {
    fn load(&self) -> Result<Scene, WorkerError> {
        Scene::load(&self.scene, self.width as f32 / self.height.max(1) as f32)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Render a built-in scene or a glTF file to PNG (and optionally the linear float buffer).
    Render {
        #[command(flatten)]
        frame: SceneArgs,
        /// Samples per pixel.
        #[arg(long, default_value_t = 64)]
        spp: u32,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Bounces after the camera's hit, as Cycles' "total bounces".
        #[arg(long, default_value_t = RenderSettings::DEFAULT_MAX_BOUNCES)]
        max_bounces: u32,
        /// 8-bit sRGB PNG output.
        #[arg(long)]
        out: PathBuf,
        /// Also write the linear float buffer as a PFM file.
        #[arg(long)]
        linear_out: Option<PathBuf>,
        /// Adapter index or part of its name (see `adapters`).
        #[arg(long)]
        adapter: Option<String>,
        /// Print a JSON summary instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the Vulkan adapters this machine offers.
    Adapters {
        #[arg(long)]
        json: bool,
    },
    /// Run the IB benchmark against the reference times.
    Bench {
        #[arg(long)]
        json: bool,
        /// Timed runs per scene.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Reference times file (defaults to the one shipped with the worker).
        #[arg(long)]
        reference: Option<PathBuf>,
        #[arg(long)]
        adapter: Option<String>,
    },
    /// Describe a scene: content hash, size, camera and lighting (JSON).
    SceneInfo {
        #[command(flatten)]
        scene: SceneArgs,
    },
    /// Write a scene as one self-contained glTF 2.0 file, for other renderers (Blender).
    ExportGltf {
        #[command(flatten)]
        scene: SceneArgs,
        #[arg(long)]
        out: PathBuf,
    },
    /// Proof of Rendering: create a noised job (manager), render it (worker), verify it.
    Job {
        #[command(subcommand)]
        action: por_commands::JobCommand,
    },
    /// Sign PorAttestation, Benchmark and Violation messages and submit them on-chain.
    Chain {
        #[command(subcommand)]
        action: chain_commands::ChainCommand,
    },
    /// Measure PoR: detection per cheating class, false rejections, noise visibility, cost.
    PorEval {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = EvalConfig::default().width)]
        width: u32,
        #[arg(long, default_value_t = EvalConfig::default().height)]
        height: u32,
        #[arg(long, default_value_t = EvalConfig::default().samples_per_pixel)]
        spp: u32,
        #[arg(long, default_value_t = EvalConfig::default().honest_jobs)]
        honest_jobs: u32,
        #[arg(long, default_value_t = EvalConfig::default().jobs_per_cheat)]
        jobs_per_cheat: u32,
        #[arg(long, default_value_t = EvalConfig::default().noise_objects)]
        noise_objects: u32,
        /// Tiles each verification re-renders.
        #[arg(long, default_value_t = VerifyParams::default().spot_checks)]
        spot_checks: u32,
        /// Frame of the separate cost runs, WIDTHxHEIGHT, or "none".
        #[arg(long, default_value = "1280x720")]
        cost_frame: String,
        #[arg(long)]
        adapter: Option<String>,
    },
    /// Perceptual difference (FLIP) of two PNG images of the same size.
    Compare {
        reference: PathBuf,
        test: PathBuf,
        /// Write the colour-mapped error image here.
        #[arg(long)]
        heatmap: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn progress_bar(total: u64, what: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    Some(bar)
}

fn run(cli: Cli) -> Result<ExitCode, WorkerError> {
    match cli.command {
        Command::Job { action } => return por_commands::run(action),
        Command::Chain { action } => chain_commands::run(action)?,
        Command::PorEval {
            json,
            width,
            height,
            spp,
            honest_jobs,
            jobs_per_cheat,
            noise_objects,
            spot_checks,
            cost_frame,
            adapter,
        } => {
            let config = EvalConfig {
                width,
                height,
                samples_per_pixel: spp,
                honest_jobs,
                jobs_per_cheat,
                noise_objects,
                params: VerifyParams {
                    spot_checks,
                    ..VerifyParams::default()
                },
                cost_frame: por_commands::parse_frame(&cost_frame)?,
                ..EvalConfig::default()
            };
            RenderSettings::new(width, height, spp, 0).validate()?;
            let renderer = Renderer::new(Gpu::open(adapter.as_deref(), None)?)?;
            let report = eval::run(&renderer, &config, &mut |line| eprintln!("{line}"))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("serializable")
                );
            } else {
                por_commands::print_eval(&report);
            }
        }
        Command::Render {
            frame,
            spp,
            seed,
            max_bounces,
            out,
            linear_out,
            adapter,
            json,
        } => {
            let (width, height) = (frame.width, frame.height);
            let settings = RenderSettings {
                max_bounces,
                ..RenderSettings::new(width, height, spp, seed)
            };
            settings.validate()?;
            let scene = frame.load()?;
            let renderer = Renderer::new(Gpu::open(adapter.as_deref(), None)?)?;
            let uploaded = renderer.upload(&scene)?;
            let bar = progress_bar(spp as u64, &scene.name);
            let started = Instant::now();
            let frame = renderer.render(&uploaded, &settings, &mut |done, _| {
                if let Some(b) = &bar {
                    b.set_position(done as u64);
                }
            })?;
            let seconds = started.elapsed().as_secs_f64();
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            frame.write_png(&out)?;
            if let Some(path) = &linear_out {
                frame.write_pfm(path)?;
            }
            let samples = width as f64 * height as f64 * spp as f64;
            let summary = json!({
                "scene": scene.name,
                "content_hash": hex(&scene.content_hash()),
                "triangles": scene.triangles.len(),
                "adapter": renderer.gpu.adapter.label(),
                "width": width, "height": height, "spp": spp, "seed": seed,
                "render_seconds": seconds,
                "megasamples_per_second": samples / seconds / 1e6,
                "frame_sha256": hex(&sha256(&frame.srgb8())),
                "png": out.display().to_string(),
                "linear": linear_out.map(|p| p.display().to_string()),
            });
            if json {
                println!("{summary:#}");
            } else {
                println!(
                    "{} ({} triangles) {}x{} at {} spp on {}: {:.2} s, {:.2} Msamples/s -> {}",
                    scene.name,
                    scene.triangles.len(),
                    width,
                    height,
                    spp,
                    renderer.gpu.adapter.label(),
                    seconds,
                    samples / seconds / 1e6,
                    out.display()
                );
            }
        }
        Command::Adapters { json } => {
            let list = gpu::list_adapters()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("serializable")
                );
            } else {
                for a in list {
                    println!("{}: {}", a.index, a.label());
                }
            }
        }
        Command::Bench {
            json,
            runs,
            reference,
            adapter,
        } => {
            let reference = BenchReference::load(reference.as_deref())?;
            let renderer = Renderer::new(Gpu::open(adapter.as_deref(), None)?)?;
            let total = reference.scene.len() as u64 * runs as u64;
            let bar = progress_bar(total, "benchmark");
            let report = bench::run(&renderer, &reference, runs, &mut |scene, run| {
                if let Some(b) = &bar {
                    b.set_position(scene as u64 * runs as u64 + run as u64);
                }
            })?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("serializable")
                );
            } else {
                println!("adapter: {}", report.adapter);
                println!("reference: {}", report.reference_provenance);
                println!(
                    "{:<18} {:>9} {:>10} {:>10} {:>10} {:>8} {:>9} {:>7}",
                    "scene", "size", "T0 ms", "T_G ms", "min..max", "spread", "Msamp/s", "IB"
                );
                for s in &report.scenes {
                    println!(
                        "{:<18} {:>9} {:>10.1} {:>10.1} {:>10} {:>7.1}% {:>9.3} {:>7.3}",
                        s.name,
                        format!("{}x{}@{}", s.width, s.height, s.samples_per_pixel),
                        s.t0_ms,
                        s.median_ms,
                        format!("{:.0}..{:.0}", s.min_ms, s.max_ms),
                        s.spread_percent,
                        s.megasamples_per_second,
                        s.ib
                    );
                }
                println!(
                    "IB = {:.4} (geometric mean over {} scenes, median of {} runs) = {} ib_micros",
                    report.ib,
                    report.scenes.len(),
                    report.runs,
                    report.ib_micros
                );
                println!("scene set hash: {}", report.scene_set_hash);
            }
        }
        Command::SceneInfo { scene } => {
            let scene = scene.load()?;
            let c = &scene.camera;
            let e = &scene.environment;
            let bounds = scene.bounds();
            let info = json!({
                "name": scene.name,
                "content_hash": hex(&scene.content_hash()),
                "triangles": scene.triangles.len(),
                "materials": scene.materials.len(),
                "textures": scene.textures.len(),
                "bounds": { "min": bounds.min.to_array(), "max": bounds.max.to_array() },
                "camera": {
                    "position": c.position.to_array(),
                    "forward": c.forward.to_array(),
                    "up": c.up.to_array(),
                    "vertical_fov_degrees": c.vertical_fov_radians.to_degrees(),
                },
                "environment": {
                    "zenith": e.zenith, "horizon": e.horizon, "ground": e.ground,
                    "sun": e.sun.map(|s| json!({
                        "direction": s.direction.to_array(),
                        "irradiance": s.irradiance,
                    })),
                },
            });
            println!("{info:#}");
        }
        Command::ExportGltf { scene, out } => {
            let scene = scene.load()?;
            let gltf = inferix_worker::scene::gltf_export::to_gltf(&scene);
            inferix_worker::frame::write_file(&out, gltf.to_string().as_bytes())?;
            println!(
                "wrote {} ({} triangles)",
                out.display(),
                scene.triangles.len()
            );
        }
        Command::Compare {
            reference,
            test,
            heatmap,
            json,
        } => {
            let (rw, rh, r) = read_png_rgb8(&reference)?;
            let (tw, th, t) = read_png_rgb8(&test)?;
            if (rw, rh) != (tw, th) {
                return Err(WorkerError::InvalidSettings(format!(
                    "images differ in size: {rw}x{rh} and {tw}x{th}"
                )));
            }
            let (stats, map) = compare::flip(&r, &t, rw, rh);
            if let Some(path) = &heatmap {
                write_png_rgb8(path, rw, rh, &map)?;
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&stats).expect("serializable")
                );
            } else {
                println!(
                    "FLIP mean {:.4}, p95 {:.4}, p99 {:.4}, max {:.4}",
                    stats.mean, stats.p95, stats.p99, stats.max
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

fn main() -> ExitCode {
    // Mesa's Vulkan drivers print an error on every start when XDG_RUNTIME_DIR is unset (as on
    // headless servers and containers); give them the temporary directory. Still one thread here.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
