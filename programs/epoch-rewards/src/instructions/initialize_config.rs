use crate::errors::RewardsError;
use crate::events::ConfigInitialized;
use crate::state::{RewardsConfig, RewardsParams};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::epoch::EpochSchedule;
use inferix_common::managers::validate_managers;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct InitializeConfigArgs {
    pub pause_guardian: Pubkey,
    /// Start of epoch 0.
    pub epoch_origin_ts: i64,
    pub epoch_length_secs: i64,
    /// One to four manager keys (SPEC §10).
    pub managers: Vec<Pubkey>,
    pub params: RewardsParams,
}

/// Creates the config and its three vaults: rewards (pre-funded by anyone with a plain token
/// transfer), penalty inflow (node-staking's verifier pool) and vesting. Upgrade authority only.
#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(init, payer = admin, space = 8 + RewardsConfig::INIT_SPACE, seeds = [seeds::REWARDS_CONFIG], bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(mint::token_program = ifx_token_program)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(init, payer = admin, seeds = [seeds::REWARD_VAULT], bump, token::mint = ifx_mint, token::authority = config, token::token_program = ifx_token_program)]
    pub reward_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(init, payer = admin, seeds = [seeds::PENALTY_INFLOW], bump, token::mint = ifx_mint, token::authority = config, token::token_program = ifx_token_program)]
    pub penalty_inflow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(init, payer = admin, seeds = [seeds::VESTING_VAULT], bump, token::mint = ifx_mint, token::authority = config, token::token_program = ifx_token_program)]
    pub vesting_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(admin.key())
            @ RewardsError::NotUpgradeAuthority,
    )]
    pub program_data: Box<Account<'info, ProgramData>>,
    pub ifx_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeConfig>, args: InitializeConfigArgs) -> Result<()> {
    args.params.validate()?;
    validate_managers(&args.managers, false)?;
    let schedule = EpochSchedule::new(args.epoch_origin_ts, args.epoch_length_secs)?;
    ctx.accounts.config.set_inner(RewardsConfig {
        admin: ctx.accounts.admin.key(),
        pending_admin: None,
        pause_guardian: args.pause_guardian,
        paused: false,
        managers: args.managers.clone(),
        ifx_mint: ctx.accounts.ifx_mint.key(),
        ifx_token_program: ctx.accounts.ifx_token_program.key(),
        schedule,
        params: args.params,
        committed_unclaimed: 0,
        vesting_outstanding: 0,
        clawback_at: None,
        bump: ctx.bumps.config,
        reward_vault_bump: ctx.bumps.reward_vault,
        penalty_inflow_bump: ctx.bumps.penalty_inflow,
        vesting_vault_bump: ctx.bumps.vesting_vault,
    });
    emit_event!(ConfigInitialized {
        admin: ctx.accounts.admin.key(),
        ifx_mint: ctx.accounts.ifx_mint.key(),
        schedule,
        managers: args.managers,
        params: args.params,
    });
    Ok(())
}
