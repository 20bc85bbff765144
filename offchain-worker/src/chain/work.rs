//! What a verified job is worth and how an attestation commits to the jobs behind it.
//!
//! A job's IBM is its cost in unit-node minutes: the samples it traced divided by the
//! samples per minute that the IB reference assigns to a node of IB 1 (geometric mean over the
//! benchmark scenes). It depends only on the job, so a slow or boastful worker cannot inflate it,
//! and a node of IB b earns b IBM per minute of rendering, as SPEC §3 defines.

use inferix_common::merkle::{hash_leaf, MerkleTree};

use crate::bench::BenchReference;

const WORK_RECORD_TAG: &[u8; 8] = b"IFXWORK1";

/// Samples per minute of the standard unit node (IB 1), from the reference times.
pub fn unit_samples_per_minute(reference: &BenchReference) -> f64 {
    let log_sum: f64 = reference
        .scene
        .iter()
        .map(|s| {
            let samples = s.width as f64 * s.height as f64 * s.samples_per_pixel as f64;
            (samples / (s.t0_ms / 60_000.0)).ln()
        })
        .sum();
    (log_sum / reference.scene.len() as f64).exp()
}

/// IBM of a job of `width × height × spp` samples, in millionths.
pub fn job_ibm_micros(
    width: u32,
    height: u32,
    samples_per_pixel: u32,
    reference: &BenchReference,
) -> u64 {
    let samples = width as f64 * height as f64 * samples_per_pixel as f64;
    (samples / unit_samples_per_minute(reference) * 1e6).round() as u64
}

/// One verified job as the attestation's work root commits to it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkRecord {
    pub job_hash: [u8; 32],
    pub frame_root: [u8; 32],
    pub ibm_micros: u64,
}

impl WorkRecord {
    pub fn leaf(&self) -> [u8; 32] {
        hash_leaf(&[
            WORK_RECORD_TAG,
            &self.job_hash,
            &self.frame_root,
            &self.ibm_micros.to_le_bytes(),
        ])
    }
}

/// Merkle root over the verified job records (all zero when there are none).
pub fn work_root(records: &[WorkRecord]) -> [u8; 32] {
    MerkleTree::new(records.iter().map(WorkRecord::leaf).collect()).map_or([0; 32], |t| t.root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_frame_is_worth_its_reference_minutes() {
        let reference = BenchReference::load(None).unwrap();
        // One benchmark frame of each scene costs, in total, the sum of the T0s at IB 1 —
        // up to the geometric-mean pooling, equal when the scenes' throughputs are equal.
        let s = &reference.scene[0];
        let ibm = job_ibm_micros(s.width, s.height, s.samples_per_pixel, &reference) as f64 / 1e6;
        let total_minutes: f64 = reference.scene.iter().map(|s| s.t0_ms / 60_000.0).sum();
        assert!(ibm > 0.0 && ibm * 3.0 < total_minutes * 1.5 && ibm * 3.0 > total_minutes / 1.5);
        assert_eq!(job_ibm_micros(0, 10, 10, &reference), 0);
    }

    #[test]
    fn work_root_commits_to_every_record() {
        let a = WorkRecord {
            job_hash: [1; 32],
            frame_root: [2; 32],
            ibm_micros: 5,
        };
        let b = WorkRecord {
            ibm_micros: 6,
            ..a.clone()
        };
        let (one_a, one_b) = (std::slice::from_ref(&a), std::slice::from_ref(&b));
        assert_ne!(work_root(one_a), work_root(one_b));
        assert_ne!(work_root(&[a.clone(), b.clone()]), work_root(one_a));
        assert_eq!(work_root(&[]), [0; 32]);
    }
}
