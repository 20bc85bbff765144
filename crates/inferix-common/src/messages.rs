//! The three signed message formats (SPEC §5): an 8-byte domain tag, then the borsh encoding of
//! fixed-size fields, so every message kind has one exact length and byte layout. Each names the
//! config PDA of its deployment: a signature never verifies in another deployment or as another
//! message kind.

use crate::errors::CommonError;
use anchor_lang::prelude::*;

/// A message that verifiers and operators sign over its exact bytes.
pub trait SignedMessage: AnchorSerialize + AnchorDeserialize {
    /// Domain tag, the first 8 bytes of the signed bytes.
    const TAG: [u8; 8];
    /// Length of the signed bytes, tag included.
    const LEN: usize;

    /// The exact bytes that are signed and placed in the Ed25519 precompile instruction.
    fn to_signed_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(Self::LEN);
        bytes.extend_from_slice(&Self::TAG);
        self.serialize(&mut bytes)
            .expect("serializing fixed-size fields into a Vec cannot fail");
        debug_assert_eq!(bytes.len(), Self::LEN);
        bytes
    }

    /// Decodes signed bytes, rejecting another tag or any length but the exact one.
    fn from_signed_bytes(bytes: &[u8]) -> Result<Self> {
        require!(
            bytes.len() == Self::LEN && bytes[..8] == Self::TAG,
            CommonError::MessageMalformed
        );
        Self::try_from_slice(&bytes[8..]).map_err(|_| error!(CommonError::MessageMalformed))
    }
}

/// A node's cumulative verified work in an epoch, signed by its operator and a verifier quorum.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PorAttestation {
    pub config: Pubkey,
    pub node: Pubkey,
    pub epoch: u32,
    pub seq: u32,
    pub ib_micros: u64,
    pub cumulative_ibm_micros: u64,
    pub jobs_verified: u32,
    pub work_root: [u8; 32],
    pub issued_at: i64,
}

impl SignedMessage for PorAttestation {
    const TAG: [u8; 8] = *b"IFXPOR01";
    const LEN: usize = 8 + 32 + 32 + 4 + 4 + 8 + 8 + 4 + 32 + 8;
}

/// A node's benchmarked IB, signed by a verifier quorum.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Benchmark {
    pub config: Pubkey,
    pub node: Pubkey,
    pub ib_micros: u64,
    pub scene_set_hash: [u8; 32],
    pub issued_at: i64,
}

impl SignedMessage for Benchmark {
    const TAG: [u8; 8] = *b"IFXBEN01";
    const LEN: usize = 8 + 32 + 32 + 8 + 32 + 8;
}

/// Evidence of a node's misbehaviour, signed by a verifier quorum.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Violation {
    pub config: Pubkey,
    pub node: Pubkey,
    pub epoch: u32,
    /// A [`ViolationKind`] as its `u8` code.
    pub kind: u8,
    pub evidence_hash: [u8; 32],
    pub issued_at: i64,
}

impl SignedMessage for Violation {
    const TAG: [u8; 8] = *b"IFXVIO01";
    const LEN: usize = 8 + 32 + 32 + 4 + 1 + 32 + 8;
}

/// The kinds of violation a `Violation` message reports, by their wire code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ViolationKind {
    FailedPoR = 0,
    Liveness = 1,
    BadResult = 2,
}

impl TryFrom<u8> for ViolationKind {
    type Error = Error;

    fn try_from(code: u8) -> Result<Self> {
        match code {
            0 => Ok(Self::FailedPoR),
            1 => Ok(Self::Liveness),
            2 => Ok(Self::BadResult),
            _ => err!(CommonError::MessageMalformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attestation() -> PorAttestation {
        PorAttestation {
            config: Pubkey::new_from_array([1; 32]),
            node: Pubkey::new_from_array([2; 32]),
            epoch: 7,
            seq: 3,
            ib_micros: 500_000,
            cumulative_ibm_micros: 30_000_000,
            jobs_verified: 12,
            work_root: [9; 32],
            issued_at: 1_700_000_000,
        }
    }

    #[test]
    fn fixed_layouts_start_with_their_tags() {
        let bytes = attestation().to_signed_bytes();
        assert_eq!(bytes.len(), PorAttestation::LEN);
        assert_eq!(&bytes[..8], b"IFXPOR01");
        assert_eq!(&bytes[8..40], &[1; 32]);
        assert_eq!(&bytes[72..76], &7u32.to_le_bytes());
        assert_eq!(&bytes[132..140], &1_700_000_000i64.to_le_bytes());

        let benchmark = Benchmark {
            config: Pubkey::default(),
            node: Pubkey::default(),
            ib_micros: 1,
            scene_set_hash: [0; 32],
            issued_at: 0,
        };
        let bytes = benchmark.to_signed_bytes();
        assert_eq!(
            (bytes.len(), &bytes[..8]),
            (Benchmark::LEN, &b"IFXBEN01"[..])
        );

        let violation = Violation {
            config: Pubkey::default(),
            node: Pubkey::default(),
            epoch: 0,
            kind: ViolationKind::Liveness as u8,
            evidence_hash: [0; 32],
            issued_at: 0,
        };
        let bytes = violation.to_signed_bytes();
        assert_eq!(
            (bytes.len(), &bytes[..8]),
            (Violation::LEN, &b"IFXVIO01"[..])
        );
        assert_eq!(bytes[76], 1);
    }

    #[test]
    fn round_trip_and_rejections() {
        let bytes = attestation().to_signed_bytes();
        assert_eq!(
            PorAttestation::from_signed_bytes(&bytes).unwrap(),
            attestation()
        );
        // Another kind's tag, a truncated and an extended message are all rejected.
        let mut other_tag = bytes.clone();
        other_tag[..8].copy_from_slice(&Benchmark::TAG);
        assert!(PorAttestation::from_signed_bytes(&other_tag).is_err());
        assert!(PorAttestation::from_signed_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(PorAttestation::from_signed_bytes(&longer).is_err());
    }

    #[test]
    fn violation_kind_codes() {
        assert_eq!(
            ViolationKind::try_from(0).unwrap(),
            ViolationKind::FailedPoR
        );
        assert_eq!(
            ViolationKind::try_from(2).unwrap(),
            ViolationKind::BadResult
        );
        assert!(ViolationKind::try_from(3).is_err());
    }
}
