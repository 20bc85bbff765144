//! Procedural scenes that need no files: the benchmark set and the golden-image tests use them.
//!
//! - `cornell-box`: closed room lit only by a small ceiling area light (hard for a path tracer:
//!   all light arrives through next-event estimation), a brushed-metal sphere on the short box, a glass sphere.
//! - `material-spheres`: every material kind on a textured ground under a sky gradient and a sun.
//! - `neon-night`: no sky at all; several coloured emissive bars light metal and plastic shapes.

use glam::{Mat3, Vec3};

use super::{Camera, Environment, Material, Scene, Sun, Texture, TextureRef, Triangle};

pub const NAMES: [&str; 3] = ["cornell-box", "material-spheres", "neon-night"];

pub fn by_name(name: &str) -> Option<Scene> {
    match name {
        "cornell-box" => Some(cornell_box()),
        "material-spheres" => Some(material_spheres()),
        "neon-night" => Some(neon_night()),
        _ => None,
    }
}

/// Accumulates triangles and materials for a procedural scene.
struct Builder {
    triangles: Vec<Triangle>,
    materials: Vec<Material>,
    textures: Vec<Texture>,
}

impl Builder {
    fn new() -> Self {
        Self {
            triangles: Vec::new(),
            materials: Vec::new(),
            textures: Vec::new(),
        }
    }

    fn material(&mut self, material: Material) -> u32 {
        self.materials.push(material);
        (self.materials.len() - 1) as u32
    }

    fn texture(&mut self, texture: Texture) -> u32 {
        self.textures.push(texture);
        (self.textures.len() - 1) as u32
    }

    /// A planar quad `corner, corner + u, corner + u + v, corner + v` with UVs spanning
    /// `[0, uv_repeat]²`.
    fn quad(&mut self, corner: Vec3, u: Vec3, v: Vec3, material: u32, uv_repeat: f32) {
        let p = [corner, corner + u, corner + u + v, corner + v];
        let t = [
            [0.0, 0.0],
            [uv_repeat, 0.0],
            [uv_repeat, uv_repeat],
            [0.0, uv_repeat],
        ];
        for [a, b, c] in [[0, 1, 2], [0, 2, 3]] {
            let mut tri = Triangle::flat([p[a], p[b], p[c]], material);
            tri.uvs = [t[a], t[b], t[c]];
            self.triangles.push(tri);
        }
    }

    /// An axis-aligned box of the given size, rotated about Y and placed with its base centre
    /// at `base`.
    fn cuboid(&mut self, base: Vec3, size: Vec3, yaw_degrees: f32, material: u32) {
        let rotation = Mat3::from_rotation_y(yaw_degrees.to_radians());
        let h = size * 0.5;
        let corner =
            |x: f32, y: f32, z: f32| base + rotation * Vec3::new(x * h.x, y * size.y, z * h.z);
        let faces = [
            // (corner, u end, v end) chosen so each face's normal points outwards.
            (
                corner(-1.0, 1.0, -1.0),
                corner(-1.0, 1.0, 1.0),
                corner(1.0, 1.0, -1.0),
            ),
            (
                corner(-1.0, 0.0, -1.0),
                corner(1.0, 0.0, -1.0),
                corner(-1.0, 0.0, 1.0),
            ),
            (
                corner(-1.0, 0.0, 1.0),
                corner(1.0, 0.0, 1.0),
                corner(-1.0, 1.0, 1.0),
            ),
            (
                corner(1.0, 0.0, -1.0),
                corner(-1.0, 0.0, -1.0),
                corner(1.0, 1.0, -1.0),
            ),
            (
                corner(-1.0, 0.0, -1.0),
                corner(-1.0, 0.0, 1.0),
                corner(-1.0, 1.0, -1.0),
            ),
            (
                corner(1.0, 0.0, 1.0),
                corner(1.0, 0.0, -1.0),
                corner(1.0, 1.0, 1.0),
            ),
        ];
        for (origin, u_end, v_end) in faces {
            self.quad(origin, u_end - origin, v_end - origin, material, 1.0);
        }
    }

    /// A smooth icosphere (subdivided icosahedron, 20·4^subdivisions triangles).
    fn sphere(&mut self, center: Vec3, radius: f32, subdivisions: u32, material: u32) {
        let t = (1.0 + 5f32.sqrt()) / 2.0;
        let mut faces: Vec<[Vec3; 3]> = {
            let v = [
                Vec3::new(-1.0, t, 0.0),
                Vec3::new(1.0, t, 0.0),
                Vec3::new(-1.0, -t, 0.0),
                Vec3::new(1.0, -t, 0.0),
                Vec3::new(0.0, -1.0, t),
                Vec3::new(0.0, 1.0, t),
                Vec3::new(0.0, -1.0, -t),
                Vec3::new(0.0, 1.0, -t),
                Vec3::new(t, 0.0, -1.0),
                Vec3::new(t, 0.0, 1.0),
                Vec3::new(-t, 0.0, -1.0),
                Vec3::new(-t, 0.0, 1.0),
            ]
            .map(Vec3::normalize);
            const ICOSAHEDRON: [[usize; 3]; 20] = [
                [0, 11, 5],
                [0, 5, 1],
                [0, 1, 7],
                [0, 7, 10],
                [0, 10, 11],
                [1, 5, 9],
                [5, 11, 4],
                [11, 10, 2],
                [10, 7, 6],
                [7, 1, 8],
                [3, 9, 4],
                [3, 4, 2],
                [3, 2, 6],
                [3, 6, 8],
                [3, 8, 9],
                [4, 9, 5],
                [2, 4, 11],
                [6, 2, 10],
                [8, 6, 7],
                [9, 8, 1],
            ];
            ICOSAHEDRON.iter().map(|f| f.map(|i| v[i])).collect()
        };
        for _ in 0..subdivisions {
            faces = faces
                .iter()
                .flat_map(|&[a, b, c]| {
                    let ab = ((a + b) * 0.5).normalize();
                    let bc = ((b + c) * 0.5).normalize();
                    let ca = ((c + a) * 0.5).normalize();
                    [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
                })
                .collect();
        }
        for face in faces {
            self.triangles.push(Triangle {
                normals: face,
                ..Triangle::flat(face.map(|n| center + n * radius), material)
            });
        }
    }

    fn finish(self, name: &str, camera: Camera, environment: Environment) -> Scene {
        Scene {
            name: name.to_string(),
            triangles: self.triangles,
            materials: self.materials,
            textures: self.textures,
            camera,
            environment,
        }
    }
}

/// A two-colour checkerboard of `checks`×`checks` squares, `size` texels across.
fn checker_texture(size: u32, checks: u32, a: [u8; 3], b: [u8; 3]) -> Texture {
    let cell = size / checks;
    let rgba8 = (0..size * size)
        .flat_map(|i| {
            let (x, y) = (i % size, i / size);
            let c = if (x / cell + y / cell).is_multiple_of(2) {
                a
            } else {
                b
            };
            [c[0], c[1], c[2], 255]
        })
        .collect();
    Texture {
        width: size,
        height: size,
        rgba8,
    }
}

/// The Cornell box in a unit cube (x right, y up, the open side towards +z).
pub fn cornell_box() -> Scene {
    let mut b = Builder::new();
    let white = b.material(Material::diffuse([0.73, 0.73, 0.73]));
    let red = b.material(Material::diffuse([0.65, 0.05, 0.05]));
    let green = b.material(Material::diffuse([0.12, 0.45, 0.15]));
    let light = b.material(Material::emissive([17.0, 12.0, 4.0]));
    let brushed = b.material(Material::metal([0.9, 0.88, 0.85], 0.25));
    let glass = b.material(Material::glass(1.5));

    b.quad(Vec3::ZERO, Vec3::Z, Vec3::X, white, 1.0); // floor
    b.quad(Vec3::Y, Vec3::X, Vec3::Z, white, 1.0); // ceiling
    b.quad(Vec3::ZERO, Vec3::X, Vec3::Y, white, 1.0); // back wall
    b.quad(Vec3::ZERO, Vec3::Y, Vec3::Z, red, 1.0); // left wall
    b.quad(Vec3::X, Vec3::Z, Vec3::Y, green, 1.0); // right wall
    b.quad(
        Vec3::new(0.37, 0.998, 0.40),
        Vec3::new(0.26, 0.0, 0.0),
        Vec3::new(0.0, 0.0, 0.2),
        light,
        1.0,
    );
    b.cuboid(
        Vec3::new(0.33, 0.0, 0.35),
        Vec3::new(0.3, 0.6, 0.3),
        18.0,
        white,
    );
    b.cuboid(
        Vec3::new(0.68, 0.0, 0.62),
        Vec3::new(0.3, 0.3, 0.3),
        -17.0,
        white,
    );
    b.sphere(Vec3::new(0.68, 0.42, 0.62), 0.12, 3, brushed);
    b.sphere(Vec3::new(0.3, 0.14, 0.8), 0.14, 3, glass);

    let camera = Camera::look_at(
        Vec3::new(0.5, 0.5, 1.94),
        Vec3::new(0.5, 0.5, 0.0),
        Vec3::Y,
        39.3,
    );
    b.finish("cornell-box", camera, Environment::black())
}

/// Diffuse, plastic, rough and polished metal, and glass spheres on a checkered ground.
pub fn material_spheres() -> Scene {
    let mut b = Builder::new();
    let checker = b.texture(checker_texture(64, 8, [200, 200, 200], [60, 60, 70]));
    let ground = b.material(Material {
        base_color_texture: Some(TextureRef::new(checker)),
        ..Material::diffuse([1.0; 3])
    });
    let red = b.material(Material::diffuse([0.7, 0.1, 0.08]));
    let blue_plastic = b.material(Material::plastic([0.1, 0.25, 0.75], 0.15));
    let gold = b.material(Material::metal([1.0, 0.76, 0.33], 0.35));
    let chrome = b.material(Material::metal([0.95, 0.95, 0.95], 0.02));
    let glass = b.material(Material::glass(1.5));

    b.quad(
        Vec3::new(-6.0, 0.0, -6.0),
        Vec3::new(0.0, 0.0, 12.0),
        Vec3::new(12.0, 0.0, 0.0),
        ground,
        6.0,
    );
    b.sphere(Vec3::new(-2.2, 0.5, 0.0), 0.5, 3, red);
    b.sphere(Vec3::new(-1.1, 0.5, -0.8), 0.5, 3, blue_plastic);
    b.sphere(Vec3::new(0.0, 0.5, 0.0), 0.5, 3, glass);
    b.sphere(Vec3::new(1.1, 0.5, -0.8), 0.5, 3, gold);
    b.sphere(Vec3::new(2.2, 0.5, 0.0), 0.5, 3, chrome);

    let camera = Camera::look_at(
        Vec3::new(0.0, 1.6, 4.2),
        Vec3::new(0.0, 0.4, -0.3),
        Vec3::Y,
        45.0,
    );
    let environment = Environment {
        zenith: [0.25, 0.45, 0.85],
        horizon: [0.85, 0.88, 0.95],
        ground: [0.25, 0.24, 0.22],
        sun: Some(Sun {
            direction: Vec3::new(0.5, 0.75, 0.35).normalize(),
            irradiance: [2.8, 2.6, 2.3],
        }),
    };
    b.finish("material-spheres", camera, environment)
}

/// A dark stage lit only by coloured emissive bars.
pub fn neon_night() -> Scene {
    let mut b = Builder::new();
    let floor = b.material(Material::plastic([0.35, 0.35, 0.38], 0.3));
    let wall = b.material(Material::diffuse([0.5, 0.5, 0.5]));
    let cyan = b.material(Material::emissive([0.5, 4.0, 5.0]));
    let magenta = b.material(Material::emissive([5.0, 0.6, 3.5]));
    let amber = b.material(Material::emissive([6.0, 3.0, 0.4]));
    let steel = b.material(Material::metal([0.8, 0.82, 0.85], 0.12));
    let copper = b.material(Material::metal([0.95, 0.64, 0.54], 0.4));
    let white = b.material(Material::diffuse([0.8, 0.8, 0.8]));

    b.quad(
        Vec3::new(-4.0, 0.0, -3.0),
        Vec3::new(0.0, 0.0, 7.0),
        Vec3::new(8.0, 0.0, 0.0),
        floor,
        1.0,
    );
    b.quad(
        Vec3::new(-4.0, 0.0, -3.0),
        Vec3::new(8.0, 0.0, 0.0),
        Vec3::new(0.0, 4.0, 0.0),
        wall,
        1.0,
    );
    b.cuboid(
        Vec3::new(-2.2, 0.0, -2.8),
        Vec3::new(0.12, 2.4, 0.12),
        0.0,
        cyan,
    );
    b.cuboid(
        Vec3::new(2.2, 0.0, -2.8),
        Vec3::new(0.12, 2.4, 0.12),
        0.0,
        magenta,
    );
    b.cuboid(
        Vec3::new(0.0, 2.6, -2.8),
        Vec3::new(3.0, 0.1, 0.1),
        0.0,
        amber,
    );
    b.sphere(Vec3::new(-0.9, 0.6, -0.6), 0.6, 3, steel);
    b.cuboid(
        Vec3::new(0.9, 0.0, -0.9),
        Vec3::new(0.8, 1.1, 0.8),
        30.0,
        copper,
    );
    b.sphere(Vec3::new(0.3, 0.3, 0.6), 0.3, 2, white);

    let camera = Camera::look_at(
        Vec3::new(0.0, 1.4, 4.0),
        Vec3::new(0.0, 0.8, -1.0),
        Vec3::Y,
        50.0,
    );
    b.finish("neon-night", camera, Environment::black())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_by_name_with_consistent_indices() {
        for name in NAMES {
            let scene = by_name(name).expect(name);
            assert_eq!(scene.name, name);
            assert!(!scene.triangles.is_empty());
            assert!(
                scene.materials.iter().any(Material::is_emissive)
                    || scene.environment.zenith != [0.0; 3]
            );
            for t in &scene.triangles {
                assert!((t.material as usize) < scene.materials.len());
                assert!(t.area() > 0.0);
            }
            for m in &scene.materials {
                for tex in m.texture_refs() {
                    assert!((tex.texture as usize) < scene.textures.len());
                }
            }
        }
        assert!(by_name("nope").is_none());
    }

    #[test]
    fn cuboid_faces_point_outwards() {
        let mut b = Builder::new();
        b.cuboid(Vec3::new(1.0, 0.0, 2.0), Vec3::new(0.5, 1.0, 0.7), 25.0, 0);
        let center = Vec3::new(1.0, 0.5, 2.0);
        assert_eq!(b.triangles.len(), 12);
        for t in &b.triangles {
            assert!(t.normals[0].dot(t.centroid() - center) > 0.0);
        }
    }

    #[test]
    fn scenes_differ_in_content_hash() {
        let hashes: Vec<_> = NAMES
            .iter()
            .map(|n| by_name(n).unwrap().content_hash())
            .collect();
        assert_ne!(hashes[0], hashes[1]);
        assert_ne!(hashes[1], hashes[2]);
    }
}
