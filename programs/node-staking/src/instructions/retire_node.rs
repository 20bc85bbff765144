use crate::errors::StakingError;
use crate::events::NodeRetired;
use crate::node_status::apply_status;
use crate::state::{Node, NodeStatus, StakingConfig, UnbondingTicket, RETIREMENT_TICKET_ID};
use crate::tickets::{unbond_all, TicketParties};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// The buyback authority retires the node of a license it bought back; the node's stake starts
/// unbonding to its owner. Retirement is final. Not while node-staking is paused: a pause holds
/// across programs (SPEC §10).
#[derive(Accounts)]
pub struct RetireNode<'info> {
    pub buyback_authority: Signer<'info>,
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    #[account(
        init,
        payer = payer,
        space = 8 + UnbondingTicket::INIT_SPACE,
        seeds = [seeds::UNBONDING, node.key().as_ref(), &RETIREMENT_TICKET_ID.to_le_bytes()],
        bump,
    )]
    pub ticket: Box<Account<'info, UnbondingTicket>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(mut ctx: Context<RetireNode>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    require_keys_eq!(
        accounts.buyback_authority.key(),
        accounts.config.buyback_authority,
        StakingError::NotBuybackAuthority
    );
    let node = &mut accounts.node;
    require!(
        node.status != NodeStatus::Retired,
        StakingError::NodeRetired
    );
    let now = Clock::get()?.unix_timestamp;
    let node_key = node.key();
    let staker = node.owner;
    unbond_all(
        node,
        node_key,
        &mut accounts.ticket,
        RETIREMENT_TICKET_ID,
        ctx.bumps.ticket,
        TicketParties {
            staker,
            rent_payer: accounts.payer.key(),
        },
        accounts.config.params.unbonding_secs,
        now,
    )?;
    node.status = NodeStatus::Retired;
    let required = node.required_stake;
    apply_status(node, node_key, required, now);
    emit_event!(NodeRetired {
        node: node_key,
        unbonding_ticket: Some(accounts.ticket.key()),
    });
    Ok(())
}
