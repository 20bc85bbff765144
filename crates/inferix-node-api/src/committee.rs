//! A worker's verifier committee for an epoch: the `size` active verifiers whose hash with
//! (epoch, worker) is smallest. Anyone holding the list of active verifiers draws the same
//! committee; a worker cannot pick its verifiers, and the committee changes every epoch.

use anchor_lang::prelude::Pubkey;
use sha2::{Digest, Sha256};

/// Verifiers per committee unless the manager's config says otherwise (at least the on-chain
/// quorum).
pub const DEFAULT_COMMITTEE_SIZE: usize = 3;
const COMMITTEE_TAG: &[u8; 8] = b"IFXCOMM1";

pub fn committee(epoch: u32, worker: &Pubkey, verifiers: &[Pubkey], size: usize) -> Vec<Pubkey> {
    let mut ranked: Vec<([u8; 32], Pubkey)> = verifiers
        .iter()
        .map(|v| {
            let rank = Sha256::new()
                .chain_update(COMMITTEE_TAG)
                .chain_update(epoch.to_le_bytes())
                .chain_update(worker)
                .chain_update(v)
                .finalize()
                .into();
            (rank, *v)
        })
        .collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(size).map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_depends_on_epoch_and_worker_not_on_list_order() {
        let verifiers: Vec<Pubkey> = (0..12).map(|_| Pubkey::new_unique()).collect();
        let worker = Pubkey::new_unique();
        let drawn = committee(7, &worker, &verifiers, 3);
        assert_eq!(drawn.len(), 3);
        let mut reversed = verifiers.clone();
        reversed.reverse();
        assert_eq!(committee(7, &worker, &reversed, 3), drawn);
        let other_epochs = (8..40).filter(|e| committee(*e, &worker, &verifiers, 3) != drawn);
        assert!(other_epochs.count() > 20, "committees rotate across epochs");
        assert_ne!(committee(7, &Pubkey::new_unique(), &verifiers, 3), drawn);
    }

    #[test]
    fn a_committee_is_never_larger_than_the_verifiers_and_never_repeats_one() {
        let v = Pubkey::new_unique();
        assert_eq!(committee(0, &Pubkey::new_unique(), &[v, v], 3), vec![v]);
        assert!(committee(0, &Pubkey::new_unique(), &[], 3).is_empty());
    }
}
