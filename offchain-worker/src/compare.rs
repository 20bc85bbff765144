//! Image comparisons: NVIDIA FLIP (perceptual, what golden tests and PoR spot checks use),
//! root-mean-square error on linear buffers, and coverage against a background frame.

use serde::Serialize;

/// Pooled FLIP error of a test image against a reference (0 = identical, 1 = maximal).
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct FlipStats {
    pub mean: f32,
    pub p95: f32,
    pub p99: f32,
    pub max: f32,
}

/// FLIP of two 8-bit sRGB RGB images of the same size, with the colour-mapped error image
/// (RGB, magma) for humans.
pub fn flip(
    reference_rgb8: &[u8],
    test_rgb8: &[u8],
    width: u32,
    height: u32,
) -> (FlipStats, Vec<u8>) {
    assert_eq!(
        reference_rgb8.len(),
        test_rgb8.len(),
        "images differ in size"
    );
    let reference = nv_flip::FlipImageRgb8::with_data(width, height, reference_rgb8);
    let test = nv_flip::FlipImageRgb8::with_data(width, height, test_rgb8);
    let error = nv_flip::flip(reference, test, nv_flip::DEFAULT_PIXELS_PER_DEGREE);
    let mut pool = nv_flip::FlipPool::from_image(&error);
    let stats = FlipStats {
        mean: pool.mean(),
        p95: pool.get_percentile(0.95, false),
        p99: pool.get_percentile(0.99, false),
        max: pool.max_value(),
    };
    let heatmap = error.apply_color_lut(&nv_flip::magma_lut()).to_vec();
    (stats, heatmap)
}

/// Root-mean-square difference of two linear buffers.
pub fn rmse(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len(), "buffers differ in size");
    let sum: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .sum();
    (sum / a.len().max(1) as f64).sqrt()
}

/// Fraction of pixels where some channel differs from the background frame by more than
/// `threshold` 8-bit codes.
pub fn coverage(frame_rgb8: &[u8], background_rgb8: &[u8], threshold: u8) -> f64 {
    assert_eq!(
        frame_rgb8.len(),
        background_rgb8.len(),
        "images differ in size"
    );
    let pixels = frame_rgb8.len() / 3;
    let differing = frame_rgb8
        .chunks_exact(3)
        .zip(background_rgb8.chunks_exact(3))
        .filter(|(a, b)| {
            a.iter()
                .zip(b.iter())
                .any(|(x, y)| x.abs_diff(*y) > threshold)
        })
        .count();
    differing as f64 / pixels.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flip_is_zero_on_identical_images_and_grows_with_damage() {
        let (w, h) = (32u32, 32u32);
        let image: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
        let (same, _) = flip(&image, &image, w, h);
        assert_eq!(same.mean, 0.0);
        let mut damaged = image.clone();
        for v in damaged.iter_mut().take(300) {
            *v = 255 - *v;
        }
        let (hurt, heatmap) = flip(&image, &damaged, w, h);
        assert!(hurt.mean > 0.0 && hurt.max > 0.5);
        assert_eq!(heatmap.len(), image.len());
    }

    #[test]
    fn coverage_counts_pixels_beyond_the_threshold() {
        let background = vec![10u8; 4 * 3];
        let frame = vec![10, 10, 10, 10, 13, 10, 200, 0, 0, 10, 10, 12];
        assert_eq!(coverage(&frame, &background, 2), 0.5);
        assert_eq!(coverage(&frame, &background, 1), 0.75);
        assert_eq!(rmse(&[1.0, 2.0], &[1.0, 4.0]), 2f64.sqrt());
    }
}
