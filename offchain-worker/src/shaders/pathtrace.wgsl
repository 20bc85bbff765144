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
    pad1: u32,
    p2: vec3f,
    pad2: u32,
}

struct Shading {
    n0: vec4f,
    n1: vec4f,
    n2: vec4f,
    uv01: vec4f,
    uv2: vec4f,
}

struct Material {
    base_color: vec3f,
    kind: u32,
    emission: vec3f,
    metallic: f32,
    roughness: f32,
    ior: f32,
    base_tex_offset: u32,
    base_tex_dims: u32,
    emissive_tex_offset: u32,
    emissive_tex_dims: u32,
    pad0: u32,
    pad1: u32,
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
const FAR: f32 = 1e30;
const RAY_OFFSET: f32 = 1e-4;
const STACK_SIZE: u32 = 64u;
// Per-channel caps on one sample's radiance and on each contribution arriving after the first
// bounce (as Cycles' "clamp indirect"): tame fireflies from rare glossy and caustic paths, at
// the cost of a little energy on them.
const SAMPLE_CLAMP: f32 = 32.0;
const INDIRECT_CLAMP: f32 = 8.0;

fn clamp_indirect(contribution: vec3f, bounce: u32) -> vec3f {
    return select(contribution, min(contribution, vec3f(INDIRECT_CLAMP)), bounce > 0u);
}

var<private> rng_state: u32;

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

// Closest hit (any_hit = false) or whether anything is hit before t_max (any_hit = true).
fn trace(origin: vec3f, dir: vec3f, t_max: f32, any_hit: bool) -> Hit {
    var hit = Hit(t_max, NO_TEXTURE, 0.0, 0.0);
    if (params.triangle_count == 0u) {
        return hit;
    }
    let inv_dir = safe_inverse(dir);
    if (slab(nodes[0], origin, inv_dir, hit.t) >= FAR) {
        return hit;
    }
    var stack: array<u32, STACK_SIZE>;
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
            index = stack[sp];
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
            index = stack[sp];
            continue;
        }
        index = near;
        if (d_far < FAR && sp < STACK_SIZE) {
            stack[sp] = far;
            sp += 1u;
        }
    }
    return hit;
}

fn srgb_to_linear(c: u32) -> f32 {
    return params.srgb_lut[c >> 2u][c & 3u];
}

fn texel(offset: u32, w: i32, h: i32, x: i32, y: i32) -> vec4f {
    let xi = ((x % w) + w) % w;
    let yi = ((y % h) + h) % h;
    let c = texels[offset + u32(yi * w + xi)];
    return vec4f(
        srgb_to_linear(c & 0xffu),
        srgb_to_linear((c >> 8u) & 0xffu),
        srgb_to_linear((c >> 16u) & 0xffu),
        f32(c >> 24u) / 255.0,
    );
}

// Bilinear filtering with repeat wrapping, computed by hand so every adapter filters alike.
fn sample_texture(offset: u32, dims: u32, uv: vec2f) -> vec4f {
    let w = i32(dims & 0xffffu);
    let h = i32(dims >> 16u);
    let x = fract(uv.x) * f32(w) - 0.5;
    let y = fract(uv.y) * f32(h) - 0.5;
    let x0 = floor(x);
    let y0 = floor(y);
    let fx = x - x0;
    let fy = y - y0;
    let xi = i32(x0);
    let yi = i32(y0);
    let top = mix(texel(offset, w, h, xi, yi), texel(offset, w, h, xi + 1, yi), fx);
    let bottom = mix(texel(offset, w, h, xi, yi + 1), texel(offset, w, h, xi + 1, yi + 1), fx);
    return mix(top, bottom, fy);
}

fn tri_uv(index: u32, b1: f32, b2: f32) -> vec2f {
    let s = shading[index];
    return s.uv01.xy * (1.0 - b1 - b2) + s.uv01.zw * b1 + s.uv2.xy * b2;
}

fn emitted(m: Material, uv: vec2f) -> vec3f {
    var e = m.emission;
    if (m.emissive_tex_offset != NO_TEXTURE) {
        e *= sample_texture(m.emissive_tex_offset, m.emissive_tex_dims, uv).rgb;
    }
    return e;
}

fn sky(dir: vec3f) -> vec3f {
    if (dir.y >= 0.0) {
        return mix(params.horizon, params.zenith, dir.y);
    }
    return params.ground;
}

// Orthonormal basis around n (Duff et al. 2017).
fn to_world(n: vec3f, local: vec3f) -> vec3f {
    let s = select(-1.0, 1.0, n.z >= 0.0);
    let a = -1.0 / (s + n.z);
    let b = n.x * n.y * a;
    let t = vec3f(1.0 + s * n.x * n.x * a, s * b, -s * n.x);
    let bt = vec3f(b, s + n.y * n.y * a, -n.y);
    return t * local.x + bt * local.y + n * local.z;
}

fn cosine_direction(n: vec3f) -> vec3f {
    let r1 = rand();
    let r2 = rand();
    let r = sqrt(r1);
    let phi = 2.0 * PI * r2;
    return normalize(to_world(n, vec3f(r * cos(phi), r * sin(phi), sqrt(max(0.0, 1.0 - r1)))));
}

fn unit_vector() -> vec3f {
    let z = 1.0 - 2.0 * rand();
    let r = sqrt(max(0.0, 1.0 - z * z));
    let phi = 2.0 * PI * rand();
    return vec3f(r * cos(phi), r * sin(phi), z);
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

// Radiance arriving at p from the emitters and the sun, weighted by the cosine at n
// (next-event estimation; the caller multiplies by the diffuse BRDF).
fn direct_light(p: vec3f, n: vec3f, geo_n: vec3f) -> vec3f {
    var l = vec3f(0.0);
    let origin = p + geo_n * RAY_OFFSET;
    if (params.emitter_count > 0u) {
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
        let cos_surface = dot(n, wi);
        let cos_light = abs(dot(light_n, wi));
        if (cos_surface > 0.0 && cos_light > 1e-6 && dot(geo_n, wi) > 0.0) {
            let blocked = trace(origin, wi, dist * (1.0 - 1e-3), true);
            if (blocked.tri == NO_TEXTURE) {
                let le = emitted(materials[t.material], tri_uv(e.tri, b1, b2));
                let pdf_area = e.select_pdf / e.area;
                l += le * cos_surface * cos_light / (dist2 * pdf_area);
            }
        }
    }
    let cos_sun = dot(n, params.sun_dir);
    if (any(params.sun_irradiance > vec3f(0.0)) && cos_sun > 0.0 && dot(geo_n, params.sun_dir) > 0.0) {
        let blocked = trace(origin, params.sun_dir, FAR, true);
        if (blocked.tri == NO_TEXTURE) {
            l += params.sun_irradiance * cos_sun;
        }
    }
    return l;
}

fn fuzzy_reflection(dir: vec3f, n: vec3f, roughness: f32) -> vec3f {
    return normalize(reflect(dir, n) + roughness * roughness * unit_vector());
}

fn schlick(cos_theta: f32, r0: f32) -> f32 {
    let m = 1.0 - cos_theta;
    return r0 + (1.0 - r0) * m * m * m * m * m;
}

fn radiance(camera_origin: vec3f, camera_dir: vec3f) -> vec3f {
    var origin = camera_origin;
    var dir = camera_dir;
    var throughput = vec3f(1.0);
    var total = vec3f(0.0);
    // Emission seen directly is counted unless next-event estimation already sampled it.
    var count_emission = true;
    for (var bounce = 0u; bounce < params.max_bounces; bounce++) {
        let hit = trace(origin, dir, FAR, false);
        if (hit.tri == NO_TEXTURE) {
            total += clamp_indirect(throughput * sky(dir), bounce);
            break;
        }
        let t = tris[hit.tri];
        let s = shading[hit.tri];
        let m = materials[t.material];
        let w = 1.0 - hit.u - hit.v;
        let p = origin + dir * hit.t;
        let uv = tri_uv(hit.tri, hit.u, hit.v);
        let geo = normalize(cross(t.p1 - t.p0, t.p2 - t.p0));
        let front = dot(dir, geo) < 0.0;
        let geo_n = select(-geo, geo, front);
        var n = s.n0.xyz * w + s.n1.xyz * hit.u + s.n2.xyz * hit.v;
        n = select(geo, normalize(n), dot(n, n) > 1e-12);
        n = select(-n, n, front);
        if (count_emission || params.emitter_count == 0u) {
            total += clamp_indirect(throughput * emitted(m, uv), bounce);
        }
        var albedo = m.base_color;
        if (m.base_tex_offset != NO_TEXTURE) {
            albedo *= sample_texture(m.base_tex_offset, m.base_tex_dims, uv).rgb;
        }
        if (m.kind == KIND_GLASS) {
            let eta = select(m.ior, 1.0 / m.ior, front);
            let cos_i = min(-dot(dir, n), 1.0);
            let sin2_t = eta * eta * (1.0 - cos_i * cos_i);
            let r0 = (1.0 - m.ior) / (1.0 + m.ior);
            if (sin2_t > 1.0 || rand() < schlick(cos_i, r0 * r0)) {
                dir = reflect(dir, n);
                origin = p + geo_n * RAY_OFFSET;
            } else {
                dir = normalize(refract(dir, n, eta));
                origin = p - geo_n * RAY_OFFSET;
            }
            throughput *= albedo;
            count_emission = true;
        } else {
            let cos_o = max(-dot(dir, n), 0.0);
            if (rand() < m.metallic) {
                dir = fuzzy_reflection(dir, n, m.roughness);
                throughput *= albedo;
                count_emission = true;
            } else if (rand() < schlick(cos_o, 0.04) * (1.0 - m.roughness)) {
                // Dielectric specular coat; it fades out with roughness, where its wide lobe
                // would only add noise to the diffuse term.
                dir = fuzzy_reflection(dir, n, m.roughness);
                count_emission = true;
            } else {
                total += clamp_indirect(throughput * albedo * (1.0 / PI) * direct_light(p, n, geo_n), bounce);
                dir = cosine_direction(n);
                throughput *= albedo;
                count_emission = false;
            }
            if (dot(dir, geo_n) <= 0.0) {
                break;
            }
            origin = p + geo_n * RAY_OFFSET;
        }
        if (bounce >= 3u) {
            let survive = clamp(max(throughput.x, max(throughput.y, throughput.z)), 0.05, 0.95);
            if (rand() >= survive) {
                break;
            }
            throughput /= survive;
        }
    }
    return total;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
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
