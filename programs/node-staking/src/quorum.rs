//! Verifier co-signatures: a message counts when at least `quorum` distinct active,
//! non-blacklisted verifier nodes signed it through the Ed25519 precompile instruction placed
//! immediately before this program's instruction. The verifier nodes are passed as the
//! remaining accounts, in the order of their signatures.

use crate::errors::StakingError;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::ed25519::verify_preceding_instruction;
use node_license::state::LicenseKind;

/// Checks the co-signers and the precompile instruction; returns the verifier node addresses.
pub fn verify_verifier_quorum<'info>(
    config: &StakingConfig,
    instructions_sysvar: &AccountInfo<'info>,
    verifier_nodes: &'info [AccountInfo<'info>],
    message: &[u8],
) -> Result<Vec<Pubkey>> {
    require!(
        verifier_nodes.len() >= config.params.quorum as usize,
        StakingError::UnderQuorum
    );
    let mut operators = Vec::with_capacity(verifier_nodes.len());
    let mut nodes = Vec::with_capacity(verifier_nodes.len());
    for info in verifier_nodes {
        let node: Account<Node> = Account::try_from(info)?;
        require!(
            node.kind == LicenseKind::Verifier && node.is_active() && !node.blacklisted,
            StakingError::NotActiveVerifier
        );
        require!(
            !nodes.contains(&info.key()),
            StakingError::DuplicateVerifier
        );
        nodes.push(info.key());
        operators.push(node.operator);
    }
    verify_preceding_instruction(instructions_sysvar, &operators, message)?;
    Ok(nodes)
}
