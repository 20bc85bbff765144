use crate::events::AdminProposed;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// First step of the admin handover.
pub fn handler(ctx: Context<ConfigAdmin>, proposed: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    config.pending_admin = Some(proposed);
    emit_event!(AdminProposed {
        admin: config.admin,
        proposed,
    });
    Ok(())
}
