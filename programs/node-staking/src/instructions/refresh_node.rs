use crate::node_status::reevaluate;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::seeds;

/// Permissionless crank: re-evaluates a node at the current IFX price and parameters, so a node
/// whose stake no longer covers S(n) stops being active (and one that does again, resumes).
#[derive(Accounts)]
pub struct RefreshNode<'info> {
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
}

pub fn handler(ctx: Context<RefreshNode>) -> Result<()> {
    let node_key = ctx.accounts.node.key();
    reevaluate(
        &ctx.accounts.config,
        &mut ctx.accounts.node,
        node_key,
        &ctx.accounts.price,
        Clock::get()?.unix_timestamp,
    )
}
