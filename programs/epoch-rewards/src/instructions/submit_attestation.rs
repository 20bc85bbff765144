use crate::epoch_accounts::open_current_epoch;
use crate::errors::RewardsError;
use crate::events::AttestationAccepted;
use crate::state::{
    reaches_participation, Epoch, NodeEpoch, NodeRewards, RewardsConfig, VerifierEpoch,
};
use anchor_lang::prelude::*;
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use inferix_common::math::{checked_add, checked_sub};
use inferix_common::messages::{PorAttestation, SignedMessage};
use inferix_common::seeds;
use inferix_common::units::SECONDS_PER_MINUTE;
use node_staking::quorum::verify_co_signers;
use node_staking::state::Node;

/// The attestation fields a submitter sends; the program rebuilds the signed `PorAttestation`
/// with this deployment's config and this node, so a signature over anything else fails.
#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct AttestationArgs {
    pub epoch: u32,
    pub seq: u32,
    pub ib_micros: u64,
    pub cumulative_ibm_micros: u64,
    pub jobs_verified: u32,
    pub work_root: [u8; 32],
    pub issued_at: i64,
}

/// Credits a node's verified IBM for the current epoch from a `PorAttestation` signed by the
/// node's operator and at least `quorum` verifiers (one Ed25519 precompile instruction placed
/// just before this one). Remaining accounts: for each verifier, its staking node then its
/// verifier-epoch account, in signature order.
#[derive(Accounts)]
#[instruction(args: AttestationArgs)]
pub struct SubmitAttestation<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(init_if_needed, payer = payer, space = 8 + Epoch::INIT_SPACE, seeds = [seeds::EPOCH, &args.epoch.to_le_bytes()], bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    #[account(seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump, seeds::program = node_staking::ID)]
    pub node: Box<Account<'info, Node>>,
    #[account(init_if_needed, payer = payer, space = 8 + NodeRewards::INIT_SPACE, seeds = [seeds::NODE_REWARDS, node.key().as_ref()], bump)]
    pub node_rewards: Box<Account<'info, NodeRewards>>,
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + NodeEpoch::INIT_SPACE,
        seeds = [seeds::NODE_EPOCH, &args.epoch.to_le_bytes(), node.key().as_ref()],
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
    args: AttestationArgs,
) -> Result<()> {
    let accounts = ctx.accounts;
    let params = accounts.config.params;
    accounts.config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    open_current_epoch(
        &accounts.config,
        &mut accounts.epoch,
        args.epoch,
        ctx.bumps.epoch,
        now,
    )?;
    let node_key = accounts.node.key();
    let node = &accounts.node;
    require!(!node.blacklisted, RewardsError::NodeBlacklisted);
    require!(node.is_active(), RewardsError::NodeNotActive);
    require!(args.ib_micros == node.ib_micros, RewardsError::IbMismatch);
    require!(args.issued_at <= now, RewardsError::AttestationFromFuture);
    require!(
        now - args.issued_at <= params.max_attestation_age_secs
            && args.issued_at >= accounts.epoch.start_ts,
        RewardsError::AttestationStale
    );

    let rewards = &mut accounts.node_rewards;
    if rewards.node == Pubkey::default() {
        rewards.set_inner(NodeRewards {
            node: node_key,
            started_epoch: args.epoch,
            participated_epochs: 0,
            last_seq: 0,
            last_attestation_at: 0,
            bump: ctx.bumps.node_rewards,
        });
    } else {
        require!(args.seq > rewards.last_seq, RewardsError::SeqReplayed);
        require!(
            now - rewards.last_attestation_at >= params.min_attestation_interval_secs,
            RewardsError::TooSoon
        );
    }
    let tally = &mut accounts.node_epoch;
    if tally.node == Pubkey::default() {
        tally.epoch = args.epoch;
        tally.node = node_key;
        tally.rent_payer = accounts.payer.key();
        tally.bump = ctx.bumps.node_epoch;
    }
    require!(
        args.cumulative_ibm_micros >= tally.cumulative_ibm_micros,
        RewardsError::IbmDecreased
    );
    // Physical plausibility: no more IBM than IB × minutes elapsed in the epoch.
    let minutes_elapsed =
        ((now.min(accounts.epoch.end_ts) - accounts.epoch.start_ts) / SECONDS_PER_MINUTE) as u128;
    require!(
        (args.cumulative_ibm_micros as u128) <= (node.ib_micros as u128) * minutes_elapsed,
        RewardsError::ImplausibleIbm
    );

    let message = PorAttestation {
        config: accounts.config.key(),
        node: node_key,
        epoch: args.epoch,
        seq: args.seq,
        ib_micros: args.ib_micros,
        cumulative_ibm_micros: args.cumulative_ibm_micros,
        jobs_verified: args.jobs_verified,
        work_root: args.work_root,
        issued_at: args.issued_at,
    }
    .to_signed_bytes();
    let remaining = ctx.remaining_accounts;
    require!(
        remaining.len().is_multiple_of(2),
        RewardsError::VerifierEpochMismatch
    );
    let verifier_infos: Vec<&AccountInfo> = remaining.iter().step_by(2).collect();
    let verifiers = verify_co_signers(
        &accounts.instructions_sysvar,
        &[node.operator],
        &verifier_infos,
        params.quorum,
        &message,
    )?;

    let credited = checked_sub(args.cumulative_ibm_micros, tally.cumulative_ibm_micros)?;
    for (verifier, credit_info) in verifiers.iter().zip(remaining.iter().skip(1).step_by(2)) {
        let mut credits: Account<VerifierEpoch> = Account::try_from(credit_info)?;
        require!(
            credits.node == verifier.key() && credits.epoch == args.epoch,
            RewardsError::VerifierEpochMismatch
        );
        credits.credits_ibm_micros = checked_add(credits.credits_ibm_micros, credited)?;
        credits.attestations = credits.attestations.saturating_add(1);
        credits.exit(&crate::ID)?;
        accounts.epoch.total_verifier_credits =
            checked_add(accounts.epoch.total_verifier_credits, credited)?;
    }
    tally.cumulative_ibm_micros = args.cumulative_ibm_micros;
    tally.jobs_verified = args.jobs_verified;
    tally.work_root = args.work_root;
    accounts.epoch.total_ibm_micros = checked_add(accounts.epoch.total_ibm_micros, credited)?;
    let newly_participated = !tally.participated
        && reaches_participation(
            args.cumulative_ibm_micros,
            node.ib_micros,
            params.min_participation_minutes,
        );
    if newly_participated {
        tally.participated = true;
        rewards.participated_epochs = rewards.participated_epochs.saturating_add(1);
    }
    rewards.last_seq = args.seq;
    rewards.last_attestation_at = now;

    emit!(AttestationAccepted {
        epoch: args.epoch,
        node: node_key,
        seq: args.seq,
        cumulative_ibm_micros: args.cumulative_ibm_micros,
        credited_ibm_micros: credited,
        jobs_verified: args.jobs_verified,
        work_root: args.work_root,
        verifiers: verifiers.iter().map(|v| v.key()).collect(),
        participated: tally.participated,
    });
    Ok(())
}
