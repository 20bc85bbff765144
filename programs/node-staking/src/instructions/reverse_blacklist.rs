use crate::errors::StakingError;
use crate::events::BlacklistReversed;
use crate::instructions::blacklist_node::*;
use crate::node_status::apply_status;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// The admin lifts a blacklist within the appeal window that started when it was imposed.
pub fn handler(mut ctx: Context<AdminNode>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_admin(&accounts.admin.key())?;
    let node = &mut accounts.node;
    require!(node.blacklisted, StakingError::NodeNotBlacklisted);
    let now = Clock::get()?.unix_timestamp;
    require!(
        now < node
            .blacklisted_at
            .saturating_add(accounts.config.params.appeal_window_secs),
        StakingError::AppealWindowClosed
    );
    node.blacklisted = false;
    let (node_key, required) = (node.key(), node.required_stake);
    apply_status(node, node_key, required, now);
    emit_event!(BlacklistReversed { node: node_key });
    Ok(())
}
