use crate::epoch_accounts::from_config_vault;
use crate::events::VestedWithdrawn;
use crate::state::{RewardsConfig, Vesting};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// The beneficiary withdraws what has vested so far; the account closes once all is withdrawn.
/// Never blocked by pause.
#[derive(Accounts)]
pub struct WithdrawVested<'info> {
    pub beneficiary: Signer<'info>,
    #[account(mut, seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(
        mut,
        seeds = [seeds::VESTING, beneficiary.key().as_ref(), &vesting.epoch.to_le_bytes()],
        bump = vesting.bump,
        has_one = beneficiary,
    )]
    pub vesting: Box<Account<'info, Vesting>>,
    #[account(mut, seeds = [seeds::VESTING_VAULT], bump = config.vesting_vault_bump)]
    pub vesting_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = ifx_mint, token::authority = beneficiary, token::token_program = ifx_token_program)]
    pub beneficiary_ifx: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: receives the vesting account's rent when it closes; must be whoever paid it.
    #[account(mut, address = vesting.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
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
    from_config_vault(
        VaultTransfer {
            from: &accounts.vesting_vault,
            to: &accounts.beneficiary_ifx,
            mint: &accounts.ifx_mint,
            token_program: &accounts.ifx_token_program,
        },
        &accounts.config,
        amount,
    )?;
    let vesting = &mut accounts.vesting;
    vesting.withdrawn = checked_add(vesting.withdrawn, amount)?;
    accounts.config.vesting_outstanding = checked_sub(accounts.config.vesting_outstanding, amount)?;
    emit_event!(VestedWithdrawn {
        beneficiary: vesting.beneficiary,
        epoch: vesting.epoch,
        amount,
        withdrawn: vesting.withdrawn,
        total: vesting.total,
    });
    if vesting.withdrawn == vesting.total {
        vesting.close(accounts.rent_payer.to_account_info())?;
    }
    Ok(())
}
