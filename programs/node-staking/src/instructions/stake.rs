use crate::errors::StakingError;
use crate::events::Staked;
use crate::node_status::reevaluate;
use crate::state::{Node, NodeStatus, StakingConfig};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};
use inferix_common::emit_event;
use inferix_common::math::checked_add;
use inferix_common::seeds;

/// The owner adds IFX to its node's stake.
#[derive(Accounts)]
pub struct Stake<'info> {
    pub owner: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        mut,
        seeds = [seeds::NODE, node.license_mint.as_ref()],
        bump = node.bump,
        has_one = owner @ StakingError::NotNodeOwner,
    )]
    pub node: Box<Account<'info, Node>>,
    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.vault_bump)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = ifx_mint, token::authority = owner, token::token_program = ifx_token_program)]
    pub owner_ifx: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
    /// CHECK: checked against the configured price source when the node's minimum needs it.
    pub price: UncheckedAccount<'info>,
}

pub fn handler(mut ctx: Context<Stake>, amount: u64) -> Result<()> {
    let accounts = &mut ctx.accounts;
    accounts.config.require_not_paused()?;
    require!(amount > 0, StakingError::ZeroAmount);
    require!(!accounts.node.blacklisted, StakingError::NodeBlacklisted);
    require!(
        accounts.node.status != NodeStatus::Retired,
        StakingError::NodeRetired
    );
    transfer_checked(
        CpiContext::new(
            accounts.ifx_token_program.key(),
            TransferChecked {
                from: accounts.owner_ifx.to_account_info(),
                mint: accounts.ifx_mint.to_account_info(),
                to: accounts.stake_vault.to_account_info(),
                authority: accounts.owner.to_account_info(),
            },
        ),
        amount,
        accounts.ifx_mint.decimals,
    )?;
    let node = &mut accounts.node;
    node.stake = checked_add(node.stake, amount)?;
    let node_key = node.key();
    reevaluate(
        &accounts.config,
        node,
        node_key,
        &accounts.price,
        Clock::get()?.unix_timestamp,
    )?;
    emit_event!(Staked {
        node: node_key,
        staker: accounts.owner.key(),
        amount,
        stake: node.stake,
    });
    Ok(())
}
