//! The worker's commitment: a Merkle root over fixed 32×32 tiles of the frame's canonical
//! pixel bytes (8-bit sRGB RGB, row-major, exactly the PNG's pixels — no file metadata), and the
//! verifier's choice of tiles to re-render, drawn from hash(root ‖ nonce) after the commitment.

use inferix_common::merkle::{hash_leaf, MerkleTree};
use sha2::{Digest, Sha256};

use crate::render::PixelRect;

pub const TILE_SIZE: u32 = 32;
const TILE_LEAF_TAG: &[u8; 8] = b"IFXTILE1";
const SPOT_CHECK_TAG: &[u8; 8] = b"IFXSPOT1";

/// The frame's tiles in row-major order; the last row and column may be narrower.
pub fn tile_rects(width: u32, height: u32) -> Vec<PixelRect> {
    let mut rects = Vec::new();
    for y in (0..height).step_by(TILE_SIZE as usize) {
        for x in (0..width).step_by(TILE_SIZE as usize) {
            rects.push(PixelRect {
                x,
                y,
                width: TILE_SIZE.min(width - x),
                height: TILE_SIZE.min(height - y),
            });
        }
    }
    rects
}

/// A tile's pixels cut out of a frame (RGB8, row-major).
pub fn tile_pixels(frame_rgb8: &[u8], frame_width: u32, rect: &PixelRect) -> Vec<u8> {
    let mut out = Vec::with_capacity((rect.width * rect.height * 3) as usize);
    for row in rect.y..rect.y + rect.height {
        let start = ((row * frame_width + rect.x) * 3) as usize;
        out.extend_from_slice(&frame_rgb8[start..start + (rect.width * 3) as usize]);
    }
    out
}

/// Leaf of one tile: its index and rectangle (so no tile can stand in for another) and pixels.
pub fn tile_leaf(index: u32, rect: &PixelRect, pixels: &[u8]) -> [u8; 32] {
    let geometry: Vec<u8> = [index, rect.x, rect.y, rect.width, rect.height]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    hash_leaf(&[TILE_LEAF_TAG, &geometry, pixels])
}

/// Merkle root over every tile of a `width × height` RGB8 frame.
pub fn frame_root(width: u32, height: u32, frame_rgb8: &[u8]) -> [u8; 32] {
    let leaves = tile_rects(width, height)
        .iter()
        .enumerate()
        .map(|(i, r)| tile_leaf(i as u32, r, &tile_pixels(frame_rgb8, width, r)))
        .collect();
    MerkleTree::new(leaves)
        .expect("a frame has at least one tile")
        .root()
}

/// `count` distinct tile indices (fewer when the frame has fewer tiles), determined by the
/// committed root and the verifier's nonce: unknown to the worker when it commits.
pub fn spot_check_tiles(
    root: &[u8; 32],
    nonce: &[u8; 32],
    tile_count: u32,
    count: u32,
) -> Vec<u32> {
    let wanted = count.min(tile_count) as usize;
    let mut chosen = Vec::with_capacity(wanted);
    let mut counter = 0u64;
    while chosen.len() < wanted {
        let digest: [u8; 32] = Sha256::new()
            .chain_update(SPOT_CHECK_TAG)
            .chain_update(root)
            .chain_update(nonce)
            .chain_update(counter.to_le_bytes())
            .finalize()
            .into();
        counter += 1;
        let pick = (u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
            % tile_count as u64) as u32;
        if !chosen.contains(&pick) {
            chosen.push(pick);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_frame_once() {
        let rects = tile_rects(70, 40);
        assert_eq!(rects.len(), 3 * 2);
        let area: u32 = rects.iter().map(|r| r.width * r.height).sum();
        assert_eq!(area, 70 * 40);
        assert_eq!(
            rects[2],
            PixelRect {
                x: 64,
                y: 0,
                width: 6,
                height: 32
            }
        );
    }

    #[test]
    fn root_changes_with_any_pixel_and_tiles_are_distinct() {
        let (w, h) = (70u32, 40u32);
        let frame: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
        let root = frame_root(w, h, &frame);
        let mut changed = frame.clone();
        changed[(39 * w * 3 + 69 * 3 + 2) as usize] ^= 1;
        assert_ne!(frame_root(w, h, &changed), root);
        let flat = vec![9u8; (w * h * 3) as usize];
        let leaves: Vec<[u8; 32]> = tile_rects(w, h)
            .iter()
            .enumerate()
            .map(|(i, r)| tile_leaf(i as u32, r, &tile_pixels(&flat, w, r)))
            .collect();
        assert_ne!(
            leaves[0], leaves[1],
            "equal pixels in two tiles still give two leaves"
        );
    }

    #[test]
    fn spot_checks_are_distinct_and_follow_root_and_nonce() {
        let tiles = spot_check_tiles(&[1; 32], &[2; 32], 100, 44);
        assert_eq!(tiles.len(), 44);
        let mut sorted = tiles.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 44);
        assert!(tiles.iter().all(|&t| t < 100));
        assert_eq!(tiles, spot_check_tiles(&[1; 32], &[2; 32], 100, 44));
        assert_ne!(tiles, spot_check_tiles(&[1; 32], &[3; 32], 100, 44));
        assert_ne!(tiles, spot_check_tiles(&[4; 32], &[2; 32], 100, 44));
        assert_eq!(spot_check_tiles(&[1; 32], &[2; 32], 5, 44).len(), 5);
    }
}
