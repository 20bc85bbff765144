//! A [`Scene`] as a self-contained glTF 2.0 file (`.gltf`, buffers and images as data URIs),
//! so that other renderers — Blender Cycles in `scripts/compare-cycles` — can render exactly
//! the built-in scenes. Written in world space: one node, one mesh with one primitive per
//! material, and a camera node. Lighting is not part of core glTF: the environment is given
//! separately (`inferix-worker scene-info`).

use base64::Engine;
use glam::{Mat3, Quat};
use serde_json::{json, Value};

use super::{AlphaMode, Scene, Surface, TextureRef, Wrap, DEFAULT_IOR};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The glTF JSON of `scene`.
pub fn to_gltf(scene: &Scene) -> Value {
    let mut bin: Vec<u8> = Vec::new();
    let mut views = Vec::new();
    let mut accessors = Vec::new();
    let mut primitives = Vec::new();
    let mut push_floats = |values: &[f32], kind: &str, bounds: bool| -> usize {
        let offset = bin.len();
        values.iter().for_each(|v| bin.extend(v.to_le_bytes()));
        views.push(json!({ "buffer": 0, "byteOffset": offset, "byteLength": values.len() * 4 }));
        let components = if kind == "VEC3" { 3 } else { 2 };
        let mut accessor = json!({ "bufferView": views.len() - 1, "componentType": 5126,
            "count": values.len() / components, "type": kind });
        if bounds {
            let axis = |k: usize, f: fn(f32, f32) -> f32, start: f32| {
                values
                    .iter()
                    .skip(k)
                    .step_by(3)
                    .fold(start, |a, &v| f(a, v))
            };
            accessor["min"] = json!([0, 1, 2].map(|k| axis(k, f32::min, f32::INFINITY)));
            accessor["max"] = json!([0, 1, 2].map(|k| axis(k, f32::max, f32::NEG_INFINITY)));
        }
        accessors.push(accessor);
        accessors.len() - 1
    };
    for material in 0..scene.materials.len() as u32 {
        let triangles: Vec<_> = scene
            .triangles
            .iter()
            .filter(|t| t.material == material)
            .collect();
        if triangles.is_empty() {
            continue;
        }
        let positions: Vec<f32> = triangles
            .iter()
            .flat_map(|t| t.positions.iter().flat_map(|p| p.to_array()))
            .collect();
        let normals: Vec<f32> = triangles
            .iter()
            .flat_map(|t| t.normals.iter().flat_map(|n| n.to_array()))
            .collect();
        let uvs: Vec<f32> = triangles.iter().flat_map(|t| t.uvs.concat()).collect();
        let position = push_floats(&positions, "VEC3", true);
        let normal = push_floats(&normals, "VEC3", false);
        let uv = push_floats(&uvs, "VEC2", false);
        primitives.push(json!({
            "attributes": { "POSITION": position, "NORMAL": normal, "TEXCOORD_0": uv },
            "material": material
        }));
    }

    let mut samplers = Vec::new();
    let mut textures = Vec::new();
    let mut texture_info = |t: TextureRef| -> Value {
        let wrap = |w: Wrap| match w {
            Wrap::Repeat => 10497,
            Wrap::ClampToEdge => 33071,
            Wrap::MirroredRepeat => 33648,
        };
        samplers.push(json!({
            "wrapS": wrap(t.wrap_u), "wrapT": wrap(t.wrap_v),
            "magFilter": if t.nearest { 9728 } else { 9729 }
        }));
        textures.push(json!({ "source": t.texture, "sampler": samplers.len() - 1 }));
        let [r0, r1] = t.uv_transform;
        let mut info = json!({ "index": textures.len() - 1, "texCoord": t.uv_set });
        if t.uv_transform != TextureRef::IDENTITY_TRANSFORM {
            // Offset · rotation · scale, read back from the matrix rows.
            let scale = [r0[0].hypot(r1[0]), r0[1].hypot(r1[1])];
            let rotation = (-r1[0]).atan2(r0[0]);
            info["extensions"] = json!({ "KHR_texture_transform": {
                "offset": [r0[2], r1[2]], "rotation": rotation, "scale": scale } });
        }
        info
    };
    let mut extensions_used = std::collections::BTreeSet::new();
    let materials: Vec<Value> = scene
        .materials
        .iter()
        .map(|m| {
            let (metallic, roughness, ior, transmission) = match m.surface {
                Surface::Standard {
                    metallic,
                    roughness,
                    ior,
                    transmission,
                } => (metallic, roughness, ior, transmission),
                Surface::Glass { ior } => (0.0, 0.0, ior, 1.0),
            };
            let [r, g, b] = m.base_color;
            let mut pbr = json!({ "baseColorFactor": [r, g, b, m.base_alpha],
                "metallicFactor": metallic, "roughnessFactor": roughness });
            if let Some(t) = m.base_color_texture {
                pbr["baseColorTexture"] = texture_info(t);
            }
            if let Some(t) = m.metallic_roughness_texture {
                pbr["metallicRoughnessTexture"] = texture_info(t);
            }
            let mut out = json!({ "pbrMetallicRoughness": pbr, "doubleSided": m.double_sided });
            let mut extensions = serde_json::Map::new();
            // glTF emissive factors stay within [0, 1]; brighter emission is a strength.
            let strength = m.emission.iter().cloned().fold(0.0f32, f32::max);
            if strength > 0.0 {
                out["emissiveFactor"] = json!(m.emission.map(|c| c / strength.max(1.0)));
                if strength > 1.0 {
                    extensions.insert(
                        "KHR_materials_emissive_strength".into(),
                        json!({ "emissiveStrength": strength }),
                    );
                }
            }
            if let Some(t) = m.emissive_texture {
                out["emissiveTexture"] = texture_info(t);
            }
            if let Some((t, scale)) = m.normal_texture {
                let mut info = texture_info(t);
                info["scale"] = scale.into();
                out["normalTexture"] = info;
            }
            if transmission > 0.0 {
                let mut ext = json!({ "transmissionFactor": transmission });
                if let Some(t) = m.transmission_texture {
                    ext["transmissionTexture"] = texture_info(t);
                }
                extensions.insert("KHR_materials_transmission".into(), ext);
            }
            if ior != DEFAULT_IOR {
                extensions.insert("KHR_materials_ior".into(), json!({ "ior": ior }));
            }
            match m.alpha_mode {
                AlphaMode::Opaque => {}
                AlphaMode::Mask { cutoff } => {
                    out["alphaMode"] = "MASK".into();
                    out["alphaCutoff"] = cutoff.into();
                }
                AlphaMode::Blend => out["alphaMode"] = "BLEND".into(),
            }
            extensions_used.extend(extensions.keys().cloned());
            if !extensions.is_empty() {
                out["extensions"] = Value::Object(extensions);
            }
            out
        })
        .collect();
    let images: Vec<Value> = scene
        .textures
        .iter()
        .map(|t| {
            let mut png = Vec::new();
            {
                let mut e = png::Encoder::new(&mut png, t.width, t.height);
                e.set_color(png::ColorType::Rgba);
                e.set_depth(png::BitDepth::Eight);
                let mut w = e.write_header().expect("PNG header into memory");
                w.write_image_data(&t.rgba8).expect("PNG data into memory");
            }
            json!({ "uri": format!("data:image/png;base64,{}", BASE64.encode(&png)) })
        })
        .collect();

    let c = &scene.camera;
    let right = c.forward.cross(c.up).normalize();
    // glTF cameras look down their local -Z with +Y up.
    let rotation = Quat::from_mat3(&Mat3::from_cols(right, c.up, -c.forward)).normalize();
    let mut root = json!({
        "asset": { "version": "2.0", "generator": "inferix-worker export-gltf" },
        "scene": 0,
        "scenes": [{ "name": scene.name, "nodes": [0, 1] }],
        "nodes": [
            { "name": "geometry", "mesh": 0 },
            { "name": "camera", "camera": 0, "translation": c.position.to_array(),
              "rotation": rotation.to_array() }
        ],
        "cameras": [{ "type": "perspective", "perspective": {
            "yfov": c.vertical_fov_radians, "znear": 1e-3 } }],
        "meshes": [{ "name": scene.name, "primitives": primitives }],
        "materials": materials,
        "buffers": [{ "byteLength": bin.len(),
            "uri": format!("data:application/octet-stream;base64,{}", BASE64.encode(&bin)) }],
        "bufferViews": views,
        "accessors": accessors,
    });
    for (key, list) in [
        ("samplers", samplers),
        ("textures", textures),
        ("images", images),
    ] {
        if !list.is_empty() {
            root[key] = Value::Array(list);
        }
    }
    if !extensions_used.is_empty() {
        root["extensionsUsed"] = json!(extensions_used);
    }
    root
}
