//! Scene loading (SPEC §7): the shared Khronos models, glTF files the tests write themselves,
//! and every refusal with its named error.

mod support;

use std::path::PathBuf;

use glam::Vec3;
use inferix_worker::compare;
use inferix_worker::scene::{Material, Surface};
use inferix_worker::{RenderSettings, Scene, WorkerError};
use support::*;

fn temp(name: &str) -> PathBuf {
    out_dir("scenes").join(name)
}

#[test]
fn every_shared_model_loads_renders_and_covers_the_frame() {
    let Some(dir) = shared_scenes() else {
        eprintln!("SKIPPED: ../shared/scenes is absent; the shared glTF models were not tested");
        return;
    };
    // (model file, triangles placed in the default scene)
    let models = [
        ("Box/Box.glb", 12),
        ("BoxTextured/BoxTextured.glb", 12),
        ("Duck/Duck.glb", 4212),
        ("Avocado/Avocado.gltf", 682),
        ("DamagedHelmet/DamagedHelmet.glb", 15452),
        ("CesiumMilkTruck/CesiumMilkTruck.glb", 3624),
        ("WaterBottle/WaterBottle.gltf", 4510),
    ];
    let settings = RenderSettings::new(64, 48, 4, 1);
    for (file, triangles) in models {
        let path = dir.join(file);
        let scene = Scene::load(path.to_str().unwrap(), 64.0 / 48.0)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            scene.triangles.len() <= triangles && scene.triangles.len() + 8 >= triangles,
            "{file}: {} triangles, {triangles} expected (degenerate ones are dropped)",
            scene.triangles.len()
        );
        let frame = render(&scene, &settings).srgb8();
        let background = render(&scene.background_only(), &settings).srgb8();
        let covered = compare::coverage(&frame, &background, 4);
        eprintln!(
            "{file}: {} triangles, {:.1} % of pixels covered",
            scene.triangles.len(),
            covered * 100.0
        );
        assert!(
            covered > 0.02,
            "{file}: only {:.2} % of the frame differs from the background",
            covered * 100.0
        );
    }
}

#[test]
fn textured_models_bring_their_base_color_and_emissive_maps() {
    let Some(dir) = shared_scenes() else {
        eprintln!("SKIPPED: ../shared/scenes is absent");
        return;
    };
    let helmet = Scene::load(
        dir.join("DamagedHelmet/DamagedHelmet.glb")
            .to_str()
            .unwrap(),
        1.0,
    )
    .unwrap();
    let m = &helmet.materials[0];
    assert!(m.base_color_texture.is_some() && m.emissive_texture.is_some());
    assert!(m.metallic_roughness_texture.is_some() && m.normal_texture.is_some());
    assert_eq!(
        helmet.textures.len(),
        4,
        "base colour, metallic-roughness, normal and emissive are decoded; occlusion is checked \
         and left out"
    );
    // No TANGENT in the file: MikkTSpace tangents, orthogonal to the normals.
    for t in helmet.triangles.iter().take(100) {
        for corner in 0..3 {
            let tangent = t.tangents[corner];
            assert!(tangent.w.abs() == 1.0, "{tangent}");
            assert!(tangent.truncate().dot(t.normals[corner]).abs() < 1e-2);
        }
    }
    let truck = Scene::load(
        dir.join("CesiumMilkTruck/CesiumMilkTruck.glb")
            .to_str()
            .unwrap(),
        1.0,
    )
    .unwrap();
    assert_eq!(truck.materials.len(), 4);
}

#[test]
fn a_generated_gltf_with_embedded_data_loads_with_its_node_transforms() {
    let path = temp("embedded.gltf");
    write_embedded_gltf(&path, 4, |_| {});
    let scene = Scene::load(path.to_str().unwrap(), 1.0).unwrap();
    assert_eq!(scene.triangles.len(), 2);
    // Parent node: translate x by 10, scale by 2 → the unit quad spans x 9..11, y -1..1.
    let b = scene.bounds();
    assert_eq!(b.min, Vec3::new(9.0, -1.0, 0.0));
    assert_eq!(b.max, Vec3::new(11.0, 1.0, 0.0));
    let m = &scene.materials[0];
    assert_eq!(scene.textures[0].width, 2);
    assert_eq!(&scene.textures[0].rgba8[..4], &[255, 0, 0, 255]);
    assert_eq!(m.base_color_texture.map(|t| t.texture), Some(0));
    assert_eq!(m.emission, [0.2, 0.1, 0.0]);
    // No camera in the file: the automatic framing looks at the quad.
    assert!(
        (scene
            .camera
            .forward
            .dot((Vec3::new(10.0, 0.0, 0.0) - scene.camera.position).normalize())
            - 1.0)
            .abs()
            < 1e-4
    );
    let frame = render(&scene, &RenderSettings::new(32, 32, 2, 0)).srgb8();
    let background = render(&scene.background_only(), &RenderSettings::new(32, 32, 2, 0)).srgb8();
    assert!(compare::coverage(&frame, &background, 4) > 0.1);
}

#[test]
fn a_generated_glb_loads_its_embedded_texture_and_camera() {
    let path = temp("model.glb");
    write_glb(&path);
    let scene = Scene::load(path.to_str().unwrap(), 1.0).unwrap();
    assert_eq!(scene.triangles.len(), 2);
    assert_eq!(scene.textures.len(), 1);
    assert_eq!(scene.camera.position, Vec3::new(10.0, 0.0, 5.0));
    assert_eq!(scene.camera.forward, Vec3::new(0.0, 0.0, -1.0));
    assert!((scene.camera.vertical_fov_radians - 0.6).abs() < 1e-6);
    // Strips are read too: the same four vertices as a strip give two triangles.
    let strip = temp("strip.gltf");
    write_embedded_gltf(&strip, 5, |j| {
        j["accessors"][3]["count"] = 4.into();
    });
    assert_eq!(
        Scene::load(strip.to_str().unwrap(), 1.0)
            .unwrap()
            .triangles
            .len(),
        2
    );
}

#[test]
fn a_missing_file_is_named() {
    let err = Scene::load("/nonexistent/model.glb", 1.0).unwrap_err();
    assert!(
        matches!(err, WorkerError::SceneNotFound { ref path } if path == "/nonexistent/model.glb"),
        "{err}"
    );
}

#[test]
fn corrupt_files_are_refused_with_the_reason() {
    let garbage = temp("garbage.glb");
    std::fs::write(&garbage, b"glTF\x02\x00\x00\x00 this is not a model").unwrap();
    let bad_json = temp("bad.gltf");
    std::fs::write(&bad_json, b"{ \"asset\": { \"version\": ").unwrap();
    let missing_bin = temp("missing-bin.gltf");
    write_embedded_gltf(&missing_bin, 4, |j| {
        j["buffers"][0]["uri"] = "missing.bin".into();
    });
    let bad_index = temp("bad-index.gltf");
    write_embedded_gltf(&bad_index, 4, |j| {
        // Two vertices left, but the indices still name vertices 2 and 3.
        j["accessors"][0]["count"] = 2.into();
        j["bufferViews"][0]["byteLength"] = 24.into();
    });
    for (path, expected) in [
        (&garbage, ""),
        (&bad_json, "EOF"),
        (&missing_bin, "buffer"),
        (&bad_index, "index 2 out of range (2 vertices)"),
    ] {
        let err = Scene::load(path.to_str().unwrap(), 1.0).unwrap_err();
        assert!(
            matches!(err, WorkerError::CorruptScene { .. }),
            "{}: {err}",
            path.display()
        );
        assert!(err.to_string().contains(expected), "{err}");
        eprintln!("{err}");
    }
}

#[test]
fn unsupported_gltf_features_are_named() {
    let draco = temp("draco.gltf");
    write_embedded_gltf(&draco, 4, |j| {
        j["extensionsUsed"] = serde_json::json!(["KHR_draco_mesh_compression"]);
        j["extensionsRequired"] = serde_json::json!(["KHR_draco_mesh_compression"]);
    });
    let lines = temp("lines.gltf");
    write_embedded_gltf(&lines, 1, |_| {});
    let ortho = temp("ortho.gltf");
    write_embedded_gltf(&ortho, 4, |j| {
        j["cameras"] = serde_json::json!([{ "type": "orthographic",
            "orthographic": { "xmag": 1.0, "ymag": 1.0, "znear": 0.1, "zfar": 10.0 } }]);
        j["nodes"][1]["camera"] = 0.into();
    });
    let uv2 = temp("uv2.gltf");
    write_embedded_gltf(&uv2, 4, |j| {
        j["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"]["texCoord"] = 2.into();
    });
    let clearcoat = temp("clearcoat.gltf");
    write_embedded_gltf(&clearcoat, 4, |j| {
        j["extensionsUsed"] = serde_json::json!(["KHR_materials_clearcoat"]);
        j["extensionsRequired"] = serde_json::json!(["KHR_materials_clearcoat"]);
    });
    for (path, feature) in [
        (&draco, "required extension KHR_draco_mesh_compression"),
        (&lines, "primitive mode Lines in mesh 'quad'"),
        (&ortho, "orthographic camera"),
        (&uv2, "material 0 base-color texture on TEXCOORD_2"),
        (&clearcoat, "required extension KHR_materials_clearcoat"),
    ] {
        let err = Scene::load(path.to_str().unwrap(), 1.0).unwrap_err();
        assert!(matches!(err, WorkerError::UnsupportedGltf { .. }), "{err}");
        assert!(err.to_string().contains(feature), "{err}");
    }
}

#[test]
fn missing_textures_and_malformed_samplers_are_named() {
    let missing_image = temp("missing-image.gltf");
    write_embedded_gltf(&missing_image, 4, |j| {
        j["images"][0] = serde_json::json!({ "uri": "no-such-texture.png" });
    });
    let missing_texture = temp("missing-texture.gltf");
    write_embedded_gltf(&missing_texture, 4, |j| {
        j["materials"][0]["normalTexture"] = serde_json::json!({ "index": 3 });
    });
    let missing_source = temp("missing-source.gltf");
    write_embedded_gltf(&missing_source, 4, |j| {
        j["textures"][0]["source"] = 5.into();
    });
    for (path, reference) in [
        (&missing_image, "image 0 'no-such-texture.png'"),
        (
            &missing_texture,
            "material 0 normalTexture (texture 3 does not exist",
        ),
        (&missing_source, "texture 0 (its image 5 does not exist"),
    ] {
        let err = Scene::load(path.to_str().unwrap(), 1.0).unwrap_err();
        assert!(matches!(err, WorkerError::MissingTexture { .. }), "{err}");
        assert!(err.to_string().contains(reference), "{err}");
    }

    let bad_wrap = temp("bad-wrap.gltf");
    write_embedded_gltf(&bad_wrap, 4, |j| {
        j["samplers"] = serde_json::json!([{ "wrapS": 12345 }]);
        j["textures"][0]["sampler"] = 0.into();
    });
    let bad_filter = temp("bad-filter.gltf");
    write_embedded_gltf(&bad_filter, 4, |j| {
        j["samplers"] = serde_json::json!([{ "magFilter": 9987 }]);
        j["textures"][0]["sampler"] = 0.into();
    });
    let no_sampler = temp("no-sampler.gltf");
    write_embedded_gltf(&no_sampler, 4, |j| {
        j["textures"][0]["sampler"] = 2.into();
    });
    for (path, reason) in [
        (&bad_wrap, "sampler 0: wrapS is not 33071, 33648 or 10497"),
        (&bad_filter, "sampler 0: magFilter is not 9728 or 9729"),
        (
            &no_sampler,
            "sampler 2: texture 0 names it, but the file has 0 sampler(s)",
        ),
    ] {
        let err = Scene::load(path.to_str().unwrap(), 1.0).unwrap_err();
        assert!(matches!(err, WorkerError::MalformedSampler { .. }), "{err}");
        assert!(err.to_string().contains(reason), "{err}");
    }
}

#[test]
fn the_cli_names_the_package_when_no_adapter_exists() {
    // Point the Vulkan loader at a driver manifest that does not exist: no adapter at all.
    let output = worker_cli()
        .args(["adapters"])
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .output()
        .unwrap();
    let stderr = failure_message(output);
    assert!(stderr.contains("no Vulkan adapter found"), "{stderr}");
    assert!(stderr.contains("mesa-vulkan-drivers"), "{stderr}");
}

#[test]
fn the_cli_renders_a_png_and_the_linear_buffer() {
    let out = out_dir("cli");
    let png = out.join("frame.png");
    let pfm = out.join("frame.pfm");
    let output = worker_cli()
        .args([
            "render",
            "--scene",
            "cornell-box",
            "--width",
            "24",
            "--height",
            "16",
            "--spp",
            "2",
            "--seed",
            "9",
        ])
        .arg("--out")
        .arg(&png)
        .arg("--linear-out")
        .arg(&pfm)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["scene"], "cornell-box");
    let (w, h, _) = inferix_worker::frame::read_png_rgb8(&png).unwrap();
    assert_eq!((w, h), (24, 16));
    assert_eq!(
        std::fs::read(&pfm).unwrap().len(),
        "PF\n24 16\n-1.0\n".len() + 24 * 16 * 12
    );

    let bad = worker_cli()
        .args(["render", "--scene", "no-such-scene", "--out"])
        .arg(&png)
        .output()
        .unwrap();
    let stderr = failure_message(bad);
    assert!(
        stderr.contains("unknown scene 'no-such-scene'") && stderr.contains("cornell-box"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_scene_path_is_an_io_error_naming_it() {
    // A directory named like a model: it exists, so this is not "not found".
    let dir = temp("folder.glb");
    std::fs::create_dir_all(&dir).unwrap();
    let err = Scene::load(dir.to_str().unwrap(), 1.0).unwrap_err();
    assert!(
        matches!(err, WorkerError::Io { ref path, .. } if path == dir.to_str().unwrap()),
        "{err}"
    );
}

#[test]
fn an_unknown_adapter_lists_the_available_ones() {
    let err = inferix_worker::Gpu::open(Some("no-such-gpu"), None)
        .err()
        .expect("refused");
    assert!(
        matches!(err, WorkerError::AdapterNotFound { ref requested, .. } if requested == "no-such-gpu"),
        "{err}"
    );
    assert!(err.to_string().contains("0: "), "{err}");
    let err = inferix_worker::Gpu::open(Some("99"), None)
        .err()
        .expect("refused");
    assert!(matches!(err, WorkerError::AdapterNotFound { .. }), "{err}");
}

#[test]
fn an_unwritable_output_is_named_and_leaves_nothing() {
    // The parent of the output is a regular file: nothing can be created under it.
    let blocker = temp("blocker");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let frame = inferix_worker::Frame {
        width: 1,
        height: 1,
        linear_rgb: vec![0.5; 3],
    };
    let target = blocker.join("frame.png");
    let err = frame.write_png(&target).unwrap_err();
    assert!(
        matches!(err, WorkerError::Output { ref path, .. } if path == target.to_str().unwrap()),
        "{err}"
    );
    assert_eq!(std::fs::read(&blocker).unwrap(), b"not a folder");
}

#[test]
fn exported_builtins_reload_as_the_same_scene() {
    for name in inferix_worker::scene::builtin::NAMES {
        let original = builtin(name);
        let path = temp(&format!("{name}.gltf"));
        let output = worker_cli()
            .args(["export-gltf", "--scene", name, "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let mut reloaded = Scene::load(path.to_str().unwrap(), 1.0).unwrap();
        assert_eq!(reloaded.triangles.len(), original.triangles.len(), "{name}");
        assert_eq!(reloaded.textures, original.textures, "{name}");
        assert_eq!(reloaded.materials.len(), original.materials.len(), "{name}");
        for (r, o) in reloaded.materials.iter().zip(&original.materials) {
            let emission_error = (0..3)
                .map(|c| (r.emission[c] - o.emission[c]).abs())
                .fold(0.0, f32::max);
            assert!(emission_error < 1e-5, "{name}: {r:?} vs {o:?}");
            // Glass is written as a transmissive smooth dielectric.
            let surface = match o.surface {
                Surface::Glass { ior } => Surface::Standard {
                    metallic: 0.0,
                    roughness: 0.0,
                    ior,
                    transmission: 1.0,
                },
                standard => standard,
            };
            assert_eq!(r.surface, surface, "{name}");
            assert_eq!(
                Material {
                    emission: o.emission,
                    surface: o.surface,
                    ..*r
                },
                *o,
                "{name}"
            );
        }
        let c = (reloaded.camera, original.camera);
        assert!((c.0.position - c.1.position).length() < 1e-4, "{name}");
        assert!((c.0.forward - c.1.forward).length() < 1e-5, "{name}");
        assert!((c.0.up - c.1.up).length() < 1e-5, "{name}");
        // Lights are not part of core glTF: with the original's environment the frames agree
        // to within sampling noise (triangles are grouped by material, so paths differ).
        reloaded.environment = original.environment;
        let settings = RenderSettings::new(96, 72, 64, 7);
        let (stats, _) = compare::flip(
            &render(&original, &settings).srgb8(),
            &render(&reloaded, &settings).srgb8(),
            96,
            72,
        );
        eprintln!("{name}: FLIP mean {:.4} p99 {:.4}", stats.mean, stats.p99);
        assert!(stats.mean < 0.14, "{name}: {stats:?}");
    }
}
