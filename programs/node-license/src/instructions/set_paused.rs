use crate::errors::LicenseError;
use crate::events::PauseSet;
use crate::state::LicenseConfig;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// The pause guardian (a fast key) or the admin may pause; only the admin may unpause.
/// Pausing stops sales and airdrops; unlocking a license stays possible.
#[derive(Accounts)]
pub struct SetPaused<'info> {
    pub authority: Signer<'info>,
    #[account(mut, seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
}

pub fn handler(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let signer = ctx.accounts.authority.key();
    let allowed = signer == config.admin || (paused && signer == config.pause_guardian);
    require!(allowed, LicenseError::NotPauseAuthority);
    config.paused = paused;
    emit_event!(PauseSet { paused, by: signer });
    Ok(())
}
