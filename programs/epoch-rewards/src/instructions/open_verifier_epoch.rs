use crate::epoch_accounts::open_current_epoch;
use crate::errors::RewardsError;
use crate::events::VerifierEpochOpened;
use crate::state::{Epoch, NodeRewards, RewardsConfig, VerifierEpoch};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;
use node_license::state::LicenseKind;
use node_staking::state::Node;

/// Opens a verifier's credit account for the current epoch (and the epoch itself, and the
/// verifier's rewards record, on first use). Permissionless; the payer gets the rent back when
/// the credits are claimed. Attestations it co-signs credit this account.
#[derive(Accounts)]
#[instruction(epoch_index: u32)]
pub struct OpenVerifierEpoch<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(init_if_needed, payer = payer, space = 8 + Epoch::INIT_SPACE, seeds = [seeds::EPOCH, &epoch_index.to_le_bytes()], bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    #[account(seeds = [seeds::NODE, verifier.license_mint.as_ref()], bump = verifier.bump, seeds::program = node_staking::ID)]
    pub verifier: Box<Account<'info, Node>>,
    #[account(init_if_needed, payer = payer, space = 8 + NodeRewards::INIT_SPACE, seeds = [seeds::NODE_REWARDS, verifier.key().as_ref()], bump)]
    pub verifier_rewards: Box<Account<'info, NodeRewards>>,
    #[account(
        init,
        payer = payer,
        space = 8 + VerifierEpoch::INIT_SPACE,
        seeds = [seeds::VERIFIER_EPOCH, &epoch_index.to_le_bytes(), verifier.key().as_ref()],
        bump,
    )]
    pub verifier_epoch: Box<Account<'info, VerifierEpoch>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<OpenVerifierEpoch>, epoch_index: u32) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.config.require_not_paused()?;
    require!(
        accounts.verifier.kind == LicenseKind::Verifier,
        RewardsError::NotAVerifier
    );
    let now = Clock::get()?.unix_timestamp;
    open_current_epoch(
        &accounts.config,
        &mut accounts.epoch,
        epoch_index,
        ctx.bumps.epoch,
        now,
    )?;
    let verifier = accounts.verifier.key();
    if accounts.verifier_rewards.node == Pubkey::default() {
        accounts.verifier_rewards.set_inner(NodeRewards {
            node: verifier,
            started_epoch: accounts
                .config
                .registration_epoch(accounts.verifier.registered_at),
            participated_epochs: 0,
            last_seq: 0,
            last_attestation_at: 0,
            bump: ctx.bumps.verifier_rewards,
        });
    }
    accounts.verifier_epoch.set_inner(VerifierEpoch {
        epoch: epoch_index,
        node: verifier,
        credits_ibm_micros: 0,
        attestations: 0,
        rent_payer: accounts.payer.key(),
        bump: ctx.bumps.verifier_epoch,
    });
    emit_event!(VerifierEpochOpened {
        epoch: epoch_index,
        verifier,
    });
    Ok(())
}
