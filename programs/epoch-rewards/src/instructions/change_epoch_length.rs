use crate::events::EpochLengthChanged;
use crate::instructions::config_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// A new epoch length, in force from the next epoch boundary.
pub fn handler(ctx: Context<ConfigAdmin>, length_secs: i64) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    config
        .schedule
        .change_length(Clock::get()?.unix_timestamp, length_secs)?;
    emit_event!(EpochLengthChanged {
        schedule: config.schedule,
    });
    Ok(())
}
