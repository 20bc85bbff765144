//! glTF materials as a customer sees them in Blender (SPEC §14): samplers, texture transforms,
//! UV sets, vertex colours, alpha modes, single-sided surfaces, normal, metallic-roughness and
//! transmission maps, and an energy check of the GGX BSDF with multiple importance sampling.
//! Each test renders the generated quad head-on (`facing_quad`), which fills the frame.

mod support;

use glam::Vec3;
use inferix_worker::scene::{Camera, Environment, Material, Triangle};
use inferix_worker::{compare, Frame, RenderSettings, Scene};
use serde_json::{json, Value};
use support::*;

fn settings(samples_per_pixel: u32) -> RenderSettings {
    RenderSettings::new(QUAD_FRAME, QUAD_FRAME, samples_per_pixel, 7)
}

/// The test texture (`tiny_png`): red, green on the top row; blue, white below.
const TEXELS: [[[u8; 3]; 2]; 2] = [[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]];

/// The texel a texture coordinate in [−1, 2] lands on in a 2-texel axis, under a wrap mode
/// (33071 clamp, 33648 mirrored repeat, 10497 repeat), with nearest filtering.
fn texel_index(coordinate: f32, wrap: u32) -> usize {
    let unwrapped = (coordinate * 2.0).floor() as i32;
    (match wrap {
        33071 => unwrapped.clamp(0, 1),
        33648 => {
            let m = unwrapped.rem_euclid(4);
            if m >= 2 {
                3 - m
            } else {
                m
            }
        }
        _ => unwrapped.rem_euclid(2),
    }) as usize
}

fn assert_close(actual: [u8; 3], expected: [u8; 3], what: &str) {
    assert!(
        actual
            .iter()
            .zip(expected)
            .all(|(&a, e)| (a as i32 - e as i32).abs() <= 3),
        "{what}: {actual:?}, expected {expected:?}"
    );
}

fn assert_near(actual: f32, expected: f32, tolerance: f32, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual:.4}, expected {expected:.4} ± {tolerance}"
    );
}

#[test]
fn samplers_wrap_each_axis_as_declared_after_the_texture_transform() {
    // UV (0..1 over the quad) × 3 − 1: coordinates −1..2, six cells of 10 pixels per axis.
    for (wrap_s, wrap_t) in [(10497, 33071), (33648, 10497), (33071, 33648)] {
        let scene = facing_quad(&format!("wrap-{wrap_s}-{wrap_t}"), |j| {
            j["samplers"] = json!([{ "wrapS": wrap_s, "wrapT": wrap_t, "magFilter": 9728 }]);
            j["textures"][0]["sampler"] = 0.into();
            show_texture_only(
                j,
                json!({ "index": 0, "extensions": { "KHR_texture_transform": {
                    "offset": [-1.0, -1.0], "scale": [3.0, 3.0] } } }),
            );
        });
        let frame = render(&scene, &settings(4));
        for cell_y in 0..6 {
            for cell_x in 0..6 {
                let coordinate = |cell: u32| -0.75 + 0.5 * cell as f32;
                let expected = TEXELS[texel_index(coordinate(cell_y), wrap_t)]
                    [texel_index(coordinate(cell_x), wrap_s)];
                assert_close(
                    pixel(&frame, cell_x * 10 + 5, cell_y * 10 + 5),
                    expected,
                    &format!("wrapS {wrap_s}, wrapT {wrap_t}, cell ({cell_x}, {cell_y})"),
                );
            }
        }
    }
}

#[test]
fn nearest_and_linear_magnification_differ_between_texel_centres() {
    let render_with = |filter: u32| {
        let scene = facing_quad(&format!("filter-{filter}"), |j| {
            j["samplers"] = json!([{ "magFilter": filter }]);
            j["textures"][0]["sampler"] = 0.into();
            show_texture_only(j, json!({ "index": 0 }));
        });
        render(&scene, &settings(4))
    };
    let (nearest, linear) = (render_with(9728), render_with(9729));
    // Halfway between the red and green texel centres: nearest keeps a texel, linear blends.
    assert_close(
        pixel(&nearest, 28, 5),
        TEXELS[0][0],
        "nearest left of the middle",
    );
    assert_close(
        pixel(&nearest, 31, 5),
        TEXELS[0][1],
        "nearest right of the middle",
    );
    let blended = pixel(&linear, 30, 5);
    assert!(
        blended[0] > 100 && blended[1] > 100,
        "linear filtering mixes red and green at the middle: {blended:?}"
    );
}

#[test]
fn textures_on_texcoord_1_and_vertex_colours_are_used() {
    // Every vertex has TEXCOORD_1 = (0.75, 0.25): the green texel, wherever TEXCOORD_0 points.
    let on_uv1 = |name: &str, texture: Value| {
        facing_quad(name, |j| {
            let uv1 = add_float_accessor(j, "VEC2", &[0.75, 0.25].repeat(4));
            j["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_1"] = uv1.into();
            show_texture_only(j, texture);
        })
    };
    for (name, texture) in [
        ("texcoord-1", json!({ "index": 0, "texCoord": 1 })),
        (
            "texcoord-1-by-transform",
            json!({ "index": 0, "extensions": { "KHR_texture_transform": { "texCoord": 1 } } }),
        ),
    ] {
        let frame = render(&on_uv1(name, texture), &settings(2));
        for (x, y) in [(5, 5), (55, 5), (5, 55), (55, 55)] {
            assert_close(pixel(&frame, x, y), TEXELS[0][1], name);
        }
    }

    // COLOR_0 red multiplies a white base colour: the quad turns red.
    let white = facing_quad("white", |j| {
        j["materials"][0] = json!({ "pbrMetallicRoughness": {
            "baseColorFactor": [1.0, 1.0, 1.0, 1.0], "metallicFactor": 0.0 } });
    });
    let red = facing_quad("vertex-red", |j| {
        let colors = add_float_accessor(j, "VEC4", &[1.0, 0.0, 0.0, 1.0].repeat(4));
        j["meshes"][0]["primitives"][0]["attributes"]["COLOR_0"] = colors.into();
        j["materials"][0] = json!({ "pbrMetallicRoughness": {
            "baseColorFactor": [1.0, 1.0, 1.0, 1.0], "metallicFactor": 0.0 } });
    });
    let [wr, wg, _] = mean_linear(&render(&white, &settings(16)));
    let [rr, rg, _] = mean_linear(&render(&red, &settings(16)));
    assert!(wg > 0.5 * wr, "white stays white: {wr} {wg}");
    assert!(rr > 0.5 * wr && rg < 0.1 * rr, "COLOR_0 red: {rr} {rg}");
}

#[test]
fn alpha_modes_mask_blend_and_opaque() {
    let with_alpha = |name: &str, alpha: f32, mode: Value| {
        facing_quad(name, |j| {
            j["materials"][0] = json!({
                "pbrMetallicRoughness": { "baseColorFactor": [1.0, 1.0, 1.0, alpha],
                    "metallicFactor": 0.0 },
                "alphaMode": mode["mode"], "alphaCutoff": mode["cutoff"]
            });
            if mode["cutoff"].is_null() {
                j["materials"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("alphaCutoff");
            }
        })
    };
    let s = settings(64);
    let opaque = render(&with_alpha("alpha-1", 1.0, json!({ "mode": "OPAQUE" })), &s);
    let background = render(
        &with_alpha("alpha-bg", 1.0, json!({ "mode": "OPAQUE" })).background_only(),
        &s,
    );
    let differs = |frame: &Frame, from: &Frame| compare::coverage(&frame.srgb8(), &from.srgb8(), 4);
    assert!(differs(&opaque, &background) > 0.9);

    // OPAQUE ignores alpha.
    let opaque_03 = render(
        &with_alpha("alpha-opaque", 0.3, json!({ "mode": "OPAQUE" })),
        &s,
    );
    assert_eq!(opaque_03.srgb8(), opaque.srgb8());
    // MASK: below the cutoff the camera sees through; at or above it the surface is opaque.
    let masked = render(
        &with_alpha("alpha-mask", 0.3, json!({ "mode": "MASK", "cutoff": 0.5 })),
        &s,
    );
    assert_eq!(masked.srgb8(), background.srgb8());
    let kept = render(
        &with_alpha("alpha-kept", 0.3, json!({ "mode": "MASK", "cutoff": 0.2 })),
        &s,
    );
    assert!(differs(&kept, &background) > 0.9);
    // BLEND: 30 % of the surface over 70 % of the background, on average.
    let blended = mean_linear(&render(
        &with_alpha("alpha-blend", 0.3, json!({ "mode": "BLEND" })),
        &s,
    ));
    let (o, b) = (mean_linear(&opaque), mean_linear(&background));
    for c in 0..3 {
        assert_near(blended[c], 0.3 * o[c] + 0.7 * b[c], 0.02, "BLEND mean");
    }
}

#[test]
fn single_sided_surfaces_are_invisible_from_behind_to_the_camera() {
    let from_behind = |name: &str, double_sided: bool| {
        facing_quad(name, |j| {
            j["materials"][0]["doubleSided"] = double_sided.into();
            // The camera turned round (180° about Y) on the other side of the quad.
            j["nodes"][2] = json!({ "camera": 0, "translation": [10.0, 0.0, -2.0],
                "rotation": [0.0, 1.0, 0.0, 0.0] });
        })
    };
    let s = settings(16);
    let single = from_behind("single-sided-behind", false);
    let background = render(&single.background_only(), &s);
    assert_eq!(render(&single, &s).srgb8(), background.srgb8());
    let double = render(&from_behind("double-sided-behind", true), &s);
    assert!(compare::coverage(&double.srgb8(), &background.srgb8(), 4) > 0.9);
}

/// A uniform tangent-space normal map pointing along `normal` (x right, y up, z out).
fn normal_map(normal: Vec3) -> Vec<u8> {
    let n = normal.normalize();
    let encode = |c: f32| ((c * 0.5 + 0.5) * 255.0).round() as u8;
    png_rgba(
        2,
        2,
        &[encode(n.x), encode(n.y), encode(n.z), 255].repeat(4),
    )
}

#[test]
fn normal_maps_turn_the_shading_normal_with_generated_tangents() {
    let sun = Environment::studio().sun.unwrap().direction;
    let diffuse_white = json!({ "baseColorFactor": [1.0, 1.0, 1.0, 1.0],
        "metallicFactor": 0.0, "roughnessFactor": 1.0 });
    let flat = facing_quad("normal-none", |j| {
        j["materials"][0] = json!({ "pbrMetallicRoughness": diffuse_white });
    });
    let mapped = |name: &str, towards: Vec3| {
        facing_quad(name, |j| {
            let texture = add_texture(j, &normal_map(towards), None);
            j["materials"][0] = json!({ "pbrMetallicRoughness": diffuse_white,
                "normalTexture": { "index": texture } });
        })
    };
    // The quad faces +Z, u runs along +X and v down the image: tangent +X, bitangent +Y.
    let to_sun = mapped("normal-to-sun", sun);
    let t = &to_sun.triangles[0];
    for corner in 0..3 {
        let tangent = t.tangents[corner];
        assert!((tangent.truncate() - Vec3::X).length() < 1e-4, "{tangent}");
        let bitangent = t.normals[corner].cross(tangent.truncate()) * tangent.w;
        assert!((bitangent - Vec3::Y).length() < 1e-4, "{bitangent}");
    }
    let away = mapped("normal-away", Vec3::new(-sun.x, -sun.y, 0.3));
    // TANGENT from the file wins over generated ones: a tangent along −X mirrors the map's x,
    // so the normal meant for the sun leans away from it sideways.
    let file_tangents = facing_quad("normal-file-tangents", |j| {
        let texture = add_texture(j, &normal_map(sun), None);
        let tangents = add_float_accessor(j, "VEC4", &[-1.0, 0.0, 0.0, 1.0].repeat(4));
        j["meshes"][0]["primitives"][0]["attributes"]["TANGENT"] = tangents.into();
        j["materials"][0] = json!({ "pbrMetallicRoughness": diffuse_white,
            "normalTexture": { "index": texture } });
    });
    assert_eq!(file_tangents.triangles[0].tangents[0].truncate(), -Vec3::X);
    let s = settings(32);
    let brightness = |scene: &Scene| mean_linear(&render(scene, &s))[1];
    let mirrored = brightness(&file_tangents);
    let (flat, to_sun, away) = (brightness(&flat), brightness(&to_sun), brightness(&away));
    eprintln!(
        "facing the sun {to_sun:.3}, flat {flat:.3}, turned away {away:.3}, mirrored by the \
         file's tangents {mirrored:.3}"
    );
    assert!(
        to_sun > 1.3 * flat && away < 0.8 * flat,
        "facing the sun {to_sun:.3}, flat {flat:.3}, turned away {away:.3}"
    );
    assert!(mirrored < 0.9 * to_sun, "{mirrored:.3} vs {to_sun:.3}");
}

#[test]
fn metallic_roughness_maps_make_a_mirror_of_the_base_colour() {
    // Blue = metalness 1, green = roughness 0: a coloured mirror of the uniform 0.5 sky, whose
    // reflectance at normal incidence is the base colour.
    let base = [0.8f32, 0.6, 0.2];
    let with_map = |name: &str, texel: [u8; 4]| {
        facing_quad(name, |j| {
            let texture = add_texture(j, &png_rgba(2, 2, &texel.repeat(4)), None);
            j["materials"][0] = json!({ "pbrMetallicRoughness": {
                "baseColorFactor": [base[0], base[1], base[2], 1.0],
                "metallicFactor": 1.0, "roughnessFactor": 1.0,
                "metallicRoughnessTexture": { "index": texture } } });
        })
    };
    let mirror = mean_linear(&render(
        &with_map("mr-mirror", [0, 0, 255, 255]),
        &settings(16),
    ));
    eprintln!("mirror {mirror:?}");
    for c in 0..3 {
        assert_near(mirror[c], 0.5 * base[c], 0.03, "mirror of the sky");
    }
    let rough = mean_linear(&render(
        &with_map("mr-rough", [0, 255, 0, 255]),
        &settings(16),
    ));
    assert!(
        (rough[0] - mirror[0]).abs() > 0.05,
        "a rough dielectric is not a mirror"
    );
}

#[test]
fn transmission_passes_light_tinted_by_the_base_colour() {
    let tint = [1.0f32, 0.5, 0.25];
    let pane = |name: &str, transmission: f32| {
        facing_quad(name, |j| {
            j["materials"][0] = json!({
                "pbrMetallicRoughness": { "baseColorFactor": [tint[0], tint[1], tint[2], 1.0],
                    "metallicFactor": 0.0, "roughnessFactor": 0.0 },
                "extensions": {
                    "KHR_materials_transmission": { "transmissionFactor": transmission },
                    "KHR_materials_ior": { "ior": 1.5 } }
            });
        })
    };
    let s = settings(32);
    // The sky behind is a uniform 0.5: 4 % of it is reflected at normal incidence, untinted;
    // the rest passes, tinted.
    let through = mean_linear(&render(&pane("transmission-1", 1.0), &s));
    eprintln!("through the pane {through:?}");
    for c in 0..3 {
        assert_near(
            through[c],
            0.5 * (0.04 + 0.96 * tint[c]),
            0.02,
            "through the pane",
        );
    }
    let opaque = mean_linear(&render(&pane("transmission-0", 0.0), &s));
    assert!((opaque[2] - through[2]).abs() > 0.05, "{opaque:?}");
}

/// A sphere of `material` inside a closed box whose walls all emit radiance 1 and are sampled
/// as lights: every path ends on an emitter, found either by light sampling or by the BSDF.
fn furnace(material: Material) -> Scene {
    let mut triangles = Vec::new();
    let (rings, segments) = (24, 48);
    let point = |ring: u32, segment: u32| {
        let theta = std::f32::consts::PI * ring as f32 / rings as f32;
        let phi = 2.0 * std::f32::consts::PI * segment as f32 / segments as f32;
        Vec3::new(
            theta.sin() * phi.cos(),
            theta.cos(),
            theta.sin() * phi.sin(),
        )
    };
    for ring in 0..rings {
        for segment in 0..segments {
            let [a, b, c, d] = [
                point(ring, segment),
                point(ring + 1, segment),
                point(ring + 1, segment + 1),
                point(ring, segment + 1),
            ];
            for corners in [[a, c, b], [a, d, c]] {
                let mut t = Triangle::flat(corners, 1);
                if t.area() > 1e-9 {
                    t.normals = corners;
                    triangles.push(t);
                }
            }
        }
    }
    // The box: a cube of side 8 around the sphere, faces pointing inwards.
    for axis in 0..3 {
        for side in [-4.0f32, 4.0] {
            let unit = |i: usize| Vec3::from_array(std::array::from_fn(|k| (k == i) as u8 as f32));
            let (n, u, v) = (unit(axis), unit((axis + 1) % 3), unit((axis + 2) % 3));
            let c = n * side;
            let corners = [
                c - 4.0 * u - 4.0 * v,
                c + 4.0 * u - 4.0 * v,
                c + 4.0 * u + 4.0 * v,
                c - 4.0 * u + 4.0 * v,
            ];
            for [i, j, k] in [[0, 1, 2], [0, 2, 3]] {
                triangles.push(Triangle::flat([corners[i], corners[j], corners[k]], 0));
            }
        }
    }
    Scene {
        name: "furnace".into(),
        triangles,
        materials: vec![Material::emissive([1.0; 3]), material],
        textures: Vec::new(),
        camera: Camera::look_at(Vec3::new(0.0, 0.0, 3.5), Vec3::ZERO, Vec3::Y, 30.0),
        environment: Environment::black(),
    }
}

#[test]
fn multiple_importance_sampling_counts_each_light_path_once() {
    // In a furnace of radiance 1 a white surface shows its directional albedo: 1 for Lambert
    // under a 4 % coat (the coat adds its reflectance, as Principled v1 does), slightly below 1
    // for a rough metal (single-scattering GGX loses some energy). Counting light found both
    // by light sampling and by the BSDF twice would show about 2; missing either, about 0.5.
    let s = RenderSettings::new(48, 48, 64, 3);
    for (material, low, high) in [
        (Material::plastic([1.0; 3], 1.0), 0.97, 1.15),
        (Material::metal([1.0; 3], 0.5), 0.85, 1.02),
        (Material::plastic([1.0; 3], 0.2), 0.97, 1.15),
    ] {
        let frame = render(&furnace(material), &s);
        // The sphere fills the middle of the frame.
        let mut sum = 0.0;
        let mut n = 0;
        for y in 18..30 {
            for x in 18..30 {
                sum += frame.linear_rgb[((y * 48 + x) * 3 + 1) as usize];
                n += 1;
            }
        }
        let mean = sum / n as f32;
        eprintln!("{:?}: directional albedo {mean:.3}", material.surface);
        assert!(
            (low..=high).contains(&mean),
            "{:?}: {mean:.3} outside {low}..{high}",
            material.surface
        );
    }
}
