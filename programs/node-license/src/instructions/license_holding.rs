use crate::errors::LicenseError;
use crate::license_nft::thaw_license;
use crate::state::{LicenseConfig, LicenseRecord};
use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{Mint, TokenAccount};
use inferix_common::seeds;

/// A license and the token account that holds it, as `unlock_license` and
/// `release_for_buyback` see them.
#[derive(Accounts)]
pub struct LicenseHolding<'info> {
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::LICENSE, license_mint.key().as_ref()], bump = license_record.bump)]
    pub license_record: Box<Account<'info, LicenseRecord>>,
    #[account(mint::token_program = license_token_program)]
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        token::mint = license_mint,
        token::token_program = license_token_program,
        constraint = holder_account.amount == 1 @ LicenseError::WrongLicenseAccount,
    )]
    pub holder_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub license_token_program: Program<'info, Token2022>,
}

impl LicenseHolding<'_> {
    /// Lifts the transfer lock: thaws the holder's account and marks the record unlocked.
    pub fn lift_lock(&mut self) -> Result<()> {
        require!(self.license_record.locked, LicenseError::LicenseNotLocked);
        thaw_license(
            &self.license_token_program.to_account_info(),
            &self.holder_account.to_account_info(),
            &self.license_mint.to_account_info(),
            &self.config.to_account_info(),
            self.config.bump,
        )?;
        self.license_record.locked = false;
        Ok(())
    }
}
