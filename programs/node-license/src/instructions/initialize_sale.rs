use crate::constants::{MAX_TIERS, MAX_URI_LEN};
use crate::errors::LicenseError;
use crate::events::SaleInitialized;
use crate::state::{LicenseConfig, LicenseKind, Sale, SaleSchedule, Tier, TierParams};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct InitializeSaleArgs {
    pub kind: LicenseKind,
    pub schedule: SaleSchedule,
    pub tiers: Vec<TierParams>,
    pub airdrop_allocation: u32,
    pub metadata_uri: String,
}

/// Opens a new sale of one license kind, paid in `payment_mint` (SPL Token or Token-2022) into
/// `treasury`. Tier 1 is open; later tiers open as earlier ones sell out.
#[derive(Accounts)]
pub struct InitializeSale<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(
        init,
        payer = admin,
        space = 8 + Sale::INIT_SPACE,
        seeds = [seeds::SALE, &config.sale_count.to_le_bytes()],
        bump,
    )]
    pub sale: Box<Account<'info, Sale>>,
    #[account(mint::token_program = payment_token_program)]
    pub payment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(token::mint = payment_mint, token::token_program = payment_token_program)]
    pub treasury: Box<InterfaceAccount<'info, TokenAccount>>,
    pub payment_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeSale>, args: InitializeSaleArgs) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.admin.key())?;
    require!(
        !args.tiers.is_empty() && args.tiers.len() <= MAX_TIERS,
        LicenseError::InvalidTierCount
    );
    require!(
        args.metadata_uri.len() <= MAX_URI_LEN,
        LicenseError::UriTooLong
    );
    args.schedule.validate()?;
    let mut tiers = [Tier::default(); MAX_TIERS];
    for (slot, params) in tiers.iter_mut().zip(&args.tiers) {
        *slot = params.into_tier()?;
    }

    let sale_id = config.sale_count;
    config.sale_count = sale_id
        .checked_add(1)
        .ok_or(inferix_common::CommonError::MathOverflow)?;
    let sale = &mut ctx.accounts.sale;
    sale.set_inner(Sale {
        sale_id,
        kind: args.kind,
        payment_mint: ctx.accounts.payment_mint.key(),
        payment_token_program: ctx.accounts.payment_token_program.key(),
        treasury: ctx.accounts.treasury.key(),
        schedule: args.schedule,
        tier_count: args.tiers.len() as u8,
        highest_open_tier: 1,
        tiers,
        airdrop_allocation: args.airdrop_allocation,
        airdropped: 0,
        next_serial: 1,
        sold: 0,
        gross_usd: 0,
        paid_usd: 0,
        discounts_usd: 0,
        commissions_usd: 0,
        metadata_uri: args.metadata_uri,
        bump: ctx.bumps.sale,
    });
    emit_event!(SaleInitialized {
        sale: sale.key(),
        sale_id,
        kind: sale.kind,
        payment_mint: sale.payment_mint,
        treasury: sale.treasury,
        tier_count: sale.tier_count,
        total_supply: sale.total_supply(),
        airdrop_allocation: sale.airdrop_allocation,
        schedule: sale.schedule,
    });
    Ok(())
}
