use crate::errors::BuybackError;
use crate::state::{check_eligible, BoughtBack, BuybackConfig, Custody};
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{transfer_checked, Mint, TokenAccount, TransferChecked};
use epoch_rewards::state::{NodeRewards, RewardsConfig};
use inferix_common::seeds;
use node_license::program::NodeLicense;
use node_license::state::{LicenseConfig, LicenseRecord};
use node_staking::program::NodeStaking;
use node_staking::state::{Node, StakingConfig};

/// What both buyback options share: the holder, the license and the accounts of the three other
/// programs that decide eligibility, release the license and retire its node.
#[derive(Accounts)]
pub struct BuybackCommon<'info> {
    #[account(mut)]
    pub holder: Signer<'info>,
    #[account(mut, seeds = [seeds::BUYBACK_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
    /// CHECK: the buyback authority PDA; signs the CPIs and owns the custody account.
    #[account(seeds = [seeds::BUYBACK_AUTHORITY], bump = config.authority_bump)]
    pub authority: UncheckedAccount<'info>,
    #[account(mint::token_program = license_token_program)]
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, seeds = [seeds::LICENSE, license_mint.key().as_ref()], bump = license_record.bump, seeds::program = node_license::ID)]
    pub license_record: Box<Account<'info, LicenseRecord>>,
    #[account(
        mut,
        constraint = holder_license_account.mint == license_mint.key()
            && holder_license_account.owner == holder.key()
            && holder_license_account.amount == 1 @ BuybackError::LicenseNotHeld,
    )]
    pub holder_license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init_if_needed,
        payer = holder,
        associated_token::mint = license_mint,
        associated_token::authority = authority,
        associated_token::token_program = license_token_program,
    )]
    pub custody_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = license_config.bump, seeds::program = node_license::ID)]
    pub license_config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::NODE, license_mint.key().as_ref()], bump = node.bump, seeds::program = node_staking::ID)]
    pub node: Box<Account<'info, Node>>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = staking_config.bump, seeds::program = node_staking::ID)]
    pub staking_config: Box<Account<'info, StakingConfig>>,
    /// CHECK: the unbonding ticket node-staking creates for the node's stake (its PDA is checked there).
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    #[account(seeds = [seeds::REWARDS_CONFIG], bump = rewards_config.bump, seeds::program = epoch_rewards::ID)]
    pub rewards_config: Box<Account<'info, RewardsConfig>>,
    /// CHECK: the node's participation record in epoch-rewards; empty when the node never ran.
    #[account(seeds = [seeds::NODE_REWARDS, node.key().as_ref()], bump, seeds::program = epoch_rewards::ID)]
    pub node_rewards: UncheckedAccount<'info>,
    #[account(init_if_needed, payer = holder, space = 8 + BoughtBack::INIT_SPACE, seeds = [seeds::BOUGHT_BACK, license_mint.key().as_ref()], bump)]
    pub bought_back: Box<Account<'info, BoughtBack>>,
    pub license_token_program: Program<'info, Token2022>,
    pub node_license_program: Program<'info, NodeLicense>,
    pub node_staking_program: Program<'info, NodeStaking>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

/// The node's participation record, `None` when the node never attested.
pub fn read_node_rewards(info: &AccountInfo) -> Result<Option<NodeRewards>> {
    if info.data_is_empty() {
        return Ok(None);
    }
    require_keys_eq!(*info.owner, epoch_rewards::ID, BuybackError::WrongAccount);
    Ok(Some(NodeRewards::try_deserialize(
        &mut &info.try_borrow_data()?[..],
    )?))
}

impl<'info> BuybackCommon<'info> {
    /// Checks the window and eligibility; returns the USD price the holder paid.
    pub fn check(&self, now: i64) -> Result<u64> {
        self.config.require_not_paused()?;
        require!(
            self.bought_back.license_mint == Pubkey::default(),
            BuybackError::AlreadyBoughtBack
        );
        // A retired node's unclaimed rewards go to its owner (SPEC §10 item 3), so that owner
        // must be the one who sells.
        require_keys_eq!(
            self.node.owner,
            self.holder.key(),
            BuybackError::SellerNotNodeOwner
        );
        require!(
            self.config.params.window_open(now),
            BuybackError::WindowClosed
        );
        let rewards = read_node_rewards(&self.node_rewards)?;
        let current_epoch = self.rewards_config.schedule.epoch_at(now)?;
        check_eligible(
            &self.license_record,
            &self.node,
            rewards.as_ref(),
            current_epoch,
        )?;
        Ok(self.license_record.price_paid_usd)
    }

    /// Moves the license into custody (releasing its transfer lock first), retires its node (its
    /// stake starts unbonding to its staker) and records the buyback.
    pub fn take_license(
        &mut self,
        option: u8,
        amount: u64,
        bought_back_bump: u8,
        now: i64,
    ) -> Result<()> {
        let bump = [self.config.authority_bump];
        let signer: &[&[&[u8]]] = &[&[seeds::BUYBACK_AUTHORITY, &bump]];
        if self.license_record.locked {
            node_license::cpi::release_for_buyback(CpiContext::new_with_signer(
                node_license::ID,
                node_license::cpi::accounts::ReleaseForBuyback {
                    buyback_authority: self.authority.to_account_info(),
                    holding: node_license::cpi::accounts::LicenseHolding {
                        config: self.license_config.to_account_info(),
                        license_record: self.license_record.to_account_info(),
                        license_mint: self.license_mint.to_account_info(),
                        holder_account: self.holder_license_account.to_account_info(),
                        license_token_program: self.license_token_program.to_account_info(),
                    },
                },
                signer,
            ))?;
        }
        transfer_checked(
            CpiContext::new(
                self.license_token_program.key(),
                TransferChecked {
                    from: self.holder_license_account.to_account_info(),
                    mint: self.license_mint.to_account_info(),
                    to: self.custody_account.to_account_info(),
                    authority: self.holder.to_account_info(),
                },
            ),
            1,
            0,
        )?;
        node_staking::cpi::retire_node(CpiContext::new_with_signer(
            node_staking::ID,
            node_staking::cpi::accounts::RetireNode {
                buyback_authority: self.authority.to_account_info(),
                payer: self.holder.to_account_info(),
                config: self.staking_config.to_account_info(),
                node: self.node.to_account_info(),
                ticket: self.ticket.to_account_info(),
                system_program: self.system_program.to_account_info(),
            },
            signer,
        ))?;
        self.bought_back.set_inner(BoughtBack {
            license_mint: self.license_mint.key(),
            holder: self.holder.key(),
            price_paid_usd: self.license_record.price_paid_usd,
            option,
            amount,
            bought_at: now,
            custody: Custody::InCustody,
            bump: bought_back_bump,
        });
        Ok(())
    }
}
