use crate::errors::StakingError;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::seeds;

/// A node changed by its owner, with the price account its re-evaluation may need.
#[derive(Accounts)]
pub struct NodeOwner<'info> {
    pub owner: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        mut,
        seeds = [seeds::NODE, node.license_mint.as_ref()],
        bump = node.bump,
        has_one = owner @ StakingError::NotNodeOwner,
    )]
    pub node: Box<Account<'info, Node>>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
}
