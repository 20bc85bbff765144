use crate::errors::LicenseError;
use crate::events::LicenseReleasedForBuyback;
use crate::instructions::license_holding::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Lifts the transfer lock of a license before its end, when the configured buyback authority
/// (the buyback-vault program's PDA) signs: the buyback moves the license into its vault in the
/// same transaction. Not while node-license is paused: a pause holds across programs (SPEC §10).
#[derive(Accounts)]
pub struct ReleaseForBuyback<'info> {
    pub buyback_authority: Signer<'info>,
    pub holding: LicenseHolding<'info>,
}

pub fn handler(mut ctx: Context<ReleaseForBuyback>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.holding.config.require_not_paused()?;
    require_keys_eq!(
        accounts.buyback_authority.key(),
        accounts.holding.config.buyback_authority,
        LicenseError::NotBuybackAuthority
    );
    accounts.holding.lift_lock()?;
    emit_event!(LicenseReleasedForBuyback {
        mint: accounts.holding.license_mint.key(),
        holder_account: accounts.holding.holder_account.key(),
        buyback_authority: accounts.buyback_authority.key(),
    });
    Ok(())
}
