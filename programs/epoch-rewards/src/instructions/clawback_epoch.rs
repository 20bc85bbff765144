use crate::errors::RewardsError;
use crate::events::EpochClawedBack;
use crate::state::{Epoch, RewardsConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// After the clawback date the admin returns a finalized epoch's unclaimed rewards to the
/// available funds (they stay in the reward vault); that epoch's claims end.
#[derive(Accounts)]
pub struct ClawbackEpoch<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,
}

pub fn handler(ctx: Context<ClawbackEpoch>) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.config.require_admin(&accounts.admin.key())?;
    require!(
        !accounts.config.claims_open(Clock::get()?.unix_timestamp),
        RewardsError::ClawbackNotReached
    );
    let epoch = &mut accounts.epoch;
    require!(epoch.finalized, RewardsError::EpochNotFinalized);
    require!(!epoch.clawed_back, RewardsError::ClaimsClosed);
    let amount = epoch.unclaimed();
    epoch.clawed_back = true;
    accounts.config.release_commitment(amount)?;
    emit_event!(EpochClawedBack {
        epoch: epoch.index,
        amount,
    });
    Ok(())
}
