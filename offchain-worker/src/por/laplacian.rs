//! The Inferix noise test's image measure: the magnitude of the 4-neighbour Laplacian on 8-bit
//! sRGB values (mean over R, G, B), averaged over a region and over its envelope.

use crate::render::PixelRect;

/// The Inferix envelope of a region: the region grown by its own size on every side (nine times
/// its area), e.g. 9×9 around 3×3.
pub fn envelope(rect: &PixelRect) -> PixelRect {
    PixelRect {
        x: rect.x.saturating_sub(rect.width),
        y: rect.y.saturating_sub(rect.height),
        width: rect.width * 3,
        height: rect.height * 3,
    }
}

/// |∇²I| at (x, y), mean over the three channels; the frame's edge pixels repeat outwards.
pub fn laplacian_at(rgb8: &[u8], width: u32, height: u32, x: u32, y: u32) -> f64 {
    let at = |x: u32, y: u32, c: usize| rgb8[((y * width + x) * 3) as usize + c] as f64;
    let (l, r) = (x.saturating_sub(1), (x + 1).min(width - 1));
    let (u, d) = (y.saturating_sub(1), (y + 1).min(height - 1));
    (0..3)
        .map(|c| (4.0 * at(x, y, c) - at(l, y, c) - at(r, y, c) - at(x, u, c) - at(x, d, c)).abs())
        .sum::<f64>()
        / 3.0
}

/// Mean Laplacian magnitude over `rect` (clipped to the frame).
pub fn mean_laplacian(rgb8: &[u8], width: u32, height: u32, rect: &PixelRect) -> f64 {
    let (x1, y1) = (
        (rect.x + rect.width).min(width),
        (rect.y + rect.height).min(height),
    );
    let mut sum = 0.0;
    let mut count = 0u32;
    for y in rect.y..y1 {
        for x in rect.x..x1 {
            sum += laplacian_at(rgb8, width, height, x, y);
            count += 1;
        }
    }
    sum / count.max(1) as f64
}

/// Whole-frame Laplacian and colour sums, for the manager's scoring of many candidates.
pub struct Energy {
    width: u32,
    height: u32,
    /// Summed-area tables, (width + 1) × (height + 1): Laplacian, then R, G, B.
    tables: [Vec<f64>; 4],
}

impl Energy {
    pub fn new(rgb8: &[u8], width: u32, height: u32) -> Self {
        let stride = (width + 1) as usize;
        let mut tables: [Vec<f64>; 4] =
            std::array::from_fn(|_| vec![0.0; stride * (height + 1) as usize]);
        for y in 0..height {
            for x in 0..width {
                let p = ((y * width + x) * 3) as usize;
                let values = [
                    laplacian_at(rgb8, width, height, x, y),
                    rgb8[p] as f64,
                    rgb8[p + 1] as f64,
                    rgb8[p + 2] as f64,
                ];
                let (i, x, y) = (
                    (y as usize + 1) * stride + x as usize + 1,
                    x as usize,
                    y as usize,
                );
                for (table, v) in tables.iter_mut().zip(values) {
                    table[i] = v + table[i - 1] + table[y * stride + x + 1] - table[y * stride + x];
                }
            }
        }
        Self {
            width,
            height,
            tables,
        }
    }

    fn sum(&self, table: usize, r: &PixelRect) -> f64 {
        let stride = (self.width + 1) as usize;
        let (x0, y0) = (r.x.min(self.width) as usize, r.y.min(self.height) as usize);
        let (x1, y1) = (
            (r.x + r.width).min(self.width) as usize,
            (r.y + r.height).min(self.height) as usize,
        );
        let t = &self.tables[table];
        t[y1 * stride + x1] - t[y0 * stride + x1] - t[y1 * stride + x0] + t[y0 * stride + x0]
    }

    /// Mean Laplacian over `outer` without `inner`.
    pub fn mean_outside(&self, outer: &PixelRect, inner: &PixelRect) -> f64 {
        let area = (outer.width * outer.height - inner.width * inner.height).max(1) as f64;
        (self.sum(0, outer) - self.sum(0, inner)) / area
    }

    pub fn mean_colour(&self, r: &PixelRect) -> [f64; 3] {
        let area = (r.width * r.height).max(1) as f64;
        [1, 2, 3].map(|t| self.sum(t, r) / area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_nine_times_the_region() {
        let e = envelope(&PixelRect {
            x: 10,
            y: 20,
            width: 3,
            height: 3,
        });
        assert_eq!(
            e,
            PixelRect {
                x: 7,
                y: 17,
                width: 9,
                height: 9
            }
        );
    }

    #[test]
    fn flat_image_has_no_energy_and_a_checker_a_lot() {
        let (w, h) = (8u32, 8u32);
        let flat = vec![100u8; (w * h * 3) as usize];
        let all = PixelRect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        };
        assert_eq!(mean_laplacian(&flat, w, h, &all), 0.0);
        let checker: Vec<u8> = (0..w * h)
            .flat_map(|i| [if (i % w + i / w) % 2 == 0 { 90u8 } else { 110 }; 3])
            .collect();
        let inner = PixelRect {
            x: 1,
            y: 1,
            width: 6,
            height: 6,
        };
        assert_eq!(mean_laplacian(&checker, w, h, &inner), 80.0);
        let energy = Energy::new(&checker, w, h);
        assert!(
            (energy.mean_outside(
                &all,
                &PixelRect {
                    x: 0,
                    y: 0,
                    width: 0,
                    height: 0
                }
            ) - mean_laplacian(&checker, w, h, &all))
            .abs()
                < 1e-9
        );
        assert_eq!(energy.mean_colour(&all), [100.0; 3]);
    }
}
