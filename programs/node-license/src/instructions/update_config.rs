use crate::events::ConfigUpdated;
use crate::state::{validate_lock_duration, validate_referral_rates, LicenseConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// Each `Some` replaces the current value. A new lock duration applies to licenses minted later.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Default)]
pub struct UpdateConfigArgs {
    pub pause_guardian: Option<Pubkey>,
    pub buyback_authority: Option<Pubkey>,
    pub lock_duration_secs: Option<i64>,
    pub user_code_discount_bps: Option<u16>,
    pub user_code_commission_bps: Option<u16>,
}

#[derive(Accounts)]
pub struct UpdateConfig<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
}

pub fn handler(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.admin.key())?;
    let discount_bps = args
        .user_code_discount_bps
        .unwrap_or(config.user_code_discount_bps);
    let commission_bps = args
        .user_code_commission_bps
        .unwrap_or(config.user_code_commission_bps);
    validate_referral_rates(discount_bps, commission_bps)?;
    let lock_duration_secs = args.lock_duration_secs.unwrap_or(config.lock_duration_secs);
    validate_lock_duration(lock_duration_secs)?;

    config.pause_guardian = args.pause_guardian.unwrap_or(config.pause_guardian);
    config.buyback_authority = args.buyback_authority.unwrap_or(config.buyback_authority);
    config.lock_duration_secs = lock_duration_secs;
    config.user_code_discount_bps = discount_bps;
    config.user_code_commission_bps = commission_bps;
    emit_event!(ConfigUpdated {
        pause_guardian: config.pause_guardian,
        buyback_authority: config.buyback_authority,
        lock_duration_secs,
        user_code_discount_bps: discount_bps,
        user_code_commission_bps: commission_bps,
    });
    Ok(())
}
