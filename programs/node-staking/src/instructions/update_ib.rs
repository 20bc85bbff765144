use crate::errors::StakingError;
use crate::events::IbUpdated;
use crate::node_status::reevaluate;
use crate::quorum::verify_quorum;
use crate::state::{Node, NodeStatus, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use inferix_common::emit_event;
use inferix_common::messages::{Benchmark, SignedMessage};
use inferix_common::seeds;
use node_license::state::LicenseKind;

/// The benchmark fields a submitter sends; the program rebuilds the signed `Benchmark` message
/// with this deployment's config and this node, so a signature over any other bytes fails.
#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct BenchmarkArgs {
    pub ib_micros: u64,
    pub scene_set_hash: [u8; 32],
    pub issued_at: i64,
}

/// Sets a worker node's IB from a `Benchmark` signed by a manager and co-signed by a quorum of
/// independent verifiers (permissionless submit; the verifier nodes follow as remaining
/// accounts, in signature order after the manager's).
#[derive(Accounts)]
pub struct UpdateIb<'info> {
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump)]
    pub node: Box<Account<'info, Node>>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
    /// CHECK: the instructions sysvar, checked by address.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}

pub fn handler<'info>(mut ctx: Context<'info, UpdateIb<'info>>, args: BenchmarkArgs) -> Result<()> {
    let accounts = &mut ctx.accounts;
    let config = &accounts.config;
    config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    let node_key = accounts.node.key();
    let node = &mut accounts.node;
    require!(
        node.status != NodeStatus::Retired,
        StakingError::NodeRetired
    );
    require!(!node.blacklisted, StakingError::NodeBlacklisted);
    require!(
        node.kind == LicenseKind::Worker,
        StakingError::OnlyWorkersBenchmarked
    );
    config.check_issued_at(args.issued_at, now)?;
    require!(
        args.issued_at > node.last_benchmark_at,
        StakingError::BenchmarkReplayed
    );
    require!(
        args.ib_micros.abs_diff(node.ib_micros) <= config.params.max_ib_update_micros,
        StakingError::IbUpdateTooLarge
    );
    let message = Benchmark {
        config: config.key(),
        node: node_key,
        ib_micros: args.ib_micros,
        scene_set_hash: args.scene_set_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes();
    let vouchers = verify_quorum(
        config,
        &accounts.instructions_sysvar,
        ctx.remaining_accounts,
        node,
        &message,
    )?;

    let previous_ib_micros = node.ib_micros;
    node.ib_micros = args.ib_micros;
    node.last_benchmark_at = args.issued_at;
    reevaluate(config, node, node_key, &accounts.price, now)?;
    emit_event!(IbUpdated {
        node: node_key,
        previous_ib_micros,
        ib_micros: args.ib_micros,
        scene_set_hash: args.scene_set_hash,
        manager: vouchers.manager,
        verifiers: vouchers.verifiers,
    });
    Ok(())
}
