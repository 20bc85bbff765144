use crate::errors::StakingError;
use crate::events::{NodeBlacklisted, NodeSlashed};
use crate::node_status::apply_status;
use crate::quorum::verify_quorum;
use crate::state::{Node, SlashRecord, SlashStatus, StakeEra, StakingConfig};
use crate::vault::{StakingVaults, VaultTransfer};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use inferix_common::emit_event;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::messages::{SignedMessage, Violation, ViolationKind};
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct ViolationArgs {
    pub epoch: u32,
    pub kind: u8,
    pub evidence_hash: [u8; 32],
    pub issued_at: i64,
}

/// Slashes `slash_bps[kind]` of the stake that was at risk when the violation was issued into the
/// penalty pool, on a `Violation` signed by a manager and a quorum of independent verifiers
/// (remaining accounts, in signature order after the manager's): the node's stake and unbonding
/// pool, or, for a violation issued before the last take-over, only the pool of the sealed stake
/// era it was issued in (SPEC §10 item 4). The evidence hash can be used once. Strikes are the
/// node's record, whoever owns it; reaching `max_strikes` blacklists the node.
#[derive(Accounts)]
#[instruction(args: ViolationArgs)]
pub struct ReportViolation<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(mut, seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + SlashRecord::INIT_SPACE,
        seeds = [seeds::SLASH, args.evidence_hash.as_ref()],
        bump,
    )]
    pub slash_record: Box<Account<'info, SlashRecord>>,
    /// The sealed era the violation was issued in, when it was issued before the last take-over.
    #[account(mut, has_one = node)]
    pub stake_era: Option<Box<Account<'info, StakeEra>>>,
    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.vault_bump)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::PENALTY_VAULT], bump = config.penalty_vault_bump)]
    pub penalty_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
    /// CHECK: the instructions sysvar, checked by address.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

pub fn handler<'info>(
    mut ctx: Context<'info, ReportViolation<'info>>,
    args: ViolationArgs,
) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    require!(
        accounts.slash_record.node == Pubkey::default(),
        StakingError::EvidenceAlreadyUsed
    );
    let kind = ViolationKind::try_from(args.kind)
        .map_err(|_| error!(StakingError::UnknownViolationKind))?;
    let now = Clock::get()?.unix_timestamp;
    accounts.config.check_issued_at(args.issued_at, now)?;
    let node_key = accounts.node.key();
    let message = Violation {
        config: accounts.config.key(),
        node: node_key,
        epoch: args.epoch,
        kind: args.kind,
        evidence_hash: args.evidence_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes();
    let vouchers = verify_quorum(
        &accounts.config,
        &accounts.instructions_sysvar,
        ctx.remaining_accounts,
        &accounts.node,
        &message,
    )?;

    let params = accounts.config.params;
    let slash_bps = params.slash_bps[kind as usize];
    let node = &mut accounts.node;
    let (staker, era, from_stake, from_unbonding) =
        if node.era == 0 || args.issued_at >= node.era_started_at {
            let (from_stake, from_unbonding) = node.slash(slash_bps)?;
            (node.owner, node.era, from_stake, from_unbonding)
        } else {
            let stake_era =
                StakeEra::required(&mut accounts.stake_era, |era| era.covers(args.issued_at))?;
            let from_unbonding = stake_era.unbonding.slash(slash_bps)?;
            node.sealed_unbonding = checked_sub(node.sealed_unbonding, from_unbonding)?;
            (stake_era.staker, stake_era.era, 0, from_unbonding)
        };
    node.strikes = node.strikes.saturating_add(1);
    let blacklists = !node.blacklisted && node.strikes >= params.max_strikes;
    if blacklists {
        node.blacklisted = true;
        node.blacklisted_at = now;
    }
    let required = node.required_stake;
    apply_status(node, node_key, required, now);
    let amount = from_stake + from_unbonding;
    VaultTransfer {
        from: &accounts.stake_vault,
        to: &accounts.penalty_vault,
        mint: &accounts.ifx_mint,
        token_program: &accounts.ifx_token_program,
    }
    .send_from_node(&accounts.node, amount)?;
    accounts.config.pending_penalties = checked_add(accounts.config.pending_penalties, amount)?;
    accounts.slash_record.set_inner(SlashRecord {
        node: node_key,
        staker,
        era,
        evidence_hash: args.evidence_hash,
        kind: args.kind,
        epoch: args.epoch,
        from_stake,
        from_unbonding,
        slashed_at: now,
        status: SlashStatus::Pending,
        blacklisted_node: blacklists,
        bump: ctx.bumps.slash_record,
    });
    emit_event!(NodeSlashed {
        node: node_key,
        slash: accounts.slash_record.key(),
        staker,
        era,
        kind: args.kind,
        epoch: args.epoch,
        evidence_hash: args.evidence_hash,
        from_stake,
        from_unbonding,
        strikes: accounts.node.strikes,
        blacklisted: accounts.node.blacklisted,
        manager: vouchers.manager,
        verifiers: vouchers.verifiers,
    });
    if blacklists {
        emit_event!(NodeBlacklisted {
            node: node_key,
            by_admin: false,
        });
    }
    Ok(())
}
