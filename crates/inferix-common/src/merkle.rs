//! Sorted-pair SHA-256 Merkle trees with domain separation between leaves (prefix 0x00) and
//! inner nodes (prefix 0x01), so an inner node can never pass as a leaf. Used for the sale
//! whitelists; the tree builder serves the SDK, migrations and tests.

use anchor_lang::prelude::Pubkey;
use solana_sha256_hasher::hashv;

const LEAF_PREFIX: &[u8] = &[0x00];
const INNER_PREFIX: &[u8] = &[0x01];

/// Deepest proof accepted on-chain (2^24 leaves), which bounds compute and transaction size.
pub const MAX_PROOF_DEPTH: usize = 24;

pub fn hash_leaf(parts: &[&[u8]]) -> [u8; 32] {
    let mut all: Vec<&[u8]> = Vec::with_capacity(parts.len() + 1);
    all.push(LEAF_PREFIX);
    all.extend_from_slice(parts);
    hashv(&all).to_bytes()
}

pub fn hash_pair(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    hashv(&[INNER_PREFIX, lo, hi]).to_bytes()
}

/// The whitelist leaf of SPEC §2: it commits to the sale, the buyer, the tier and the buyer's
/// allocation in that tier.
pub fn whitelist_leaf(sale: &Pubkey, wallet: &Pubkey, tier: u8, allocation: u16) -> [u8; 32] {
    hash_leaf(&[
        sale.as_ref(),
        wallet.as_ref(),
        &[tier],
        &allocation.to_le_bytes(),
    ])
}

/// True when `proof` leads from `leaf` to `root` and is no deeper than [`MAX_PROOF_DEPTH`].
pub fn verify_proof(leaf: [u8; 32], proof: &[[u8; 32]], root: &[u8; 32]) -> bool {
    proof.len() <= MAX_PROOF_DEPTH
        && proof
            .iter()
            .fold(leaf, |node, sibling| hash_pair(&node, sibling))
            == *root
}

/// A whole tree, built off-chain to publish a root and hand out proofs.
pub struct MerkleTree {
    /// `levels[0]` are the leaves, the last level holds the root alone.
    levels: Vec<Vec<[u8; 32]>>,
}

impl MerkleTree {
    /// Builds the tree; an odd node at the end of a level is promoted unchanged. `None` when
    /// `leaves` is empty.
    pub fn new(leaves: Vec<[u8; 32]>) -> Option<Self> {
        if leaves.is_empty() {
            return None;
        }
        let mut levels = vec![leaves];
        while levels.last()?.len() > 1 {
            let next = levels
                .last()?
                .chunks(2)
                .map(|pair| match pair {
                    [a, b] => hash_pair(a, b),
                    [a] => *a,
                    _ => unreachable!("chunks(2) yields one or two nodes"),
                })
                .collect();
            levels.push(next);
        }
        Some(Self { levels })
    }

    pub fn root(&self) -> [u8; 32] {
        self.levels[self.levels.len() - 1][0]
    }

    /// The proof of the leaf at `index`, `None` when out of range.
    pub fn proof(&self, mut index: usize) -> Option<Vec<[u8; 32]>> {
        if index >= self.levels[0].len() {
            return None;
        }
        let mut proof = Vec::new();
        for level in &self.levels[..self.levels.len() - 1] {
            if let Some(sibling) = level.get(index ^ 1) {
                proof.push(*sibling);
            }
            index /= 2;
        }
        Some(proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: u8) -> Vec<[u8; 32]> {
        (0..n)
            .map(|i| {
                whitelist_leaf(
                    &Pubkey::new_from_array([7; 32]),
                    &Pubkey::new_from_array([i; 32]),
                    1,
                    2,
                )
            })
            .collect()
    }

    #[test]
    fn every_leaf_proves_against_the_root_for_all_tree_shapes() {
        for n in 1..=9 {
            let leaves = leaves(n);
            let tree = MerkleTree::new(leaves.clone()).unwrap();
            for (i, leaf) in leaves.iter().enumerate() {
                assert!(
                    verify_proof(*leaf, &tree.proof(i).unwrap(), &tree.root()),
                    "n={n} i={i}"
                );
            }
            assert!(tree.proof(leaves.len()).is_none());
        }
        assert!(MerkleTree::new(vec![]).is_none());
    }

    #[test]
    fn leaf_binds_every_field() {
        let sale = Pubkey::new_from_array([1; 32]);
        let wallet = Pubkey::new_from_array([2; 32]);
        let base = whitelist_leaf(&sale, &wallet, 1, 5);
        assert_ne!(base, whitelist_leaf(&wallet, &wallet, 1, 5));
        assert_ne!(base, whitelist_leaf(&sale, &sale, 1, 5));
        assert_ne!(base, whitelist_leaf(&sale, &wallet, 2, 5));
        assert_ne!(base, whitelist_leaf(&sale, &wallet, 1, 6));
    }

    #[test]
    fn inner_node_is_not_a_leaf_and_tampering_fails() {
        let leaves = leaves(4);
        let tree = MerkleTree::new(leaves.clone()).unwrap();
        // The inner node over leaves 0 and 1 with the proof of its level must not verify as a leaf.
        let inner = hash_pair(&leaves[0], &leaves[1]);
        let upper_proof = tree.proof(0).unwrap()[1..].to_vec();
        assert_eq!(
            upper_proof.iter().fold(inner, |n, s| hash_pair(&n, s)),
            tree.root()
        );
        assert_ne!(hash_leaf(&[&inner]), inner);
        // A proof for another leaf, a shortened proof and an over-deep proof all fail.
        assert!(!verify_proof(
            leaves[0],
            &tree.proof(2).unwrap(),
            &tree.root()
        ));
        assert!(!verify_proof(
            leaves[0],
            &tree.proof(0).unwrap()[..1],
            &tree.root()
        ));
        assert!(!verify_proof(
            leaves[0],
            &[[0; 32]; MAX_PROOF_DEPTH + 1],
            &tree.root()
        ));
    }
}
