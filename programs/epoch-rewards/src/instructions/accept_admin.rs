use crate::errors::RewardsError;
use crate::events::AdminAccepted;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Second step of the admin handover: the proposed admin signs.
pub fn handler(ctx: Context<ConfigAdmin>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let pending = config.pending_admin.ok_or(RewardsError::NoPendingAdmin)?;
    require_keys_eq!(
        ctx.accounts.authority.key(),
        pending,
        RewardsError::NotPendingAdmin
    );
    let previous = config.admin;
    config.admin = pending;
    config.pending_admin = None;
    emit_event!(AdminAccepted {
        previous,
        admin: pending,
    });
    Ok(())
}
