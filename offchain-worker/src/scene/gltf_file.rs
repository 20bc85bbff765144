//! glTF 2.0 (`.gltf` + resources, or `.glb`) into a [`Scene`].
//!
//! Mapped, as Blender's glTF importer maps them for Cycles: the default scene's node hierarchy
//! (world transforms, mirrored transforms included), triangle lists/strips/fans, normals (flat
//! when absent), `TEXCOORD_0` and `TEXCOORD_1`, `COLOR_0` (multiplying the base colour),
//! `TANGENT` (MikkTSpace tangents are generated when a normal-mapped primitive has none), the
//! metallic-roughness material with its base-colour, metallic-roughness, normal and emissive
//! textures, samplers (wrap modes per axis; nearest or bilinear texels chosen from the min and
//! mag filters as Blender's importer does, no mipmaps), `alphaMode` and
//! `alphaCutoff`, `doubleSided`, `KHR_texture_transform`, `KHR_materials_transmission`,
//! `KHR_materials_ior`, `KHR_materials_emissive_strength`, the first perspective camera met in
//! the hierarchy (else an automatic framing).
//! Read and checked but not applied: occlusion textures. Blender's importer keeps them aside
//! (a path tracer computes occlusion itself; multiplying a baked map in would count it twice).
//! Ignored, because they do not change a still frame of a static scene: animations, skins and
//! morph targets (the rest pose is rendered).
//! Refused by name: required extensions other than the ones above
//! ([`WorkerError::UnsupportedGltf`]), point and line primitives, orthographic cameras,
//! textures on `TEXCOORD_2` and above, floating-point textures; references to textures or
//! images the file does not have ([`WorkerError::MissingTexture`]); samplers with values outside
//! the glTF enums or textures naming a sampler that does not exist
//! ([`WorkerError::MalformedSampler`]).

use std::collections::HashMap;
use std::path::Path;

use glam::{Mat3, Mat4, Vec3, Vec4};
use gltf::image::Format;
use gltf::json::validation::Checked;
use gltf::mesh::Mode;
use gltf::texture::{MagFilter, MinFilter, WrappingMode};
use serde_json::Value;

use super::{
    AlphaMode, Camera, Environment, Material, Scene, Surface, Texture, TextureRef, Triangle, Wrap,
    DEFAULT_IOR,
};
use crate::error::WorkerError;

/// Extensions that may appear in `extensionsRequired`: the ones this loader implements.
const SUPPORTED_REQUIRED_EXTENSIONS: [&str; 4] = [
    "KHR_materials_emissive_strength",
    "KHR_texture_transform",
    "KHR_materials_transmission",
    "KHR_materials_ior",
];

pub fn load(path: &Path, aspect: f32) -> Result<Scene, WorkerError> {
    let bytes = std::fs::read(path).map_err(|e| WorkerError::from_io(path, e))?;
    let corrupt = |reason: String| WorkerError::CorruptScene {
        path: path.display().to_string(),
        reason,
    };
    // Required extensions, samplers and texture references are checked before validation so
    // that the error names the feature or the reference rather than a validation path.
    let unvalidated =
        gltf::Gltf::from_slice_without_validation(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if let Some(ext) = unvalidated
        .document
        .extensions_required()
        .find(|e| !SUPPORTED_REQUIRED_EXTENSIONS.contains(e))
    {
        return Err(WorkerError::UnsupportedGltf {
            path: path.display().to_string(),
            feature: format!("required extension {ext}"),
        });
    }
    check_samplers_and_texture_references(path, unvalidated.document.as_json())?;
    let gltf::Gltf { document, blob } =
        gltf::Gltf::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let buffers = gltf::import_buffers(&document, Some(base), blob)
        .map_err(|e| corrupt(format!("buffer: {e}")))?;

    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut loader = Loader {
        path,
        base,
        buffers: &buffers,
        triangles: Vec::new(),
        materials: Vec::new(),
        material_of_gltf: HashMap::new(),
        textures: Vec::new(),
        texture_of_image: HashMap::new(),
        camera: None,
    };
    let scene = document
        .default_scene()
        .or_else(|| document.scenes().next())
        .ok_or_else(|| corrupt("the file has no scene".into()))?;
    for node in scene.nodes() {
        loader.visit(&node, Mat4::IDENTITY)?;
    }
    if loader.triangles.is_empty() {
        return Err(corrupt("the scene has no triangles to render".into()));
    }
    let mut out = Scene {
        name,
        triangles: loader.triangles,
        materials: loader.materials,
        textures: loader.textures,
        camera: Camera::look_at(Vec3::Z, Vec3::ZERO, Vec3::Y, 40.0),
        environment: Environment::studio(),
    };
    out.camera = match loader.camera {
        Some(camera) => camera,
        None => Camera::framing(&out.bounds(), aspect),
    };
    Ok(out)
}

/// Every sampler holds values of the glTF enums, every texture names an existing sampler and
/// image, and every texture reference of a material (extensions included: any `…Texture`
/// object with an `index`) names an existing texture.
fn check_samplers_and_texture_references(
    path: &Path,
    root: &gltf::json::Root,
) -> Result<(), WorkerError> {
    let malformed = |sampler: usize, reason: String| WorkerError::MalformedSampler {
        path: path.display().to_string(),
        sampler: sampler.to_string(),
        reason,
    };
    let missing = |reference: String, reason: String| WorkerError::MissingTexture {
        path: path.display().to_string(),
        reference,
        reason,
    };
    for (i, sampler) in root.samplers.iter().enumerate() {
        if matches!(sampler.wrap_s, Checked::Invalid) {
            return Err(malformed(i, "wrapS is not 33071, 33648 or 10497".into()));
        }
        if matches!(sampler.wrap_t, Checked::Invalid) {
            return Err(malformed(i, "wrapT is not 33071, 33648 or 10497".into()));
        }
        if matches!(sampler.mag_filter, Some(Checked::Invalid)) {
            return Err(malformed(i, "magFilter is not 9728 or 9729".into()));
        }
        if matches!(sampler.min_filter, Some(Checked::Invalid)) {
            return Err(malformed(
                i,
                "minFilter is not one of 9728, 9729, 9984–9987".into(),
            ));
        }
    }
    for (i, texture) in root.textures.iter().enumerate() {
        if let Some(sampler) = texture.sampler {
            if sampler.value() >= root.samplers.len() {
                return Err(malformed(
                    sampler.value(),
                    format!(
                        "texture {i} names it, but the file has {} sampler(s)",
                        root.samplers.len()
                    ),
                ));
            }
        }
        if texture.source.value() >= root.images.len() {
            return Err(missing(
                format!("texture {i}"),
                format!(
                    "its image {} does not exist ({} image(s) in the file)",
                    texture.source.value(),
                    root.images.len()
                ),
            ));
        }
    }
    for (m, material) in root.materials.iter().enumerate() {
        let json = serde_json::to_value(material).unwrap_or(Value::Null);
        let mut references = Vec::new();
        texture_references(&json, "", &mut references);
        for (field, index) in references {
            if index >= root.textures.len() as u64 {
                return Err(missing(
                    format!("material {m} {field}"),
                    format!(
                        "texture {index} does not exist ({} texture(s) in the file)",
                        root.textures.len()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `(field path, texture index)` of every `…Texture` object under `value`.
fn texture_references(value: &Value, at: &str, out: &mut Vec<(String, u64)>) {
    if let Value::Object(map) = value {
        for (key, child) in map {
            let field = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            if key.ends_with("Texture") {
                if let Some(index) = child.get("index").and_then(Value::as_u64) {
                    out.push((field.clone(), index));
                }
            }
            texture_references(child, &field, out);
        }
    }
}

/// The 2×3 matrix of a `KHR_texture_transform` (offset · rotation · scale) and its `texCoord`
/// override.
fn texture_transform(value: Option<&Value>) -> Result<([[f32; 3]; 2], Option<u32>), String> {
    let Some(value) = value else {
        return Ok((TextureRef::IDENTITY_TRANSFORM, None));
    };
    let pair = |key: &str, default: [f32; 2]| -> Result<[f32; 2], String> {
        match value.get(key) {
            None => Ok(default),
            Some(v) => {
                let numbers: Option<Vec<f32>> = v.as_array().map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_f64().map(|x| x as f32))
                        .collect()
                });
                match numbers.as_deref() {
                    Some(&[a, b]) => Ok([a, b]),
                    _ => Err(format!("KHR_texture_transform {key} is not two numbers")),
                }
            }
        }
    };
    let offset = pair("offset", [0.0, 0.0])?;
    let scale = pair("scale", [1.0, 1.0])?;
    let rotation = match value.get("rotation") {
        None => 0.0,
        Some(v) => v
            .as_f64()
            .ok_or("KHR_texture_transform rotation is not a number")? as f32,
    };
    let tex_coord = match value.get("texCoord") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or("KHR_texture_transform texCoord is not an index")? as u32,
        ),
    };
    let (sin, cos) = rotation.sin_cos();
    Ok((
        [
            [cos * scale[0], sin * scale[1], offset[0]],
            [-sin * scale[0], cos * scale[1], offset[1]],
        ],
        tex_coord,
    ))
}

/// Blender's importer rule, without mipmaps: nearest texels when both filters are nearest, or
/// when the one given is.
fn is_nearest(min: Option<MinFilter>, mag: Option<MagFilter>) -> bool {
    let min_nearest = min.map(|f| {
        matches!(
            f,
            MinFilter::Nearest | MinFilter::NearestMipmapNearest | MinFilter::NearestMipmapLinear
        )
    });
    let mag_nearest = mag.map(|f| f == MagFilter::Nearest);
    matches!(
        (min_nearest, mag_nearest),
        (Some(true), Some(true)) | (Some(true), None) | (None, Some(true))
    )
}

fn wrap(mode: WrappingMode) -> Wrap {
    match mode {
        WrappingMode::Repeat => Wrap::Repeat,
        WrappingMode::ClampToEdge => Wrap::ClampToEdge,
        WrappingMode::MirroredRepeat => Wrap::MirroredRepeat,
    }
}

/// One face corner list of a primitive, for MikkTSpace.
struct TangentSpaceInput<'a> {
    corners: &'a [[u32; 3]],
    positions: &'a [Vec3],
    normals: &'a [Vec3],
    uvs: &'a [[f32; 2]],
    tangents: Vec<[Vec4; 3]>,
}

impl mikktspace::Geometry for TangentSpaceInput<'_> {
    fn num_faces(&self) -> usize {
        self.corners.len()
    }

    fn num_vertices_of_face(&self, _face: usize) -> usize {
        3
    }

    fn position(&self, face: usize, vert: usize) -> [f32; 3] {
        self.positions[self.corners[face][vert] as usize].to_array()
    }

    fn normal(&self, face: usize, vert: usize) -> [f32; 3] {
        self.normals[self.corners[face][vert] as usize].to_array()
    }

    /// glTF's v runs down the image; MikkTSpace (like Blender, which flips v on import)
    /// expects it up, so that the bitangent points towards the image's top as normal maps'
    /// green channel does.
    fn tex_coord(&self, face: usize, vert: usize) -> [f32; 2] {
        let [u, v] = self.uvs[self.corners[face][vert] as usize];
        [u, 1.0 - v]
    }

    fn set_tangent_encoded(&mut self, tangent: [f32; 4], face: usize, vert: usize) {
        self.tangents[face][vert] = Vec4::from(tangent);
    }
}

struct Loader<'a> {
    path: &'a Path,
    base: &'a Path,
    buffers: &'a [gltf::buffer::Data],
    triangles: Vec<Triangle>,
    materials: Vec<Material>,
    /// glTF material index (None = the default material) → ours.
    material_of_gltf: HashMap<Option<usize>, u32>,
    textures: Vec<Texture>,
    texture_of_image: HashMap<usize, u32>,
    camera: Option<Camera>,
}

impl Loader<'_> {
    fn unsupported(&self, feature: String) -> WorkerError {
        WorkerError::UnsupportedGltf {
            path: self.path.display().to_string(),
            feature,
        }
    }

    fn corrupt(&self, reason: String) -> WorkerError {
        WorkerError::CorruptScene {
            path: self.path.display().to_string(),
            reason,
        }
    }

    fn visit(&mut self, node: &gltf::Node, parent: Mat4) -> Result<(), WorkerError> {
        let world = parent * Mat4::from_cols_array_2d(&node.transform().matrix());
        if let Some(camera) = node.camera() {
            self.take_camera(&camera, world)?;
        }
        if let Some(mesh) = node.mesh() {
            for primitive in mesh.primitives() {
                self.add_primitive(&mesh, &primitive, world)?;
            }
        }
        for child in node.children() {
            self.visit(&child, world)?;
        }
        Ok(())
    }

    fn take_camera(&mut self, camera: &gltf::Camera, world: Mat4) -> Result<(), WorkerError> {
        if self.camera.is_some() {
            return Ok(());
        }
        match camera.projection() {
            gltf::camera::Projection::Perspective(p) => {
                // glTF cameras look down their local -Z with +Y up.
                let position = world.transform_point3(Vec3::ZERO);
                let forward = world.transform_vector3(-Vec3::Z).normalize();
                let up_hint = world.transform_vector3(Vec3::Y);
                let right = forward.cross(up_hint).normalize();
                self.camera = Some(Camera {
                    position,
                    forward,
                    up: right.cross(forward),
                    vertical_fov_radians: p.yfov(),
                });
                Ok(())
            }
            gltf::camera::Projection::Orthographic(_) => {
                Err(self.unsupported(format!("orthographic camera (camera {})", camera.index())))
            }
        }
    }

    fn add_primitive(
        &mut self,
        mesh: &gltf::Mesh,
        primitive: &gltf::Primitive,
        world: Mat4,
    ) -> Result<(), WorkerError> {
        let mesh_label = mesh.name().map_or_else(
            || format!("mesh {}", mesh.index()),
            |n| format!("mesh '{n}'"),
        );
        let mode = primitive.mode();
        if matches!(
            mode,
            Mode::Points | Mode::Lines | Mode::LineLoop | Mode::LineStrip
        ) {
            return Err(self.unsupported(format!(
                "primitive mode {mode:?} in {mesh_label} (only triangles render)"
            )));
        }
        let reader = primitive.reader(|b| self.buffers.get(b.index()).map(|d| &d.0[..]));
        let positions: Vec<Vec3> = reader
            .read_positions()
            .ok_or_else(|| self.corrupt(format!("{mesh_label} has a primitive without POSITION")))?
            .map(Vec3::from)
            .collect();
        let normals: Option<Vec<Vec3>> = reader.read_normals().map(|n| n.map(Vec3::from).collect());
        let uvs: Option<Vec<[f32; 2]>> = reader.read_tex_coords(0).map(|t| t.into_f32().collect());
        let uvs1: Option<Vec<[f32; 2]>> = reader.read_tex_coords(1).map(|t| t.into_f32().collect());
        let colors: Option<Vec<[f32; 4]>> =
            reader.read_colors(0).map(|c| c.into_rgba_f32().collect());
        let file_tangents: Option<Vec<Vec4>> =
            reader.read_tangents().map(|t| t.map(Vec4::from).collect());
        let indices: Vec<u32> = match reader.read_indices() {
            Some(i) => i.into_u32().collect(),
            None => (0..positions.len() as u32).collect(),
        };
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= positions.len()) {
            return Err(self.corrupt(format!(
                "{mesh_label}: index {bad} out of range ({} vertices)",
                positions.len()
            )));
        }
        let count_differs = |len: Option<usize>| len.is_some_and(|l| l != positions.len());
        if count_differs(normals.as_ref().map(Vec::len))
            || count_differs(uvs.as_ref().map(Vec::len))
            || count_differs(uvs1.as_ref().map(Vec::len))
            || count_differs(colors.as_ref().map(Vec::len))
            || count_differs(file_tangents.as_ref().map(Vec::len))
        {
            return Err(self.corrupt(format!(
                "{mesh_label}: attribute counts differ from POSITION"
            )));
        }
        let material = self.material(primitive.material())?;
        let corners = triangle_corners(mode, &indices);
        let tangents = self.corner_tangents(
            material,
            &corners,
            &positions,
            normals.as_deref(),
            file_tangents.as_deref(),
            uvs.as_deref(),
            uvs1.as_deref(),
        );
        let normal_matrix = Mat3::from_mat4(world).inverse().transpose();
        // A mirroring transform turns the tangent frame's handedness around.
        let handedness = Mat3::from_mat4(world).determinant().signum();
        for (face, [a, b, c]) in corners.iter().enumerate() {
            let corners = [*a as usize, *b as usize, *c as usize];
            let p = corners.map(|i| world.transform_point3(positions[i]));
            let mut triangle = Triangle::flat(p, material);
            if triangle.area() <= 0.0 || !triangle.area().is_finite() {
                continue; // degenerate: never hit, and would poison the BVH bounds
            }
            if let Some(n) = &normals {
                triangle.normals = corners.map(|i| {
                    let world_normal = (normal_matrix * n[i]).normalize_or_zero();
                    if world_normal == Vec3::ZERO {
                        triangle.normals[0]
                    } else {
                        world_normal
                    }
                });
            }
            if let Some(t) = &uvs {
                triangle.uvs = corners.map(|i| t[i]);
            }
            if let Some(t) = &uvs1 {
                triangle.uvs1 = corners.map(|i| t[i]);
            }
            if let Some(c) = &colors {
                triangle.colors = corners.map(|i| c[i]);
            }
            if let Some(t) = &tangents {
                triangle.tangents = t[face].map(|tangent| {
                    let xyz = world
                        .transform_vector3(tangent.truncate())
                        .normalize_or_zero();
                    xyz.extend(tangent.w * handedness)
                });
            }
            self.triangles.push(triangle);
        }
        Ok(())
    }

    /// Tangents at each face corner for a normal-mapped material: the file's `TANGENT`, else
    /// MikkTSpace on the normal map's UV set. `None` without a normal map, or without the
    /// normals and UVs tangents are defined by (the map is then not applied).
    #[allow(clippy::too_many_arguments)]
    fn corner_tangents(
        &self,
        material: u32,
        corners: &[[u32; 3]],
        positions: &[Vec3],
        normals: Option<&[Vec3]>,
        file_tangents: Option<&[Vec4]>,
        uvs: Option<&[[f32; 2]]>,
        uvs1: Option<&[[f32; 2]]>,
    ) -> Option<Vec<[Vec4; 3]>> {
        let (normal_map, _) = self.materials[material as usize].normal_texture?;
        if let Some(t) = file_tangents {
            return Some(corners.iter().map(|c| c.map(|i| t[i as usize])).collect());
        }
        let uvs = if normal_map.uv_set == 1 { uvs1 } else { uvs }?;
        let mut input = TangentSpaceInput {
            corners,
            positions,
            normals: normals?,
            uvs,
            tangents: vec![[Vec4::ZERO; 3]; corners.len()],
        };
        mikktspace::generate_tangents(&mut input).then_some(input.tangents)
    }

    fn material(&mut self, material: gltf::Material) -> Result<u32, WorkerError> {
        if let Some(&ours) = self.material_of_gltf.get(&material.index()) {
            return Ok(ours);
        }
        let label = material.index().map_or_else(
            || "the default material".to_string(),
            |i| format!("material {i}"),
        );
        let pbr = material.pbr_metallic_roughness();
        let [r, g, b, alpha] = pbr.base_color_factor();
        let strength = material.emissive_strength().unwrap_or(1.0);
        let info_ref = |loader: &mut Self,
                        info: Option<gltf::texture::Info>,
                        role: &str,
                        srgb: bool|
         -> Result<Option<TextureRef>, WorkerError> {
            match info {
                None => Ok(None),
                Some(info) => loader
                    .texture(
                        &info.texture(),
                        info.tex_coord(),
                        info.extension_value("KHR_texture_transform"),
                        &format!("{label} {role}"),
                        srgb,
                    )
                    .map(Some),
            }
        };
        let base_color_texture = info_ref(self, pbr.base_color_texture(), "base-color", true)?;
        let metallic_roughness_texture = info_ref(
            self,
            pbr.metallic_roughness_texture(),
            "metallic-roughness",
            false,
        )?;
        let emissive_texture = info_ref(self, material.emissive_texture(), "emissive", true)?;
        let transmission = material.transmission();
        let transmission_texture = info_ref(
            self,
            transmission.as_ref().and_then(|t| t.transmission_texture()),
            "transmission",
            false,
        )?;
        let normal_texture = match material.normal_texture() {
            None => None,
            Some(normal) => Some((
                self.texture(
                    &normal.texture(),
                    normal.tex_coord(),
                    normal.extension_value("KHR_texture_transform"),
                    &format!("{label} normal"),
                    false,
                )?,
                normal.scale(),
            )),
        };
        if let Some(occlusion) = material.occlusion_texture() {
            // Checked (the image exists and decodes), then left out: see the module comment.
            let role = format!("{label} occlusion");
            if !self
                .texture_of_image
                .contains_key(&occlusion.texture().source().index())
            {
                self.decode(&occlusion.texture(), &role)?;
            }
        }
        let alpha_mode = match material.alpha_mode() {
            gltf::material::AlphaMode::Opaque => AlphaMode::Opaque,
            gltf::material::AlphaMode::Mask => AlphaMode::Mask {
                cutoff: material.alpha_cutoff().unwrap_or(0.5),
            },
            gltf::material::AlphaMode::Blend => AlphaMode::Blend,
        };
        let ours = Material {
            base_color: [r, g, b],
            base_alpha: alpha.clamp(0.0, 1.0),
            base_color_texture,
            surface: Surface::Standard {
                metallic: pbr.metallic_factor().clamp(0.0, 1.0),
                roughness: pbr.roughness_factor().clamp(0.0, 1.0),
                ior: material.ior().unwrap_or(DEFAULT_IOR).max(1.0),
                transmission: transmission
                    .map_or(0.0, |t| t.transmission_factor())
                    .clamp(0.0, 1.0),
            },
            metallic_roughness_texture,
            normal_texture,
            transmission_texture,
            alpha_mode,
            double_sided: material.double_sided(),
            emission: material.emissive_factor().map(|c| c * strength),
            emissive_texture,
            lights_scene: true,
        };
        self.materials.push(ours);
        let index = (self.materials.len() - 1) as u32;
        self.material_of_gltf.insert(material.index(), index);
        Ok(index)
    }

    /// A texture reference: its image decoded once per image, its sampler, UV set and
    /// transform. `srgb`: whether the texels are colours (decoded from sRGB) or data.
    fn texture(
        &mut self,
        texture: &gltf::Texture,
        tex_coord: u32,
        transform: Option<&Value>,
        role: &str,
        srgb: bool,
    ) -> Result<TextureRef, WorkerError> {
        let (uv_transform, tex_coord_override) = texture_transform(transform)
            .map_err(|e| self.corrupt(format!("{role} texture: {e}")))?;
        let uv_set = tex_coord_override.unwrap_or(tex_coord);
        if uv_set > 1 {
            return Err(self.unsupported(format!(
                "{role} texture on TEXCOORD_{uv_set} (TEXCOORD_0 and TEXCOORD_1 render)"
            )));
        }
        let sampler = texture.sampler();
        let texture_index = self.image(texture, role)?;
        Ok(TextureRef {
            texture: texture_index,
            srgb,
            uv_set,
            wrap_u: wrap(sampler.wrap_s()),
            wrap_v: wrap(sampler.wrap_t()),
            nearest: is_nearest(sampler.min_filter(), sampler.mag_filter()),
            uv_transform,
        })
    }

    fn image(&mut self, texture: &gltf::Texture, role: &str) -> Result<u32, WorkerError> {
        let image = texture.source();
        if let Some(&ours) = self.texture_of_image.get(&image.index()) {
            return Ok(ours);
        }
        self.textures.push(self.decode(texture, role)?);
        let ours = (self.textures.len() - 1) as u32;
        self.texture_of_image.insert(image.index(), ours);
        Ok(ours)
    }

    /// The texture's image, read and decoded to 8-bit RGBA.
    fn decode(&self, texture: &gltf::Texture, role: &str) -> Result<Texture, WorkerError> {
        let image = texture.source();
        let data = gltf::image::Data::from_source(image.source(), Some(self.base), self.buffers)
            .map_err(|e| match (&e, image.source()) {
                (gltf::Error::Io(io), gltf::image::Source::Uri { uri, .. })
                    if io.kind() == std::io::ErrorKind::NotFound =>
                {
                    WorkerError::MissingTexture {
                        path: self.path.display().to_string(),
                        reference: format!("{role} texture, image {} '{uri}'", image.index()),
                        reason: "file not found next to the glTF file".into(),
                    }
                }
                _ => self.corrupt(format!("image {}: {e}", image.index())),
            })?;
        let rgba8 = to_rgba8(&data).ok_or_else(|| {
            self.unsupported(format!(
                "{role} texture in {:?} (image {})",
                data.format,
                image.index()
            ))
        })?;
        Ok(Texture {
            width: data.width,
            height: data.height,
            rgba8,
        })
    }
}

/// Triangles of a triangle list, strip or fan, as index triples.
fn triangle_corners(mode: Mode, indices: &[u32]) -> Vec<[u32; 3]> {
    match mode {
        Mode::TriangleStrip => (2..indices.len())
            .map(|i| {
                // Every other triangle of a strip is flipped to keep a consistent winding.
                if i % 2 == 0 {
                    [indices[i - 2], indices[i - 1], indices[i]]
                } else {
                    [indices[i - 1], indices[i - 2], indices[i]]
                }
            })
            .collect(),
        Mode::TriangleFan => (2..indices.len())
            .map(|i| [indices[0], indices[i - 1], indices[i]])
            .collect(),
        _ => indices
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect(),
    }
}

/// 8- and 16-bit images as 8-bit RGBA; `None` for floating-point formats.
fn to_rgba8(data: &gltf::image::Data) -> Option<Vec<u8>> {
    let px = &data.pixels;
    // 16-bit channels are stored native-endian; keep the most significant byte.
    let high_bytes = || -> Vec<u8> {
        px.chunks_exact(2)
            .map(|c| (u16::from_ne_bytes([c[0], c[1]]) >> 8) as u8)
            .collect()
    };
    let expand = |bytes: &[u8], channels: usize| -> Vec<u8> {
        bytes
            .chunks_exact(channels)
            .flat_map(|c| match channels {
                1 => [c[0], c[0], c[0], 255],
                2 => [c[0], c[0], c[0], c[1]],
                3 => [c[0], c[1], c[2], 255],
                _ => [c[0], c[1], c[2], c[3]],
            })
            .collect()
    };
    Some(match data.format {
        Format::R8 => expand(px, 1),
        Format::R8G8 => expand(px, 2),
        Format::R8G8B8 => expand(px, 3),
        Format::R8G8B8A8 => px.clone(),
        Format::R16 => expand(&high_bytes(), 1),
        Format::R16G16 => expand(&high_bytes(), 2),
        Format::R16G16B16 => expand(&high_bytes(), 3),
        Format::R16G16B16A16 => high_bytes(),
        Format::R32G32B32FLOAT | Format::R32G32B32A32FLOAT => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texture_transform_is_offset_rotation_scale() {
        // KHR_texture_transform's example: rotation by a quarter turn maps (1, 0) to (0, -1)
        // before the offset.
        let value = serde_json::json!({ "offset": [0.5, 0.25], "rotation": std::f32::consts::FRAC_PI_2,
            "scale": [2.0, 3.0], "texCoord": 1 });
        let (m, tex_coord) = texture_transform(Some(&value)).unwrap();
        assert_eq!(tex_coord, Some(1));
        let apply = |u: f32, v: f32| {
            [
                m[0][0] * u + m[0][1] * v + m[0][2],
                m[1][0] * u + m[1][1] * v + m[1][2],
            ]
        };
        let [u, v] = apply(1.0, 0.0);
        assert!(
            (u - 0.5).abs() < 1e-6 && (v - (0.25 - 2.0)).abs() < 1e-6,
            "{u} {v}"
        );
        let [u, v] = apply(0.0, 1.0);
        assert!((u - 3.5).abs() < 1e-6 && (v - 0.25).abs() < 1e-6, "{u} {v}");
        assert_eq!(
            texture_transform(None).unwrap(),
            (TextureRef::IDENTITY_TRANSFORM, None)
        );
        let bad = serde_json::json!({ "scale": [1.0] });
        assert!(texture_transform(Some(&bad)).unwrap_err().contains("scale"));
    }

    #[test]
    fn filters_follow_blenders_importer() {
        use MagFilter as Mag;
        use MinFilter as Min;
        assert!(is_nearest(None, Some(Mag::Nearest)));
        assert!(is_nearest(
            Some(Min::NearestMipmapLinear),
            Some(Mag::Nearest)
        ));
        assert!(is_nearest(Some(Min::Nearest), None));
        assert!(!is_nearest(Some(Min::Linear), Some(Mag::Nearest)));
        assert!(!is_nearest(Some(Min::Nearest), Some(Mag::Linear)));
        assert!(!is_nearest(None, None));
    }

    #[test]
    fn strips_and_fans_become_triangles() {
        assert_eq!(
            triangle_corners(Mode::TriangleStrip, &[0, 1, 2, 3]),
            vec![[0, 1, 2], [2, 1, 3]]
        );
        assert_eq!(
            triangle_corners(Mode::TriangleFan, &[0, 1, 2, 3]),
            vec![[0, 1, 2], [0, 2, 3]]
        );
        assert_eq!(
            triangle_corners(Mode::Triangles, &[0, 1, 2, 3, 4, 5, 6]),
            vec![[0, 1, 2], [3, 4, 5]]
        );
    }
}
