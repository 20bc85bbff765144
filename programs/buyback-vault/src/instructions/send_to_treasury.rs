use crate::instructions::custody::*;
use crate::state::Custody;
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::TokenAccount;

/// Sends a license in custody to the configured treasury wallet.
#[derive(Accounts)]
pub struct SendToTreasury<'info> {
    pub custodied: Custodied<'info>,
    /// CHECK: the configured treasury wallet, checked by address.
    #[account(address = custodied.config.treasury)]
    pub treasury: UncheckedAccount<'info>,
    #[account(
        init_if_needed,
        payer = custodied.admin,
        associated_token::mint = custodied.license_mint,
        associated_token::authority = treasury,
        associated_token::token_program = license_token_program,
    )]
    pub treasury_license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub license_token_program: Program<'info, Token2022>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<SendToTreasury>) -> Result<()> {
    let accounts = ctx.accounts;
    let treasury = accounts.treasury.key();
    accounts
        .custodied
        .leave_custody(Custody::SentToTreasury, Some(treasury))?;
    accounts
        .custodied
        .send_to(&accounts.treasury_license_account)
}
