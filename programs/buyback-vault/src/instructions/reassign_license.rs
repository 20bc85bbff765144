use crate::errors::BuybackError;
use crate::instructions::custody::*;
use crate::state::Custody;
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::TokenAccount;
use inferix_common::seeds;
use node_staking::state::Node;

/// Gives a license in custody to the operator of an active node.
#[derive(Accounts)]
pub struct ReassignLicense<'info> {
    pub custodied: Custodied<'info>,
    #[account(seeds = [seeds::NODE, target_node.license_mint.as_ref()], bump = target_node.bump, seeds::program = node_staking::ID)]
    pub target_node: Box<Account<'info, Node>>,
    /// CHECK: the target node's operator, checked by address.
    #[account(address = target_node.operator)]
    pub recipient: UncheckedAccount<'info>,
    #[account(
        init_if_needed,
        payer = custodied.admin,
        associated_token::mint = custodied.license_mint,
        associated_token::authority = recipient,
        associated_token::token_program = license_token_program,
    )]
    pub recipient_license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub license_token_program: Program<'info, Token2022>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<ReassignLicense>) -> Result<()> {
    let accounts = ctx.accounts;
    require!(
        accounts.target_node.is_active(),
        BuybackError::NodeNotActive
    );
    let recipient = accounts.recipient.key();
    accounts
        .custodied
        .leave_custody(Custody::Reassigned, Some(recipient))?;
    accounts
        .custodied
        .send_to(&accounts.recipient_license_account)
}
