use crate::errors::StakingError;
use crate::events::NodeRegistered;
use crate::node_status::apply_status;
use crate::state::{Node, NodeStatus, StakingConfig, UnbondingPool, FIRST_TAKE_OVER_TICKET_ID};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::seeds;
use node_license::state::{LicenseKind, LicenseRecord};

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct RegisterNodeArgs {
    /// Hot key that signs the node's attestations; the owner itself if `None`.
    pub operator: Option<Pubkey>,
    /// Workers: micro-USD per IBM (ignored for verifiers).
    pub price_per_ibm_usd_micros: u64,
}

/// Binds a node to a license the signer holds; its kind is the license's. A license has one
/// node for life: registering again fails, by name, and a blacklisted license never returns.
#[derive(Accounts)]
pub struct RegisterNode<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        seeds = [seeds::LICENSE, license_mint.key().as_ref()],
        bump = license_record.bump,
        seeds::program = node_license::ID,
    )]
    pub license_record: Box<Account<'info, LicenseRecord>>,
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        constraint = license_account.mint == license_mint.key()
            && license_account.owner == owner.key()
            && license_account.amount == 1 @ StakingError::LicenseNotHeld,
    )]
    pub license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init_if_needed,
        payer = owner,
        space = 8 + Node::INIT_SPACE,
        seeds = [seeds::NODE, license_mint.key().as_ref()],
        bump,
    )]
    pub node: Box<Account<'info, Node>>,
    #[account(
        init_if_needed,
        payer = owner,
        seeds = [seeds::STAKE_VAULT, node.key().as_ref()],
        bump,
        token::mint = ifx_mint,
        token::authority = node,
        token::token_program = ifx_token_program,
    )]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(mut ctx: Context<RegisterNode>, args: RegisterNodeArgs) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    let node = &mut accounts.node;
    if node.license_mint != Pubkey::default() {
        require!(!node.blacklisted, StakingError::NodeBlacklisted);
        return err!(StakingError::NodeAlreadyRegistered);
    }
    let kind = accounts.license_record.kind;
    require!(
        kind == LicenseKind::Verifier
            || args.price_per_ibm_usd_micros >= accounts.config.params.min_price_per_ibm_usd_micros,
        StakingError::InvalidNodePrice
    );
    let now = Clock::get()?.unix_timestamp;
    let owner = accounts.owner.key();
    node.set_inner(Node {
        license_mint: accounts.license_mint.key(),
        kind,
        owner,
        operator: args.operator.unwrap_or(owner),
        price_per_ibm_usd_micros: if kind == LicenseKind::Worker {
            args.price_per_ibm_usd_micros
        } else {
            0
        },
        ib_micros: 0,
        last_benchmark_at: 0,
        status: NodeStatus::Pending,
        deactivated: false,
        blacklisted: false,
        blacklisted_at: 0,
        strikes: 0,
        stake: 0,
        unbonding: UnbondingPool::default(),
        era: 0,
        era_started_at: now,
        sealed_unbonding: 0,
        next_ticket_id: 0,
        next_take_over_ticket_id: FIRST_TAKE_OVER_TICKET_ID,
        required_stake: 0,
        registered_at: now,
        status_updated_at: now,
        bump: ctx.bumps.node,
        vault_bump: ctx.bumps.stake_vault,
    });
    // A new node has no IB yet, so its minimum is the verifier floor or nothing.
    let required = match kind {
        LicenseKind::Verifier => accounts.config.params.verifier_min_stake,
        LicenseKind::Worker => 0,
    };
    let node_key = node.key();
    apply_status(node, node_key, required, now);
    emit_event!(NodeRegistered {
        node: node_key,
        license_mint: node.license_mint,
        owner,
        operator: node.operator,
        kind,
        price_per_ibm_usd_micros: node.price_per_ibm_usd_micros,
    });
    Ok(())
}
