use crate::errors::BuybackError;
use crate::events::FundsWithdrawn;
use crate::state::BuybackConfig;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// After the window, the admin withdraws from a vault (IFX or wETH) what no payout is owed:
/// reserved vesting IFX never leaves.
#[derive(Accounts)]
pub struct WithdrawFunds<'info> {
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::BUYBACK_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = mint, token::token_program = token_program)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<WithdrawFunds>, amount: u64) -> Result<()> {
    let accounts = ctx.accounts;
    let config = &accounts.config;
    config.require_admin(&accounts.admin.key())?;
    require!(
        Clock::get()?.unix_timestamp >= config.params.window_end(),
        BuybackError::WindowNotEnded
    );
    let ifx_vault = Pubkey::create_program_address(
        &[seeds::BUYBACK_IFX_VAULT, &[config.ifx_vault_bump]],
        &crate::ID,
    )
    .map_err(|_| error!(BuybackError::WrongAccount))?;
    let weth_vault = Pubkey::create_program_address(
        &[seeds::BUYBACK_WETH_VAULT, &[config.weth_vault_bump]],
        &crate::ID,
    )
    .map_err(|_| error!(BuybackError::WrongAccount))?;
    let available = if accounts.vault.key() == ifx_vault {
        config.ifx_unreserved(accounts.vault.amount)
    } else if accounts.vault.key() == weth_vault {
        accounts.vault.amount
    } else {
        return err!(BuybackError::WrongAccount);
    };
    require!(amount <= available, BuybackError::FundExhausted);
    require_keys_eq!(
        accounts.mint.key(),
        accounts.vault.mint,
        BuybackError::WrongAccount
    );
    let bump = [config.bump];
    let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_CONFIG, &bump]];
    VaultTransfer {
        from: &accounts.vault,
        to: &accounts.destination,
        mint: &accounts.mint,
        token_program: &accounts.token_program,
    }
    .send(config.to_account_info(), signer, amount)?;
    emit_event!(FundsWithdrawn {
        mint: accounts.mint.key(),
        amount,
        destination: accounts.destination.key(),
    });
    Ok(())
}
