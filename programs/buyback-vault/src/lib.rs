//! buyback-vault: the guaranteed node buyback (SPEC §6). During its window a holder whose
//! license was bought, never blacklisted and ran with participation above 2/3 sells it back for
//! IFX worth 100 % of the price paid (vesting 30 days) or wETH worth 80 % (at once); the license
//! enters custody and its node retires.

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod prices;
pub mod quote;
pub mod state;

use instructions::*;
use state::BuybackParams;

declare_id!("343mbgUHCgdsHog68kYxBYXGE1L1WkCEJarHVtHRRLfA");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Inferix buyback-vault",
    project_url: "https://inferix.io",
    contacts: "email:security@inferix.io",
    policy: "https://inferix.io/security",
    source_code: "https://github.com/inferix/inferix-solana"
}

/// The PDA node-license and node-staking must name as their buyback authority.
pub fn buyback_authority() -> Pubkey {
    Pubkey::find_program_address(&[inferix_common::seeds::BUYBACK_AUTHORITY], &ID).0
}

#[program]
pub mod buyback_vault {
    use super::*;

    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        instructions::initialize_config::handler(ctx, args)
    }

    pub fn update_params(ctx: Context<ConfigAdmin>, params: BuybackParams) -> Result<()> {
        instructions::update_params::handler(ctx, params)
    }

    pub fn propose_admin(ctx: Context<ConfigAdmin>, proposed: Pubkey) -> Result<()> {
        instructions::propose_admin::handler(ctx, proposed)
    }

    pub fn accept_admin(ctx: Context<ConfigAdmin>) -> Result<()> {
        instructions::accept_admin::handler(ctx)
    }

    pub fn set_paused(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
        instructions::set_paused::handler(ctx, paused)
    }

    pub fn buyback_ifx(ctx: Context<BuybackIfx>, min_amount_out: u64) -> Result<()> {
        instructions::buyback_ifx::handler(ctx, min_amount_out)
    }

    pub fn buyback_weth(ctx: Context<BuybackWeth>, min_amount_out: u64) -> Result<()> {
        instructions::buyback_weth::handler(ctx, min_amount_out)
    }

    pub fn withdraw_vested(ctx: Context<WithdrawVested>) -> Result<()> {
        instructions::withdraw_vested::handler(ctx)
    }

    pub fn reassign_license(ctx: Context<ReassignLicense>) -> Result<()> {
        instructions::reassign_license::handler(ctx)
    }

    pub fn send_to_treasury(ctx: Context<SendToTreasury>) -> Result<()> {
        instructions::send_to_treasury::handler(ctx)
    }

    pub fn burn_license(ctx: Context<Custodied>) -> Result<()> {
        instructions::burn_license::handler(ctx)
    }

    pub fn withdraw_funds(ctx: Context<WithdrawFunds>, amount: u64) -> Result<()> {
        instructions::withdraw_funds::handler(ctx, amount)
    }
}
