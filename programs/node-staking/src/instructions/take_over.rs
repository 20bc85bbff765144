use crate::errors::StakingError;
use crate::events::NodeTakenOver;
use crate::node_status::apply_status;
use crate::state::{Node, NodeStatus, StakeEra, StakingConfig, UnbondingTicket};
use crate::tickets::{unbond_all, TicketParties};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;
use inferix_common::emit_event;
use inferix_common::math::checked_add;
use inferix_common::seeds;

/// Rewards follow the license: its new holder takes the node over. The previous owner's stake
/// starts unbonding back to them, and their whole unbonding pool is sealed into their stake era,
/// where the new owner's violations cannot reach it; the node restarts with no stake and the new
/// holder as operator.
#[derive(Accounts)]
pub struct TakeOver<'info> {
    #[account(mut)]
    pub new_owner: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    #[account(
        constraint = license_account.mint == node.license_mint
            && license_account.owner == new_owner.key()
            && license_account.amount == 1 @ StakingError::LicenseNotHeld,
    )]
    pub license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = new_owner,
        space = 8 + UnbondingTicket::INIT_SPACE,
        seeds = [seeds::UNBONDING, node.key().as_ref(), &node.next_take_over_ticket_id.to_le_bytes()],
        bump,
    )]
    pub ticket: Box<Account<'info, UnbondingTicket>>,
    #[account(
        init,
        payer = new_owner,
        space = 8 + StakeEra::INIT_SPACE,
        seeds = [seeds::STAKE_ERA, node.key().as_ref(), &node.era.to_le_bytes()],
        bump,
    )]
    pub stake_era: Box<Account<'info, StakeEra>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(mut ctx: Context<TakeOver>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    let new_owner = accounts.new_owner.key();
    let node = &mut accounts.node;
    require!(
        node.status != NodeStatus::Retired,
        StakingError::NodeRetired
    );
    require_keys_neq!(node.owner, new_owner, StakingError::AlreadyOwner);
    let now = Clock::get()?.unix_timestamp;
    let node_key = node.key();
    let previous_owner = node.owner;
    let ticket_id = node.next_take_over_ticket_id;
    node.next_take_over_ticket_id = ticket_id
        .checked_sub(1)
        .ok_or(inferix_common::CommonError::MathOverflow)?;
    unbond_all(
        node,
        node_key,
        &mut accounts.ticket,
        ticket_id,
        ctx.bumps.ticket,
        TicketParties {
            staker: previous_owner,
            rent_payer: new_owner,
        },
        accounts.config.params.unbonding_secs,
        now,
    )?;
    let sealed = std::mem::take(&mut node.unbonding);
    node.sealed_unbonding = checked_add(node.sealed_unbonding, sealed.amount)?;
    accounts.stake_era.set_inner(StakeEra {
        node: node_key,
        era: node.era,
        staker: previous_owner,
        started_at: node.era_started_at,
        sealed_at: now,
        unbonding: sealed,
        bump: ctx.bumps.stake_era,
    });
    node.era = node
        .era
        .checked_add(1)
        .ok_or(inferix_common::CommonError::MathOverflow)?;
    node.era_started_at = now;
    node.owner = new_owner;
    node.operator = new_owner;
    node.deactivated = false;
    let required = node.required_stake;
    apply_status(node, node_key, required, now);
    emit_event!(NodeTakenOver {
        node: node_key,
        previous_owner,
        owner: new_owner,
        unbonding_ticket: Some(accounts.ticket.key()),
        stake_era: accounts.stake_era.key(),
    });
    Ok(())
}
