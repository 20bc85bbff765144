use crate::errors::StakingError;
use crate::events::UnbondingStarted;
use crate::node_status::{apply_status, required_stake};
use crate::state::{Node, NodeStatus, StakingConfig, UnbondingTicket};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// The owner moves `amount` of stake into unbonding (still slashable). Unless the node is
/// deactivated, blacklisted or retired, the stake left must still cover its minimum.
#[derive(Accounts)]
pub struct Unstake<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        mut,
        seeds = [seeds::NODE, node.license_mint.as_ref()],
        bump = node.bump,
        has_one = owner @ StakingError::NotNodeOwner,
    )]
    pub node: Box<Account<'info, Node>>,
    #[account(
        init,
        payer = owner,
        space = 8 + UnbondingTicket::INIT_SPACE,
        seeds = [seeds::UNBONDING, node.key().as_ref(), &node.next_ticket_id.to_le_bytes()],
        bump,
    )]
    pub ticket: Box<Account<'info, UnbondingTicket>>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

pub fn handler(mut ctx: Context<Unstake>, amount: u64) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    let node_key = accounts.node.key();
    let node = &mut accounts.node;
    // A node outside the active set for good or by choice may leave entirely, without waiting
    // for an oracle; its status is judged against its last evaluated minimum.
    let may_leave = node.deactivated || node.blacklisted || node.status == NodeStatus::Retired;
    let required = if may_leave {
        node.required_stake
    } else {
        let required = required_stake(&accounts.config, node, &accounts.price, now)?;
        require!(
            node.stake.saturating_sub(amount) >= required,
            StakingError::StakeBelowMinimum
        );
        required
    };
    let shares = node.start_unbonding(amount)?;
    let release_at = now.saturating_add(accounts.config.params.unbonding_secs);
    let ticket_id = node.next_ticket_id;
    node.next_ticket_id += 1;
    accounts.ticket.set_inner(UnbondingTicket {
        node: node_key,
        staker: accounts.owner.key(),
        rent_payer: accounts.owner.key(),
        ticket_id,
        era: node.era,
        shares,
        release_at,
        bump: ctx.bumps.ticket,
    });
    apply_status(node, node_key, required, now);
    emit_event!(UnbondingStarted {
        node: node_key,
        ticket: accounts.ticket.key(),
        staker: accounts.owner.key(),
        amount,
        shares,
        release_at,
    });
    Ok(())
}
