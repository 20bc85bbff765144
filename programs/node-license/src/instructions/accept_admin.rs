use crate::errors::LicenseError;
use crate::events::AdminAccepted;
use crate::state::LicenseConfig;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// Second step of the admin handover: the proposed admin signs, proving it controls the key.
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    pub new_admin: Signer<'info>,
    #[account(mut, seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
}

pub fn handler(ctx: Context<AcceptAdmin>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let pending = config.pending_admin.ok_or(LicenseError::NoPendingAdmin)?;
    require_keys_eq!(
        ctx.accounts.new_admin.key(),
        pending,
        LicenseError::NotPendingAdmin
    );
    let previous = config.admin;
    config.admin = pending;
    config.pending_admin = None;
    emit_event!(AdminAccepted {
        previous,
        admin: pending,
    });
    Ok(())
}
