//! Proof of Rendering: HMAC placement, the noise objects' geometric constraints, the three
//! roles through the CLI, and a small por-eval in which every cheating class is rejected.

mod support;

use glam::Vec3;
use inferix_worker::bvh::{self, Bvh};
use inferix_worker::por::eval::{self, EvalConfig};
use inferix_worker::por::job::{read_json, Job, VerificationKey, JOB_FORMAT, KEY_FORMAT};
use inferix_worker::por::laplacian::envelope;
use inferix_worker::por::manager::{self, create_job, overlaps, project, sample_grid, CreatedJob};
use inferix_worker::scene::{builtin::NAMES, Aabb};
use inferix_worker::{RenderSettings, WorkerError};
use support::{failure_message, out_dir, renderer, worker_cli};

const SECRET: &[u8] = b"a manager secret of 32 bytes....";
const WIDTH: u32 = 160;
const HEIGHT: u32 = 120;

fn job(scene: &str, secret: &[u8], job_id: [u8; 32]) -> CreatedJob {
    let settings = RenderSettings::new(WIDTH, HEIGHT, 8, 7);
    create_job(renderer(), scene, &settings, secret, job_id, 12).expect("placing noise")
}

fn rects(created: &CreatedJob) -> Vec<inferix_worker::PixelRect> {
    created.key.regions.iter().map(|r| r.rect).collect()
}

#[test]
fn placement_is_deterministic_per_secret_and_job_and_unpredictable_without_the_secret() {
    let a = job("material-spheres", SECRET, [1; 32]);
    let again = job("material-spheres", SECRET, [1; 32]);
    assert_eq!(a.job, again.job);
    assert_eq!(a.key, again.key);
    // Another secret or another job id: other positions, sizes and patterns.
    for other in [
        job(
            "material-spheres",
            b"another manager secret, 32 bytes",
            [1; 32],
        ),
        job("material-spheres", SECRET, [2; 32]),
    ] {
        let shared = rects(&a)
            .iter()
            .filter(|r| rects(&other).contains(r))
            .count();
        assert!(shared <= 1, "{shared} of 12 regions coincide");
        assert_ne!(a.key.job_hash, other.key.job_hash);
    }
    assert!(matches!(
        create_job(renderer(), "cornell-box", &RenderSettings::new(WIDTH, HEIGHT, 8, 7), b"short", [1; 32], 12),
        Err(WorkerError::InvalidSettings(m)) if m.contains("at least 16")
    ));
    assert!(matches!(
        create_job(renderer(), "cornell-box", &RenderSettings::new(WIDTH, HEIGHT, 8, 7), SECRET, [1; 32], 16),
        Err(WorkerError::InvalidSettings(m)) if m.contains("8..=15")
    ));
    assert!(matches!(
        create_job(renderer(), "cornell-box", &RenderSettings::new(40, 30, 8, 7), SECRET, [1; 32], 12),
        Err(WorkerError::PorPlacement(m)) if m.contains("fit in a 40x30 frame")
    ));
}

#[test]
fn every_noise_object_meets_the_geometric_constraints_on_every_builtin_scene() {
    for scene_name in NAMES {
        let created = job(scene_name, SECRET, [9; 32]);
        let clean = created
            .job
            .load_clean_scene(std::path::Path::new("job"))
            .unwrap();
        let noised = created
            .job
            .noised_scene(&clean, std::path::Path::new("job"))
            .unwrap();
        let bounds: Vec<Aabb> = clean.triangles.iter().map(Aabb::of_triangle).collect();
        let clean_bvh = Bvh::build(&bounds);
        let camera = clean.camera;
        let aspect = WIDTH as f32 / HEIGHT as f32;
        assert_eq!(created.job.noise_objects.len(), 12, "{scene_name}");
        for (i, (object, region)) in created
            .job
            .noise_objects
            .iter()
            .zip(&created.key.regions)
            .enumerate()
        {
            let what = format!("{scene_name} noise object {i}");
            let rect = region.rect;
            // Size: a 4–7 px square.
            assert!(
                manager::NOISE_SIZE_RANGE.contains(&rect.width) && rect.width == rect.height,
                "{what}"
            );
            // Frustum: its corners project exactly onto the region's pixel corners, in front of
            // the camera, and its envelope lies inside the frame.
            let corners = [
                (rect.x, rect.y),
                (rect.x + rect.width, rect.y),
                (rect.x + rect.width, rect.y + rect.height),
                (rect.x, rect.y + rect.height),
            ];
            let mut depths = vec![];
            for (corner, (px, py)) in object.corners.iter().zip(corners) {
                let (fx, fy, depth) = project(&clean, Vec3::from(*corner), WIDTH, HEIGHT);
                assert!(
                    (fx * WIDTH as f32 - px as f32).abs() < 1e-2,
                    "{what}: x {fx}"
                );
                assert!(
                    (fy * HEIGHT as f32 - py as f32).abs() < 1e-2,
                    "{what}: y {fy}"
                );
                assert!(depth > 0.0, "{what}");
                depths.push(depth);
            }
            let env = envelope(&rect);
            assert!(
                env.x >= 1
                    && env.y >= 1
                    && env.x + env.width < WIDTH
                    && env.y + env.height < HEIGHT,
                "{what}"
            );
            // Facing the camera: a plane perpendicular to the view direction.
            assert!(
                depths
                    .iter()
                    .all(|d| (d - depths[0]).abs() < 1e-4 * depths[0]),
                "{what}: {depths:?}"
            );
            // Non-overlapping: no other object's envelope touches this one's.
            for (j, other) in created.key.regions.iter().enumerate() {
                assert!(
                    j == i || !overlaps(&env, &envelope(&other.rect)),
                    "{what} overlaps {j}"
                );
            }
            // Unoccluded: every ray through the region reaches the quad before any scene surface.
            for (fx, fy) in sample_grid(&rect, WIDTH, HEIGHT) {
                let dir = camera.ray_direction(aspect, fx, fy);
                let quad_distance = depths[0] * dir.length();
                if let Some(t) = bvh::closest_hit(
                    &clean_bvh,
                    &clean.triangles,
                    camera.position,
                    dir.normalize(),
                ) {
                    assert!(
                        t > quad_distance * 1.5,
                        "{what}: surface at {t} in front of the quad at {quad_distance}"
                    );
                }
            }
        }
        assert_eq!(noised.triangles.len(), clean.triangles.len() + 24);
    }
}

#[test]
fn small_por_eval_rejects_every_cheating_class_and_accepts_honest_jobs() {
    let config = EvalConfig {
        width: WIDTH,
        height: HEIGHT,
        honest_jobs: 3,
        jobs_per_cheat: 1,
        cost_frame: None,
        ..EvalConfig::default()
    };
    let report = eval::run(renderer(), &config, &mut |_| {}).unwrap();
    assert_eq!(report.honest.jobs, 3);
    assert_eq!(report.honest.false_rejections, 0, "{:?}", report.honest);
    // The pooled rule is designed for regions passing with probability ≥ 0.95.
    assert!(report.honest.region_pass_rate >= 0.9, "{:?}", report.honest);
    assert_eq!(
        report.honest.max_tile_flip, 0.0,
        "same adapter, same seed: identical tiles"
    );
    assert_eq!(report.classes.len(), eval::Cheat::ALL.len());
    for class in &report.classes {
        assert_eq!(
            class.rejected, class.jobs,
            "{:?} slipped through",
            class.class
        );
    }
    // The noise test alone catches frames that lack the job's noise.
    for class in &report.classes {
        if matches!(
            class.class,
            eval::Cheat::WrongScene | eval::Cheat::ReusedFrame
        ) {
            assert_eq!(class.failed_noise_test, class.jobs, "{:?}", class.class);
        }
    }
    assert!(report.cost.noise_check_fraction < 0.01, "{:?}", report.cost);
    // Twelve squares cover about 2 % of this small frame; at production sizes the share (and
    // the FLIP mean) is a hundred times smaller (docs/por.md has the 1280×720 figures).
    for (scene, flip) in &report.visibility.flip_noised_vs_clean {
        assert!(
            *flip > 0.0 && *flip < 0.1,
            "{scene}: noise too visible ({flip})"
        );
    }
}

#[test]
fn job_roles_through_the_cli_accept_honest_work_and_reject_a_tampered_frame() {
    let dir = out_dir("por-cli");
    std::fs::write(dir.join("manager.secret"), SECRET).unwrap();
    let run = |args: &[&str]| worker_cli().args(args).current_dir(&dir).output().unwrap();
    let create = |out: &str, key: &str, job_id: &str| {
        run(&[
            "job",
            "create",
            "--scene",
            "neon-night",
            "--width",
            "160",
            "--height",
            "120",
            "--spp",
            "8",
            "--secret-file",
            "manager.secret",
            "--job-id",
            job_id,
            "--out",
            out,
            "--key-out",
            key,
        ])
    };
    let created = create("job", "key.json", &"1a".repeat(32));
    assert!(created.status.success(), "{}", failure_message(created));
    let job: Job = read_json(&dir.join("job/job.json"), JOB_FORMAT).unwrap();
    let key: VerificationKey = read_json(&dir.join("key.json"), KEY_FORMAT).unwrap();
    assert_eq!(job.job_id, key.job_id);
    let job_text = std::fs::read_to_string(dir.join("job/job.json")).unwrap();
    assert!(
        !job_text.contains("regions") && !job_text.contains("job_hash"),
        "the worker's job holds no key"
    );

    let rendered = run(&["job", "render", "job", "--out", "result"]);
    assert!(rendered.status.success(), "{}", failure_message(rendered));
    let verified = run(&["job", "verify", "result", "--key", "key.json", "--json"]);
    assert!(verified.status.success(), "{}", failure_message(verified));
    let verdict: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(verdict["accepted"], true);
    assert!(
        verdict["noise"]["passed"].as_u64().unwrap() >= 8,
        "{verdict}"
    );
    assert_eq!(verdict["spot_check"]["tiles"].as_array().unwrap().len(), 20);

    // One pixel changed after the commitment: the root no longer matches.
    let (w, h, mut rgb) =
        inferix_worker::frame::read_png_rgb8(&dir.join("result/frame.png")).unwrap();
    rgb[1000] ^= 0x40;
    inferix_worker::frame::write_png_rgb8(&dir.join("result/frame.png"), w, h, &rgb).unwrap();
    let tampered = run(&[
        "job",
        "verify",
        "result",
        "--key",
        "key.json",
        "--spot-checks",
        "0",
    ]);
    assert_eq!(tampered.status.code(), Some(1));
    let text = String::from_utf8_lossy(&tampered.stdout);
    assert!(
        text.contains("REJECTED") && text.contains("does not match the committed tile root"),
        "{text}"
    );

    // A key of another job is refused by name, as is a file that is not a PoR job.
    let other = create("job2", "key2.json", &"2b".repeat(32));
    assert!(other.status.success(), "{}", failure_message(other));
    let mismatch = run(&["job", "verify", "result", "--key", "key2.json"]);
    let err = String::from_utf8_lossy(&mismatch.stderr).to_string();
    assert!(
        !mismatch.status.success() && err.contains("do not belong together"),
        "{err}"
    );
    let mut bad_key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("key.json")).unwrap()).unwrap();
    bad_key["regions"][0]["rect"]["x"] = 100_000.into();
    std::fs::write(dir.join("bad-key.json"), bad_key.to_string()).unwrap();
    let outside = run(&["job", "verify", "result", "--key", "bad-key.json"]);
    assert!(failure_message(outside).contains("a region outside the frame"));
    let wrong_file = run(&["job", "verify", "result", "--key", "job/job.json"]);
    let err = String::from_utf8_lossy(&wrong_file.stderr).to_string();
    assert!(err.contains("expected a 'inferix-por-key/1' file"), "{err}");
}
