//! The compute-shader path tracer: scene upload, render passes, read-back.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

use crate::bvh::Bvh;
use crate::error::WorkerError;
use crate::frame::Frame;
use crate::gpu::Gpu;
use crate::scene::{
    Aabb, AlphaMode, Camera, Environment, Material, Scene, Surface, TextureRef, Wrap,
};

const SHADER: &str = include_str!("shaders/pathtrace.wgsl");
const WORKGROUP_SIZE: u32 = 8;
/// Samples a pass traces across the whole region, at most; more passes keep each dispatch
/// short (drivers with watchdogs) and let the progress bar move. Results do not depend on it.
const SAMPLES_PER_DISPATCH: u64 = 1 << 21;
/// Samples one invocation traces per pass, at most. Measured on lavapipe (Mesa 22.3.6, LLVM
/// 15): invocations looping over more than ~128 samples end their loop early (a 40×30 frame at
/// 1024 spp in one pass took 0.5 s instead of 2.0 s and averaged 0.294 instead of 0.438),
/// while 32 or 16 per pass give the right image, bit-identical to each other; 16 keeps a margin.
const MAX_SAMPLES_PER_INVOCATION: u64 = 16;
const NO_TEXTURE: u32 = u32::MAX;
/// What a scene uses, the shader's override constant `SCENE_FEATURES` (same values as its
/// `USES_*`). Each scene's pipeline is compiled without the code for what it lacks: lavapipe
/// runs both sides of every branch under a lane mask, so code no pixel takes still costs time.
/// `ALPHA` and `SINGLE_SIDED` are also `GpuTriangle::flags` (the shader's `TRI_ALPHA` and
/// `TRI_SINGLE_SIDED`): the material has alpha (any ray may pass through), or is single-sided
/// (camera rays pass through its back faces).
mod features {
    pub const ALPHA: u32 = 1;
    pub const SINGLE_SIDED: u32 = 1 << 1;
    pub const EMITTERS: u32 = 1 << 2;
    pub const EMISSION: u32 = 1 << 3;
    pub const SUN: u32 = 1 << 4;
    pub const GLASS: u32 = 1 << 5;
    pub const TRANSMISSION: u32 = 1 << 6;
    pub const VERTEX_COLORS: u32 = 1 << 7;
    pub const UV1: u32 = 1 << 8;
    pub const BASE_COLOR_MAPS: u32 = 1 << 9;
    pub const METALLIC_ROUGHNESS_MAPS: u32 = 1 << 10;
    pub const NORMAL_MAPS: u32 = 1 << 11;
    pub const TRANSMISSION_MAPS: u32 = 1 << 12;
    pub const EMISSIVE_MAPS: u32 = 1 << 13;
}
/// Compiled pipelines kept for reuse, at most. Each holds lavapipe's machine code for the whole
/// shader (tens of MiB), and a node that renders many kinds of scene would otherwise keep one for
/// every feature set it ever met.
const CACHED_PIPELINES: usize = 4;
/// The one binding the shader writes: per-pixel running sums.
const ACCUMULATION_BINDING: u32 = 6;
/// Textures are addressed with 16-bit width and height in the shader.
const MAX_TEXTURE_SIDE: u32 = u16::MAX as u32;

/// The path tracer's compute pipeline for scenes that use `scene_features` (see `features`).
fn pipeline(
    device: &wgpu::Device,
    module: &wgpu::ShaderModule,
    layout: &wgpu::PipelineLayout,
    scene_features: u32,
) -> wgpu::ComputePipeline {
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("pathtrace"),
        layout: Some(layout),
        module,
        entry_point: Some("main"),
        compilation_options: wgpu::PipelineCompilationOptions {
            constants: &[("SCENE_FEATURES", scene_features as f64)],
            // The shader's only workgroup memory, the traversal stacks, is written before it
            // is read.
            zero_initialize_workgroup_memory: false,
        },
        cache: None,
    })
}

fn gpu_error(stage: &str, reason: impl ToString) -> WorkerError {
    WorkerError::Gpu {
        stage: stage.to_string(),
        reason: reason.to_string(),
    }
}

/// A rectangle of pixels inside the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PixelRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderSettings {
    pub width: u32,
    pub height: u32,
    pub samples_per_pixel: u32,
    pub seed: u64,
    /// Scattering surfaces after the camera's hit, as Cycles counts its "total bounces" (the ray
    /// leaving the last one still adds the emission it finds).
    pub max_bounces: u32,
    /// Render only this part of the frame (the same pixels as a full render would give, on
    /// the same adapter); `None` for the whole frame.
    pub region: Option<PixelRect>,
}

impl RenderSettings {
    pub const DEFAULT_MAX_BOUNCES: u32 = 8;

    pub fn new(width: u32, height: u32, samples_per_pixel: u32, seed: u64) -> Self {
        Self {
            width,
            height,
            samples_per_pixel,
            seed,
            max_bounces: Self::DEFAULT_MAX_BOUNCES,
            region: None,
        }
    }

    pub fn region(&self) -> PixelRect {
        self.region.unwrap_or(PixelRect {
            x: 0,
            y: 0,
            width: self.width,
            height: self.height,
        })
    }

    pub fn validate(&self) -> Result<(), WorkerError> {
        let bad = |m: String| Err(WorkerError::InvalidSettings(m));
        if self.width == 0 || self.height == 0 {
            return bad(format!(
                "frame size {}x{} is empty",
                self.width, self.height
            ));
        }
        if self.width > 16_384 || self.height > 16_384 {
            return bad(format!(
                "frame size {}x{} exceeds 16384 on a side",
                self.width, self.height
            ));
        }
        if self.samples_per_pixel == 0 {
            return bad("samples per pixel must be at least 1".into());
        }
        if self.max_bounces == 0 || self.max_bounces > 64 {
            return bad(format!(
                "max bounces {} is outside 1..=64",
                self.max_bounces
            ));
        }
        let r = self.region();
        if r.width == 0
            || r.height == 0
            || r.x.checked_add(r.width).is_none_or(|e| e > self.width)
            || r.y.checked_add(r.height).is_none_or(|e| e > self.height)
        {
            return bad(format!(
                "region {}x{} at ({}, {}) is not inside the {}x{} frame",
                r.width, r.height, r.x, r.y, self.width, self.height
            ));
        }
        Ok(())
    }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GpuTriangle {
    p0: [f32; 3],
    material: u32,
    p1: [f32; 3],
    /// Probability density per unit area with which next-event estimation samples a point of
    /// this triangle (0 when it is not a light), for multiple importance sampling.
    light_pdf_area: f32,
    p2: [f32; 3],
    /// `features::ALPHA | features::SINGLE_SIDED`: hits on it are checked against the material.
    flags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GpuShading {
    normals: [[f32; 4]; 3],
    tangents: [[f32; 4]; 3],
    /// TEXCOORD_0 of corners 0 and 1; TEXCOORD_0 of corner 2 and TEXCOORD_1 of corner 0;
    /// TEXCOORD_1 of corners 1 and 2.
    uvs: [[f32; 4]; 3],
    colors: [[f32; 4]; 3],
}

/// A texture reference as the shader reads it (`TexRef`).
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GpuTextureRef {
    offset: u32,
    /// Width in the low 16 bits, height in the high 16.
    dims: u32,
    /// Bits 0–1 wrap u, 2–3 wrap v (0 repeat, 1 clamp, 2 mirror), 4 nearest, 5 TEXCOORD_1,
    /// 6 sRGB.
    flags: u32,
    pad: u32,
    uv_transform: [[f32; 4]; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GpuMaterial {
    base_color: [f32; 4],
    emission: [f32; 3],
    kind: u32,
    metallic: f32,
    roughness: f32,
    ior: f32,
    transmission: f32,
    /// 0 opaque, 1 mask, 2 blend.
    alpha_mode: u32,
    alpha_cutoff: f32,
    double_sided: u32,
    normal_scale: f32,
    base_color_texture: GpuTextureRef,
    metallic_roughness_texture: GpuTextureRef,
    normal_texture: GpuTextureRef,
    transmission_texture: GpuTextureRef,
    emissive_texture: GpuTextureRef,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GpuEmitter {
    triangle: u32,
    /// Cumulative selection probability up to and including this emitter.
    cdf: f32,
    area: f32,
    select_pdf: f32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Params {
    cam_origin: [f32; 3],
    width: u32,
    cam_forward: [f32; 3],
    height: u32,
    cam_right: [f32; 3],
    region_x: u32,
    cam_up: [f32; 3],
    region_y: u32,
    zenith: [f32; 3],
    region_w: u32,
    horizon: [f32; 3],
    region_h: u32,
    ground: [f32; 3],
    sample_start: u32,
    sun_dir: [f32; 3],
    sample_count: u32,
    sun_irradiance: [f32; 3],
    seed_lo: u32,
    seed_hi: u32,
    max_bounces: u32,
    emitter_count: u32,
    triangle_count: u32,
    srgb_lut: [[f32; 4]; 64],
}

/// The 8-bit sRGB → linear table the shader decodes textures with (exact IEC 61966-2-1).
fn srgb_lut() -> [[f32; 4]; 64] {
    let mut lut = [[0.0; 4]; 64];
    for i in 0..256usize {
        let c = i as f64 / 255.0;
        let linear = if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        };
        lut[i / 4][i % 4] = linear as f32;
    }
    lut
}

/// A scene packed into GPU buffers (triangles in BVH leaf order).
pub struct GpuScene {
    bind_buffers: [wgpu::Buffer; 6],
    /// What the scene uses (`features`).
    features: u32,
    triangle_count: u32,
    emitter_count: u32,
    camera: Camera,
    environment: Environment,
    pub upload_time: Duration,
}

/// Compiled path tracer on one device.
pub struct Renderer {
    pub gpu: Gpu,
    module: wgpu::ShaderModule,
    pipeline_layout: wgpu::PipelineLayout,
    layout: wgpu::BindGroupLayout,
    /// Pipelines by scene features, least recently used first, compiled when a scene first
    /// needs them (at upload, so that render times are GPU work only); `CACHED_PIPELINES` at
    /// most.
    pipelines: Mutex<Vec<(u32, wgpu::ComputePipeline)>>,
}

impl Renderer {
    pub fn new(gpu: Gpu) -> Result<Renderer, WorkerError> {
        let device = &gpu.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("pathtrace"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        // The render parameters (binding 7) are a read-only storage buffer, not a uniform
        // buffer: with a uniform buffer, Mesa's lavapipe (22.3) kept about 1.2 MB for every
        // dispatch of this shader and never gave it back — a node rendering all day grew until
        // it was killed. Storage and uniform layouts of `Params` are the same.
        let entries: Vec<wgpu::BindGroupLayoutEntry> = (0..8)
            .map(|binding| storage(binding, binding != ACCUMULATION_BINDING))
            .collect();
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("pathtrace"),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("pathtrace"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(gpu_error("shader compilation", e));
        }
        Ok(Renderer {
            gpu,
            module,
            pipeline_layout,
            layout,
            pipelines: Mutex::default(),
        })
    }

    fn pipeline(&self, scene_features: u32) -> Result<wgpu::ComputePipeline, WorkerError> {
        let mut pipelines = self
            .pipelines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(i) = pipelines.iter().position(|(f, _)| *f == scene_features) {
            let used = pipelines.remove(i);
            let pipeline = used.1.clone();
            pipelines.push(used);
            return Ok(pipeline);
        }
        let device = &self.gpu.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let compiled = pipeline(device, &self.module, &self.pipeline_layout, scene_features);
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(gpu_error("shader compilation", e));
        }
        if pipelines.len() == CACHED_PIPELINES {
            pipelines.remove(0);
        }
        pipelines.push((scene_features, compiled.clone()));
        Ok(compiled)
    }

    /// Builds the BVH, packs the scene and uploads it, refusing scenes beyond device limits.
    pub fn upload(&self, scene: &Scene) -> Result<GpuScene, WorkerError> {
        let started = Instant::now();
        let packed = Packed::new(scene)?;
        let binding_limit = self.buffer_limit();
        for (what, bytes) in packed.sizes() {
            if bytes > binding_limit {
                return Err(WorkerError::SceneTooLarge {
                    what: what.to_string(),
                    needed_bytes: bytes,
                    limit_bytes: binding_limit,
                });
            }
        }
        let device = &self.gpu.device;
        let buffer = |label: &str, contents: &[u8]| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage: wgpu::BufferUsages::STORAGE,
            })
        };
        let bind_buffers = [
            buffer("bvh nodes", bytemuck::cast_slice(&packed.nodes)),
            buffer("triangles", bytemuck::cast_slice(&packed.triangles)),
            buffer("shading", bytemuck::cast_slice(&packed.shading)),
            buffer("materials", bytemuck::cast_slice(&packed.materials)),
            buffer("texels", bytemuck::cast_slice(&packed.texels)),
            buffer("emitters", bytemuck::cast_slice(&packed.emitters)),
        ];
        // Buffers created with contents are filled through staging copies that wgpu submits
        // with the next queue submission and frees once that completes: flush and wait here,
        // so the upload is complete when timed and nothing is held if no render follows.
        self.gpu.queue.submit([]);
        self.wait("scene upload")?;
        // Compiled now, so that render times are GPU work only.
        self.pipeline(packed.features)?;
        Ok(GpuScene {
            bind_buffers,
            features: packed.features,
            triangle_count: scene.triangles.len() as u32,
            emitter_count: packed.emitter_count,
            camera: scene.camera,
            environment: scene.environment,
            upload_time: started.elapsed(),
        })
    }

    /// Renders `settings.region()` of the frame. `progress(done, total)` is called after each
    /// pass with samples per pixel done so far.
    pub fn render(
        &self,
        scene: &GpuScene,
        settings: &RenderSettings,
        progress: &mut dyn FnMut(u32, u32),
    ) -> Result<Frame, WorkerError> {
        settings.validate()?;
        let region = settings.region();
        let pixels = region.width as u64 * region.height as u64;
        let accum_bytes = pixels * 16;
        let limit = self.buffer_limit();
        if accum_bytes > limit {
            return Err(WorkerError::SceneTooLarge {
                what: format!("the {}x{} frame buffer", region.width, region.height),
                needed_bytes: accum_bytes,
                limit_bytes: limit,
            });
        }
        let device = &self.gpu.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let accum = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("accumulation"),
            size: accum_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: accum_bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut params = self.params(scene, settings);
        let params_buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(&params),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
        });
        let mut entries: Vec<wgpu::BindGroupEntry> = scene
            .bind_buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        entries.push(wgpu::BindGroupEntry {
            binding: ACCUMULATION_BINDING,
            resource: accum.as_entire_binding(),
        });
        entries.push(wgpu::BindGroupEntry {
            binding: 7,
            resource: params_buffer.as_entire_binding(),
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("pathtrace"),
            layout: &self.layout,
            entries: &entries,
        });

        let pipeline = self.pipeline(scene.features)?;
        let per_pass = (SAMPLES_PER_DISPATCH / pixels)
            .clamp(1, MAX_SAMPLES_PER_INVOCATION)
            .min(settings.samples_per_pixel as u64) as u32;
        let mut done = 0u32;
        while done < settings.samples_per_pixel {
            let count = per_pass.min(settings.samples_per_pixel - done);
            params.sample_start = done;
            params.sample_count = count;
            self.gpu
                .queue
                .write_buffer(&params_buffer, 0, bytemuck::bytes_of(&params));
            let mut encoder = device.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(&pipeline);
                pass.set_bind_group(0, &bind_group, &[]);
                pass.dispatch_workgroups(
                    region.width.div_ceil(WORKGROUP_SIZE),
                    region.height.div_ceil(WORKGROUP_SIZE),
                    1,
                );
            }
            if done + count == settings.samples_per_pixel {
                encoder.copy_buffer_to_buffer(&accum, 0, &readback, 0, accum_bytes);
            }
            self.gpu.queue.submit([encoder.finish()]);
            self.wait("render pass")?;
            done += count;
            progress(done, settings.samples_per_pixel);
        }
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(gpu_error("render", e));
        }

        let slice = readback.slice(..);
        let (sender, receiver) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = sender.send(r);
        });
        self.wait("read-back")?;
        receiver
            .recv()
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|reason| gpu_error("read-back", reason))?;
        let sums: Vec<f32> = {
            let view = slice
                .get_mapped_range()
                .map_err(|e| gpu_error("read-back", e))?;
            bytemuck::cast_slice::<u8, f32>(&view).to_vec()
        };
        readback.unmap();
        let scale = 1.0 / settings.samples_per_pixel as f32;
        let linear_rgb = sums
            .chunks_exact(4)
            .flat_map(|p| [p[0] * scale, p[1] * scale, p[2] * scale])
            .collect();
        Ok(Frame {
            width: region.width,
            height: region.height,
            linear_rgb,
        })
    }

    /// The largest buffer a shader binding may see on this device.
    fn buffer_limit(&self) -> u64 {
        let limits = self.gpu.device.limits();
        limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
    }

    fn wait(&self, stage: &str) -> Result<(), WorkerError> {
        self.gpu
            .device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| gpu_error(stage, e))
    }

    fn params(&self, scene: &GpuScene, settings: &RenderSettings) -> Params {
        let c = &scene.camera;
        let (cam_right, cam_up) = c.image_plane(settings.width as f32 / settings.height as f32);
        let region = settings.region();
        let env = &scene.environment;
        let (sun_dir, sun_irradiance) = match env.sun {
            Some(sun) => (sun.direction.normalize().to_array(), sun.irradiance),
            None => ([0.0, 1.0, 0.0], [0.0; 3]),
        };
        Params {
            cam_origin: c.position.to_array(),
            width: settings.width,
            cam_forward: c.forward.to_array(),
            height: settings.height,
            cam_right: cam_right.to_array(),
            region_x: region.x,
            cam_up: cam_up.to_array(),
            region_y: region.y,
            zenith: env.zenith,
            region_w: region.width,
            horizon: env.horizon,
            region_h: region.height,
            ground: env.ground,
            sample_start: 0,
            sun_dir,
            sample_count: 0,
            sun_irradiance,
            seed_lo: settings.seed as u32,
            seed_hi: (settings.seed >> 32) as u32,
            max_bounces: settings.max_bounces,
            emitter_count: scene.emitter_count,
            triangle_count: scene.triangle_count,
            srgb_lut: srgb_lut(),
        }
    }
}

/// `GpuTriangle::flags` of a triangle of material `m`, also the features it brings.
fn surface_flags(m: &Material) -> u32 {
    let alpha = m.alpha_mode != AlphaMode::Opaque;
    (alpha as u32 * features::ALPHA) | (!m.double_sided as u32 * features::SINGLE_SIDED)
}

/// What `scene` uses (see `features`), over the materials its triangles use.
fn scene_features(scene: &Scene, emitter_count: u32) -> u32 {
    use features::*;
    let mut used = vec![false; scene.materials.len()];
    let mut all = 0;
    for t in &scene.triangles {
        used[t.material as usize] = true;
        if t.colors.iter().flatten().any(|&c| c != 1.0) {
            all |= VERTEX_COLORS;
        }
    }
    for (m, _) in scene.materials.iter().zip(&used).filter(|(_, &u)| u) {
        let maps = [
            (m.base_color_texture, BASE_COLOR_MAPS),
            (m.metallic_roughness_texture, METALLIC_ROUGHNESS_MAPS),
            (m.normal_texture.map(|(t, _)| t), NORMAL_MAPS),
            (m.transmission_texture, TRANSMISSION_MAPS),
            (m.emissive_texture, EMISSIVE_MAPS),
        ];
        for (texture, feature) in maps {
            if let Some(t) = texture {
                all |= feature | if t.uv_set > 0 { UV1 } else { 0 };
            }
        }
        match m.surface {
            Surface::Glass { .. } => all |= GLASS,
            Surface::Standard { transmission, .. } if transmission > 0.0 => all |= TRANSMISSION,
            Surface::Standard { .. } => {}
        }
        all |= surface_flags(m);
        if m.emission.iter().any(|&e| e > 0.0) {
            all |= EMISSION;
        }
    }
    if emitter_count > 0 {
        all |= EMITTERS;
    }
    let sun = scene.environment.sun;
    if sun.is_some_and(|s| s.irradiance.iter().any(|&e| e > 0.0)) {
        all |= SUN;
    }
    all
}

/// CPU-side buffers in the shader's layout. Empty arrays get one zeroed element because
/// bindings cannot be empty.
struct Packed {
    nodes: Vec<crate::bvh::BvhNode>,
    triangles: Vec<GpuTriangle>,
    shading: Vec<GpuShading>,
    materials: Vec<GpuMaterial>,
    texels: Vec<u32>,
    emitters: Vec<GpuEmitter>,
    emitter_count: u32,
    features: u32,
}

impl Packed {
    fn new(scene: &Scene) -> Result<Packed, WorkerError> {
        let bounds: Vec<Aabb> = scene.triangles.iter().map(Aabb::of_triangle).collect();
        let bvh = Bvh::build(&bounds);
        let ordered: Vec<_> = bvh
            .triangle_order
            .iter()
            .map(|&i| &scene.triangles[i as usize])
            .collect();
        let mut triangles: Vec<GpuTriangle> = ordered
            .iter()
            .map(|t| GpuTriangle {
                p0: t.positions[0].to_array(),
                material: t.material,
                p1: t.positions[1].to_array(),
                light_pdf_area: 0.0,
                p2: t.positions[2].to_array(),
                flags: surface_flags(&scene.materials[t.material as usize]),
            })
            .collect();
        let shading = ordered
            .iter()
            .map(|t| {
                let (uv, uv1) = (t.uvs, t.uvs1);
                GpuShading {
                    normals: t.normals.map(|n| n.extend(0.0).to_array()),
                    tangents: t.tangents.map(|t| t.to_array()),
                    uvs: [
                        [uv[0][0], uv[0][1], uv[1][0], uv[1][1]],
                        [uv[2][0], uv[2][1], uv1[0][0], uv1[0][1]],
                        [uv1[1][0], uv1[1][1], uv1[2][0], uv1[2][1]],
                    ],
                    colors: t.colors,
                }
            })
            .collect();

        let mut texels: Vec<u32> = Vec::new();
        let mut texture_slots = Vec::with_capacity(scene.textures.len());
        for (i, t) in scene.textures.iter().enumerate() {
            if t.width > MAX_TEXTURE_SIDE || t.height > MAX_TEXTURE_SIDE {
                return Err(WorkerError::SceneTooLarge {
                    what: format!("texture {i} ({}x{})", t.width, t.height),
                    needed_bytes: t.rgba8.len() as u64,
                    limit_bytes: MAX_TEXTURE_SIDE as u64 * MAX_TEXTURE_SIDE as u64 * 4,
                });
            }
            texture_slots.push((texels.len() as u32, t.width | (t.height << 16)));
            texels.extend(
                t.rgba8
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        let slot = |t: Option<TextureRef>| -> GpuTextureRef {
            let Some(t) = t else {
                return GpuTextureRef {
                    offset: NO_TEXTURE,
                    ..GpuTextureRef::zeroed()
                };
            };
            let wrap = |w: Wrap| match w {
                Wrap::Repeat => 0,
                Wrap::ClampToEdge => 1,
                Wrap::MirroredRepeat => 2,
            };
            let (offset, dims) = texture_slots[t.texture as usize];
            let [r0, r1] = t.uv_transform;
            GpuTextureRef {
                offset,
                dims,
                flags: wrap(t.wrap_u)
                    | wrap(t.wrap_v) << 2
                    | (t.nearest as u32) << 4
                    | (t.uv_set.min(1)) << 5
                    | (t.srgb as u32) << 6,
                pad: 0,
                uv_transform: [[r0[0], r0[1], r0[2], 0.0], [r1[0], r1[1], r1[2], 0.0]],
            }
        };
        let materials = scene
            .materials
            .iter()
            .map(|m| {
                let (kind, metallic, roughness, ior, transmission) = match m.surface {
                    Surface::Standard {
                        metallic,
                        roughness,
                        ior,
                        transmission,
                    } => (0, metallic, roughness, ior, transmission),
                    Surface::Glass { ior } => (1, 0.0, 0.0, ior, 1.0),
                };
                let (alpha_mode, alpha_cutoff) = match m.alpha_mode {
                    AlphaMode::Opaque => (0, 0.0),
                    AlphaMode::Mask { cutoff } => (1, cutoff),
                    AlphaMode::Blend => (2, 0.0),
                };
                let [r, g, b] = m.base_color;
                GpuMaterial {
                    base_color: [r, g, b, m.base_alpha],
                    emission: m.emission,
                    kind,
                    metallic,
                    roughness,
                    ior,
                    transmission,
                    alpha_mode,
                    alpha_cutoff,
                    double_sided: m.double_sided as u32,
                    normal_scale: m.normal_texture.map_or(1.0, |(_, scale)| scale),
                    base_color_texture: slot(m.base_color_texture),
                    metallic_roughness_texture: slot(m.metallic_roughness_texture),
                    normal_texture: slot(m.normal_texture.map(|(t, _)| t)),
                    transmission_texture: slot(m.transmission_texture),
                    emissive_texture: slot(m.emissive_texture),
                }
            })
            .collect();

        // Emitters are chosen in proportion to area × luminance of their emission factor, listed
        // in scene order rather than BVH order: which emitter a random number picks must not
        // depend on how the BVH split the scene, or inserting PoR noise quads would resample
        // the lighting of the whole frame.
        let mut gpu_index = vec![0u32; scene.triangles.len()];
        for (position, &original) in bvh.triangle_order.iter().enumerate() {
            gpu_index[original as usize] = position as u32;
        }
        let power: Vec<(u32, f32, f32)> = scene
            .triangles
            .iter()
            .zip(&gpu_index)
            .filter_map(|(t, &i)| {
                let m = &scene.materials[t.material as usize];
                let e = if m.lights_scene { m.emission } else { [0.0; 3] };
                let luminance = 0.2126 * e[0] + 0.7152 * e[1] + 0.0722 * e[2];
                (luminance > 0.0).then(|| (i, t.area(), t.area() * luminance))
            })
            .collect();
        let total: f64 = power.iter().map(|&(_, _, p)| p as f64).sum();
        let mut running = 0.0f64;
        let mut emitters: Vec<GpuEmitter> = power
            .iter()
            .map(|&(triangle, area, p)| {
                running += p as f64;
                GpuEmitter {
                    triangle,
                    cdf: (running / total) as f32,
                    area,
                    select_pdf: (p as f64 / total) as f32,
                }
            })
            .collect();
        if let Some(last) = emitters.last_mut() {
            last.cdf = 1.0;
        }
        for e in &emitters {
            triangles[e.triangle as usize].light_pdf_area = e.select_pdf / e.area;
        }
        let emitter_count = emitters.len() as u32;

        fn non_empty<T: Zeroable>(mut v: Vec<T>) -> Vec<T> {
            if v.is_empty() {
                v.push(T::zeroed());
            }
            v
        }
        let features = scene_features(scene, emitter_count);
        Ok(Packed {
            features,
            nodes: bvh.nodes,
            triangles: non_empty(triangles),
            shading: non_empty(shading),
            materials: non_empty(materials),
            texels: non_empty(texels),
            emitters: non_empty(emitters),
            emitter_count,
        })
    }

    fn sizes(&self) -> [(&'static str, u64); 6] {
        let bytes = |len: usize, size: usize| (len * size) as u64;
        [
            (
                "the BVH",
                bytes(self.nodes.len(), size_of::<crate::bvh::BvhNode>()),
            ),
            (
                "the triangles",
                bytes(self.triangles.len(), size_of::<GpuTriangle>()),
            ),
            (
                "the shading data",
                bytes(self.shading.len(), size_of::<GpuShading>()),
            ),
            (
                "the materials",
                bytes(self.materials.len(), size_of::<GpuMaterial>()),
            ),
            ("the textures", bytes(self.texels.len(), 4)),
            (
                "the emitters",
                bytes(self.emitters.len(), size_of::<GpuEmitter>()),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::builtin;

    #[test]
    fn gpu_structs_match_the_shader_layout() {
        assert_eq!(size_of::<GpuTriangle>(), 48);
        assert_eq!(size_of::<GpuShading>(), 192);
        assert_eq!(size_of::<GpuTextureRef>(), 48);
        assert_eq!(size_of::<GpuMaterial>(), 304);
        assert_eq!(size_of::<GpuEmitter>(), 16);
        assert_eq!(size_of::<Params>(), 10 * 16 + 64 * 16);
    }

    #[test]
    fn scene_features_have_the_shaders_values() {
        use features::*;
        let expected = [
            ("ALPHA", ALPHA),
            ("SINGLE_SIDED", SINGLE_SIDED),
            ("EMITTERS", EMITTERS),
            ("EMISSION", EMISSION),
            ("SUN", SUN),
            ("GLASS", GLASS),
            ("TRANSMISSION", TRANSMISSION),
            ("VERTEX_COLORS", VERTEX_COLORS),
            ("UV1", UV1),
            ("BASE_COLOR_MAPS", BASE_COLOR_MAPS),
            ("METALLIC_ROUGHNESS_MAPS", METALLIC_ROUGHNESS_MAPS),
            ("NORMAL_MAPS", NORMAL_MAPS),
            ("TRANSMISSION_MAPS", TRANSMISSION_MAPS),
            ("EMISSIVE_MAPS", EMISSIVE_MAPS),
        ];
        for (name, value) in expected {
            let line = format!("const USES_{name}: u32 = {value}u;");
            assert!(SHADER.contains(&line), "the shader lacks `{line}`");
        }
    }

    #[test]
    fn scene_features_name_what_each_scene_uses() {
        use features::*;
        let features = |scene: &Scene| Packed::new(scene).unwrap().features;
        assert_eq!(
            features(&builtin::cornell_box()),
            EMITTERS | EMISSION | GLASS
        );
        assert_eq!(
            features(&builtin::material_spheres()),
            SUN | GLASS | BASE_COLOR_MAPS
        );
        assert_eq!(features(&builtin::neon_night()), EMITTERS | EMISSION);
        let mut scene = builtin::material_spheres();
        scene.materials[0].double_sided = false;
        scene.materials[0].alpha_mode = AlphaMode::Blend;
        scene.environment.sun = None;
        assert_eq!(
            features(&scene),
            GLASS | BASE_COLOR_MAPS | ALPHA | SINGLE_SIDED,
            "the first material is the textured ground"
        );
    }

    #[test]
    fn the_renderer_keeps_the_most_recently_used_pipelines_only() {
        let renderer = Renderer::new(Gpu::open(None, None).unwrap()).unwrap();
        let mut scenes: Vec<Scene> = Vec::new();
        for sun in [false, true] {
            for (double_sided, alpha_mode) in [
                (true, AlphaMode::Opaque),
                (false, AlphaMode::Opaque),
                (true, AlphaMode::Blend),
            ] {
                let mut scene = builtin::material_spheres();
                scene.materials[0].double_sided = double_sided;
                scene.materials[0].alpha_mode = alpha_mode;
                if !sun {
                    scene.environment.sun = None;
                }
                scenes.push(scene);
            }
        }
        let cached = |renderer: &Renderer| -> Vec<u32> {
            let pipelines = renderer.pipelines.lock().unwrap();
            pipelines.iter().map(|(features, _)| *features).collect()
        };
        let features: Vec<u32> = scenes
            .iter()
            .map(|s| renderer.upload(s).unwrap().features)
            .collect();
        assert_eq!(cached(&renderer), features[6 - CACHED_PIPELINES..]);
        renderer.upload(&scenes[2]).unwrap();
        let mut expected = vec![features[3], features[4], features[5], features[2]];
        assert_eq!(
            cached(&renderer),
            expected,
            "a reused pipeline becomes the most recent"
        );
        renderer.upload(&scenes[0]).unwrap();
        expected.remove(0);
        expected.push(features[0]);
        assert_eq!(
            cached(&renderer),
            expected,
            "the least recently used one goes"
        );
    }

    #[test]
    fn emitter_cdf_is_proportional_to_power_and_ends_at_one() {
        let packed = Packed::new(&builtin::neon_night()).unwrap();
        let e = &packed.emitters[..packed.emitter_count as usize];
        assert!(e.len() > 10);
        assert_eq!(e.last().unwrap().cdf, 1.0);
        assert!(e.windows(2).all(|w| w[0].cdf <= w[1].cdf));
        let total: f32 = e.iter().map(|x| x.select_pdf).sum();
        assert!((total - 1.0).abs() < 1e-5);
    }

    #[test]
    fn srgb_table_matches_the_standard_curve() {
        let lut = srgb_lut();
        assert_eq!(lut[0][0], 0.0);
        assert_eq!(lut[63][3], 1.0);
        assert!((lut[32][0] - 0.21586).abs() < 1e-4); // 128 → 0.2158605
    }

    #[test]
    fn settings_refuse_empty_or_outside_regions() {
        let mut s = RenderSettings::new(64, 32, 4, 1);
        assert!(s.validate().is_ok());
        s.region = Some(PixelRect {
            x: 60,
            y: 0,
            width: 8,
            height: 8,
        });
        assert!(matches!(s.validate(), Err(WorkerError::InvalidSettings(_))));
        assert!(RenderSettings::new(0, 32, 4, 1).validate().is_err());
        assert!(RenderSettings::new(64, 32, 0, 1).validate().is_err());
    }
}
