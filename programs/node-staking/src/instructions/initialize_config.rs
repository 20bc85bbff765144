use crate::errors::StakingError;
use crate::events::ConfigInitialized;
use crate::state::{PushedPrice, StakingConfig, StakingParams};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::managers::validate_managers;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct InitializeConfigArgs {
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    /// One to four manager keys (SPEC §10).
    pub managers: Vec<Pubkey>,
    pub params: StakingParams,
}

/// Creates the config, the pushed-price account and the penalty vault. Only the program's
/// upgrade authority may, so nobody can front-run the deployment.
#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(init, payer = admin, space = 8 + StakingConfig::INIT_SPACE, seeds = [seeds::STAKING_CONFIG], bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(init, payer = admin, space = 8 + PushedPrice::INIT_SPACE, seeds = [seeds::PUSHED_PRICE], bump)]
    pub pushed_price: Box<Account<'info, PushedPrice>>,
    #[account(mint::token_program = ifx_token_program)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = admin,
        seeds = [seeds::PENALTY_VAULT],
        bump,
        token::mint = ifx_mint,
        token::authority = config,
        token::token_program = ifx_token_program,
    )]
    pub penalty_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(admin.key())
            @ StakingError::NotUpgradeAuthority,
    )]
    pub program_data: Box<Account<'info, ProgramData>>,
    pub ifx_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeConfig>, args: InitializeConfigArgs) -> Result<()> {
    args.params.validate()?;
    validate_managers(&args.managers, false)?;
    // Matured penalties pay verifiers through epoch-rewards, and nowhere else (SPEC §10 item 8).
    require_keys_eq!(
        args.params.verifier_pool,
        inferix_common::program_ids::penalty_inflow(),
        StakingError::PenaltyDestinationNotInflow
    );
    ctx.accounts.pushed_price.bump = ctx.bumps.pushed_price;
    ctx.accounts.config.set_inner(StakingConfig {
        admin: ctx.accounts.admin.key(),
        pending_admin: None,
        pause_guardian: args.pause_guardian,
        paused: false,
        buyback_authority: args.buyback_authority,
        managers: args.managers.clone(),
        ifx_mint: ctx.accounts.ifx_mint.key(),
        ifx_token_program: ctx.accounts.ifx_token_program.key(),
        ifx_decimals: ctx.accounts.ifx_mint.decimals,
        params: args.params,
        pending_penalties: 0,
        bump: ctx.bumps.config,
        penalty_vault_bump: ctx.bumps.penalty_vault,
    });
    emit_event!(ConfigInitialized {
        admin: ctx.accounts.admin.key(),
        ifx_mint: ctx.accounts.ifx_mint.key(),
        managers: args.managers,
        params: args.params,
    });
    Ok(())
}
