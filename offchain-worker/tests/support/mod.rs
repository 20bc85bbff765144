//! Test harness: one shared renderer per test binary, golden-image comparison, and glTF files
//! written by the tests themselves.
#![allow(dead_code)] // each test binary uses its own part of the harness

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use inferix_worker::compare::{self, FlipStats};
use inferix_worker::frame::{read_png_rgb8, write_png_rgb8};
use inferix_worker::render::GpuScene;
use inferix_worker::{Frame, Gpu, RenderSettings, Renderer, Scene};

pub fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        let gpu = Gpu::open(None, None).expect(
            "a Vulkan adapter (run scripts/setup to install Mesa's lavapipe on machines without a GPU)",
        );
        eprintln!("rendering on {}", gpu.adapter.label());
        Renderer::new(gpu).expect("the path tracer compiles")
    })
}

pub fn upload(scene: &Scene) -> GpuScene {
    renderer().upload(scene).expect("scene uploads")
}

pub fn render(scene: &Scene, settings: &RenderSettings) -> Frame {
    renderer()
        .render(&upload(scene), settings, &mut |_, _| {})
        .expect("render succeeds")
}

pub fn builtin(name: &str) -> Scene {
    inferix_worker::scene::builtin::by_name(name).expect("built-in scene")
}

pub fn out_dir(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(sub);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"))
}

/// Compares a frame with its golden image by FLIP. On failure the actual and difference images
/// are written to `target/tmp/golden-failures/`. A missing golden is written (and reported)
/// outside CI, and is a failure in CI.
pub fn assert_golden(name: &str, frame: &Frame, max_mean: f32, max_p99: f32) -> FlipStats {
    let path = golden_path(name);
    let actual = frame.srgb8();
    if !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "golden image {} is missing (generate it outside CI)",
            path.display()
        );
        write_png_rgb8(&path, frame.width, frame.height, &actual).unwrap();
        eprintln!("wrote new golden image {}", path.display());
    }
    let (w, h, expected) = read_png_rgb8(&path).unwrap();
    assert_eq!((w, h), (frame.width, frame.height), "golden {name} size");
    let (stats, heatmap) = compare::flip(&expected, &actual, w, h);
    if stats.mean > max_mean || stats.p99 > max_p99 {
        let dir = out_dir("golden-failures");
        write_png_rgb8(&dir.join(format!("{name}-actual.png")), w, h, &actual).unwrap();
        write_png_rgb8(&dir.join(format!("{name}-difference.png")), w, h, &heatmap).unwrap();
        panic!(
            "{name}: FLIP mean {:.4} (max {max_mean}), p99 {:.4} (max {max_p99}); actual and \
             difference images in {}",
            stats.mean,
            stats.p99,
            dir.display()
        );
    }
    stats
}

/// The folder of shared glTF sample scenes, when present.
pub fn shared_scenes() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/scenes");
    dir.is_dir().then(|| dir.canonicalize().unwrap())
}

/// A minimal valid PNG (2×2, red/green/blue/white) for embedded textures.
pub fn tiny_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, 2, 2);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[
            255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255,
        ])
        .unwrap();
    }
    out
}

/// Geometry of a generated test model: a unit quad (two triangles) with normals and UVs.
pub struct QuadMesh {
    pub bin: Vec<u8>,
}

impl QuadMesh {
    pub const POSITIONS: [[f32; 3]; 4] = [
        [-0.5, -0.5, 0.0],
        [0.5, -0.5, 0.0],
        [0.5, 0.5, 0.0],
        [-0.5, 0.5, 0.0],
    ];

    pub fn new() -> Self {
        let mut bin = Vec::new();
        for p in Self::POSITIONS {
            p.iter().for_each(|v| bin.extend(v.to_le_bytes()));
        }
        for _ in 0..4 {
            [0f32, 0.0, 1.0]
                .iter()
                .for_each(|v| bin.extend(v.to_le_bytes()));
        }
        for uv in [[0f32, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]] {
            uv.iter().for_each(|v| bin.extend(v.to_le_bytes()));
        }
        for i in [0u16, 1, 2, 0, 2, 3] {
            bin.extend(i.to_le_bytes());
        }
        Self { bin }
    }
}

/// glTF JSON for the quad mesh instanced under a translated, scaled parent node. `image` is the
/// JSON of the base-colour image (a data URI or a buffer view); `extra` is merged into the root.
pub fn quad_gltf_json(
    buffer_uri: Option<&str>,
    bin_len: usize,
    image: serde_json::Value,
    mode: u32,
) -> serde_json::Value {
    let mut buffer = serde_json::json!({ "byteLength": bin_len });
    if let Some(uri) = buffer_uri {
        buffer["uri"] = uri.into();
    }
    serde_json::json!({
        "asset": { "version": "2.0", "generator": "inferix-worker tests" },
        "scene": 0,
        "scenes": [{ "nodes": [0] }],
        "nodes": [
            { "translation": [10.0, 0.0, 0.0], "scale": [2.0, 2.0, 2.0], "children": [1] },
            { "mesh": 0 }
        ],
        "meshes": [{ "name": "quad", "primitives": [{
            "attributes": { "POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2 },
            "indices": 3, "material": 0, "mode": mode
        }]}],
        "materials": [{
            "pbrMetallicRoughness": {
                "baseColorFactor": [1.0, 1.0, 1.0, 1.0],
                "baseColorTexture": { "index": 0 },
                "metallicFactor": 0.0, "roughnessFactor": 0.8
            },
            "emissiveFactor": [0.2, 0.1, 0.0]
        }],
        "textures": [{ "source": 0 }],
        "images": [image],
        "buffers": [buffer],
        "bufferViews": [
            { "buffer": 0, "byteOffset": 0, "byteLength": 48 },
            { "buffer": 0, "byteOffset": 48, "byteLength": 48 },
            { "buffer": 0, "byteOffset": 96, "byteLength": 32 },
            { "buffer": 0, "byteOffset": 128, "byteLength": 12 }
        ],
        "accessors": [
            { "bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
              "min": [-0.5, -0.5, 0.0], "max": [0.5, 0.5, 0.0] },
            { "bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3" },
            { "bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2" },
            { "bufferView": 3, "componentType": 5123, "count": 6, "type": "SCALAR" }
        ]
    })
}

pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A `.gltf` with its buffer and image embedded as data URIs.
pub fn write_embedded_gltf(path: &Path, mode: u32, patch: impl FnOnce(&mut serde_json::Value)) {
    let mesh = QuadMesh::new();
    let uri = format!("data:application/octet-stream;base64,{}", base64(&mesh.bin));
    let image =
        serde_json::json!({ "uri": format!("data:image/png;base64,{}", base64(&tiny_png())) });
    let mut json = quad_gltf_json(Some(&uri), mesh.bin.len(), image, mode);
    patch(&mut json);
    std::fs::write(path, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
}

/// A `.glb`: JSON chunk + binary chunk holding the geometry and the PNG (as a buffer view).
pub fn write_glb(path: &Path) {
    let mesh = QuadMesh::new();
    let mut bin = mesh.bin.clone();
    bin.resize(bin.len().next_multiple_of(4), 0);
    let image_offset = bin.len();
    let png = tiny_png();
    bin.extend(&png);
    bin.resize(bin.len().next_multiple_of(4), 0);
    let image = serde_json::json!({ "bufferView": 4, "mimeType": "image/png" });
    let mut json = quad_gltf_json(None, bin.len(), image, 4);
    json["bufferViews"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "buffer": 0, "byteOffset": image_offset, "byteLength": png.len()
        }));
    json["cameras"] = serde_json::json!([{ "type": "perspective",
        "perspective": { "yfov": 0.6, "znear": 0.01 } }]);
    json["nodes"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "camera": 0, "translation": [10.0, 0.0, 5.0]
        }));
    json["scenes"][0]["nodes"] = serde_json::json!([0, 2]);
    let mut json_bytes = serde_json::to_vec(&json).unwrap();
    json_bytes.resize(json_bytes.len().next_multiple_of(4), b' ');
    let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
    let mut glb = Vec::new();
    glb.extend(b"glTF");
    glb.extend(2u32.to_le_bytes());
    glb.extend((total as u32).to_le_bytes());
    glb.extend((json_bytes.len() as u32).to_le_bytes());
    glb.extend(b"JSON");
    glb.extend(&json_bytes);
    glb.extend((bin.len() as u32).to_le_bytes());
    glb.extend(b"BIN\0");
    glb.extend(&bin);
    std::fs::write(path, glb).unwrap();
}

/// The `inferix-worker` binary built with the tests.
pub fn worker_cli() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_inferix-worker"))
}

/// Asserts the command failed and returns what it printed on stderr.
pub fn failure_message(output: std::process::Output) -> String {
    assert!(!output.status.success(), "the command succeeded");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An 8-bit RGBA PNG of `width`×`height` texels, row-major from the top-left.
pub fn png_rgba(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(rgba).unwrap();
    }
    out
}

/// Appends an embedded PNG image and a texture of it (with `sampler`, if any) to a glTF JSON;
/// returns the texture index.
pub fn add_texture(json: &mut serde_json::Value, png: &[u8], sampler: Option<usize>) -> usize {
    let images = json["images"].as_array_mut().unwrap();
    images.push(serde_json::json!({
        "uri": format!("data:image/png;base64,{}", base64(png))
    }));
    let image = images.len() - 1;
    let textures = json["textures"].as_array_mut().unwrap();
    let mut texture = serde_json::json!({ "source": image });
    if let Some(s) = sampler {
        texture["sampler"] = s.into();
    }
    textures.push(texture);
    textures.len() - 1
}

/// Side of the frames `facing_quad` scenes are rendered at.
pub const QUAD_FRAME: u32 = 60;

/// The generated quad (x 9..11, y -1..1) seen head-on by a glTF camera whose frame it fills
/// exactly, under the default lighting. `patch` edits the glTF JSON (its material 0 is the
/// quad's) before the file is written and loaded.
pub fn facing_quad(name: &str, patch: impl FnOnce(&mut serde_json::Value)) -> Scene {
    let path = out_dir("materials").join(format!("{name}.gltf"));
    write_embedded_gltf(&path, 4, |j| {
        // Half-height 1 at distance 2: tan(yfov / 2) = 0.5.
        j["cameras"] = serde_json::json!([{ "type": "perspective",
            "perspective": { "yfov": 2.0 * 0.5f64.atan(), "znear": 0.01 } }]);
        j["nodes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "camera": 0, "translation": [10.0, 0.0, 2.0] }));
        j["scenes"][0]["nodes"] = serde_json::json!([0, 2]);
        patch(j);
    });
    Scene::load(path.to_str().unwrap(), 1.0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The quad's material turned into a pure emitter of `texture` (black base, no specular
/// reflection: index of refraction 1), so that pixels show the sampled texels exactly.
pub fn show_texture_only(json: &mut serde_json::Value, texture: serde_json::Value) {
    json["materials"][0] = serde_json::json!({
        "pbrMetallicRoughness": { "baseColorFactor": [0.0, 0.0, 0.0, 1.0] },
        "emissiveFactor": [1.0, 1.0, 1.0],
        "emissiveTexture": texture,
        "extensions": { "KHR_materials_ior": { "ior": 1.0 } }
    });
}

/// sRGB pixel at (x, y) of a frame.
pub fn pixel(frame: &Frame, x: u32, y: u32) -> [u8; 3] {
    let srgb = frame.srgb8();
    let i = ((y * frame.width + x) * 3) as usize;
    [srgb[i], srgb[i + 1], srgb[i + 2]]
}

/// Mean linear RGB over the frame.
pub fn mean_linear(frame: &Frame) -> [f32; 3] {
    let mut sum = [0f64; 3];
    for texel in frame.linear_rgb.chunks_exact(3) {
        for c in 0..3 {
            sum[c] += texel[c] as f64;
        }
    }
    let n = (frame.linear_rgb.len() / 3) as f64;
    sum.map(|s| (s / n) as f32)
}

/// Appends a float accessor (`kind` "VEC2", "VEC3" or "VEC4") over its own embedded buffer to a
/// glTF JSON; returns the accessor index.
pub fn add_float_accessor(json: &mut serde_json::Value, kind: &str, values: &[f32]) -> usize {
    let components = match kind {
        "VEC2" => 2,
        "VEC3" => 3,
        _ => 4,
    };
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let buffers = json["buffers"].as_array_mut().unwrap();
    buffers.push(serde_json::json!({
        "byteLength": bytes.len(),
        "uri": format!("data:application/octet-stream;base64,{}", base64(&bytes)),
    }));
    let buffer = buffers.len() - 1;
    let views = json["bufferViews"].as_array_mut().unwrap();
    views.push(serde_json::json!({ "buffer": buffer, "byteLength": bytes.len() }));
    let view = views.len() - 1;
    let accessors = json["accessors"].as_array_mut().unwrap();
    accessors.push(serde_json::json!({
        "bufferView": view, "componentType": 5126,
        "count": values.len() / components, "type": kind
    }));
    accessors.len() - 1
}
