use crate::epoch_accounts::from_config_vault;
use crate::errors::RewardsError;
use crate::events::EpochFinalized;
use crate::state::{funding_allows_finalization, rewards_due, worker_reward, Epoch, RewardsConfig};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::checked_add;
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// Permissionless, once, after the epoch's end plus the grace period, in O(1): freezes the
/// totals and sets the worker reward `R = min(IBM × emission, worker cap, available funds)` and
/// the verifier reward (verifier cap from what remains available, plus every matured penalty
/// node-staking has released so far, swept into the reward vault). While the vault cannot cover
/// the emission and the verifier cap, it waits for funding until `funding_timeout_secs` after the
/// grace (SPEC §10 item 7).
#[derive(Accounts)]
pub struct FinalizeEpoch<'info> {
    #[account(mut, seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    #[account(mut, seeds = [seeds::REWARD_VAULT], bump = config.reward_vault_bump)]
    pub reward_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::PENALTY_INFLOW], bump = config.penalty_inflow_bump)]
    pub penalty_inflow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<FinalizeEpoch>) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.config.require_not_paused()?;
    let params = accounts.config.params;
    let epoch = &mut accounts.epoch;
    require!(!epoch.finalized, RewardsError::EpochAlreadyFinalized);
    let now = Clock::get()?.unix_timestamp;
    let grace_end = epoch.end_ts.saturating_add(params.grace_secs);
    require!(now >= grace_end, RewardsError::EpochNotOver);
    let available = accounts.config.available(accounts.reward_vault.amount);
    let due = rewards_due(
        epoch.total_ibm_micros,
        epoch.total_verifier_credits,
        params.emission_per_ibm,
        params.worker_epoch_cap,
        params.verifier_epoch_cap,
    )?;
    require!(
        funding_allows_finalization(
            available,
            due,
            now,
            grace_end.saturating_add(params.funding_timeout_secs)
        ),
        RewardsError::RewardVaultUnderfunded
    );
    let worker = worker_reward(
        epoch.total_ibm_micros,
        params.emission_per_ibm,
        params.worker_epoch_cap,
        available,
    )?;
    // Verifier rewards only exist when some verifier earned credits; otherwise the penalties wait
    // in the inflow vault for the next epoch that has verifiers.
    let (verifier_cap_part, penalties) = if epoch.total_verifier_credits > 0 {
        (
            params.verifier_epoch_cap.min(available - worker),
            accounts.penalty_inflow.amount,
        )
    } else {
        (0, 0)
    };
    from_config_vault(
        VaultTransfer {
            from: &accounts.penalty_inflow,
            to: &accounts.reward_vault,
            mint: &accounts.ifx_mint,
            token_program: &accounts.ifx_token_program,
        },
        &accounts.config,
        penalties,
    )?;
    epoch.worker_reward = worker;
    epoch.verifier_reward = checked_add(verifier_cap_part, penalties)?;
    epoch.penalties_included = penalties;
    epoch.finalized = true;
    let committed = checked_add(worker, epoch.verifier_reward)?;
    accounts.config.commit(committed)?;
    emit_event!(EpochFinalized {
        epoch: epoch.index,
        total_ibm_micros: epoch.total_ibm_micros,
        worker_reward: worker,
        verifier_reward: epoch.verifier_reward,
        penalties_included: penalties,
    });
    Ok(())
}
