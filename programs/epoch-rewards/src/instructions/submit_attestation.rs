use crate::epoch_accounts::open_current_epoch;
use crate::errors::RewardsError;
use crate::events::AttestationAccepted;
use crate::state::{
    reaches_participation, Epoch, NodeEpoch, NodeRewards, RewardsConfig, VerifierEpoch,
};
use anchor_lang::prelude::*;
use inferix_common::ed25519::{preceding_manager_signed_message, INSTRUCTIONS_SYSVAR_ID};
use inferix_common::emit_event;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::messages::{PorAttestation, SignedMessage};
use inferix_common::seeds;
use inferix_common::units::SECONDS_PER_MINUTE;
use node_license::state::LicenseKind;
use node_staking::quorum::active_verifiers;
use node_staking::state::Node;

/// Credits a worker node's verified IBM for the current epoch from a `PorAttestation` signed by
/// one of the deployment's managers and at least `quorum` independent verifiers in one Ed25519
/// precompile instruction placed just before this one (SPEC §10); the node's operator pays for
/// and signs the transaction. The attestation is read from that instruction (not sent twice,
/// which keeps a quorum-3 transaction inside a packet); `epoch_index` only locates the accounts
/// and must match it. Remaining accounts: for each verifier, its staking node then its
/// verifier-epoch account, in signature order after the manager's.
#[derive(Accounts)]
#[instruction(epoch_index: u32)]
pub struct SubmitAttestation<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(init_if_needed, payer = payer, space = 8 + Epoch::INIT_SPACE, seeds = [seeds::EPOCH, &epoch_index.to_le_bytes()], bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    #[account(seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump, seeds::program = node_staking::ID)]
    pub node: Box<Account<'info, Node>>,
    #[account(init_if_needed, payer = payer, space = 8 + NodeRewards::INIT_SPACE, seeds = [seeds::NODE_REWARDS, node.key().as_ref()], bump)]
    pub node_rewards: Box<Account<'info, NodeRewards>>,
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + NodeEpoch::INIT_SPACE,
        seeds = [seeds::NODE_EPOCH, &epoch_index.to_le_bytes(), node.key().as_ref()],
        bump,
    )]
    pub node_epoch: Box<Account<'info, NodeEpoch>>,
    /// CHECK: the instructions sysvar, checked by address.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

pub fn handler<'info>(
    ctx: Context<'info, SubmitAttestation<'info>>,
    epoch_index: u32,
) -> Result<()> {
    let accounts = ctx.accounts;
    let params = accounts.config.params;
    accounts.config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    open_current_epoch(
        &accounts.config,
        &mut accounts.epoch,
        epoch_index,
        ctx.bumps.epoch,
        now,
    )?;
    let node_key = accounts.node.key();
    let node = &accounts.node;
    require!(
        node.kind == LicenseKind::Worker,
        RewardsError::OnlyWorkersCredited
    );
    require!(!node.blacklisted, RewardsError::NodeBlacklisted);
    require!(node.is_active(), RewardsError::NodeNotActive);
    require_keys_eq!(
        accounts.payer.key(),
        node.operator,
        RewardsError::PayerNotOperator
    );

    // Who must have signed: a manager, then each co-signing verifier's operator.
    let remaining = ctx.remaining_accounts;
    require!(
        remaining.len().is_multiple_of(2),
        RewardsError::VerifierEpochMismatch
    );
    let verifier_infos: Vec<&AccountInfo> = remaining.iter().step_by(2).collect();
    let verifiers = active_verifiers(&verifier_infos, params.quorum, node)?;
    let operators: Vec<Pubkey> = verifiers.iter().map(|v| v.operator).collect();
    let (manager, signed) = preceding_manager_signed_message(
        &accounts.instructions_sysvar,
        &accounts.config.managers,
        &operators,
        PorAttestation::LEN,
    )?;
    let att = PorAttestation::from_signed_bytes(&signed)?;
    require_keys_eq!(att.config, accounts.config.key(), RewardsError::WrongConfig);
    require_keys_eq!(att.node, node_key, RewardsError::WrongNode);
    require!(att.epoch == epoch_index, RewardsError::EpochMismatch);

    require!(att.ib_micros == node.ib_micros, RewardsError::IbMismatch);
    require!(att.issued_at <= now, RewardsError::AttestationFromFuture);
    require!(
        now - att.issued_at <= params.max_attestation_age_secs
            && att.issued_at >= accounts.epoch.start_ts,
        RewardsError::AttestationStale
    );
    let rewards = &mut accounts.node_rewards;
    if rewards.node == Pubkey::default() {
        rewards.set_inner(NodeRewards {
            node: node_key,
            started_epoch: accounts.config.registration_epoch(node.registered_at),
            participated_epochs: 0,
            last_seq: 0,
            last_attestation_at: 0,
            bump: ctx.bumps.node_rewards,
        });
    } else {
        require!(att.seq > rewards.last_seq, RewardsError::SeqReplayed);
        require!(
            now - rewards.last_attestation_at >= params.min_attestation_interval_secs,
            RewardsError::TooSoon
        );
    }
    let tally = &mut accounts.node_epoch;
    if tally.node == Pubkey::default() {
        tally.epoch = epoch_index;
        tally.node = node_key;
        tally.rent_payer = accounts.payer.key();
        tally.bump = ctx.bumps.node_epoch;
    }
    require!(
        att.cumulative_ibm_micros >= tally.cumulative_ibm_micros,
        RewardsError::IbmDecreased
    );
    // Physical plausibility: no more IBM than IB × minutes elapsed in the epoch.
    let minutes_elapsed =
        ((now.min(accounts.epoch.end_ts) - accounts.epoch.start_ts) / SECONDS_PER_MINUTE) as u128;
    require!(
        (att.cumulative_ibm_micros as u128) <= (node.ib_micros as u128) * minutes_elapsed,
        RewardsError::ImplausibleIbm
    );

    let credited = checked_sub(att.cumulative_ibm_micros, tally.cumulative_ibm_micros)?;
    for (verifier, credit_info) in verifiers.iter().zip(remaining.iter().skip(1).step_by(2)) {
        let mut credits: Account<VerifierEpoch> = Account::try_from(credit_info)?;
        require!(
            credits.node == verifier.key() && credits.epoch == epoch_index,
            RewardsError::VerifierEpochMismatch
        );
        credits.credits_ibm_micros = checked_add(credits.credits_ibm_micros, credited)?;
        credits.attestations = credits.attestations.saturating_add(1);
        credits.exit(&crate::ID)?;
        accounts.epoch.total_verifier_credits =
            checked_add(accounts.epoch.total_verifier_credits, credited)?;
    }
    tally.cumulative_ibm_micros = att.cumulative_ibm_micros;
    tally.jobs_verified = att.jobs_verified;
    tally.work_root = att.work_root;
    accounts.epoch.total_ibm_micros = checked_add(accounts.epoch.total_ibm_micros, credited)?;
    let newly_participated = !tally.participated
        && reaches_participation(
            att.cumulative_ibm_micros,
            node.ib_micros,
            params.min_participation_minutes,
        );
    if newly_participated {
        tally.participated = true;
        rewards.participated_epochs = rewards.participated_epochs.saturating_add(1);
    }
    rewards.last_seq = att.seq;
    rewards.last_attestation_at = now;

    emit_event!(AttestationAccepted {
        epoch: epoch_index,
        node: node_key,
        seq: att.seq,
        cumulative_ibm_micros: att.cumulative_ibm_micros,
        credited_ibm_micros: credited,
        jobs_verified: att.jobs_verified,
        work_root: att.work_root,
        manager,
        verifiers: verifiers.iter().map(|v| v.key()).collect(),
        participated: tally.participated,
    });
    Ok(())
}
