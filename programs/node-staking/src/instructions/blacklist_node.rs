use crate::errors::StakingError;
use crate::events::NodeBlacklisted;
use crate::node_status::apply_status;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// A node the admin acts on directly. Its status is judged against the last evaluated minimum,
/// so a correction never waits on an oracle; `refresh_node` brings it up to the current price.
#[derive(Accounts)]
pub struct AdminNode<'info> {
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
}

/// The admin blacklists a node directly (reversible only within the appeal window).
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
    emit_event!(NodeBlacklisted {
        node: node_key,
        by_admin: true,
    });
    Ok(())
}
