//! epoch-rewards: epochs, signed PoR attestations and IBM tallies, O(1) finalization, claims
//! with vesting, verifier rewards and participation (SPEC §4).

use anchor_lang::prelude::*;

pub mod constants;
pub mod epoch_accounts;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod state;

use instructions::*;
use state::RewardsParams;

declare_id!("CQPhMH2tjoJHy3YQN6XM25gXQxWHWP3GYXz5GYBndrSZ");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Inferix epoch-rewards",
    project_url: "https://inferix.io",
    contacts: "email:security@inferix.io",
    policy: "https://inferix.io/security",
    source_code: "https://github.com/inferix/inferix-solana"
}

#[program]
pub mod epoch_rewards {
    use super::*;

    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        instructions::initialize_config::handler(ctx, args)
    }

    pub fn update_params(ctx: Context<ConfigAdmin>, params: RewardsParams) -> Result<()> {
        instructions::update_params::handler(ctx, params)
    }

    pub fn change_epoch_length(ctx: Context<ConfigAdmin>, length_secs: i64) -> Result<()> {
        instructions::change_epoch_length::handler(ctx, length_secs)
    }

    pub fn set_clawback_date(ctx: Context<ConfigAdmin>, clawback_at: i64) -> Result<()> {
        instructions::set_clawback_date::handler(ctx, clawback_at)
    }

    pub fn propose_admin(ctx: Context<ConfigAdmin>, proposed: Pubkey) -> Result<()> {
        instructions::propose_admin::handler(ctx, proposed)
    }

    pub fn accept_admin(ctx: Context<ConfigAdmin>) -> Result<()> {
        instructions::accept_admin::handler(ctx)
    }

    pub fn set_paused(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
        instructions::set_paused::handler(ctx, paused)
    }

    pub fn add_manager(ctx: Context<ConfigAdmin>, manager: Pubkey) -> Result<()> {
        instructions::add_manager::handler(ctx, manager)
    }

    pub fn remove_manager(ctx: Context<ConfigAdmin>, manager: Pubkey) -> Result<()> {
        instructions::remove_manager::handler(ctx, manager)
    }

    pub fn open_verifier_epoch(ctx: Context<OpenVerifierEpoch>, epoch_index: u32) -> Result<()> {
        instructions::open_verifier_epoch::handler(ctx, epoch_index)
    }

    pub fn submit_attestation<'info>(
        ctx: Context<'info, SubmitAttestation<'info>>,
        epoch_index: u32,
    ) -> Result<()> {
        instructions::submit_attestation::handler(ctx, epoch_index)
    }

    pub fn finalize_epoch(ctx: Context<FinalizeEpoch>) -> Result<()> {
        instructions::finalize_epoch::handler(ctx)
    }

    pub fn claim_worker_reward(ctx: Context<ClaimWorkerReward>) -> Result<()> {
        instructions::claim_worker_reward::handler(ctx)
    }

    pub fn claim_verifier_reward(ctx: Context<ClaimVerifierReward>) -> Result<()> {
        instructions::claim_verifier_reward::handler(ctx)
    }

    pub fn withdraw_vested(ctx: Context<WithdrawVested>) -> Result<()> {
        instructions::withdraw_vested::handler(ctx)
    }

    pub fn clawback_epoch(ctx: Context<ClawbackEpoch>) -> Result<()> {
        instructions::clawback_epoch::handler(ctx)
    }
}
