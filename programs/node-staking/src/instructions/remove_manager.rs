use crate::events::ManagerRemoved;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::managers;

/// Removes a manager key; the last one only while the program is paused. Admin only.
pub fn handler(ctx: Context<ConfigAdmin>, manager: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    let paused = config.paused;
    managers::remove_manager(&mut config.managers, &manager, paused)?;
    emit_event!(ManagerRemoved { manager });
    Ok(())
}
