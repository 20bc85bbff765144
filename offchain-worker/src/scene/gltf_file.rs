//! glTF 2.0 (`.gltf` + resources, or `.glb`) into a [`Scene`].
//!
//! Mapped: the default scene's node hierarchy (world transforms, mirrored transforms included),
//! triangle lists/strips/fans, normals (flat when absent), `TEXCOORD_0`, metallic-roughness
//! factors, base-color and emissive textures, `KHR_materials_emissive_strength`, the first
//! perspective camera met in the hierarchy (else an automatic framing). Ignored, because they
//! do not change a still frame of a static scene or are beyond a path tracer's base model:
//! animations, skins and morph targets (the rest pose is rendered), normal, occlusion and
//! metallic-roughness *textures*, samplers (bilinear + repeat is used), alpha modes (opaque).
//! Refused with [`WorkerError::UnsupportedGltf`], naming the feature: required extensions other
//! than the ones above, point and line primitives, orthographic cameras, base-color or emissive
//! textures on a UV set other than 0, and floating-point textures.

use std::collections::HashMap;
use std::path::Path;

use glam::{Mat3, Mat4, Vec3};
use gltf::image::Format;
use gltf::mesh::Mode;

use super::{Camera, Environment, Material, Scene, Surface, Texture, Triangle};
use crate::error::WorkerError;

/// Extensions that may appear in `extensionsRequired`: the ones this loader implements.
const SUPPORTED_REQUIRED_EXTENSIONS: [&str; 1] = ["KHR_materials_emissive_strength"];

pub fn load(path: &Path, aspect: f32) -> Result<Scene, WorkerError> {
    let bytes = std::fs::read(path).map_err(|e| WorkerError::from_io(path, e))?;
    let corrupt = |reason: String| WorkerError::CorruptScene {
        path: path.display().to_string(),
        reason,
    };
    // Required extensions are checked before validation so that the error names the feature
    // rather than a validation path.
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
        if normals.as_ref().is_some_and(|n| n.len() != positions.len())
            || uvs.as_ref().is_some_and(|t| t.len() != positions.len())
        {
            return Err(self.corrupt(format!(
                "{mesh_label}: attribute counts differ from POSITION"
            )));
        }
        let material = self.material(primitive.material())?;
        let normal_matrix = Mat3::from_mat4(world).inverse().transpose();
        for [a, b, c] in triangle_corners(mode, &indices) {
            let corners = [a as usize, b as usize, c as usize];
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
            self.triangles.push(triangle);
        }
        Ok(())
    }

    fn material(&mut self, material: gltf::Material) -> Result<u32, WorkerError> {
        if let Some(&ours) = self.material_of_gltf.get(&material.index()) {
            return Ok(ours);
        }
        let pbr = material.pbr_metallic_roughness();
        let [r, g, b, _alpha] = pbr.base_color_factor();
        let strength = material.emissive_strength().unwrap_or(1.0);
        let base_color_texture = match pbr.base_color_texture() {
            Some(info) => Some(self.texture(&info, "base-color")?),
            None => None,
        };
        let emissive_texture = match material.emissive_texture() {
            Some(info) => Some(self.texture(&info, "emissive")?),
            None => None,
        };
        let ours = Material {
            base_color: [r, g, b],
            base_color_texture,
            surface: Surface::Standard {
                metallic: pbr.metallic_factor().clamp(0.0, 1.0),
                roughness: pbr.roughness_factor().clamp(0.0, 1.0),
            },
            emission: material.emissive_factor().map(|c| c * strength),
            emissive_texture,
            lights_scene: true,
        };
        self.materials.push(ours);
        let index = (self.materials.len() - 1) as u32;
        self.material_of_gltf.insert(material.index(), index);
        Ok(index)
    }

    fn texture(&mut self, info: &gltf::texture::Info, role: &str) -> Result<u32, WorkerError> {
        if info.tex_coord() != 0 {
            return Err(self.unsupported(format!(
                "{role} texture on TEXCOORD_{} (only TEXCOORD_0)",
                info.tex_coord()
            )));
        }
        let image = info.texture().source();
        if let Some(&ours) = self.texture_of_image.get(&image.index()) {
            return Ok(ours);
        }
        let data = gltf::image::Data::from_source(image.source(), Some(self.base), self.buffers)
            .map_err(|e| self.corrupt(format!("image {}: {e}", image.index())))?;
        let rgba8_srgb = to_rgba8(&data).ok_or_else(|| {
            self.unsupported(format!(
                "{role} texture in {:?} (image {})",
                data.format,
                image.index()
            ))
        })?;
        self.textures.push(Texture {
            width: data.width,
            height: data.height,
            rgba8_srgb,
        });
        let ours = (self.textures.len() - 1) as u32;
        self.texture_of_image.insert(image.index(), ours);
        Ok(ours)
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
