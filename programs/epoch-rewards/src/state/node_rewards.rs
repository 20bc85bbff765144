use anchor_lang::prelude::*;

/// Per node, at `[NODE_REWARDS, node]`: the attestation sequence and the participation record
/// the buyback reads.
#[account]
#[derive(InitSpace)]
pub struct NodeRewards {
    pub node: Pubkey,
    /// The epoch of the node's registration (SPEC §10 item 2): participation is measured from
    /// it, whoever creates this record and whenever.
    pub started_epoch: u32,
    pub participated_epochs: u32,
    pub last_seq: u32,
    pub last_attestation_at: i64,
    pub bump: u8,
}

impl NodeRewards {
    /// Epochs counted for participation up to `current_epoch`, the start epoch included.
    pub fn epochs_since_start(&self, current_epoch: u32) -> u32 {
        current_epoch.saturating_sub(self.started_epoch) + 1
    }

    /// Whether `participated / epochs_since_start` is strictly greater than `num / den`.
    pub fn participation_above(&self, current_epoch: u32, num: u32, den: u32) -> bool {
        (self.participated_epochs as u64) * (den as u64)
            > (self.epochs_since_start(current_epoch) as u64) * (num as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewards(started_epoch: u32, participated_epochs: u32) -> NodeRewards {
        NodeRewards {
            node: Pubkey::default(),
            started_epoch,
            participated_epochs,
            last_seq: 0,
            last_attestation_at: 0,
            bump: 0,
        }
    }

    #[test]
    fn participation_rate_is_strictly_above_two_thirds() {
        // Epochs 3..=8 are six epochs: 4 of 6 is exactly 2/3, 5 of 6 is above.
        assert_eq!(rewards(3, 4).epochs_since_start(8), 6);
        assert!(!rewards(3, 4).participation_above(8, 2, 3));
        assert!(rewards(3, 5).participation_above(8, 2, 3));
        assert!(!rewards(3, 0).participation_above(3, 2, 3));
    }
}
