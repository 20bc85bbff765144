use anchor_lang::prelude::*;

/// A node's verified work in one epoch, at `[NODE_EPOCH, index, node]`. Closed by its claim, its
/// rent returned to whoever paid it; its absence after finalization means "claimed".
#[account]
#[derive(InitSpace)]
pub struct NodeEpoch {
    pub epoch: u32,
    pub node: Pubkey,
    pub cumulative_ibm_micros: u64,
    pub jobs_verified: u32,
    pub work_root: [u8; 32],
    /// Reached `IB × min_participation_minutes` this epoch.
    pub participated: bool,
    pub rent_payer: Pubkey,
    pub bump: u8,
}

/// A worker's epoch counts as participated when it has an IB and verified IBM > 0 reaching
/// IB × the minimum minutes (SPEC §10 item 2): zero work never counts, whatever the minimum.
pub fn reaches_participation(
    cumulative_ibm_micros: u64,
    ib_micros: u64,
    min_participation_minutes: u32,
) -> bool {
    ib_micros > 0
        && cumulative_ibm_micros > 0
        && (cumulative_ibm_micros as u128)
            >= (ib_micros as u128) * (min_participation_minutes as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participation_is_counted_exactly_at_the_threshold() {
        // 0.5 IB × 720 min = 360 IBM.
        assert!(reaches_participation(360_000_000, 500_000, 720));
        assert!(!reaches_participation(359_999_999, 500_000, 720));
        assert!(
            !reaches_participation(0, 500_000, 0),
            "no work, no participation"
        );
        assert!(!reaches_participation(10, 0, 0), "no IB, no participation");
        assert!(reaches_participation(1, 500_000, 0));
    }
}
