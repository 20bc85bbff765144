use crate::epoch_accounts::from_config_vault;
use crate::errors::RewardsError;
use crate::events::RewardClaimed;
use crate::state::{Epoch, RewardsConfig, Vesting};
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use inferix_common::emit_event;
use inferix_common::math::{bps_floor, checked_add};
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;
use node_staking::state::{Node, NodeStatus};

/// Paying a node's reward of a finalized epoch to whoever holds its license now — or, once the
/// node was bought back, to the owner who sold it (SPEC §10 item 3): the immediate part into the
/// recipient's IFX account (created if needed), the rest into the recipient's vesting account of
/// that epoch. Permissionless; the payer funds any account it creates.
#[derive(Accounts)]
pub struct RewardPayout<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(mut, seeds = [seeds::REWARDS_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, RewardsConfig>>,
    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    #[account(seeds = [seeds::NODE, node.license_mint.as_ref()], bump = node.bump, seeds::program = node_staking::ID)]
    pub node: Box<Account<'info, Node>>,
    /// The recipient's license account; none for a bought-back node, whose license may be
    /// reassigned or burned.
    #[account(
        constraint = license_account.mint == node.license_mint
            && license_account.amount == 1 @ RewardsError::LicenseNotHeld,
    )]
    pub license_account: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    /// CHECK: who is paid, checked by `require_claimable`: the owner of `license_account`, or
    /// for a retired (bought-back) node its owner at retirement, the seller.
    pub recipient: UncheckedAccount<'info>,
    #[account(
        init_if_needed,
        payer = payer,
        associated_token::mint = ifx_mint,
        associated_token::authority = recipient,
        associated_token::token_program = ifx_token_program,
    )]
    pub recipient_ifx: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + Vesting::INIT_SPACE,
        seeds = [seeds::VESTING, recipient.key().as_ref(), &epoch.index.to_le_bytes()],
        bump,
    )]
    pub vesting: Box<Account<'info, Vesting>>,
    #[account(mut, seeds = [seeds::REWARD_VAULT], bump = config.reward_vault_bump)]
    pub reward_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::VESTING_VAULT], bump = config.vesting_vault_bump)]
    pub vesting_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = config.ifx_mint)]
    pub ifx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = config.ifx_token_program)]
    pub ifx_token_program: Interface<'info, TokenInterface>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

impl RewardPayout<'_> {
    /// Checks the epoch can be claimed now, and for whom (SPEC §10 item 3). A bought-back node
    /// earned everything before its retirement, under the owner who sold it: the buyback requires
    /// that seller to own the node and retirement freezes the owner, so the seller is paid, not
    /// whoever holds the license in custody or after it. Otherwise the license holder is paid.
    /// A permissionless claim only pays wallets: a recipient no key signs for — a program's PDA,
    /// an escrow, a marketplace — must sign (its program claims by CPI), so no reward is pushed
    /// where nobody can move it.
    pub fn require_claimable(&self) -> Result<()> {
        self.config.require_not_paused()?;
        let entitled = if self.node.status == NodeStatus::Retired {
            self.node.owner
        } else {
            self.license_account
                .as_ref()
                .ok_or(RewardsError::LicenseNotHeld)?
                .owner
        };
        require_keys_eq!(
            self.recipient.key(),
            entitled,
            RewardsError::NotTheRecipient
        );
        require!(
            self.recipient.key().is_on_curve() || self.recipient.is_signer,
            RewardsError::HolderMustSign
        );
        require!(self.epoch.finalized, RewardsError::EpochNotFinalized);
        require!(
            !self.epoch.clawed_back && self.config.claims_open(Clock::get()?.unix_timestamp),
            RewardsError::ClaimsClosed
        );
        Ok(())
    }

    /// Pays `share`: `immediate_bps` of it now, the rest into vesting from the epoch's end.
    pub fn pay(&mut self, share: u64, vesting_bump: u8, verifier: bool) -> Result<()> {
        let params = self.config.params;
        let immediate = bps_floor(share, params.immediate_bps)?;
        let vesting_part = share - immediate;
        from_config_vault(
            VaultTransfer {
                from: &self.reward_vault,
                to: &self.recipient_ifx,
                mint: &self.ifx_mint,
                token_program: &self.ifx_token_program,
            },
            &self.config,
            immediate,
        )?;
        from_config_vault(
            VaultTransfer {
                from: &self.reward_vault,
                to: &self.vesting_vault,
                mint: &self.ifx_mint,
                token_program: &self.ifx_token_program,
            },
            &self.config,
            vesting_part,
        )?;
        let vesting = &mut self.vesting;
        if vesting.beneficiary == Pubkey::default() {
            vesting.beneficiary = self.recipient.key();
            vesting.epoch = self.epoch.index;
            vesting.start_ts = self.epoch.end_ts;
            vesting.duration_secs = params.vesting_secs;
            vesting.rent_payer = self.payer.key();
            vesting.bump = vesting_bump;
        }
        vesting.total = checked_add(vesting.total, vesting_part)?;
        self.config.release_commitment(share)?;
        self.config.vesting_outstanding =
            checked_add(self.config.vesting_outstanding, vesting_part)?;
        emit_event!(RewardClaimed {
            epoch: self.epoch.index,
            node: self.node.key(),
            recipient: self.recipient.key(),
            verifier,
            amount: share,
            immediate,
            vesting: vesting_part,
        });
        Ok(())
    }
}
