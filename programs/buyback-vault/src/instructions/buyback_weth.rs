use crate::errors::BuybackError;
use crate::events::BoughtBackEvent;
use crate::instructions::buyback_common::*;
use crate::prices::eth_price;
use crate::state::weth_payout;
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// Option 2: wETH worth 80 % of the USD price paid, at the ETH/USD price now (high side of its
/// confidence interval, rounded down), paid at once into the holder's wETH account.
#[derive(Accounts)]
pub struct BuybackWeth<'info> {
    pub common: BuybackCommon<'info>,
    #[account(mut, seeds = [seeds::BUYBACK_WETH_VAULT], bump = common.config.weth_vault_bump)]
    pub weth_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init_if_needed,
        payer = common.holder,
        associated_token::mint = weth_mint,
        associated_token::authority = common.holder,
        associated_token::token_program = weth_token_program,
    )]
    pub holder_weth: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = common.config.weth_mint)]
    pub weth_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = common.config.weth_token_program)]
    pub weth_token_program: Interface<'info, TokenInterface>,
    /// CHECK: a Pyth ETH/USD price update, checked by the shared price rules.
    pub eth_price: UncheckedAccount<'info>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<BuybackWeth>, min_amount_out: u64) -> Result<()> {
    let accounts = ctx.accounts;
    let now = Clock::get()?.unix_timestamp;
    let price_paid_usd = accounts.common.check(now)?;
    let params = accounts.common.config.params;
    let price = eth_price(&params, &accounts.eth_price, now)?;
    let amount = weth_payout(&params, price_paid_usd, &price, accounts.weth_mint.decimals)?;
    require!(amount >= min_amount_out, BuybackError::SlippageExceeded);
    require!(
        amount <= accounts.weth_vault.amount,
        BuybackError::FundExhausted
    );
    accounts
        .common
        .take_license(1, amount, ctx.bumps.common.bought_back, now)?;
    let bump = [accounts.common.config.bump];
    let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_CONFIG, &bump]];
    VaultTransfer {
        from: &accounts.weth_vault,
        to: &accounts.holder_weth,
        mint: &accounts.weth_mint,
        token_program: &accounts.weth_token_program,
    }
    .send(accounts.common.config.to_account_info(), signer, amount)?;
    emit_event!(BoughtBackEvent {
        license_mint: accounts.common.license_mint.key(),
        holder: accounts.common.holder.key(),
        price_paid_usd,
        option: 1,
        amount,
        price: price.price,
        price_exponent: price.exponent,
    });
    Ok(())
}
