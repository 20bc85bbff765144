//! The path tracer (SPEC §7 Renderer): golden images, determinism, convergence, device limits.

mod support;

use glam::Vec3;
use inferix_worker::compare;
use inferix_worker::scene::builtin::NAMES;
use inferix_worker::scene::{Camera, Environment, Material, Triangle};
use inferix_worker::{Gpu, PixelRect, RenderSettings, Renderer, Scene, WorkerError};
use support::*;

const GOLDEN_WIDTH: u32 = 96;
const GOLDEN_HEIGHT: u32 = 72;
const GOLDEN_SPP: u32 = 64;
const GOLDEN_SEED: u64 = 7;

/// FLIP thresholds per scene (mean, 99th percentile), set as wgpu's own image tests do, from
/// measurements. On the adapter that wrote the goldens the frames are byte-identical (FLIP 0).
/// Another adapter's float rounding sends paths elsewhere, which is statistically another
/// seed: with the GGX/MIS renderer following Cycles' light-path rules, seeds 99, 123 and 5
/// against seed 7 measured FLIP mean / p99 of 0.113–0.117 / 0.290–0.293 (cornell-box),
/// 0.038–0.039 / 0.136–0.141 (material-spheres) and 0.093–0.097 / 0.245–0.267 (neon-night).
/// Thresholds are 1.5× the worst of those; an image of another scene measured a mean of
/// 0.74–0.92, far above.
const GOLDEN_THRESHOLDS: [(&str, f32, f32); 3] = [
    ("cornell-box", 0.18, 0.44),
    ("material-spheres", 0.059, 0.22),
    ("neon-night", 0.15, 0.41),
];

fn thresholds(name: &str) -> (f32, f32) {
    let &(_, mean, p99) = GOLDEN_THRESHOLDS
        .iter()
        .find(|t| t.0 == name)
        .expect("thresholds");
    (mean, p99)
}

fn golden_settings() -> RenderSettings {
    RenderSettings::new(GOLDEN_WIDTH, GOLDEN_HEIGHT, GOLDEN_SPP, GOLDEN_SEED)
}

#[test]
fn builtin_scenes_match_their_golden_images() {
    for name in NAMES {
        let frame = render(&builtin(name), &golden_settings());
        let (max_mean, max_p99) = thresholds(name);
        let stats = assert_golden(name, &frame, max_mean, max_p99);
        eprintln!("{name}: FLIP mean {:.4} p99 {:.4}", stats.mean, stats.p99);
    }
}

#[test]
fn golden_thresholds_separate_noise_from_a_wrong_image() {
    let settings = golden_settings();
    let frames: Vec<_> = NAMES
        .iter()
        .map(|n| render(&builtin(n), &settings).srgb8())
        .collect();
    for (i, name) in NAMES.iter().enumerate() {
        let other_seed = render(
            &builtin(name),
            &RenderSettings {
                seed: 99,
                ..settings
            },
        )
        .srgb8();
        let (noise, _) = compare::flip(&frames[i], &other_seed, GOLDEN_WIDTH, GOLDEN_HEIGHT);
        eprintln!(
            "{name}: seed-to-seed FLIP mean {:.4} p99 {:.4}",
            noise.mean, noise.p99
        );
        let (max_mean, max_p99) = thresholds(name);
        assert!(
            noise.mean < max_mean && noise.p99 < max_p99,
            "{name}: {noise:?}"
        );
        let other_scene = &frames[(i + 1) % NAMES.len()];
        let (wrong, _) = compare::flip(&frames[i], other_scene, GOLDEN_WIDTH, GOLDEN_HEIGHT);
        assert!(
            wrong.mean > 3.0 * max_mean,
            "{name} vs another scene: {wrong:?}"
        );
    }
}

#[test]
fn same_seed_renders_byte_identical_frames_and_another_seed_differs() {
    let scene = builtin("material-spheres");
    let settings = RenderSettings::new(48, 32, 8, 42);
    let first = render(&scene, &settings);
    let second = render(&scene, &settings);
    let bits =
        |f: &inferix_worker::Frame| f.linear_rgb.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&first), bits(&second));
    assert_eq!(first.srgb8(), second.srgb8());
    let reseeded = render(
        &scene,
        &RenderSettings {
            seed: 43,
            ..settings
        },
    );
    assert_ne!(first.srgb8(), reseeded.srgb8());
}

#[test]
fn a_region_renders_exactly_the_pixels_of_the_full_frame() {
    // PoR spot checks re-render single tiles: they must reproduce the full frame bit for bit.
    let scene = builtin("cornell-box");
    let settings = RenderSettings::new(40, 30, 8, 5);
    let full = render(&scene, &settings);
    let rect = PixelRect {
        x: 13,
        y: 9,
        width: 17,
        height: 11,
    };
    let tile = render(
        &scene,
        &RenderSettings {
            region: Some(rect),
            ..settings
        },
    );
    assert_eq!((tile.width, tile.height), (17, 11));
    for y in 0..rect.height {
        for x in 0..rect.width {
            let f = ((rect.y + y) * settings.width + rect.x + x) as usize * 3;
            let t = (y * rect.width + x) as usize * 3;
            assert_eq!(
                full.linear_rgb[f..f + 3]
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>(),
                tile.linear_rgb[t..t + 3]
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>(),
                "pixel ({}, {})",
                rect.x + x,
                rect.y + y
            );
        }
    }
}

#[test]
fn error_against_a_high_sample_reference_falls_as_samples_grow() {
    let scene = builtin("material-spheres");
    let (w, h) = (40, 30);
    let reference = render(&scene, &RenderSettings::new(w, h, 1024, 1_000_001));
    let errors: Vec<f64> = [4, 16, 64]
        .iter()
        .map(|&spp| {
            compare::rmse(
                &render(&scene, &RenderSettings::new(w, h, spp, 3)).linear_rgb,
                &reference.linear_rgb,
            )
        })
        .collect();
    eprintln!("RMSE at 4 / 16 / 64 spp: {errors:?}");
    // Monte Carlo error halves for every 4x samples; require at least a 1.5x drop per step.
    assert!(errors[0] > 1.5 * errors[1], "{errors:?}");
    assert!(errors[1] > 1.5 * errors[2], "{errors:?}");
}

#[test]
fn empty_scene_shows_only_the_environment() {
    let scene = builtin("material-spheres").background_only();
    let frame = render(&scene, &RenderSettings::new(16, 16, 2, 1));
    // Upper half looks at the sky, lower half at the ground colour: both non-black.
    assert!(frame.linear_rgb.iter().all(|&v| v > 0.1));
}

/// A wall in view that light reaches only after one bounce: the lamp sits behind the camera, a
/// screen hides it from the wall, and a side wall sees both.
fn one_bounce_room() -> Scene {
    let quad = |corner: Vec3, u: Vec3, v: Vec3, material: u32| {
        [
            Triangle::flat([corner, corner + u, corner + u + v], material),
            Triangle::flat([corner, corner + u + v, corner + v], material),
        ]
    };
    let (lamp, white) = (0, 1);
    let triangles = [
        // The wall in view, 2 m in front of the camera.
        quad(
            Vec3::new(-1.0, -1.0, -2.0),
            2.0 * Vec3::X,
            2.0 * Vec3::Y,
            white,
        ),
        // The side wall, at x = 3 from behind the lamp to past the wall in view.
        quad(
            Vec3::new(3.0, -3.0, -3.0),
            5.0 * Vec3::Z,
            6.0 * Vec3::Y,
            white,
        ),
        // The screen, behind the camera, between the lamp and the wall in view.
        quad(
            Vec3::new(-1.0, -3.0, 0.5),
            2.0 * Vec3::X,
            6.0 * Vec3::Y,
            white,
        ),
        quad(
            Vec3::new(-0.1, -0.1, 1.0),
            0.2 * Vec3::X,
            0.2 * Vec3::Y,
            lamp,
        ),
    ]
    .concat();
    Scene {
        name: "one-bounce-room".into(),
        triangles,
        materials: vec![Material::emissive([2000.0; 3]), Material::diffuse([0.8; 3])],
        textures: Vec::new(),
        camera: Camera::look_at(Vec3::ZERO, -Vec3::Z, Vec3::Y, 30.0),
        environment: Environment::black(),
    }
}

#[test]
fn max_bounces_counts_the_surfaces_after_the_camera_hit_as_cycles_does() {
    // Cycles' "total bounces" 1 is direct light plus one indirect bounce; the wall in view gets
    // only indirect light, which a count that stopped at the camera's hit would leave black.
    let room = one_bounce_room();
    let mean = |max_bounces: u32| {
        let settings = RenderSettings {
            max_bounces,
            ..RenderSettings::new(16, 16, 64, 1)
        };
        let frame = render(&room, &settings);
        frame.linear_rgb.iter().sum::<f32>() / frame.linear_rgb.len() as f32
    };
    let (one, eight) = (mean(1), mean(8));
    eprintln!("wall in view: {one:.4} at 1 bounce, {eight:.4} at 8");
    assert!(one > 0.01, "{one}");
    assert!(
        eight >= one,
        "more bounces only add light: {one} then {eight}"
    );
}

#[test]
fn a_scene_beyond_the_device_buffer_limits_is_refused_by_name() {
    let small_device = wgpu::Limits {
        max_storage_buffer_binding_size: 256 * 1024,
        ..wgpu::Limits::default()
    };
    let renderer = Renderer::new(Gpu::open(None, Some(small_device)).unwrap()).unwrap();
    // 6,402 triangles × 80 bytes of shading data = 512,160 bytes > 256 KiB.
    let err = renderer
        .upload(&builtin("material-spheres"))
        .err()
        .expect("refused");
    match &err {
        WorkerError::SceneTooLarge {
            what,
            needed_bytes,
            limit_bytes,
        } => {
            assert_eq!(*limit_bytes, 256 * 1024);
            assert!(*needed_bytes > *limit_bytes);
            assert!(
                what.contains("triangles") || what.contains("shading"),
                "{what}"
            );
        }
        other => panic!("expected SceneTooLarge, got {other}"),
    }
    assert!(err.to_string().contains("scene too large for this device"));
    // The frame buffer is held to the same limit: 200×200 pixels × 16 bytes > 256 KiB.
    let scene = renderer
        .upload(&builtin("cornell-box").background_only())
        .unwrap();
    let err = renderer
        .render(&scene, &RenderSettings::new(200, 200, 1, 0), &mut |_, _| {})
        .expect_err("refused");
    assert!(
        matches!(err, WorkerError::SceneTooLarge { ref what, .. } if what.contains("frame buffer"))
    );
}

#[test]
fn invalid_settings_are_refused_before_rendering() {
    let scene = upload(&builtin("cornell-box"));
    for (settings, expected) in [
        (RenderSettings::new(0, 10, 1, 0), "empty"),
        (RenderSettings::new(10, 10, 0, 0), "samples per pixel"),
        (
            RenderSettings {
                max_bounces: 0,
                ..RenderSettings::new(10, 10, 1, 0)
            },
            "max bounces",
        ),
        (
            RenderSettings {
                region: Some(PixelRect {
                    x: 5,
                    y: 5,
                    width: 6,
                    height: 1,
                }),
                ..RenderSettings::new(10, 10, 1, 0)
            },
            "not inside",
        ),
    ] {
        let err = renderer()
            .render(&scene, &settings, &mut |_, _| {})
            .expect_err("refused");
        assert!(matches!(err, WorkerError::InvalidSettings(_)), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn progress_reports_every_pass_up_to_the_sample_count() {
    // Sky only, so 5 million samples take no time.
    let scene = upload(&builtin("material-spheres").background_only());
    let mut reports = Vec::new();
    renderer()
        .render(
            &scene,
            &RenderSettings::new(512, 512, 20, 0),
            &mut |done, total| reports.push((done, total)),
        )
        .unwrap();
    // 512×512 pixels: 8 samples per pass (2^21 samples per dispatch) → 8, 16, 20.
    assert_eq!(reports, vec![(8, 20), (16, 20), (20, 20)]);
    // Small frames: at most 16 samples per invocation and pass.
    reports.clear();
    renderer()
        .render(
            &scene,
            &RenderSettings::new(8, 8, 40, 0),
            &mut |done, total| reports.push((done, total)),
        )
        .unwrap();
    assert_eq!(reports, vec![(16, 40), (32, 40), (40, 40)]);
}
