use crate::errors::BuybackError;
use crate::events::ParamsUpdated;
use crate::instructions::config_admin::*;
use crate::state::BuybackParams;
use anchor_lang::prelude::*;

/// Replaces the parameters; once the window has opened its times can no longer change.
pub fn handler(ctx: Context<ConfigAdmin>, params: BuybackParams) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    params.validate()?;
    let started = Clock::get()?.unix_timestamp >= config.params.window_start;
    let window_kept = params.window_start == config.params.window_start
        && params.window_secs == config.params.window_secs;
    require!(!started || window_kept, BuybackError::InvalidParams);
    config.params = params;
    emit!(ParamsUpdated { params });
    Ok(())
}
