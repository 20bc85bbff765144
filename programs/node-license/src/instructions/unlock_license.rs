use crate::errors::LicenseError;
use crate::events::LicenseUnlocked;
use crate::instructions::license_holding::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Permissionless: once the transfer lock has ended, anyone may unlock the license. Not
/// blocked by pause, since the license is already its holder's.
pub fn handler(mut ctx: Context<LicenseHolding>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    require!(
        accounts
            .license_record
            .is_unlockable(Clock::get()?.unix_timestamp),
        LicenseError::LicenseStillLocked
    );
    accounts.lift_lock()?;
    emit_event!(LicenseUnlocked {
        mint: accounts.license_mint.key(),
        holder_account: accounts.holder_account.key(),
    });
    Ok(())
}
