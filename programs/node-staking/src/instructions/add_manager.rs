use crate::events::ManagerAdded;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::managers;

/// Adds a manager key (SPEC §10), at most four. Admin only.
pub fn handler(ctx: Context<ConfigAdmin>, manager: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    managers::add_manager(&mut config.managers, manager)?;
    emit_event!(ManagerAdded { manager });
    Ok(())
}
