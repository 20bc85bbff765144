//! node-staking: the Inferix node registry (SPEC §3).
//!
//! Nodes bound to license NFTs, IFX stakes with the worker minimum S(n) = k·E·IB·P (converted at
//! the IFX/USD price), unbonding that stays slashable, IB updates from verifier-signed
//! benchmarks, slashing on verifier-signed violations into a penalty pool with an appeal window,
//! strikes and blacklisting.

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod node_status;
pub mod price_source;
pub mod quorum;
pub mod state;
pub mod tickets;
pub mod vault;

use instructions::*;

declare_id!("fwVNY8RhR7YveMLAAuakeDJHvrUvdRb3EPrfixK3UZv");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Inferix node-staking",
    project_url: "https://inferix.io",
    contacts: "email:security@inferix.io",
    policy: "https://inferix.io/security",
    source_code: "https://github.com/inferix/inferix-solana"
}

#[program]
pub mod node_staking {
    use super::*;

    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        instructions::initialize_config::handler(ctx, args)
    }

    pub fn update_config(ctx: Context<ConfigAdmin>, args: UpdateConfigArgs) -> Result<()> {
        instructions::update_config::handler(ctx, args)
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

    pub fn push_price(ctx: Context<PushPrice>, price: i64, conf: u64, exponent: i32) -> Result<()> {
        instructions::push_price::handler(ctx, price, conf, exponent)
    }

    pub fn register_node(ctx: Context<RegisterNode>, args: RegisterNodeArgs) -> Result<()> {
        instructions::register_node::handler(ctx, args)
    }

    pub fn update_node(ctx: Context<NodeOwner>, args: UpdateNodeArgs) -> Result<()> {
        instructions::update_node::handler(ctx, args)
    }

    pub fn stake(ctx: Context<Stake>, amount: u64) -> Result<()> {
        instructions::stake::handler(ctx, amount)
    }

    pub fn unstake(ctx: Context<Unstake>, amount: u64) -> Result<()> {
        instructions::unstake::handler(ctx, amount)
    }

    pub fn withdraw(ctx: Context<Withdraw>) -> Result<()> {
        instructions::withdraw::handler(ctx)
    }

    pub fn refresh_node(ctx: Context<RefreshNode>) -> Result<()> {
        instructions::refresh_node::handler(ctx)
    }

    pub fn update_ib<'info>(
        ctx: Context<'info, UpdateIb<'info>>,
        args: BenchmarkArgs,
    ) -> Result<()> {
        instructions::update_ib::handler(ctx, args)
    }

    pub fn report_violation<'info>(
        ctx: Context<'info, ReportViolation<'info>>,
        args: ViolationArgs,
    ) -> Result<()> {
        instructions::report_violation::handler(ctx, args)
    }

    pub fn reverse_slash(ctx: Context<ReverseSlash>) -> Result<()> {
        instructions::reverse_slash::handler(ctx)
    }

    pub fn release_penalty(ctx: Context<ReleasePenalty>) -> Result<()> {
        instructions::release_penalty::handler(ctx)
    }

    pub fn blacklist_node(ctx: Context<AdminNode>) -> Result<()> {
        instructions::blacklist_node::handler(ctx)
    }

    pub fn reverse_blacklist(ctx: Context<AdminNode>) -> Result<()> {
        instructions::reverse_blacklist::handler(ctx)
    }

    pub fn take_over(ctx: Context<TakeOver>) -> Result<()> {
        instructions::take_over::handler(ctx)
    }

    pub fn retire_node(ctx: Context<RetireNode>) -> Result<()> {
        instructions::retire_node::handler(ctx)
    }
}
