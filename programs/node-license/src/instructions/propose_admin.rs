use crate::events::AdminProposed;
use crate::state::LicenseConfig;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// First step of the admin handover: the current admin names its successor, who must accept.
#[derive(Accounts)]
pub struct ProposeAdmin<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
}

pub fn handler(ctx: Context<ProposeAdmin>, proposed: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.admin.key())?;
    config.pending_admin = Some(proposed);
    emit_event!(AdminProposed {
        admin: config.admin,
        proposed,
    });
    Ok(())
}
