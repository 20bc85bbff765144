//! Returning a node's whole active stake to its staker through unbonding (take-over, retirement).

use crate::events::UnbondingStarted;
use crate::state::{Node, UnbondingTicket};
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Who gets the ticket and who paid for it.
pub struct TicketParties {
    pub staker: Pubkey,
    pub rent_payer: Pubkey,
}

/// Moves all of `node`'s active stake into the unbonding ticket `ticket_id` for
/// `parties.staker`; a node with no stake gets an empty ticket (its rent comes back when it is
/// withdrawn).
#[allow(clippy::too_many_arguments)]
pub fn unbond_all(
    node: &mut Node,
    node_key: Pubkey,
    ticket: &mut Account<UnbondingTicket>,
    ticket_id: u64,
    ticket_bump: u8,
    parties: TicketParties,
    unbonding_secs: i64,
    now: i64,
) -> Result<()> {
    let amount = node.stake;
    let shares = if amount > 0 {
        node.start_unbonding(amount)?
    } else {
        0
    };
    let release_at = now.saturating_add(unbonding_secs);
    ticket.set_inner(UnbondingTicket {
        node: node_key,
        staker: parties.staker,
        rent_payer: parties.rent_payer,
        ticket_id,
        era: node.era,
        shares,
        release_at,
        bump: ticket_bump,
    });
    emit_event!(UnbondingStarted {
        node: node_key,
        ticket: ticket.key(),
        staker: parties.staker,
        amount,
        shares,
        release_at,
    });
    Ok(())
}
