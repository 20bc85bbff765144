//! Rendered frames: the linear float buffer, its 8-bit sRGB encoding, PNG and PFM files.

use std::io::Write;
use std::path::Path;

use crate::error::WorkerError;

/// Linear RGB radiance per pixel, row-major from the top-left.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub linear_rgb: Vec<f32>,
}

/// Linear value → 8-bit sRGB code (clamped to [0, 1] first; exact IEC 61966-2-1 curve,
/// round to nearest). Computed on the CPU so the encoding is the same on every adapter.
pub fn linear_to_srgb8(value: f32) -> u8 {
    let v = if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    } as f64;
    let encoded = if v <= 0.0031308 {
        12.92 * v
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    };
    (encoded * 255.0).round() as u8
}

impl Frame {
    /// Canonical 8-bit sRGB pixel bytes, RGB, row-major.
    pub fn srgb8(&self) -> Vec<u8> {
        self.linear_rgb
            .iter()
            .map(|&v| linear_to_srgb8(v))
            .collect()
    }

    pub fn write_png(&self, path: &Path) -> Result<(), WorkerError> {
        write_png_rgb8(path, self.width, self.height, &self.srgb8())
    }

    /// Portable float map (little-endian, bottom-to-top rows as the format requires).
    pub fn write_pfm(&self, path: &Path) -> Result<(), WorkerError> {
        let mut bytes = format!("PF\n{} {}\n-1.0\n", self.width, self.height).into_bytes();
        let row = self.width as usize * 3;
        for y in (0..self.height as usize).rev() {
            for v in &self.linear_rgb[y * row..(y + 1) * row] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        write_file(path, &bytes)
    }
}

fn output_error(path: &Path, reason: impl ToString) -> WorkerError {
    WorkerError::Output {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WorkerError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| output_error(path, e))?;
    }
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| output_error(path, e))
}

pub fn write_png_rgb8(path: &Path, width: u32, height: u32, rgb: &[u8]) -> Result<(), WorkerError> {
    let encoded = encode_png_rgb8(width, height, rgb).map_err(|e| output_error(path, e))?;
    write_file(path, &encoded)
}

/// An 8-bit sRGB RGB PNG of `rgb` (how frames travel between nodes and the manager).
pub fn encode_png_rgb8(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut encoded = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut encoded, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
        encoder.write_header()?.write_image_data(rgb)?;
    }
    Ok(encoded)
}

/// Reads an 8-bit PNG as RGB (alpha dropped, grey expanded).
pub fn read_png_rgb8(path: &Path) -> Result<(u32, u32, Vec<u8>), WorkerError> {
    let bytes = std::fs::read(path).map_err(|e| WorkerError::from_io(path, e))?;
    decode_png_rgb8(&bytes).map_err(|reason| WorkerError::Io {
        path: path.display().to_string(),
        reason,
    })
}

/// Decodes PNG bytes as 8-bit RGB: width, height, pixels.
pub fn decode_png_rgb8(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), String> {
    let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let rgb = image.to_rgb8();
    Ok((rgb.width(), rgb.height(), rgb.into_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_encoding_hits_the_reference_points() {
        assert_eq!(linear_to_srgb8(0.0), 0);
        assert_eq!(linear_to_srgb8(1.0), 255);
        assert_eq!(linear_to_srgb8(7.5), 255);
        assert_eq!(linear_to_srgb8(-1.0), 0);
        assert_eq!(linear_to_srgb8(f32::NAN), 0);
        assert_eq!(linear_to_srgb8(0.2158605), 128);
        assert_eq!(linear_to_srgb8(0.5), 188);
    }

    #[test]
    fn png_and_pfm_round_trip() {
        let dir = std::env::temp_dir().join(format!("inferix-frame-{}", std::process::id()));
        let frame = Frame {
            width: 3,
            height: 2,
            linear_rgb: (0..18).map(|i| i as f32 / 17.0).collect(),
        };
        let png = dir.join("f.png");
        frame.write_png(&png).unwrap();
        let (w, h, rgb) = read_png_rgb8(&png).unwrap();
        assert_eq!((w, h), (3, 2));
        assert_eq!(rgb, frame.srgb8());
        let pfm = dir.join("f.pfm");
        frame.write_pfm(&pfm).unwrap();
        let bytes = std::fs::read(&pfm).unwrap();
        let header = b"PF\n3 2\n-1.0\n";
        assert_eq!(&bytes[..header.len()], header);
        assert_eq!(bytes.len(), header.len() + 18 * 4);
        // First stored row is the bottom row: pixel (0, 1) = values 9, 10, 11.
        let first = f32::from_le_bytes(bytes[header.len()..header.len() + 4].try_into().unwrap());
        assert_eq!(first, 9.0 / 17.0);
        std::fs::remove_dir_all(dir).ok();
    }
}
