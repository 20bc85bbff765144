use crate::instructions::reward_payout::*;
use crate::state::{pro_rata, NodeEpoch};
use anchor_lang::prelude::*;
use inferix_common::math::checked_add;
use inferix_common::seeds;

/// A node's share of a finalized epoch's worker reward, `floor(R × node IBM / total IBM)`, paid
/// to the current license holder. Closing the node's epoch tally makes the claim happen once.
#[derive(Accounts)]
pub struct ClaimWorkerReward<'info> {
    pub payout: RewardPayout<'info>,
    #[account(
        mut,
        seeds = [seeds::NODE_EPOCH, &payout.epoch.index.to_le_bytes(), payout.node.key().as_ref()],
        bump = node_epoch.bump,
        close = rent_payer,
    )]
    pub node_epoch: Box<Account<'info, NodeEpoch>>,
    /// CHECK: receives the tally's rent; must be whoever paid it.
    #[account(mut, address = node_epoch.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
}

pub fn handler(ctx: Context<ClaimWorkerReward>) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.payout.require_claimable()?;
    let epoch = &accounts.payout.epoch;
    let share = pro_rata(
        epoch.worker_reward,
        accounts.node_epoch.cumulative_ibm_micros,
        epoch.total_ibm_micros,
    )?;
    accounts.payout.epoch.worker_claimed =
        checked_add(accounts.payout.epoch.worker_claimed, share)?;
    accounts.payout.pay(share, ctx.bumps.payout.vesting, false)
}
