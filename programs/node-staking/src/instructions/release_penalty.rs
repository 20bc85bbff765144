use crate::errors::StakingError;
use crate::events::PenaltyReleased;
use crate::state::{SlashRecord, SlashStatus, StakingConfig};
use crate::vault::{StakingVaults, VaultTransfer};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::checked_sub;
use inferix_common::seeds;

/// Permissionless, once the appeal window has ended: moves the slash's exact amount from the
/// penalty vault to the configured verifier pool, once.
#[derive(Accounts)]
pub struct ReleasePenalty<'info> {
    #[account(mut, seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::SLASH, slash_record.evidence_hash.as_ref()], bump = slash_record.bump)]
    pub slash_record: Box<Account<'info, SlashRecord>>,
    #[account(mut, seeds = [seeds::PENALTY_VAULT], bump = config.penalty_vault_bump)]
    pub penalty_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = config.params.verifier_pool @ StakingError::WrongVerifierPool)]
    pub verifier_pool: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(mut ctx: Context<ReleasePenalty>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    let record = &mut accounts.slash_record;
    require!(
        record.status == SlashStatus::Pending,
        StakingError::SlashNotPending
    );
    require!(
        Clock::get()?.unix_timestamp
            >= record.appeal_ends_at(accounts.config.params.appeal_window_secs),
        StakingError::AppealWindowOpen
    );
    let amount = record.amount();
    VaultTransfer {
        from: &accounts.penalty_vault,
        to: &accounts.verifier_pool,
        mint: &accounts.ifx_mint,
        token_program: &accounts.ifx_token_program,
    }
    .send_from_penalty_vault(&accounts.config, amount)?;
    accounts.config.pending_penalties = checked_sub(accounts.config.pending_penalties, amount)?;
    record.status = SlashStatus::Released;
    emit_event!(PenaltyReleased {
        slash: record.key(),
        amount,
        verifier_pool: accounts.verifier_pool.key(),
    });
    Ok(())
}
