//! Verifier co-signatures: a message counts when at least `quorum` distinct active,
//! non-blacklisted verifier nodes signed it through the Ed25519 precompile instruction placed
//! immediately before the program's instruction. The verifier nodes are passed as accounts, in
//! the order of their signatures. epoch-rewards uses `active_verifiers` for attestations, with
//! the node operator's signature first.

use crate::errors::StakingError;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::ed25519::verify_preceding_instruction;
use node_license::state::LicenseKind;

/// Loads `verifier_nodes` (owner and discriminator checked) and checks that they are at least
/// `quorum` distinct, active, non-blacklisted verifiers.
pub fn active_verifiers<'info>(
    verifier_nodes: &[&'info AccountInfo<'info>],
    quorum: u8,
) -> Result<Vec<Account<'info, Node>>> {
    require!(
        verifier_nodes.len() >= quorum as usize,
        StakingError::UnderQuorum
    );
    let mut nodes: Vec<Account<'info, Node>> = Vec::with_capacity(verifier_nodes.len());
    for info in verifier_nodes {
        let node: Account<Node> = Account::try_from(info)?;
        require!(
            node.kind == LicenseKind::Verifier && node.is_active() && !node.blacklisted,
            StakingError::NotActiveVerifier
        );
        require!(
            nodes.iter().all(|n| n.key() != info.key()),
            StakingError::DuplicateVerifier
        );
        nodes.push(node);
    }
    Ok(nodes)
}

/// The verifier quorum of node-staking's own messages (benchmarks, violations): the verifiers'
/// operators signed exactly `message`. Returns the verifier node addresses.
pub fn verify_verifier_quorum<'info>(
    config: &StakingConfig,
    instructions_sysvar: &AccountInfo<'info>,
    verifier_nodes: &'info [AccountInfo<'info>],
    message: &[u8],
) -> Result<Vec<Pubkey>> {
    let infos: Vec<&AccountInfo> = verifier_nodes.iter().collect();
    let nodes = active_verifiers(&infos, config.params.quorum)?;
    let operators: Vec<Pubkey> = nodes.iter().map(|n| n.operator).collect();
    verify_preceding_instruction(instructions_sysvar, &operators, message)?;
    Ok(nodes.iter().map(|n| n.key()).collect())
}
