//! IFX transfers out of node-staking's vaults, signed by the PDA that owns each.

use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::seeds;
pub use inferix_common::token::VaultTransfer;

/// Signing as node-staking's vault owners.
pub trait StakingVaults<'info> {
    /// From a node's stake vault, signed by the node PDA.
    fn send_from_node(&self, node: &Account<'info, Node>, amount: u64) -> Result<()>;
    /// From the penalty vault, signed by the config PDA.
    fn send_from_penalty_vault(
        &self,
        config: &Account<'info, StakingConfig>,
        amount: u64,
    ) -> Result<()>;
}

impl<'info> StakingVaults<'info> for VaultTransfer<'_, 'info> {
    fn send_from_node(&self, node: &Account<'info, Node>, amount: u64) -> Result<()> {
        let bump = [node.bump];
        let seeds: &[&[&[u8]]] = &[&[seeds::NODE, node.license_mint.as_ref(), &bump]];
        self.send(node.to_account_info(), seeds, amount)
    }

    fn send_from_penalty_vault(
        &self,
        config: &Account<'info, StakingConfig>,
        amount: u64,
    ) -> Result<()> {
        let bump = [config.bump];
        let seeds: &[&[&[u8]]] = &[&[seeds::STAKING_CONFIG, &bump]];
        self.send(config.to_account_info(), seeds, amount)
    }
}
