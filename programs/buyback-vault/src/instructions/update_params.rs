use crate::errors::BuybackError;
use crate::events::ParamsUpdated;
use crate::instructions::config_admin::*;
use crate::state::BuybackParams;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Replaces the parameters. The window's times only move later, and not once it has opened.
pub fn handler(ctx: Context<ConfigAdmin>, params: BuybackParams) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    params.validate()?;
    let now = Clock::get()?.unix_timestamp;
    require!(
        config.params.window_change_allowed(&params, now),
        BuybackError::WindowOnlyLater
    );
    config.params = params;
    emit_event!(ParamsUpdated { params });
    Ok(())
}
