// Inferix path tracer: one invocation per pixel of the rendered region, samples in fixed order,
// integer PCG random numbers keyed by (seed, pixel, sample). One writer per pixel: the
// invocation reads its running sum, adds its samples one by one and writes it back, so the
// result does not depend on how samples are split into passes.

struct BvhNode {
    bmin: vec3f,
    left_or_first: u32,
    bmax: vec3f,
    count: u32,
}

struct Tri {
    p0: vec3f,
    material: u32,
    p1: vec3f,
    // Density per unit area with which next-event estimation picks a point of this triangle
    // (0 when it is not a light).
    light_pdf_area: f32,
    p2: vec3f,
    // TRI_ALPHA | TRI_SINGLE_SIDED
    flags: u32,
}

struct Shading {
    normals: array<vec4f, 3>,
    tangents: array<vec4f, 3>,
    // uv0 of corners 0, 1 | uv0 of corner 2, uv1 of corner 0 | uv1 of corners 1, 2
    uvs: array<vec4f, 3>,
    colors: array<vec4f, 3>,
}

struct TexRef {
    offset: u32,
    dims: u32,
    flags: u32,
    pad: u32,
    uv_row0: vec4f,
    uv_row1: vec4f,
}

struct Material {
    base_color: vec4f,
    emission: vec3f,
    kind: u32,
    metallic: f32,
    roughness: f32,
    ior: f32,
    transmission: f32,
    alpha_mode: u32,
    alpha_cutoff: f32,
    double_sided: u32,
    normal_scale: f32,
    base_tex: TexRef,
    metallic_roughness_tex: TexRef,
    normal_tex: TexRef,
    transmission_tex: TexRef,
    emissive_tex: TexRef,
}

struct Emitter {
    tri: u32,
    cdf: f32,
    area: f32,
    select_pdf: f32,
}

struct Params {
    cam_origin: vec3f,
    width: u32,
    cam_forward: vec3f,
    height: u32,
    cam_right: vec3f,
    region_x: u32,
    cam_up: vec3f,
    region_y: u32,
    zenith: vec3f,
    region_w: u32,
    horizon: vec3f,
    region_h: u32,
    ground: vec3f,
    sample_start: u32,
    sun_dir: vec3f,
    sample_count: u32,
    sun_irradiance: vec3f,
    seed_lo: u32,
    seed_hi: u32,
    max_bounces: u32,
    emitter_count: u32,
    triangle_count: u32,
    srgb_lut: array<vec4f, 64>,
}

@group(0) @binding(0) var<storage, read> nodes: array<BvhNode>;
@group(0) @binding(1) var<storage, read> tris: array<Tri>;
@group(0) @binding(2) var<storage, read> shading: array<Shading>;
@group(0) @binding(3) var<storage, read> materials: array<Material>;
@group(0) @binding(4) var<storage, read> texels: array<u32>;
@group(0) @binding(5) var<storage, read> emitters: array<Emitter>;
@group(0) @binding(6) var<storage, read_write> accum: array<vec4f>;
@group(0) @binding(7) var<storage, read> params: Params;

const PI: f32 = 3.14159265358979;
const NO_TEXTURE: u32 = 0xffffffffu;
const KIND_GLASS: u32 = 1u;
// Tri flags: the material has alpha (any ray may pass), or is single-sided (camera rays pass
// its back faces).
const TRI_ALPHA: u32 = 1u;
const TRI_SINGLE_SIDED: u32 = 2u;
// What the scene uses (render.rs: `features`): each pipeline is compiled for its scene's
// features, so that the code for what a scene lacks drops out. Lavapipe runs both sides of
// every branch under a lane mask, so code a scene never takes still costs it time.
override SCENE_FEATURES: u32 = 0xffffffffu;
const USES_ALPHA: u32 = 1u;
const USES_SINGLE_SIDED: u32 = 2u;
const USES_EMITTERS: u32 = 4u;
const USES_EMISSION: u32 = 8u;
const USES_SUN: u32 = 16u;
const USES_GLASS: u32 = 32u;
const USES_TRANSMISSION: u32 = 64u;
const USES_VERTEX_COLORS: u32 = 128u;
const USES_UV1: u32 = 256u;
const USES_BASE_COLOR_MAPS: u32 = 512u;
const USES_METALLIC_ROUGHNESS_MAPS: u32 = 1024u;
const USES_NORMAL_MAPS: u32 = 2048u;
const USES_TRANSMISSION_MAPS: u32 = 4096u;
const USES_EMISSIVE_MAPS: u32 = 8192u;
const USES_TEXTURES: u32 = USES_BASE_COLOR_MAPS | USES_METALLIC_ROUGHNESS_MAPS | USES_NORMAL_MAPS
    | USES_TRANSMISSION_MAPS | USES_EMISSIVE_MAPS;

fn uses(features: u32) -> bool {
    return (SCENE_FEATURES & features) != 0u;
}
// Surfaces a ray may pass through before it is given up as hitting the last one.
const MAX_SEE_THROUGH_LAYERS: u32 = 16u;
const ALPHA_OPAQUE: u32 = 0u;
const ALPHA_MASK: u32 = 1u;
const WRAP_CLAMP: u32 = 1u;
const WRAP_MIRROR: u32 = 2u;
const TEX_NEAREST: u32 = 16u;
const TEX_UV1: u32 = 32u;
const TEX_SRGB: u32 = 64u;
// The smallest GGX alpha (roughness²): keeps the distribution finite in f32 for mirrors.
const MIN_GGX_ALPHA: f32 = 1e-3;
const FAR: f32 = 1e30;
const RAY_OFFSET: f32 = 1e-4;
const STACK_SIZE: u32 = 64u;
// Invocations per workgroup side (render.rs: WORKGROUP_SIZE).
const WORKGROUP_SIDE: u32 = 8u;
// A per-channel cap on one sample's radiance, and Cycles' "clamp indirect" (its setting 8) on
// each contribution of indirect light: tame fireflies from rare glossy and caustic paths, at the
// cost of a little energy on them.
const SAMPLE_CLAMP: f32 = 32.0;
const INDIRECT_CLAMP: f32 = 8.0;

// Light is indirect, as Cycles counts it, once it has scattered off two surfaces or more before
// reaching the camera (a light seen in a mirror is still direct light). Cycles' rule: an
// indirect contribution whose channels average more than the cap is scaled down to it.
fn clamp_indirect(contribution: vec3f, scattering_surfaces: u32) -> vec3f {
    let limit = 3.0 * INDIRECT_CLAMP;
    let sum = contribution.x + contribution.y + contribution.z;
    return contribution * select(1.0, limit / sum, scattering_surfaces > 1u && sum > limit);
}

var<private> rng_state: u32;
// Traversal stacks, one per invocation of the workgroup: a function-local array would be
// zero-filled on every call (WGSL's rule for `var`), which cost lavapipe more than the
// traversal itself on rays that miss; workgroup memory is not filled (the pipeline turns that
// off) and every entry is written before it is read.
var<workgroup> traversal_stacks: array<array<u32, STACK_SIZE>, WORKGROUP_SIDE * WORKGROUP_SIDE>;
var<private> lane: u32;

fn pcg_hash(v: u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// Uniform in [0, 1) with 24 bits.
fn rand() -> f32 {
    rng_state = rng_state * 747796405u + 2891336453u;
    let s = rng_state;
    let word = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
    return f32(((word >> 22u) ^ word) >> 8u) * (1.0 / 16777216.0);
}

struct Hit {
    t: f32,
    tri: u32,
    u: f32,
    v: f32,
}

fn safe_inverse(d: vec3f) -> vec3f {
    let tiny = vec3f(1e-20);
    return 1.0 / select(d, tiny, abs(d) < tiny);
}

// Entry distance into the box, or FAR when the ray misses it before `t_max`.
fn slab(node: BvhNode, origin: vec3f, inv_dir: vec3f, t_max: f32) -> f32 {
    let t0 = (node.bmin - origin) * inv_dir;
    let t1 = (node.bmax - origin) * inv_dir;
    let t_near = max(max(min(t0.x, t1.x), min(t0.y, t1.y)), max(min(t0.z, t1.z), 0.0));
    let t_far = min(min(max(t0.x, t1.x), max(t0.y, t1.y)), max(t0.z, t1.z));
    if (t_near <= t_far && t_near < t_max) {
        return t_near;
    }
    return FAR;
}

// Möller–Trumbore; returns (t, u, v) with t = FAR on a miss.
fn intersect(tri: Tri, origin: vec3f, dir: vec3f) -> vec3f {
    let e1 = tri.p1 - tri.p0;
    let e2 = tri.p2 - tri.p0;
    let p = cross(dir, e2);
    let det = dot(e1, p);
    if (abs(det) < 1e-12) {
        return vec3f(FAR, 0.0, 0.0);
    }
    let inv_det = 1.0 / det;
    let s = origin - tri.p0;
    let u = dot(s, p) * inv_det;
    let q = cross(s, e1);
    let v = dot(dir, q) * inv_det;
    let t = dot(e2, q) * inv_det;
    if (u < 0.0 || v < 0.0 || u + v > 1.0 || t <= RAY_OFFSET) {
        return vec3f(FAR, 0.0, 0.0);
    }
    return vec3f(t, u, v);
}

// Interpolated vertex attributes at a point of a triangle.
struct Attributes {
    uv0: vec2f,
    uv1: vec2f,
    color: vec4f,
}

fn attributes(index: u32, b1: f32, b2: f32) -> Attributes {
    let b0 = 1.0 - b1 - b2;
    var a = Attributes(vec2f(0.0), vec2f(0.0), vec4f(1.0));
    if (uses(USES_TEXTURES)) {
        let uv_a = shading[index].uvs[0];
        let uv_b = shading[index].uvs[1];
        a.uv0 = uv_a.xy * b0 + uv_a.zw * b1 + uv_b.xy * b2;
        if (uses(USES_UV1)) {
            let uv_c = shading[index].uvs[2];
            a.uv1 = uv_b.zw * b0 + uv_c.xy * b1 + uv_c.zw * b2;
        }
    }
    if (uses(USES_VERTEX_COLORS)) {
        a.color = shading[index].colors[0] * b0 + shading[index].colors[1] * b1 + shading[index].colors[2] * b2;
    }
    return a;
}

// An 8-bit sRGB code, possibly between codes after filtering, to linear: the exact table,
// interpolated between neighbouring codes (multiplies and adds only, so every adapter agrees).
fn srgb_to_linear(code: f32) -> f32 {
    let c = clamp(code, 0.0, 255.0);
    let i = min(u32(c), 254u);
    let below = params.srgb_lut[i >> 2u][i & 3u];
    let above = params.srgb_lut[(i + 1u) >> 2u][(i + 1u) & 3u];
    return mix(below, above, c - f32(i));
}

// Texel index along one axis under a glTF wrap mode, for an index that `reduce_coordinate`
// left within one period of the range: whole periods are added or taken away by comparison,
// since vector integer division has no SIMD instruction on CPUs (lavapipe divides lane by
// lane). The final clamp only guards non-finite coordinates.
fn wrap_texel(i: i32, n: i32, mode: u32) -> i32 {
    let period = select(n, 2 * n, mode == WRAP_MIRROR);
    let m = select(select(i, i - period, i >= period), i + period, i < 0);
    let wrapped = select(m, period - 1 - m, mode == WRAP_MIRROR && m >= n);
    return clamp(select(wrapped, i, mode == WRAP_CLAMP), 0, n - 1);
}

// A texture coordinate reduced by whole periods (or limited, when clamped) so that texel
// indices stay small; the wrap above does the rest.
fn reduce_coordinate(c: f32, mode: u32) -> f32 {
    if (mode == WRAP_CLAMP) {
        return clamp(c, -1.0, 2.0);
    }
    if (mode == WRAP_MIRROR) {
        return c - 2.0 * floor(c * 0.5);
    }
    return fract(c);
}

// The stored 8-bit values of a texel, 0–255.
fn texel(r: TexRef, w: i32, h: i32, x: i32, y: i32) -> vec4f {
    let xi = wrap_texel(x, w, r.flags & 3u);
    let yi = wrap_texel(y, h, (r.flags >> 2u) & 3u);
    let c = texels[r.offset + u32(yi * w + xi)];
    return vec4f(f32(c & 0xffu), f32((c >> 8u) & 0xffu), f32((c >> 16u) & 0xffu), f32(c >> 24u));
}

// Nearest or bilinear filtering under the sampler's wrap modes, after the UV transform,
// computed by hand so every adapter filters alike. Colour textures are filtered on their sRGB
// codes and decoded afterwards, as Cycles does with 8-bit sRGB images (decoding first makes the
// edges of a magnified texture visibly brighter than in Blender).
fn sample_texture(r: TexRef, a: Attributes) -> vec4f {
    let uvw = vec3f(select(a.uv0, a.uv1, uses(USES_UV1) && (r.flags & TEX_UV1) != 0u), 1.0);
    let w = i32(r.dims & 0xffffu);
    let h = i32(r.dims >> 16u);
    let x = reduce_coordinate(dot(r.uv_row0.xyz, uvw), r.flags & 3u) * f32(w);
    let y = reduce_coordinate(dot(r.uv_row1.xyz, uvw), (r.flags >> 2u) & 3u) * f32(h);
    var stored: vec4f;
    if ((r.flags & TEX_NEAREST) != 0u) {
        stored = texel(r, w, h, i32(floor(x)), i32(floor(y)));
    } else {
        let x0 = floor(x - 0.5);
        let y0 = floor(y - 0.5);
        let fx = x - 0.5 - x0;
        let fy = y - 0.5 - y0;
        let xi = i32(x0);
        let yi = i32(y0);
        let top = mix(texel(r, w, h, xi, yi), texel(r, w, h, xi + 1, yi), fx);
        let bottom = mix(texel(r, w, h, xi, yi + 1), texel(r, w, h, xi + 1, yi + 1), fx);
        stored = mix(top, bottom, fy);
    }
    if ((r.flags & TEX_SRGB) != 0u) {
        return vec4f(srgb_to_linear(stored.r), srgb_to_linear(stored.g), srgb_to_linear(stored.b), stored.a / 255.0);
    }
    return stored / 255.0;
}

// Base colour alpha × vertex alpha × texture alpha.
fn surface_alpha(material: u32, a: Attributes) -> f32 {
    var alpha = materials[material].base_color.a * a.color.a;
    let tex = materials[material].base_tex;
    if (uses(USES_BASE_COLOR_MAPS) && tex.offset != NO_TEXTURE) {
        alpha *= sample_texture(tex, a).a;
    }
    return alpha;
}

// Whether a candidate hit lets the ray through: the back face of a single-sided material seen
// by a camera ray, alpha below a MASK cutoff, or BLEND alpha stochastically. The BLEND choice
// hashes the ray's random state with the hit distance, so the random sequence of the path
// (and with it every other pixel decision) is untouched.
fn passes_through(index: u32, b1: f32, b2: f32, t: f32, dir: vec3f, camera_ray: bool) -> bool {
    let tri = tris[index];
    let material = tri.material;
    if (camera_ray && materials[material].double_sided == 0u
        && dot(dir, cross(tri.p1 - tri.p0, tri.p2 - tri.p0)) > 0.0) {
        return true;
    }
    let mode = materials[material].alpha_mode;
    if (!uses(USES_ALPHA) || mode == ALPHA_OPAQUE) {
        return false;
    }
    let alpha = surface_alpha(material, attributes(index, b1, b2));
    if (mode == ALPHA_MASK) {
        return alpha < materials[material].alpha_cutoff;
    }
    let h = pcg_hash(rng_state ^ bitcast<u32>(t));
    return f32(h >> 8u) * (1.0 / 16777216.0) >= alpha;
}

// The closest surface along the ray that does not let it through (or for shadow rays any such
// surface). Surfaces that may let this ray through are checked against their material; an
// any-hit search that meets one continues as a closest-hit search, since the surface it met
// need not be the nearest.
fn trace_visible(origin: vec3f, dir: vec3f, t_max: f32, shadow: bool, camera_ray: bool) -> Hit {
    // Decided when the pipeline is compiled (`shadow` and `camera_ray` are constant at the shadow
    // rays' call sites). Other rays, camera rays or not, share the loop below: its one
    // traversal serves both, where a separate call for rays that need no checks would inline
    // a second traversal that lavapipe runs, masked, for every ray.
    if (!uses(USES_ALPHA) && !(uses(USES_SINGLE_SIDED) && (camera_ray || !shadow))) {
        return trace(origin, dir, t_max, shadow);
    }
    let checked = select(TRI_ALPHA, TRI_ALPHA | TRI_SINGLE_SIDED, camera_ray);
    var start = origin;
    var travelled = 0.0;
    var any_hit = shadow;
    for (var layer = 0u; layer < MAX_SEE_THROUGH_LAYERS; layer++) {
        let hit = trace(start, dir, t_max - travelled, any_hit);
        if (hit.tri == NO_TEXTURE || (tris[hit.tri].flags & checked) == 0u) {
            return Hit(travelled + hit.t, hit.tri, hit.u, hit.v);
        }
        if (any_hit) {
            any_hit = false;
            continue;
        }
        if (!passes_through(hit.tri, hit.u, hit.v, travelled + hit.t, dir, camera_ray)) {
            return Hit(travelled + hit.t, hit.tri, hit.u, hit.v);
        }
        travelled += hit.t;
        start = origin + dir * travelled;
    }
    return Hit(t_max, NO_TEXTURE, 0.0, 0.0);
}

// Closest hit (any_hit = false) or any hit before t_max (any_hit = true) of the geometry.
fn trace(origin: vec3f, dir: vec3f, t_max: f32, any_hit: bool) -> Hit {
    var hit = Hit(t_max, NO_TEXTURE, 0.0, 0.0);
    if (params.triangle_count == 0u) {
        return hit;
    }
    let inv_dir = safe_inverse(dir);
    if (slab(nodes[0], origin, inv_dir, hit.t) >= FAR) {
        return hit;
    }
    var sp = 0u;
    var index = 0u;
    loop {
        let node = nodes[index];
        if (node.count > 0u) {
            for (var i = node.left_or_first; i < node.left_or_first + node.count; i++) {
                let r = intersect(tris[i], origin, dir);
                if (r.x < hit.t) {
                    hit = Hit(r.x, i, r.y, r.z);
                    if (any_hit) {
                        return hit;
                    }
                }
            }
            if (sp == 0u) {
                break;
            }
            sp -= 1u;
            index = traversal_stacks[lane][sp];
            continue;
        }
        var near = node.left_or_first;
        var far = near + 1u;
        var d_near = slab(nodes[near], origin, inv_dir, hit.t);
        var d_far = slab(nodes[far], origin, inv_dir, hit.t);
        if (d_far < d_near) {
            let tn = near;
            near = far;
            far = tn;
            let td = d_near;
            d_near = d_far;
            d_far = td;
        }
        if (d_near >= FAR) {
            if (sp == 0u) {
                break;
            }
            sp -= 1u;
            index = traversal_stacks[lane][sp];
            continue;
        }
        index = near;
        if (d_far < FAR && sp < STACK_SIZE) {
            traversal_stacks[lane][sp] = far;
            sp += 1u;
        }
    }
    return hit;
}

fn emitted(material: u32, a: Attributes) -> vec3f {
    if (!uses(USES_EMISSION)) {
        return vec3f(0.0);
    }
    var e = materials[material].emission;
    let tex = materials[material].emissive_tex;
    if (uses(USES_EMISSIVE_MAPS) && tex.offset != NO_TEXTURE && any(e > vec3f(0.0))) {
        e *= sample_texture(tex, a).rgb;
    }
    return e;
}

fn sky(dir: vec3f) -> vec3f {
    if (dir.y >= 0.0) {
        return mix(params.horizon, params.zenith, dir.y);
    }
    return params.ground;
}

// Orthonormal basis with n as its third column (Duff et al. 2017).
fn basis(n: vec3f) -> mat3x3f {
    let s = select(-1.0, 1.0, n.z >= 0.0);
    let a = -1.0 / (s + n.z);
    let b = n.x * n.y * a;
    return mat3x3f(
        vec3f(1.0 + s * n.x * n.x * a, s * b, -s * n.x),
        vec3f(b, s + n.y * n.y * a, -n.y),
        n,
    );
}

// A cosine-weighted direction about the third column of `frame` from the uniform numbers u1, u2.
fn cosine_direction(frame: mat3x3f, u1: f32, u2: f32) -> vec3f {
    let r = sqrt(u1);
    let phi = 2.0 * PI * u2;
    return normalize(frame * vec3f(r * cos(phi), r * sin(phi), sqrt(max(0.0, 1.0 - u1))));
}

fn pick_emitter(r: f32) -> u32 {
    var lo = 0u;
    var hi = params.emitter_count - 1u;
    while (lo < hi) {
        let mid = (lo + hi) / 2u;
        if (r < emitters[mid].cdf) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return lo;
}

fn luminance(c: vec3f) -> f32 {
    return dot(c, vec3f(0.2126, 0.7152, 0.0722));
}

fn pow5(x: f32) -> f32 {
    let m = clamp(x, 0.0, 1.0);
    let m2 = m * m;
    return m2 * m2 * m;
}

fn schlick(cos_theta: f32, f0: vec3f) -> vec3f {
    return f0 + (vec3f(1.0) - f0) * pow5(1.0 - cos_theta);
}

// The exact Fresnel reflectance of a dielectric interface with relative index of refraction
// `eta` (transmitted side over incident side); 1 under total internal reflection.
fn fresnel_dielectric(cos_theta: f32, eta: f32) -> f32 {
    let c = abs(cos_theta);
    let g2 = eta * eta - 1.0 + c * c;
    if (g2 <= 0.0) {
        return 1.0;
    }
    let g = sqrt(g2);
    let a = (g - c) / (g + c);
    let b = (c * (g + c) - 1.0) / (c * (g - c) + 1.0);
    return 0.5 * a * a * (1.0 + b * b);
}

// A dielectric's reflectance at normal incidence.
fn dielectric_f0(ior: f32) -> f32 {
    let r = (ior - 1.0) / (ior + 1.0);
    return r * r;
}

// The specular layer's Fresnel as Cycles' Principled BSDF (v1) has it: the dielectric Fresnel of
// `ior`, rescaled to run from `f0` (base colour for metal) at normal incidence to white.
fn principled_fresnel(cos_theta: f32, f0: vec3f, ior: f32) -> vec3f {
    let normal_incidence = dielectric_f0(ior);
    let toward_white = clamp((fresnel_dielectric(cos_theta, ior) - normal_incidence) / (1.0 - normal_incidence), 0.0, 1.0);
    return mix(f0, vec3f(1.0), toward_white);
}

// GGX (Trowbridge–Reitz) normal distribution.
fn ggx_d(cos_h: f32, alpha: f32) -> f32 {
    let a2 = alpha * alpha;
    let d = cos_h * cos_h * (a2 - 1.0) + 1.0;
    return a2 / (PI * d * d);
}

// Smith masking of one direction for GGX.
fn smith_g1(cos_v: f32, alpha: f32) -> f32 {
    let a2 = alpha * alpha;
    return 2.0 * cos_v / (cos_v + sqrt(a2 + (1.0 - a2) * cos_v * cos_v));
}

// A microfacet normal drawn from the GGX distribution of normals visible from `wo` (Heitz
// 2018) with the uniform numbers u1, u2, in the basis of the shading normal.
fn sample_visible_normal(wo_local: vec3f, alpha: f32, u1: f32, u2: f32) -> vec3f {
    let vh = normalize(vec3f(alpha * wo_local.x, alpha * wo_local.y, wo_local.z));
    let len2 = vh.x * vh.x + vh.y * vh.y;
    let t1 = select(vec3f(1.0, 0.0, 0.0), vec3f(-vh.y, vh.x, 0.0) * inverseSqrt(len2), len2 > 0.0);
    let t2 = cross(vh, t1);
    let r = sqrt(u1);
    let phi = 2.0 * PI * u2;
    let p1 = r * cos(phi);
    let s = 0.5 * (1.0 + vh.z);
    let p2 = (1.0 - s) * sqrt(max(0.0, 1.0 - p1 * p1)) + s * r * sin(phi);
    let nh = p1 * t1 + p2 * t2 + sqrt(max(0.0, 1.0 - p1 * p1 - p2 * p2)) * vh;
    return normalize(vec3f(alpha * nh.x, alpha * nh.y, max(1e-6, nh.z)));
}

// The glTF metallic-roughness BSDF at one shading point: a Burley diffuse base weighted by
// (1 − metallic)(1 − transmission), a GGX specular layer with Schlick Fresnel from F0 (the
// dielectric reflectance of `ior`, or the base colour for metal), and GGX refraction for the
// transmissive part; each lobe is picked with a probability in proportion to its weight.
struct Bsdf {
    n: vec3f,
    albedo: vec3f,
    f0: vec3f,
    alpha: f32,
    roughness: f32,
    diffuse_weight: f32,
    transmission_weight: f32,
    ior: f32,
    // Relative index of refraction across the surface along the ray (outside → inside).
    eta: f32,
    p_diffuse: f32,
    p_specular: f32,
}

fn make_bsdf(n: vec3f, wo: vec3f, albedo: vec3f, metallic: f32, roughness: f32, ior: f32, transmission: f32, front: bool) -> Bsdf {
    let f0 = mix(vec3f(dielectric_f0(ior)), albedo, metallic);
    let diffuse_weight = (1.0 - metallic) * (1.0 - transmission);
    let transmission_weight = (1.0 - metallic) * transmission;
    let specular = max(luminance(schlick(dot(n, wo), f0)), 0.02);
    let diffuse = luminance(albedo) * diffuse_weight;
    let refracted = luminance(albedo) * transmission_weight;
    let total = specular + diffuse + refracted;
    return Bsdf(
        n,
        albedo,
        f0,
        max(roughness * roughness, MIN_GGX_ALPHA),
        roughness,
        diffuse_weight,
        transmission_weight,
        ior,
        select(ior, 1.0 / ior, front),
        diffuse / total,
        specular / total,
    );
}

// BSDF × cosine towards `wi` (rgb) and the density of sampling `wi` by reflection (a).
fn eval_bsdf(b: Bsdf, wo: vec3f, wi: vec3f) -> vec4f {
    let cos_i = dot(b.n, wi);
    let cos_o = dot(b.n, wo);
    if (cos_i <= 0.0 || cos_o <= 0.0) {
        return vec4f(0.0);
    }
    let h = normalize(wo + wi);
    let d = ggx_d(max(dot(b.n, h), 0.0), b.alpha);
    let g1_o = smith_g1(cos_o, b.alpha);
    let specular = principled_fresnel(dot(wi, h), b.f0, b.ior) * (d * g1_o * smith_g1(cos_i, b.alpha) / (4.0 * cos_o));
    // Burley's diffuse with its roughness-dependent retro-reflection, as Cycles' Principled
    // BSDF (v1) has it: brighter than Lambert towards grazing angles on rough surfaces.
    let h_dot_i = dot(h, wi);
    let fd90 = 0.5 + 2.0 * b.roughness * h_dot_i * h_dot_i;
    let burley = (1.0 + (fd90 - 1.0) * pow5(1.0 - cos_i)) * (1.0 + (fd90 - 1.0) * pow5(1.0 - cos_o));
    let diffuse = b.albedo * (b.diffuse_weight * burley * cos_i / PI);
    let pdf = b.p_diffuse * cos_i / PI + b.p_specular * g1_o * d / (4.0 * cos_o);
    return vec4f(specular + diffuse, pdf);
}

struct BsdfSample {
    wi: vec3f,
    // BSDF × cosine / density.
    weight: vec3f,
    // Density for multiple importance sampling; 0 where light sampling cannot reach `wi`.
    pdf: f32,
    // Whether `wi` crosses the surface.
    transmitted: bool,
}

fn sample_bsdf(b: Bsdf, wo: vec3f) -> BsdfSample {
    let choice = rand();
    // One pair of numbers serves whichever lobe `choice` picks: the diffuse direction and the
    // microfacet normal are both computed from it (lavapipe computes both lobes anyway).
    let u1 = rand();
    let u2 = rand();
    let frame = basis(b.n);
    let h = frame * sample_visible_normal(transpose(frame) * wo, b.alpha, u1, u2);
    let p_transmission = 1.0 - b.p_diffuse - b.p_specular;
    if (choice < 1.0 - p_transmission) {
        // Diffuse or specular reflection; either way weighted by the density of both.
        let wi = select(reflect(-wo, h), cosine_direction(frame, u1, u2), choice < b.p_diffuse);
        let e = eval_bsdf(b, wo, wi);
        return BsdfSample(wi, select(vec3f(0.0), e.rgb / e.a, e.a > 0.0), e.a, false);
    }
    if (!uses(USES_TRANSMISSION)) {
        // Only rounding leaves room for refraction here, and its weight is zero: the path ends.
        return BsdfSample(-wo, vec3f(0.0), 0.0, true);
    }
    // Refraction through the microfacet; its light paths are not light-sampled (shadow rays
    // stop at surfaces), so no MIS density.
    let refracted = refract(-wo, h, b.eta);
    if (dot(refracted, refracted) == 0.0) {
        let wi = reflect(-wo, h);
        let g = smith_g1(abs(dot(b.n, wi)), b.alpha);
        return BsdfSample(wi, vec3f(b.transmission_weight * g / p_transmission), 0.0, false);
    }
    let wi = normalize(refracted);
    // What the interface does not reflect, by the exact dielectric Fresnel (as Cycles' glass).
    let unreflected = 1.0 - fresnel_dielectric(dot(wo, h), 1.0 / b.eta);
    let g = smith_g1(abs(dot(b.n, wi)), b.alpha);
    return BsdfSample(wi, b.albedo * (unreflected * b.transmission_weight * g / p_transmission), 0.0, true);
}

// Radiance from the emitters and the sun reflected towards `wo` (next-event estimation, the
// emitters weighted against BSDF sampling by the power heuristic).
fn direct_light(p: vec3f, wo: vec3f, b: Bsdf, geo_n: vec3f) -> vec3f {
    var l = vec3f(0.0);
    let origin = p + geo_n * RAY_OFFSET;
    if (uses(USES_EMITTERS) && params.emitter_count > 0u) {
        let e = emitters[pick_emitter(rand())];
        let su = sqrt(rand());
        let b1 = rand() * su;
        let b2 = 1.0 - su;
        let t = tris[e.tri];
        let q = t.p0 * (1.0 - b1 - b2) + t.p1 * b1 + t.p2 * b2;
        let to_light = q - origin;
        let dist2 = dot(to_light, to_light);
        let dist = sqrt(dist2);
        let wi = to_light / dist;
        let light_n = normalize(cross(t.p1 - t.p0, t.p2 - t.p0));
        let cos_light = abs(dot(light_n, wi));
        if (cos_light > 1e-6 && dot(geo_n, wi) > 0.0) {
            let f = eval_bsdf(b, wo, wi);
            if (any(f.rgb > vec3f(0.0)) && trace_visible(origin, wi, dist * (1.0 - 1e-3), true, false).tri == NO_TEXTURE) {
                let le = emitted(t.material, attributes(e.tri, b1, b2));
                let light_pdf = (e.select_pdf / e.area) * dist2 / cos_light;
                let mis = light_pdf * light_pdf / (light_pdf * light_pdf + f.a * f.a);
                l += le * f.rgb * (mis / light_pdf);
            }
        }
    }
    if (uses(USES_SUN) && any(params.sun_irradiance > vec3f(0.0)) && dot(geo_n, params.sun_dir) > 0.0) {
        let f = eval_bsdf(b, wo, params.sun_dir);
        if (any(f.rgb > vec3f(0.0)) && trace_visible(origin, params.sun_dir, FAR, true, false).tri == NO_TEXTURE) {
            l += params.sun_irradiance * f.rgb;
        }
    }
    return l;
}

// The shading normal at a hit, facing the side the ray came from: interpolated, then bent by
// the normal map (tangent frame from the vertex tangents, bitangent sign in w).
fn shading_normal(index: u32, material: u32, a: Attributes, w: f32, b1: f32, b2: f32, geo: vec3f) -> vec3f {
    var n = shading[index].normals[0].xyz * w + shading[index].normals[1].xyz * b1 + shading[index].normals[2].xyz * b2;
    n = select(geo, normalize(n), dot(n, n) > 1e-12);
    let tex = materials[material].normal_tex;
    if (!uses(USES_NORMAL_MAPS) || tex.offset == NO_TEXTURE) {
        return n;
    }
    let tangent = shading[index].tangents[0] * w + shading[index].tangents[1] * b1 + shading[index].tangents[2] * b2;
    if (dot(tangent.xyz, tangent.xyz) > 1e-12) {
        let t = tangent.xyz - n * dot(n, tangent.xyz);
        if (dot(t, t) > 1e-12) {
            let tn = normalize(t);
            let bn = cross(n, tn) * select(-1.0, 1.0, tangent.w >= 0.0);
            let scale = materials[material].normal_scale;
            let m = sample_texture(tex, a).xyz * 2.0 - 1.0;
            let mapped = tn * (m.x * scale) + bn * (m.y * scale) + n * m.z;
            if (dot(mapped, mapped) > 1e-12) {
                n = normalize(mapped);
            }
        }
    }
    return n;
}

fn radiance(camera_origin: vec3f, camera_dir: vec3f) -> vec3f {
    var origin = camera_origin;
    var dir = camera_dir;
    var throughput = vec3f(1.0);
    var total = vec3f(0.0);
    // Density with which the last bounce sampled `dir`; 0 after the camera and after delta
    // lobes, where emission found by the ray counts in full (light sampling could not have
    // found that path).
    var last_pdf = 0.0;
    // Bounces as Cycles counts them: the camera's hit and `max_bounces` more scatter light, then
    // the ray scattered last adds the emission it finds.
    for (var bounce = 0u; bounce <= params.max_bounces + 1u; bounce++) {
        let hit = trace_visible(origin, dir, FAR, false, bounce == 0u);
        if (hit.tri == NO_TEXTURE) {
            total += clamp_indirect(throughput * sky(dir), bounce);
            break;
        }
        let t = tris[hit.tri];
        let material = t.material;
        let w = 1.0 - hit.u - hit.v;
        let p = origin + dir * hit.t;
        let a = attributes(hit.tri, hit.u, hit.v);
        let geo = normalize(cross(t.p1 - t.p0, t.p2 - t.p0));
        let front = dot(dir, geo) < 0.0;
        let geo_n = select(-geo, geo, front);
        let le = emitted(material, a);
        if (any(le > vec3f(0.0))) {
            var mis = 1.0;
            if (uses(USES_EMITTERS) && last_pdf > 0.0 && t.light_pdf_area > 0.0) {
                let light_pdf = t.light_pdf_area * hit.t * hit.t / max(abs(dot(geo, dir)), 1e-8);
                mis = last_pdf * last_pdf / (last_pdf * last_pdf + light_pdf * light_pdf);
            }
            total += clamp_indirect(throughput * le * mis, bounce);
        }
        if (bounce > params.max_bounces) {
            break;
        }
        // Russian roulette as Cycles plays it: from the second hit on, a path goes on with the
        // square root of its largest throughput channel as probability.
        if (bounce > 0u) {
            let survive = min(sqrt(max(throughput.x, max(throughput.y, throughput.z))), 1.0);
            if (rand() >= survive) {
                break;
            }
            throughput /= survive;
        }
        var albedo = materials[material].base_color.rgb * a.color.rgb;
        if (uses(USES_BASE_COLOR_MAPS) && materials[material].base_tex.offset != NO_TEXTURE) {
            albedo *= sample_texture(materials[material].base_tex, a).rgb;
        }
        if (uses(USES_GLASS) && materials[material].kind == KIND_GLASS) {
            var n = shading_normal(hit.tri, material, a, w, hit.u, hit.v, geo);
            n = select(-n, n, front);
            let eta = select(materials[material].ior, 1.0 / materials[material].ior, front);
            let cos_i = min(-dot(dir, n), 1.0);
            if (rand() < fresnel_dielectric(cos_i, 1.0 / eta)) {
                dir = reflect(dir, n);
                origin = p + geo_n * RAY_OFFSET;
            } else {
                dir = normalize(refract(dir, n, eta));
                origin = p - geo_n * RAY_OFFSET;
            }
            throughput *= albedo;
            last_pdf = 0.0;
        } else {
            var roughness = materials[material].roughness;
            var metallic = materials[material].metallic;
            if (uses(USES_METALLIC_ROUGHNESS_MAPS) && materials[material].metallic_roughness_tex.offset != NO_TEXTURE) {
                let mr = sample_texture(materials[material].metallic_roughness_tex, a);
                roughness *= mr.g;
                metallic *= mr.b;
            }
            var transmission = 0.0;
            if (uses(USES_TRANSMISSION)) {
                transmission = materials[material].transmission;
                if (uses(USES_TRANSMISSION_MAPS) && materials[material].transmission_tex.offset != NO_TEXTURE) {
                    transmission *= sample_texture(materials[material].transmission_tex, a).r;
                }
            }
            let wo = -dir;
            var n = shading_normal(hit.tri, material, a, w, hit.u, hit.v, geo);
            n = select(-n, n, front);
            // A shading normal turned away from the viewer (interpolation or a normal map at
            // grazing angles) is bent back just enough to face it.
            n = normalize(n + wo * max(0.0, 1e-3 - dot(n, wo)));
            let b = make_bsdf(n, wo, albedo, metallic, roughness, materials[material].ior, transmission, front);
            total += clamp_indirect(throughput * direct_light(p, wo, b, geo_n), bounce + 1u);
            let sampled = sample_bsdf(b, wo);
            let below = dot(sampled.wi, geo_n) < 0.0;
            // Reflections must leave above the geometric surface, refractions below it.
            if (!any(sampled.weight > vec3f(0.0)) || below != sampled.transmitted) {
                break;
            }
            dir = sampled.wi;
            throughput *= sampled.weight;
            last_pdf = sampled.pdf;
            origin = p + select(geo_n, -geo_n, below) * RAY_OFFSET;
        }
    }
    return total;
}

@compute @workgroup_size(WORKGROUP_SIDE, WORKGROUP_SIDE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) local: u32) {
    lane = local;
    if (gid.x >= params.region_w || gid.y >= params.region_h) {
        return;
    }
    let px = params.region_x + gid.x;
    let py = params.region_y + gid.y;
    let pixel_seed = pcg_hash(pcg_hash(pcg_hash(pcg_hash(params.seed_hi) ^ params.seed_lo) ^ px) ^ py);
    let slot = gid.y * params.region_w + gid.x;
    var sum = accum[slot].xyz;
    for (var i = 0u; i < params.sample_count; i++) {
        rng_state = pcg_hash(pixel_seed ^ pcg_hash(params.sample_start + i));
        let fx = (f32(px) + rand()) / f32(params.width);
        let fy = (f32(py) + rand()) / f32(params.height);
        let dir = normalize(
            params.cam_forward + (2.0 * fx - 1.0) * params.cam_right + (1.0 - 2.0 * fy) * params.cam_up,
        );
        sum += min(radiance(params.cam_origin, dir), vec3f(SAMPLE_CLAMP));
    }
    accum[slot] = vec4f(sum, 0.0);
}
