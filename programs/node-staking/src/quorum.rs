//! Who vouches for work (SPEC §10): one of the deployment's managers and at least `quorum`
//! distinct verifier nodes, all signing one message through the Ed25519 precompile instruction
//! placed immediately before the program's instruction — the manager first, then the verifiers'
//! operators in the order of the verifier node accounts. A co-signing verifier must be an
//! active, non-blacklisted verifier node independent of the node it vouches for: neither its
//! owner nor its operator may be the subject's owner or operator. epoch-rewards uses
//! `active_verifiers` for attestations.

use crate::errors::StakingError;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::ed25519::verify_preceding_manager_instruction;
use node_license::state::LicenseKind;

/// Loads `verifier_nodes` (owner and discriminator checked) and checks that they are at least
/// `quorum` distinct, active, non-blacklisted verifiers independent of `subject`.
pub fn active_verifiers<'info>(
    verifier_nodes: &[&'info AccountInfo<'info>],
    quorum: u8,
    subject: &Node,
) -> Result<Vec<Account<'info, Node>>> {
    require!(
        verifier_nodes.len() >= quorum as usize,
        StakingError::UnderQuorum
    );
    let mut nodes: Vec<Account<'info, Node>> = Vec::with_capacity(verifier_nodes.len());
    for info in verifier_nodes {
        let node: Account<Node> = Account::try_from(info)?;
        require!(
            node.kind == LicenseKind::Verifier,
            StakingError::CoSignerNotVerifier
        );
        require!(!node.blacklisted, StakingError::CoSignerBlacklisted);
        require!(node.is_active(), StakingError::NotActiveVerifier);
        require!(
            independent_of(&node, subject),
            StakingError::CoSignerNotIndependent
        );
        require!(
            nodes.iter().all(|n| n.key() != info.key()),
            StakingError::DuplicateVerifier
        );
        nodes.push(node);
    }
    Ok(nodes)
}

/// Whether `verifier` shares no key with `subject`: a holder cannot vouch for their own node,
/// neither as owner nor through an operator key they also run.
pub fn independent_of(verifier: &Node, subject: &Node) -> bool {
    let subject_keys = [subject.owner, subject.operator];
    !subject_keys.contains(&verifier.owner) && !subject_keys.contains(&verifier.operator)
}

/// The parties that vouched for a message.
pub struct Vouchers {
    pub manager: Pubkey,
    pub verifiers: Vec<Pubkey>,
}

/// The quorum of node-staking's own messages (benchmarks, violations) about `subject`: one of
/// the config's managers, then the verifiers' operators, signed exactly `message`.
pub fn verify_quorum<'info>(
    config: &StakingConfig,
    instructions_sysvar: &AccountInfo<'info>,
    verifier_nodes: &'info [AccountInfo<'info>],
    subject: &Node,
    message: &[u8],
) -> Result<Vouchers> {
    let infos: Vec<&AccountInfo> = verifier_nodes.iter().collect();
    let nodes = active_verifiers(&infos, config.params.quorum, subject)?;
    let operators: Vec<Pubkey> = nodes.iter().map(|n| n.operator).collect();
    let manager = verify_preceding_manager_instruction(
        instructions_sysvar,
        &config.managers,
        &operators,
        message,
    )?;
    Ok(Vouchers {
        manager,
        verifiers: nodes.iter().map(|n| n.key()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(owner: Pubkey, operator: Pubkey) -> Node {
        Node {
            owner,
            operator,
            ..crate::state::node::tests::node(LicenseKind::Verifier, 0)
        }
    }

    #[test]
    fn a_verifier_sharing_any_key_with_the_subject_is_not_independent() {
        let (owner, operator) = (Pubkey::new_unique(), Pubkey::new_unique());
        let subject = node(owner, operator);
        let other = Pubkey::new_unique;
        assert!(independent_of(&node(other(), other()), &subject));
        for verifier in [
            node(owner, other()),
            node(other(), operator),
            node(operator, other()),
            node(other(), owner),
        ] {
            assert!(!independent_of(&verifier, &subject));
        }
    }
}
