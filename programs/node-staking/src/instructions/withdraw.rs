use crate::errors::StakingError;
use crate::events::Withdrawn;
use crate::state::{Node, StakeEra, StakingConfig, UnbondingTicket};
use crate::vault::{StakingVaults, VaultTransfer};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::checked_sub;
use inferix_common::seeds;

/// After its unbonding period the staker withdraws the ticket's share of the pool (less any
/// slash that hit the pool meanwhile): the node's pool, or for a ticket of an earlier owner's
/// time the pool of that sealed stake era. Never blocked by pause. Closes the ticket.
#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub staker: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    #[account(
        mut,
        seeds = [seeds::UNBONDING, node.key().as_ref(), &ticket.ticket_id.to_le_bytes()],
        bump = ticket.bump,
        has_one = node,
        has_one = staker @ StakingError::NotTicketStaker,
        close = rent_payer,
    )]
    pub ticket: Box<Account<'info, UnbondingTicket>>,
    /// The ticket's sealed era, when the ticket is from before a take-over.
    #[account(mut, has_one = node)]
    pub stake_era: Option<Box<Account<'info, StakeEra>>>,
    /// CHECK: receives the ticket's rent; must be the account that paid it.
    #[account(mut, address = ticket.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.vault_bump)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = ifx_mint, token::authority = staker, token::token_program = ifx_token_program)]
    pub staker_ifx: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(mut ctx: Context<Withdraw>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    require!(
        Clock::get()?.unix_timestamp >= accounts.ticket.release_at,
        StakingError::StillUnbonding
    );
    let shares = accounts.ticket.shares;
    let amount = if accounts.ticket.era == accounts.node.era {
        accounts.node.unbonding.redeem(shares)?
    } else {
        let ticket_era = accounts.ticket.era;
        let stake_era = StakeEra::required(&mut accounts.stake_era, |era| era.era == ticket_era)?;
        let amount = stake_era.unbonding.redeem(shares)?;
        accounts.node.sealed_unbonding = checked_sub(accounts.node.sealed_unbonding, amount)?;
        amount
    };
    VaultTransfer {
        from: &accounts.stake_vault,
        to: &accounts.staker_ifx,
        mint: &accounts.ifx_mint,
        token_program: &accounts.ifx_token_program,
    }
    .send_from_node(&accounts.node, amount)?;
    emit_event!(Withdrawn {
        node: accounts.node.key(),
        ticket: accounts.ticket.key(),
        staker: accounts.staker.key(),
        amount,
    });
    Ok(())
}
