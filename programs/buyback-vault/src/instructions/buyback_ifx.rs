use crate::errors::BuybackError;
use crate::events::BoughtBackEvent;
use crate::instructions::buyback_common::*;
use crate::prices::ifx_price;
use crate::state::{ifx_payout, BuybackVesting};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount};
use inferix_common::emit_event;
use inferix_common::math::checked_add;
use inferix_common::seeds;

/// Option 1: IFX worth 100 % of the USD price paid, at the IFX/USD price now (high side of its
/// confidence interval, rounded down), vesting linearly over 30 days. The IFX is reserved in the
/// fund at once, so the vault never promises more than it holds.
#[derive(Accounts)]
pub struct BuybackIfx<'info> {
    pub common: BuybackCommon<'info>,
    #[account(
        init,
        payer = common.holder,
        space = 8 + BuybackVesting::INIT_SPACE,
        seeds = [seeds::BUYBACK_VESTING, common.license_mint.key().as_ref()],
        bump,
    )]
    pub vesting: Box<Account<'info, BuybackVesting>>,
    #[account(seeds = [seeds::BUYBACK_IFX_VAULT], bump = common.config.ifx_vault_bump)]
    pub ifx_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = common.config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    /// CHECK: checked against the configured IFX price source.
    pub ifx_price: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<BuybackIfx>, min_amount_out: u64) -> Result<()> {
    let accounts = ctx.accounts;
    let now = Clock::get()?.unix_timestamp;
    let price_paid_usd = accounts.common.check(now)?;
    let params = accounts.common.config.params;
    let price = ifx_price(&params, &accounts.ifx_price, now)?;
    let amount = ifx_payout(&params, price_paid_usd, &price, accounts.ifx_mint.decimals)?;
    require!(amount >= min_amount_out, BuybackError::SlippageExceeded);
    require!(
        amount
            <= accounts
                .common
                .config
                .ifx_unreserved(accounts.ifx_vault.amount),
        BuybackError::FundExhausted
    );
    accounts.common.config.ifx_reserved = checked_add(accounts.common.config.ifx_reserved, amount)?;
    accounts
        .common
        .take_license(0, amount, ctx.bumps.common.bought_back, now)?;
    accounts.vesting.set_inner(BuybackVesting {
        beneficiary: accounts.common.holder.key(),
        license_mint: accounts.common.license_mint.key(),
        start_ts: now,
        duration_secs: params.ifx_vesting_secs,
        total: amount,
        withdrawn: 0,
        bump: ctx.bumps.vesting,
    });
    emit_event!(BoughtBackEvent {
        license_mint: accounts.common.license_mint.key(),
        holder: accounts.common.holder.key(),
        price_paid_usd,
        option: 0,
        amount,
        price: price.price,
        price_exponent: price.exponent,
    });
    Ok(())
}
