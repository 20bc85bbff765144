use crate::errors::RewardsError;
use crate::events::PauseSet;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;

/// The pause guardian or the admin pauses; only the admin unpauses. Pausing stops attestations,
/// finalization and claims, never the withdrawal of vested rewards.
pub fn handler(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let signer = ctx.accounts.authority.key();
    let allowed = signer == config.admin || (paused && signer == config.pause_guardian);
    require!(allowed, RewardsError::NotPauseAuthority);
    config.paused = paused;
    emit!(PauseSet { paused, by: signer });
    Ok(())
}
