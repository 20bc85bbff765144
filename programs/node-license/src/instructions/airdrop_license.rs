use crate::constants::AIRDROP_TIER_LABEL;
use crate::errors::LicenseError;
use crate::events::LicenseAirdropped;
use crate::license_nft::{LicenseMetadata, LicenseNft, LicenseTerms};
use crate::state::{LicenseConfig, LicenseRecord, Sale};
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{Mint, TokenAccount};
use inferix_common::emit_event;
use inferix_common::seeds;

/// Gives a free license from the sale's separate airdrop allocation (campaign winners). It is
/// flagged `airdrop`, paid 0, locked like any license, and never buyback-eligible.
#[derive(Accounts)]
pub struct AirdropLicense<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::SALE, &sale.sale_id.to_le_bytes()], bump = sale.bump)]
    pub sale: Box<Account<'info, Sale>>,
    /// CHECK: any wallet may receive a license; it only becomes the ATA's owner.
    pub recipient: UncheckedAccount<'info>,
    #[account(
        init,
        payer = admin,
        mint::decimals = 0,
        mint::authority = config,
        mint::freeze_authority = config,
        mint::token_program = license_token_program,
        extensions::metadata_pointer::authority = config,
        extensions::metadata_pointer::metadata_address = license_mint,
    )]
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = admin,
        space = 8 + LicenseRecord::INIT_SPACE,
        seeds = [seeds::LICENSE, license_mint.key().as_ref()],
        bump,
    )]
    pub license_record: Box<Account<'info, LicenseRecord>>,
    #[account(
        init,
        payer = admin,
        associated_token::mint = license_mint,
        associated_token::authority = recipient,
        associated_token::token_program = license_token_program,
    )]
    pub recipient_license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub license_token_program: Program<'info, Token2022>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

pub fn handler(mut ctx: Context<AirdropLicense>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_admin(&accounts.admin.key())?;
    accounts.config.require_not_paused()?;
    let sale = &mut accounts.sale;
    require!(
        sale.airdropped < sale.airdrop_allocation,
        LicenseError::AirdropAllocationExhausted
    );
    sale.airdropped += 1;
    let serial = sale.take_serial()?;

    let record = LicenseNft {
        payer: &accounts.admin.to_account_info(),
        mint: &accounts.license_mint.to_account_info(),
        holder_account: &accounts.recipient_license_account.to_account_info(),
        config: &accounts.config.to_account_info(),
        config_bump: accounts.config.bump,
        token_program: &accounts.license_token_program.to_account_info(),
        system_program: &accounts.system_program.to_account_info(),
    }
    .issue(
        LicenseMetadata::new(&accounts.sale, AIRDROP_TIER_LABEL.to_string(), serial),
        LicenseTerms {
            sale: accounts.sale.key(),
            kind: accounts.sale.kind,
            tier: 0,
            serial,
            price_paid_usd: 0,
            airdrop: true,
            minted_at: Clock::get()?.unix_timestamp,
            lock_duration_secs: accounts.config.lock_duration_secs,
        },
        ctx.bumps.license_record,
    )?;
    let unlocks_at = record.unlocks_at;
    accounts.license_record.set_inner(record);
    emit_event!(LicenseAirdropped {
        sale: accounts.sale.key(),
        mint: accounts.license_mint.key(),
        recipient: accounts.recipient.key(),
        serial,
        unlocks_at,
    });
    Ok(())
}
