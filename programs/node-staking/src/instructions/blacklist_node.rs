use crate::errors::StakingError;
use crate::events::NodeBlacklisted;
use crate::node_status::apply_status;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::seeds;

/// The admin blacklists a node directly (reversible only within the appeal window).
#[derive(Accounts)]
pub struct AdminNode<'info> {
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
}

pub fn handler(mut ctx: Context<AdminNode>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_admin(&accounts.admin.key())?;
    let node = &mut accounts.node;
    require!(!node.blacklisted, StakingError::NodeBlacklisted);
    let now = Clock::get()?.unix_timestamp;
    node.blacklisted = true;
    node.blacklisted_at = now;
    let (node_key, required) = (node.key(), node.required_stake);
    apply_status(node, node_key, required, now);
    emit!(NodeBlacklisted {
        node: node_key,
        by_admin: true,
    });
    Ok(())
}
