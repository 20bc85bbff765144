use crate::errors::RewardsError;
use crate::events::ClawbackDateSet;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Sets the date after which unclaimed rewards may be returned. It must lie in the future and,
/// once set, can only move later.
pub fn handler(ctx: Context<ConfigAdmin>, clawback_at: i64) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    let later = config
        .clawback_at
        .is_none_or(|current| clawback_at > current);
    require!(
        later && clawback_at > Clock::get()?.unix_timestamp,
        RewardsError::ClawbackOnlyLater
    );
    config.clawback_at = Some(clawback_at);
    emit_event!(ClawbackDateSet { clawback_at });
    Ok(())
}
