use crate::errors::BuybackError;
use crate::events::ConfigInitialized;
use crate::state::{BuybackConfig, BuybackParams};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct InitializeConfigArgs {
    pub pause_guardian: Pubkey,
    pub treasury: Pubkey,
    pub params: BuybackParams,
}

/// Creates the config and the IFX and wETH vaults (funded by plain token transfers; the IFX fund
/// is 10,000,000 IFX by default, a deployment parameter). Upgrade authority only.
#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(init, payer = admin, space = 8 + BuybackConfig::INIT_SPACE, seeds = [seeds::BUYBACK_CONFIG], bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
    /// CHECK: the buyback authority PDA; it signs CPIs and owns licenses in custody.
    #[account(seeds = [seeds::BUYBACK_AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,
    #[account(mint::token_program = ifx_token_program)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mint::token_program = weth_token_program)]
    pub weth_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(init, payer = admin, seeds = [seeds::BUYBACK_IFX_VAULT], bump, token::mint = ifx_mint, token::authority = config, token::token_program = ifx_token_program)]
    pub ifx_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(init, payer = admin, seeds = [seeds::BUYBACK_WETH_VAULT], bump, token::mint = weth_mint, token::authority = config, token::token_program = weth_token_program)]
    pub weth_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(admin.key()) @ BuybackError::NotUpgradeAuthority,
    )]
    pub program_data: Box<Account<'info, ProgramData>>,
    pub ifx_token_program: Interface<'info, TokenInterface>,
    pub weth_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeConfig>, args: InitializeConfigArgs) -> Result<()> {
    args.params.validate()?;
    let accounts = ctx.accounts;
    accounts.config.set_inner(BuybackConfig {
        admin: accounts.admin.key(),
        pending_admin: None,
        pause_guardian: args.pause_guardian,
        paused: false,
        ifx_mint: accounts.ifx_mint.key(),
        ifx_token_program: accounts.ifx_token_program.key(),
        weth_mint: accounts.weth_mint.key(),
        weth_token_program: accounts.weth_token_program.key(),
        treasury: args.treasury,
        params: args.params,
        ifx_reserved: 0,
        bump: ctx.bumps.config,
        authority_bump: ctx.bumps.authority,
        ifx_vault_bump: ctx.bumps.ifx_vault,
        weth_vault_bump: ctx.bumps.weth_vault,
    });
    emit_event!(ConfigInitialized {
        admin: accounts.admin.key(),
        params: args.params,
    });
    Ok(())
}
