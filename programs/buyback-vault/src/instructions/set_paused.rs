use crate::errors::BuybackError;
use crate::events::PauseSet;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// The pause guardian or the admin pauses; only the admin unpauses. Pausing stops buybacks and
/// custody moves, never the withdrawal of vested IFX.
pub fn handler(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let signer = ctx.accounts.authority.key();
    let allowed = signer == config.admin || (paused && signer == config.pause_guardian);
    require!(allowed, BuybackError::NotPauseAuthority);
    config.paused = paused;
    emit_event!(PauseSet { paused, by: signer });
    Ok(())
}
