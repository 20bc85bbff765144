//! Scenes the path tracer renders: triangles, materials, textures, a camera and an environment.
//!
//! A scene is plain data, independent of the GPU. Built-in procedural scenes and glTF 2.0 files
//! both load into it; the renderer packs it into GPU buffers. Its content hash identifies exactly
//! what is rendered (PoR jobs and benchmark scene sets refer to it).

pub mod builtin;
pub mod gltf_export;
pub mod gltf_file;

use std::path::Path;

use glam::{Vec3, Vec4};
use sha2::{Digest, Sha256};

use crate::error::WorkerError;

/// Domain tag of the scene content hash, versioned with the canonical encoding below.
const SCENE_HASH_TAG: &[u8; 8] = b"IFXSCN02";

/// One triangle with its shading attributes, in world space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Triangle {
    pub positions: [Vec3; 3],
    pub normals: [Vec3; 3],
    /// `TEXCOORD_0` at each corner.
    pub uvs: [[f32; 2]; 3],
    /// `TEXCOORD_1` at each corner.
    pub uvs1: [[f32; 2]; 3],
    /// Linear RGBA vertex colour (`COLOR_0`) at each corner; white when the mesh has none.
    pub colors: [[f32; 4]; 3],
    /// Tangent (xyz) and bitangent sign (w) at each corner, for normal maps; zero when the
    /// material has no normal map.
    pub tangents: [Vec4; 3],
    pub material: u32,
}

impl Triangle {
    /// A triangle with its geometric normal at each vertex, zero texture coordinates, white
    /// vertex colour and no tangents.
    pub fn flat(positions: [Vec3; 3], material: u32) -> Self {
        let normal = (positions[1] - positions[0])
            .cross(positions[2] - positions[0])
            .normalize_or_zero();
        Self {
            positions,
            normals: [normal; 3],
            uvs: [[0.0; 2]; 3],
            uvs1: [[0.0; 2]; 3],
            colors: [[1.0; 4]; 3],
            tangents: [Vec4::ZERO; 3],
            material,
        }
    }

    pub fn area(&self) -> f32 {
        0.5 * (self.positions[1] - self.positions[0])
            .cross(self.positions[2] - self.positions[0])
            .length()
    }

    pub fn centroid(&self) -> Vec3 {
        (self.positions[0] + self.positions[1] + self.positions[2]) / 3.0
    }
}

/// How light leaves a surface.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Surface {
    /// glTF metallic-roughness: a diffuse base under a GGX specular coat with the Fresnel
    /// reflectance of `ior`, blended into a GGX metal by `metallic`; `transmission` of the
    /// dielectric part refracts through a rough GGX interface instead of scattering diffusely
    /// (`KHR_materials_transmission`, `KHR_materials_ior`).
    Standard {
        metallic: f32,
        roughness: f32,
        ior: f32,
        transmission: f32,
    },
    /// Clear dielectric (glass, water) with the given index of refraction.
    Glass { ior: f32 },
}

/// glTF's default index of refraction (reflectance 4 % at normal incidence).
pub const DEFAULT_IOR: f32 = 1.5;

/// How a texture coordinate outside [0, 1] maps to the image (glTF sampler `wrapS`/`wrapT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    Repeat,
    ClampToEdge,
    MirroredRepeat,
}

/// A texture as a material uses it: which image, through which sampler, on which UV set, after
/// which `KHR_texture_transform`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextureRef {
    pub texture: u32,
    /// Colour texels, decoded from sRGB; otherwise data (normals, metalness…) read linearly.
    pub srgb: bool,
    /// 0 = `TEXCOORD_0`, 1 = `TEXCOORD_1`.
    pub uv_set: u32,
    pub wrap_u: Wrap,
    pub wrap_v: Wrap,
    /// Nearest texel instead of bilinear filtering (the sampler's `magFilter` is `NEAREST`; as
    /// in Blender's importer, the magnification filter decides, and no mip level is used).
    pub nearest: bool,
    /// Rows of the 2×3 matrix applied to (u, v, 1): offset · rotation · scale.
    pub uv_transform: [[f32; 3]; 2],
}

impl TextureRef {
    pub const IDENTITY_TRANSFORM: [[f32; 3]; 2] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];

    /// A colour image on `TEXCOORD_0`, repeated and bilinearly filtered, untransformed.
    pub fn new(texture: u32) -> Self {
        Self {
            texture,
            srgb: true,
            uv_set: 0,
            wrap_u: Wrap::Repeat,
            wrap_v: Wrap::Repeat,
            nearest: false,
            uv_transform: Self::IDENTITY_TRANSFORM,
        }
    }
}

/// glTF `alphaMode`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AlphaMode {
    Opaque,
    /// Fully transparent below the cutoff, opaque from it.
    Mask {
        cutoff: f32,
    },
    /// Transparent in proportion to alpha (rendered as stochastic transparency).
    Blend,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Material {
    /// Linear RGB albedo (multiplied by the base-color texture and the vertex colour).
    pub base_color: [f32; 3],
    /// Alpha of the base colour factor (multiplied likewise); used by `alpha_mode`.
    pub base_alpha: f32,
    pub base_color_texture: Option<TextureRef>,
    pub surface: Surface,
    /// Blue channel metalness, green channel roughness, multiplying the factors.
    pub metallic_roughness_texture: Option<TextureRef>,
    /// Tangent-space normal map and its `scale`.
    pub normal_texture: Option<(TextureRef, f32)>,
    /// Red channel multiplying `transmission`.
    pub transmission_texture: Option<TextureRef>,
    pub alpha_mode: AlphaMode,
    /// Whether back faces are visible to camera rays (glTF `doubleSided`).
    pub double_sided: bool,
    /// Linear RGB radiance emitted (multiplied by the emissive texture when there is one).
    pub emission: [f32; 3],
    pub emissive_texture: Option<TextureRef>,
    /// Whether next-event estimation samples this material's emission as a light. PoR noise
    /// objects glow only towards the camera and must not light the rest of the scene.
    pub lights_scene: bool,
}

impl Material {
    pub fn diffuse(base_color: [f32; 3]) -> Self {
        Self {
            base_color,
            base_alpha: 1.0,
            base_color_texture: None,
            surface: Surface::Standard {
                metallic: 0.0,
                roughness: 1.0,
                ior: DEFAULT_IOR,
                transmission: 0.0,
            },
            metallic_roughness_texture: None,
            normal_texture: None,
            transmission_texture: None,
            alpha_mode: AlphaMode::Opaque,
            double_sided: true,
            emission: [0.0; 3],
            emissive_texture: None,
            lights_scene: true,
        }
    }

    pub fn metal(base_color: [f32; 3], roughness: f32) -> Self {
        Self {
            surface: Surface::Standard {
                metallic: 1.0,
                roughness,
                ior: DEFAULT_IOR,
                transmission: 0.0,
            },
            ..Self::diffuse(base_color)
        }
    }

    pub fn plastic(base_color: [f32; 3], roughness: f32) -> Self {
        Self {
            surface: Surface::Standard {
                metallic: 0.0,
                roughness,
                ior: DEFAULT_IOR,
                transmission: 0.0,
            },
            ..Self::diffuse(base_color)
        }
    }

    /// Every texture the material refers to.
    pub fn texture_refs(&self) -> impl Iterator<Item = TextureRef> {
        [
            self.base_color_texture,
            self.metallic_roughness_texture,
            self.normal_texture.map(|(t, _)| t),
            self.transmission_texture,
            self.emissive_texture,
        ]
        .into_iter()
        .flatten()
    }

    pub fn glass(ior: f32) -> Self {
        Self {
            surface: Surface::Glass { ior },
            ..Self::diffuse([1.0; 3])
        }
    }

    pub fn emissive(emission: [f32; 3]) -> Self {
        Self {
            emission,
            ..Self::diffuse([0.0; 3])
        }
    }

    pub fn is_emissive(&self) -> bool {
        self.emission.iter().any(|&c| c > 0.0)
    }
}

/// An 8-bit RGBA image, row-major from the top-left texel (glTF's UV origin); colour images
/// hold sRGB-encoded values, data images (normals, metalness…) linear ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Texture {
    pub width: u32,
    pub height: u32,
    pub rgba8: Vec<u8>,
}

/// A pinhole camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub position: Vec3,
    /// Unit view direction.
    pub forward: Vec3,
    /// Unit up direction, orthogonal to `forward`.
    pub up: Vec3,
    pub vertical_fov_radians: f32,
}

impl Camera {
    pub fn look_at(
        position: Vec3,
        target: Vec3,
        world_up: Vec3,
        vertical_fov_degrees: f32,
    ) -> Self {
        let forward = (target - position).normalize();
        let right = forward.cross(world_up).normalize();
        Self {
            position,
            forward,
            up: right.cross(forward),
            vertical_fov_radians: vertical_fov_degrees.to_radians(),
        }
    }

    /// The image-plane vectors primary rays are built from (the shader uses exactly these): the
    /// ray through frame position `(fx, fy)` ∈ [0, 1]², from the top-left corner, has the
    /// direction `forward + (2·fx − 1)·right + (1 − 2·fy)·up`.
    pub fn image_plane(&self, aspect: f32) -> (Vec3, Vec3) {
        let half_height = (self.vertical_fov_radians * 0.5).tan();
        let right = self.forward.cross(self.up).normalize();
        (right * half_height * aspect, self.up * half_height)
    }

    /// Direction (not normalised) of the primary ray through frame position `(fx, fy)`.
    pub fn ray_direction(&self, aspect: f32, fx: f32, fy: f32) -> Vec3 {
        let (right, up) = self.image_plane(aspect);
        self.forward + (2.0 * fx - 1.0) * right + (1.0 - 2.0 * fy) * up
    }

    /// Frames a bounding box from a fixed three-quarter view so the whole box is in view
    /// whatever the aspect ratio (the vertical field of view is the narrower one for W ≥ H;
    /// for tall frames the box is fitted to the horizontal one).
    pub fn framing(bounds: &Aabb, aspect: f32) -> Self {
        const VERTICAL_FOV_DEGREES: f32 = 40.0;
        let center = (bounds.min + bounds.max) * 0.5;
        let radius = ((bounds.max - bounds.min).length() * 0.5).max(1e-3);
        let half_vertical = VERTICAL_FOV_DEGREES.to_radians() * 0.5;
        let half_horizontal = (half_vertical.tan() * aspect).atan();
        // The bounding sphere fits inside the narrower half-angle, with a 10 % margin.
        let distance = 1.1 * radius / half_vertical.min(half_horizontal).sin();
        let direction = Vec3::new(0.55, 0.4, 1.0).normalize();
        Self::look_at(
            center + direction * distance,
            center,
            Vec3::Y,
            VERTICAL_FOV_DEGREES,
        )
    }
}

/// Directional light (a distant sun), sampled explicitly from diffuse surfaces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sun {
    /// Unit direction from the scene towards the sun.
    pub direction: Vec3,
    /// Linear RGB irradiance on a surface facing the sun.
    pub irradiance: [f32; 3],
}

/// What a ray that leaves the scene sees: a sky gradient above the horizon, a ground colour
/// below, and an optional sun.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Environment {
    pub zenith: [f32; 3],
    pub horizon: [f32; 3],
    pub ground: [f32; 3],
    pub sun: Option<Sun>,
}

impl Environment {
    pub fn black() -> Self {
        Self::uniform([0.0; 3])
    }

    pub fn uniform(radiance: [f32; 3]) -> Self {
        Self {
            zenith: radiance,
            horizon: radiance,
            ground: radiance,
            sun: None,
        }
    }

    /// The lighting given to glTF files, which carry no lights of their own in core glTF: a
    /// uniform white sky and a sun from the upper left-front. Simple enough to reproduce exactly
    /// in other renderers (see `scripts/compare-cycles`).
    pub fn studio() -> Self {
        Self {
            sun: Some(Sun {
                direction: Vec3::new(-0.4, 0.8, 0.45).normalize(),
                irradiance: [2.2; 3],
            }),
            ..Self::uniform([0.5; 3])
        }
    }
}

/// Axis-aligned bounding box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Aabb {
    pub min: Vec3,
    pub max: Vec3,
}

impl Aabb {
    pub const EMPTY: Aabb = Aabb {
        min: Vec3::splat(f32::INFINITY),
        max: Vec3::splat(f32::NEG_INFINITY),
    };

    pub fn grow(&mut self, point: Vec3) {
        self.min = self.min.min(point);
        self.max = self.max.max(point);
    }

    pub fn union(&self, other: &Aabb) -> Aabb {
        Aabb {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.min.x > self.max.x || self.min.y > self.max.y || self.min.z > self.max.z
    }

    pub fn surface_area(&self) -> f32 {
        if self.is_empty() {
            return 0.0;
        }
        let d = self.max - self.min;
        2.0 * (d.x * d.y + d.y * d.z + d.z * d.x)
    }

    pub fn of_triangle(triangle: &Triangle) -> Aabb {
        let mut b = Aabb::EMPTY;
        triangle.positions.iter().for_each(|&p| b.grow(p));
        b
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub name: String,
    pub triangles: Vec<Triangle>,
    pub materials: Vec<Material>,
    pub textures: Vec<Texture>,
    pub camera: Camera,
    pub environment: Environment,
}

impl Scene {
    /// Loads a built-in scene by name, or a `.gltf` / `.glb` file by path. `aspect` (width /
    /// height) is used to frame scenes that bring no camera of their own.
    pub fn load(spec: &str, aspect: f32) -> Result<Scene, WorkerError> {
        if let Some(scene) = builtin::by_name(spec) {
            return Ok(scene);
        }
        let path = Path::new(spec);
        let is_gltf = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.eq_ignore_ascii_case("gltf") || e.eq_ignore_ascii_case("glb"))
            .unwrap_or(false);
        if is_gltf {
            gltf_file::load(path, aspect)
        } else {
            Err(WorkerError::UnknownScene {
                spec: spec.to_string(),
                builtins: builtin::NAMES.join(", "),
            })
        }
    }

    pub fn bounds(&self) -> Aabb {
        self.triangles
            .iter()
            .fold(Aabb::EMPTY, |b, t| b.union(&Aabb::of_triangle(t)))
    }

    /// The same camera and environment with no geometry: what the frame shows where nothing is hit.
    pub fn background_only(&self) -> Scene {
        Scene {
            name: format!("{} (background)", self.name),
            triangles: Vec::new(),
            materials: Vec::new(),
            textures: Vec::new(),
            ..self.clone()
        }
    }

    /// SHA-256 over a canonical little-endian encoding of everything that affects the image:
    /// geometry in order, materials, textures, camera and environment.
    pub fn content_hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(SCENE_HASH_TAG);
        let put_f32s = |h: &mut Sha256, values: &[f32]| {
            for v in values {
                h.update(v.to_le_bytes());
            }
        };
        h.update((self.triangles.len() as u64).to_le_bytes());
        for t in &self.triangles {
            for i in 0..3 {
                put_f32s(&mut h, &t.positions[i].to_array());
                put_f32s(&mut h, &t.normals[i].to_array());
                put_f32s(&mut h, &t.uvs[i]);
                put_f32s(&mut h, &t.uvs1[i]);
                put_f32s(&mut h, &t.colors[i]);
                put_f32s(&mut h, &t.tangents[i].to_array());
            }
            h.update(t.material.to_le_bytes());
        }
        h.update((self.materials.len() as u64).to_le_bytes());
        for m in &self.materials {
            put_f32s(&mut h, &m.base_color);
            put_f32s(&mut h, &[m.base_alpha]);
            put_f32s(&mut h, &m.emission);
            h.update([m.lights_scene as u8, m.double_sided as u8]);
            match m.alpha_mode {
                AlphaMode::Opaque => h.update([0u8]),
                AlphaMode::Mask { cutoff } => {
                    h.update([1u8]);
                    put_f32s(&mut h, &[cutoff]);
                }
                AlphaMode::Blend => h.update([2u8]),
            }
            let normal_scale = m.normal_texture.map(|(_, scale)| scale);
            put_f32s(&mut h, &[normal_scale.unwrap_or(0.0)]);
            for texture in [
                m.base_color_texture,
                m.metallic_roughness_texture,
                m.normal_texture.map(|(t, _)| t),
                m.transmission_texture,
                m.emissive_texture,
            ] {
                match texture {
                    None => h.update(u32::MAX.to_le_bytes()),
                    Some(t) => {
                        h.update(t.texture.to_le_bytes());
                        h.update(t.uv_set.to_le_bytes());
                        h.update([
                            t.srgb as u8,
                            t.wrap_u as u8,
                            t.wrap_v as u8,
                            t.nearest as u8,
                        ]);
                        put_f32s(&mut h, &t.uv_transform[0]);
                        put_f32s(&mut h, &t.uv_transform[1]);
                    }
                }
            }
            match m.surface {
                Surface::Standard {
                    metallic,
                    roughness,
                    ior,
                    transmission,
                } => {
                    h.update([0u8]);
                    put_f32s(&mut h, &[metallic, roughness, ior, transmission]);
                }
                Surface::Glass { ior } => {
                    h.update([1u8]);
                    put_f32s(&mut h, &[ior]);
                }
            }
        }
        h.update((self.textures.len() as u64).to_le_bytes());
        for t in &self.textures {
            h.update(t.width.to_le_bytes());
            h.update(t.height.to_le_bytes());
            h.update(&t.rgba8);
        }
        let c = &self.camera;
        put_f32s(&mut h, &c.position.to_array());
        put_f32s(&mut h, &c.forward.to_array());
        put_f32s(&mut h, &c.up.to_array());
        put_f32s(&mut h, &[c.vertical_fov_radians]);
        let e = &self.environment;
        put_f32s(&mut h, &e.zenith);
        put_f32s(&mut h, &e.horizon);
        put_f32s(&mut h, &e.ground);
        match e.sun {
            Some(sun) => {
                h.update([1u8]);
                put_f32s(&mut h, &sun.direction.to_array());
                put_f32s(&mut h, &sun.irradiance);
            }
            None => h.update([0u8]),
        }
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_stable_and_sensitive() {
        let scene = builtin::cornell_box();
        assert_eq!(scene.content_hash(), builtin::cornell_box().content_hash());
        let mut moved = scene.clone();
        moved.camera.position.x += 1e-3;
        assert_ne!(scene.content_hash(), moved.content_hash());
        let mut recolored = scene.clone();
        recolored.materials[0].base_color[0] += 0.01;
        assert_ne!(scene.content_hash(), recolored.content_hash());
        let mut one_less = scene.clone();
        one_less.triangles.pop();
        assert_ne!(scene.content_hash(), one_less.content_hash());
    }

    #[test]
    fn framing_keeps_the_bounds_in_front_of_the_camera() {
        let bounds = Aabb {
            min: Vec3::new(-1.0, 0.0, -2.0),
            max: Vec3::new(3.0, 2.0, 1.0),
        };
        for aspect in [0.5, 1.0, 2.0] {
            let camera = Camera::framing(&bounds, aspect);
            let to_center = (bounds.min + bounds.max) * 0.5 - camera.position;
            assert!(to_center.normalize().dot(camera.forward) > 0.999);
            assert!(to_center.length() > (bounds.max - bounds.min).length() * 0.5);
        }
    }

    #[test]
    fn unknown_scene_names_the_builtins() {
        let err = Scene::load("no-such-scene", 1.0).unwrap_err();
        assert!(matches!(err, WorkerError::UnknownScene { .. }));
        assert!(err.to_string().contains("cornell-box"));
    }
}
