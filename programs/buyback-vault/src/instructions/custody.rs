use crate::errors::BuybackError;
use crate::events::CustodyChanged;
use crate::state::{BoughtBack, BuybackConfig, Custody};
use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{transfer_checked, Mint, TokenAccount, TransferChecked};
use inferix_common::emit_event;
use inferix_common::seeds;

/// A bought-back license held by the buyback authority, moved by the admin.
#[derive(Accounts)]
pub struct Custodied<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::BUYBACK_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
    /// CHECK: the buyback authority PDA, owner of the custody account.
    #[account(seeds = [seeds::BUYBACK_AUTHORITY], bump = config.authority_bump)]
    pub authority: UncheckedAccount<'info>,
    #[account(mut, mint::token_program = license_token_program)]
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, associated_token::mint = license_mint, associated_token::authority = authority, associated_token::token_program = license_token_program)]
    pub custody_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::BOUGHT_BACK, license_mint.key().as_ref()], bump = bought_back.bump)]
    pub bought_back: Box<Account<'info, BoughtBack>>,
    pub license_token_program: Program<'info, Token2022>,
}

impl<'info> Custodied<'info> {
    fn authority_seeds(&self) -> [u8; 1] {
        [self.config.authority_bump]
    }

    /// Checks the admin and that the license is still in custody, then records its new state.
    pub fn leave_custody(&mut self, custody: Custody, recipient: Option<Pubkey>) -> Result<()> {
        self.config.require_admin(&self.admin.key())?;
        self.config.require_not_paused()?;
        require!(
            self.bought_back.custody == Custody::InCustody,
            BuybackError::NotInCustody
        );
        self.bought_back.custody = custody;
        emit_event!(CustodyChanged {
            license_mint: self.license_mint.key(),
            custody: custody as u8,
            recipient,
        });
        Ok(())
    }

    /// Sends the license from custody to `to`.
    pub fn send_to(&self, to: &InterfaceAccount<'info, TokenAccount>) -> Result<()> {
        let bump = self.authority_seeds();
        let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_AUTHORITY, &bump]];
        transfer_checked(
            CpiContext::new_with_signer(
                self.license_token_program.key(),
                TransferChecked {
                    from: self.custody_account.to_account_info(),
                    mint: self.license_mint.to_account_info(),
                    to: to.to_account_info(),
                    authority: self.authority.to_account_info(),
                },
                signer,
            ),
            1,
            0,
        )
    }

    /// Burns the license in custody.
    pub fn burn(&self) -> Result<()> {
        let bump = self.authority_seeds();
        let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_AUTHORITY, &bump]];
        anchor_spl::token_interface::burn(
            CpiContext::new_with_signer(
                self.license_token_program.key(),
                anchor_spl::token_interface::Burn {
                    mint: self.license_mint.to_account_info(),
                    from: self.custody_account.to_account_info(),
                    authority: self.authority.to_account_info(),
                },
                signer,
            ),
            1,
        )
    }
}
