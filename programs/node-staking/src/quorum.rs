//! Verifier co-signatures: a message counts when at least `quorum` distinct active,
//! non-blacklisted verifier nodes signed it through the Ed25519 precompile instruction placed
//! immediately before the program's instruction. The verifier nodes are passed as accounts, in
//! the order of their signatures. epoch-rewards uses the same check for attestations, with the
//! node operator's signature first.

use crate::errors::StakingError;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::ed25519::verify_preceding_instruction;
use node_license::state::LicenseKind;

/// Checks that `leading_signers` and then the operators of `verifier_nodes` (at least `quorum`
/// distinct active verifiers) signed `message`; returns the verifier nodes.
pub fn verify_co_signers<'info>(
    instructions_sysvar: &AccountInfo<'info>,
    leading_signers: &[Pubkey],
    verifier_nodes: &[&'info AccountInfo<'info>],
    quorum: u8,
    message: &[u8],
) -> Result<Vec<Account<'info, Node>>> {
    require!(
        verifier_nodes.len() >= quorum as usize,
        StakingError::UnderQuorum
    );
    let mut signers = leading_signers.to_vec();
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
        signers.push(node.operator);
        nodes.push(node);
    }
    verify_preceding_instruction(instructions_sysvar, &signers, message)?;
    Ok(nodes)
}

/// The verifier quorum of node-staking's own messages (benchmarks, violations).
pub fn verify_verifier_quorum<'info>(
    config: &StakingConfig,
    instructions_sysvar: &AccountInfo<'info>,
    verifier_nodes: &'info [AccountInfo<'info>],
    message: &[u8],
) -> Result<Vec<Pubkey>> {
    let infos: Vec<&AccountInfo> = verifier_nodes.iter().collect();
    let nodes = verify_co_signers(
        instructions_sysvar,
        &[],
        &infos,
        config.params.quorum,
        message,
    )?;
    Ok(nodes.iter().map(|n| n.key()).collect())
}
