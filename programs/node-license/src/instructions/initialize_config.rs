use crate::errors::LicenseError;
use crate::events::ConfigInitialized;
use crate::state::{validate_lock_duration, validate_referral_rates, LicenseConfig};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use inferix_common::emit_event;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct InitializeConfigArgs {
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    pub lock_duration_secs: i64,
    pub user_code_discount_bps: u16,
    pub user_code_commission_bps: u16,
}

/// Creates the singleton config. Only the program's upgrade authority may do it, so nobody can
/// front-run the deployment and make themselves admin.
#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(
        init,
        payer = admin,
        space = 8 + LicenseConfig::INIT_SPACE,
        seeds = [seeds::LICENSE_CONFIG],
        bump,
    )]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(admin.key())
            @ LicenseError::NotUpgradeAuthority,
    )]
    pub program_data: Box<Account<'info, ProgramData>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeConfig>, args: InitializeConfigArgs) -> Result<()> {
    validate_referral_rates(args.user_code_discount_bps, args.user_code_commission_bps)?;
    validate_lock_duration(args.lock_duration_secs)?;
    let config = &mut ctx.accounts.config;
    config.set_inner(LicenseConfig {
        admin: ctx.accounts.admin.key(),
        pending_admin: None,
        pause_guardian: args.pause_guardian,
        paused: false,
        buyback_authority: args.buyback_authority,
        lock_duration_secs: args.lock_duration_secs,
        user_code_discount_bps: args.user_code_discount_bps,
        user_code_commission_bps: args.user_code_commission_bps,
        sale_count: 0,
        bump: ctx.bumps.config,
    });
    emit_event!(ConfigInitialized {
        admin: config.admin,
        pause_guardian: config.pause_guardian,
        buyback_authority: config.buyback_authority,
        lock_duration_secs: config.lock_duration_secs,
        user_code_discount_bps: config.user_code_discount_bps,
        user_code_commission_bps: config.user_code_commission_bps,
    });
    Ok(())
}
