use crate::events::VestedWithdrawn;
use crate::state::{BuybackConfig, BuybackVesting};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// The holder withdraws the IFX vested so far; the vesting account closes (rent to the holder)
/// once all is withdrawn. Never blocked by pause.
#[derive(Accounts)]
pub struct WithdrawVested<'info> {
    #[account(mut)]
    pub beneficiary: Signer<'info>,
    #[account(mut, seeds = [seeds::BUYBACK_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
    #[account(mut, seeds = [seeds::BUYBACK_VESTING, vesting.license_mint.as_ref()], bump = vesting.bump, has_one = beneficiary)]
    pub vesting: Box<Account<'info, BuybackVesting>>,
    #[account(mut, seeds = [seeds::BUYBACK_IFX_VAULT], bump = config.ifx_vault_bump)]
    pub ifx_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = ifx_mint, token::authority = beneficiary, token::token_program = ifx_token_program)]
    pub beneficiary_ifx: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<WithdrawVested>) -> Result<()> {
    let accounts = ctx.accounts;
    let amount = accounts
        .vesting
        .withdrawable(Clock::get()?.unix_timestamp)?;
    let bump = [accounts.config.bump];
    let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_CONFIG, &bump]];
    VaultTransfer {
        from: &accounts.ifx_vault,
        to: &accounts.beneficiary_ifx,
        mint: &accounts.ifx_mint,
        token_program: &accounts.ifx_token_program,
    }
    .send(accounts.config.to_account_info(), signer, amount)?;
    accounts.config.ifx_reserved = checked_sub(accounts.config.ifx_reserved, amount)?;
    let vesting = &mut accounts.vesting;
    vesting.withdrawn = checked_add(vesting.withdrawn, amount)?;
    emit_event!(VestedWithdrawn {
        license_mint: vesting.license_mint,
        beneficiary: vesting.beneficiary,
        amount,
        withdrawn: vesting.withdrawn,
        total: vesting.total,
    });
    if vesting.withdrawn == vesting.total {
        vesting.close(accounts.beneficiary.to_account_info())?;
    }
    Ok(())
}
