use crate::instructions::reward_payout::*;
use crate::state::{pro_rata, NodeRewards, VerifierEpoch};
use anchor_lang::prelude::*;
use inferix_common::math::checked_add;
use inferix_common::seeds;

/// A verifier's share of a finalized epoch's verifier reward, `floor(verifier reward × its
/// credits / all credits)`, paid like a worker claim. Settling the verifier epoch also counts
/// the epoch as participated when the verifier co-signed attestations that credited IBM > 0 in
/// it (SPEC §10 item 2); the account closes, so an epoch counts once. Only
/// verifiers have verifier-epoch accounts (`open_verifier_epoch` refuses other nodes).
#[derive(Accounts)]
pub struct ClaimVerifierReward<'info> {
    pub payout: RewardPayout<'info>,
    #[account(
        mut,
        seeds = [seeds::VERIFIER_EPOCH, &payout.epoch.index.to_le_bytes(), payout.node.key().as_ref()],
        bump = verifier_epoch.bump,
        close = rent_payer,
    )]
    pub verifier_epoch: Box<Account<'info, VerifierEpoch>>,
    #[account(mut, seeds = [seeds::NODE_REWARDS, payout.node.key().as_ref()], bump = verifier_rewards.bump)]
    pub verifier_rewards: Box<Account<'info, NodeRewards>>,
    /// CHECK: receives the credit account's rent; must be whoever paid it.
    #[account(mut, address = verifier_epoch.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
}

pub fn handler(ctx: Context<ClaimVerifierReward>) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.payout.require_claimable()?;
    let epoch = &accounts.payout.epoch;
    let share = pro_rata(
        epoch.verifier_reward,
        accounts.verifier_epoch.credits_ibm_micros,
        epoch.total_verifier_credits,
    )?;
    accounts.payout.epoch.verifier_claimed =
        checked_add(accounts.payout.epoch.verifier_claimed, share)?;
    if accounts.verifier_epoch.credits_ibm_micros > 0 {
        let rewards = &mut accounts.verifier_rewards;
        rewards.participated_epochs = rewards.participated_epochs.saturating_add(1);
    }
    accounts.payout.pay(share, ctx.bumps.payout.vesting, true)
}
