use anchor_lang::prelude::*;

/// A verifier's verification credits (IBM it co-signed) in one epoch, at
/// `[VERIFIER_EPOCH, index, node]`. The verifier opens it for the epoch; closed by its claim.
#[account]
#[derive(InitSpace)]
pub struct VerifierEpoch {
    pub epoch: u32,
    pub node: Pubkey,
    pub credits_ibm_micros: u64,
    pub attestations: u32,
    pub rent_payer: Pubkey,
    pub bump: u8,
}
