//! Bounding volume hierarchy built on the CPU with binned SAH, flattened for GPU traversal.
//!
//! Layout: node 0 is the root; an interior node's children are adjacent (`left`, `left + 1`);
//! a leaf holds `count > 0` triangles starting at `first` in [`Bvh::triangle_order`]. Depth is
//! bounded by [`MAX_DEPTH`] so the shader's fixed traversal stack cannot overflow.

use bytemuck::{Pod, Zeroable};
use glam::Vec3;

use crate::scene::{Aabb, Triangle};

/// Deepest level the builder creates; the WGSL traversal stack holds this many entries.
pub const MAX_DEPTH: usize = 48;
/// Leaves never hold more (unless `MAX_DEPTH` is reached or all centroids coincide).
const MAX_LEAF_TRIANGLES: usize = 4;
const BINS: usize = 16;
/// Cost of visiting a node relative to one triangle test, in the SAH.
const TRAVERSAL_COST: f32 = 1.0;

/// GPU node: 32 bytes, matching `BvhNode` in the shader.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct BvhNode {
    pub min: [f32; 3],
    /// Interior: index of the left child. Leaf: first index into `triangle_order`.
    pub left_or_first: u32,
    pub max: [f32; 3],
    /// 0 for an interior node, else the leaf's triangle count.
    pub count: u32,
}

impl BvhNode {
    pub fn is_leaf(&self) -> bool {
        self.count > 0
    }

    pub fn bounds(&self) -> Aabb {
        Aabb {
            min: self.min.into(),
            max: self.max.into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Bvh {
    pub nodes: Vec<BvhNode>,
    /// Triangle indices in leaf order.
    pub triangle_order: Vec<u32>,
}

impl Bvh {
    /// Builds over primitives given by their bounds. An empty input gives one empty leaf whose
    /// inverted box no ray can enter.
    pub fn build(bounds: &[Aabb]) -> Bvh {
        let mut order: Vec<u32> = (0..bounds.len() as u32).collect();
        let centroids: Vec<Vec3> = bounds.iter().map(|b| (b.min + b.max) * 0.5).collect();
        let mut nodes = vec![BvhNode::zeroed()];
        // (node index, first, count, depth)
        let mut pending = vec![(0usize, 0usize, bounds.len(), 0usize)];
        while let Some((node, first, count, depth)) = pending.pop() {
            let slice = &mut order[first..first + count];
            let node_bounds = slice
                .iter()
                .fold(Aabb::EMPTY, |b, &i| b.union(&bounds[i as usize]));
            let split = if count <= MAX_LEAF_TRIANGLES || depth >= MAX_DEPTH {
                None
            } else {
                best_split(slice, bounds, &centroids, &node_bounds)
            };
            let (min, max) = if node_bounds.is_empty() {
                ([1.0; 3], [-1.0; 3])
            } else {
                (node_bounds.min.to_array(), node_bounds.max.to_array())
            };
            match split {
                None => {
                    nodes[node] = BvhNode {
                        min,
                        max,
                        left_or_first: first as u32,
                        count: count as u32,
                    };
                }
                Some(split) => {
                    let mid = partition(slice, |&i| split.goes_left(centroids[i as usize]));
                    let left = nodes.len();
                    nodes.push(BvhNode::zeroed());
                    nodes.push(BvhNode::zeroed());
                    nodes[node] = BvhNode {
                        min,
                        max,
                        left_or_first: left as u32,
                        count: 0,
                    };
                    pending.push((left, first, mid, depth + 1));
                    pending.push((left + 1, first + mid, count - mid, depth + 1));
                }
            }
        }
        Bvh {
            nodes,
            triangle_order: order,
        }
    }
}

/// A plane between two centroid bins along one axis.
#[derive(Clone, Copy)]
struct Split {
    axis: usize,
    plane: usize,
    lo: f32,
    scale: f32,
}

impl Split {
    fn bin(&self, c: f32) -> usize {
        (((c - self.lo) * self.scale) as usize).min(BINS - 1)
    }

    /// Partitioning uses the very binning the costs were computed with, so both sides are
    /// exactly the non-empty bin sets the SAH evaluated.
    fn goes_left(&self, centroid: Vec3) -> bool {
        self.bin(centroid[self.axis]) < self.plane
    }
}

/// The binned-SAH split of a node, or `None` when a leaf is cheaper and small enough, or when
/// the centroids cannot be separated.
fn best_split(
    items: &[u32],
    bounds: &[Aabb],
    centroids: &[Vec3],
    node_bounds: &Aabb,
) -> Option<Split> {
    let centroid_bounds = items.iter().fold(Aabb::EMPTY, |mut b, &i| {
        b.grow(centroids[i as usize]);
        b
    });
    let mut best: Option<(f32, Split)> = None;
    let extents = centroid_bounds
        .min
        .to_array()
        .into_iter()
        .zip(centroid_bounds.max.to_array());
    for (axis, (lo, hi)) in extents.enumerate() {
        if hi - lo <= f32::EPSILON * hi.abs().max(1.0) {
            continue;
        }
        let binning = Split {
            axis,
            plane: 0,
            lo,
            scale: BINS as f32 / (hi - lo),
        };
        let mut bin_bounds = [Aabb::EMPTY; BINS];
        let mut bin_counts = [0usize; BINS];
        for &i in items {
            let b = binning.bin(centroids[i as usize][axis]);
            bin_counts[b] += 1;
            bin_bounds[b] = bin_bounds[b].union(&bounds[i as usize]);
        }
        // Sweep from the right to know, for each plane, the right side's area and count.
        let mut right_area = [0.0f32; BINS];
        let mut right_count = [0usize; BINS];
        let (mut acc, mut n) = (Aabb::EMPTY, 0);
        for b in (1..BINS).rev() {
            acc = acc.union(&bin_bounds[b]);
            n += bin_counts[b];
            right_area[b] = acc.surface_area();
            right_count[b] = n;
        }
        let (mut acc, mut n) = (Aabb::EMPTY, 0);
        for plane in 1..BINS {
            acc = acc.union(&bin_bounds[plane - 1]);
            n += bin_counts[plane - 1];
            if n == 0 || right_count[plane] == 0 {
                continue;
            }
            let cost =
                acc.surface_area() * n as f32 + right_area[plane] * right_count[plane] as f32;
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, Split { plane, ..binning }));
            }
        }
    }
    let (cost, split) = best?;
    let leaf_cost = node_bounds.surface_area() * items.len() as f32;
    let split_cost = TRAVERSAL_COST * node_bounds.surface_area() + cost;
    if split_cost >= leaf_cost && items.len() <= 4 * MAX_LEAF_TRIANGLES {
        return None;
    }
    Some(split)
}

/// Moves the items satisfying `left` to the front; returns how many there are. Stable order
/// is not needed, only a deterministic one.
fn partition(items: &mut [u32], left: impl Fn(&u32) -> bool) -> usize {
    let mut mid = 0;
    for i in 0..items.len() {
        if left(&items[i]) {
            items.swap(i, mid);
            mid += 1;
        }
    }
    mid
}

/// Distance along `dir` to `t` (Möller–Trumbore, the same test the shader runs).
pub fn hit_distance(t: &Triangle, origin: Vec3, dir: Vec3) -> Option<f32> {
    let e1 = t.positions[1] - t.positions[0];
    let e2 = t.positions[2] - t.positions[0];
    let p = dir.cross(e2);
    let det = e1.dot(p);
    if det.abs() < 1e-12 {
        return None;
    }
    let s = origin - t.positions[0];
    let u = s.dot(p) / det;
    let q = s.cross(e1);
    let v = dir.dot(q) / det;
    let d = e2.dot(q) / det;
    (u >= 0.0 && v >= 0.0 && u + v <= 1.0 && d > 1e-4).then_some(d)
}

fn slab_hit(b: &Aabb, origin: Vec3, dir: Vec3) -> bool {
    let inv = dir.recip();
    let t0 = (b.min - origin) * inv;
    let t1 = (b.max - origin) * inv;
    t0.min(t1).max_element() <= t0.max(t1).min_element() && t0.max(t1).min_element() > 0.0
}

/// Closest hit distance of a ray through the BVH on the CPU (PoR placement checks visibility
/// with it; tests compare it with brute force).
pub fn closest_hit(bvh: &Bvh, triangles: &[Triangle], origin: Vec3, dir: Vec3) -> Option<f32> {
    let mut best: Option<f32> = None;
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        let n = &bvh.nodes[i];
        if !slab_hit(&n.bounds(), origin, dir) {
            continue;
        }
        if n.is_leaf() {
            for k in n.left_or_first..n.left_or_first + n.count {
                let t = &triangles[bvh.triangle_order[k as usize] as usize];
                if let Some(d) = hit_distance(t, origin, dir) {
                    best = Some(best.map_or(d, |b| b.min(d)));
                }
            }
        } else {
            stack.push(n.left_or_first as usize);
            stack.push(n.left_or_first as usize + 1);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::builtin;

    fn build_for(triangles: &[Triangle]) -> Bvh {
        let bounds: Vec<Aabb> = triangles.iter().map(Aabb::of_triangle).collect();
        Bvh::build(&bounds)
    }

    fn depth_of(bvh: &Bvh, node: usize) -> usize {
        let n = &bvh.nodes[node];
        if n.is_leaf() || n.count == 0 && bvh.nodes.len() == 1 {
            1
        } else {
            let l = n.left_or_first as usize;
            1 + depth_of(bvh, l).max(depth_of(bvh, l + 1))
        }
    }

    #[test]
    fn every_triangle_is_in_exactly_one_leaf_inside_its_ancestors_bounds() {
        let scene = builtin::material_spheres();
        let bvh = build_for(&scene.triangles);
        let mut seen = vec![0u32; scene.triangles.len()];
        for (i, n) in bvh.nodes.iter().enumerate() {
            if n.is_leaf() {
                for k in n.left_or_first..n.left_or_first + n.count {
                    let tri = bvh.triangle_order[k as usize] as usize;
                    seen[tri] += 1;
                    let tb = Aabb::of_triangle(&scene.triangles[tri]);
                    assert_eq!(n.bounds().union(&tb), n.bounds(), "leaf {i}");
                }
            } else {
                for child in [n.left_or_first, n.left_or_first + 1] {
                    let cb = bvh.nodes[child as usize].bounds();
                    assert_eq!(n.bounds().union(&cb), n.bounds(), "node {i}");
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        assert!(depth_of(&bvh, 0) <= MAX_DEPTH + 1);
    }

    #[test]
    fn bvh_finds_the_same_closest_hit_as_brute_force() {
        let scene = builtin::cornell_box();
        let bvh = build_for(&scene.triangles);
        // A fixed pseudo-random set of rays from inside the box.
        let mut state = 0x2545_f491_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as f32 / u32::MAX as f32
        };
        for _ in 0..2000 {
            let origin = Vec3::new(
                0.05 + 0.9 * next(),
                0.05 + 0.9 * next(),
                0.05 + 0.9 * next(),
            );
            let dir = Vec3::new(next() - 0.5, next() - 0.5, next() - 0.5).normalize();
            let brute = scene
                .triangles
                .iter()
                .filter_map(|t| hit_distance(t, origin, dir))
                .reduce(f32::min);
            assert_eq!(closest_hit(&bvh, &scene.triangles, origin, dir), brute);
        }
    }

    #[test]
    fn empty_and_identical_inputs_build() {
        let empty = Bvh::build(&[]);
        assert_eq!(empty.nodes.len(), 1);
        assert!(empty.nodes[0].bounds().is_empty());
        let same = Aabb {
            min: Vec3::ZERO,
            max: Vec3::ONE,
        };
        let bvh = Bvh::build(&vec![same; 100]);
        assert_eq!(bvh.triangle_order.len(), 100);
        assert!(depth_of(&bvh, 0) <= MAX_DEPTH + 1);
    }
}
