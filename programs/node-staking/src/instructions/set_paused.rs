use crate::errors::StakingError;
use crate::events::PauseSet;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::managers::validate_managers;

/// The pause guardian or the admin pauses; only the admin unpauses. Pausing stops staking,
/// registration, benchmarks and slashing, never the withdrawal of unbonded stake. A program
/// without managers stays paused.
pub fn handler(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let signer = ctx.accounts.authority.key();
    let allowed = signer == config.admin || (paused && signer == config.pause_guardian);
    require!(allowed, StakingError::NotPauseAuthority);
    validate_managers(&config.managers, paused)?;
    config.paused = paused;
    emit_event!(PauseSet { paused, by: signer });
    Ok(())
}
