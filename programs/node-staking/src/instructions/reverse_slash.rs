use crate::errors::StakingError;
use crate::events::SlashReversed;
use crate::node_status::apply_status;
use crate::state::{Node, SlashRecord, SlashStatus, StakeEra, StakingConfig};
use crate::vault::{StakingVaults, VaultTransfer};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::seeds;

/// Within the appeal window the admin reverses a slash: the exact amounts return to the staker
/// the slash record names (SPEC §10 item 4) — into the node's stake and pool while that staker
/// still owns the node, into the pool of their sealed stake era after a take-over, or straight to
/// their IFX account when none of their tickets is left to take it. The strike is withdrawn, and
/// a blacklist it caused is lifted.
#[derive(Accounts)]
pub struct ReverseSlash<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    #[account(mut, seeds = [seeds::SLASH, slash_record.evidence_hash.as_ref()], bump = slash_record.bump, has_one = node)]
    pub slash_record: Box<Account<'info, SlashRecord>>,
    /// The slash's sealed era, when its staker no longer owns the node.
    #[account(mut, has_one = node)]
    pub stake_era: Option<Box<Account<'info, StakeEra>>>,
    /// The slashed staker's IFX account, needed only when none of their tickets is left.
    #[account(
        mut,
        token::mint = ifx_mint,
        token::authority = slash_record.staker,
        token::token_program = ifx_token_program,
    )]
    pub staker_ifx: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.vault_bump)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::PENALTY_VAULT], bump = config.penalty_vault_bump)]
    pub penalty_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(mut ctx: Context<ReverseSlash>) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_admin(&accounts.admin.key())?;
    let record = &mut accounts.slash_record;
    require!(
        record.status == SlashStatus::Pending,
        StakingError::SlashNotPending
    );
    let now = Clock::get()?.unix_timestamp;
    require!(
        now < record.appeal_ends_at(accounts.config.params.appeal_window_secs),
        StakingError::AppealWindowClosed
    );
    let amount = record.amount();
    let node = &mut accounts.node;
    let kept_in_node = if record.era == node.era {
        node.restore(record.from_stake, record.from_unbonding)?
    } else {
        let stake_era = StakeEra::required(&mut accounts.stake_era, |era| era.era == record.era)?;
        let kept = stake_era.unbonding.restore(amount)?;
        if kept {
            node.sealed_unbonding = checked_add(node.sealed_unbonding, amount)?;
        }
        kept
    };
    let destination = if kept_in_node {
        &accounts.stake_vault
    } else {
        accounts
            .staker_ifx
            .as_ref()
            .ok_or(StakingError::StakerAccountRequired)?
    };
    VaultTransfer {
        from: &accounts.penalty_vault,
        to: destination,
        mint: &accounts.ifx_mint,
        token_program: &accounts.ifx_token_program,
    }
    .send_from_penalty_vault(&accounts.config, amount)?;
    accounts.config.pending_penalties = checked_sub(accounts.config.pending_penalties, amount)?;
    record.status = SlashStatus::Reversed;

    let node = &mut accounts.node;
    node.strikes = node.strikes.saturating_sub(1);
    if record.blacklisted_node {
        node.blacklisted = false;
    }
    // Judged against the last evaluated minimum, so a correction never waits on an oracle;
    // `refresh_node` brings it up to the current price.
    let (node_key, required) = (node.key(), node.required_stake);
    apply_status(node, node_key, required, now);
    emit_event!(SlashReversed {
        node: node_key,
        slash: record.key(),
        staker: record.staker,
        amount,
        paid_to_staker: !kept_in_node,
        strikes: node.strikes,
        blacklisted: node.blacklisted,
    });
    Ok(())
}
