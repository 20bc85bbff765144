use crate::events::ParamsUpdated;
use crate::instructions::config_admin::*;
use crate::state::RewardsParams;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Replaces the governance parameters; finalized epochs keep the rewards they were given.
pub fn handler(ctx: Context<ConfigAdmin>, params: RewardsParams) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    params.validate()?;
    config.params = params;
    emit_event!(ParamsUpdated { params });
    Ok(())
}
