//! IFX transfers out of the program's vaults, signed by the PDA that owns each.

use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};
use inferix_common::seeds;

/// Token accounts and program of one vault transfer.
pub struct VaultTransfer<'a, 'info> {
    pub from: &'a InterfaceAccount<'info, TokenAccount>,
    pub to: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'info> VaultTransfer<'_, 'info> {
    fn send(
        &self,
        authority: AccountInfo<'info>,
        signer_seeds: &[&[&[u8]]],
        amount: u64,
    ) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        transfer_checked(
            CpiContext::new_with_signer(
                self.token_program.key(),
                TransferChecked {
                    from: self.from.to_account_info(),
                    mint: self.mint.to_account_info(),
                    to: self.to.to_account_info(),
                    authority,
                },
                signer_seeds,
            ),
            amount,
            self.mint.decimals,
        )
    }

    /// From a node's stake vault, signed by the node PDA.
    pub fn from_node(&self, node: &Account<'info, Node>, amount: u64) -> Result<()> {
        let bump = [node.bump];
        let seeds: &[&[&[u8]]] = &[&[seeds::NODE, node.license_mint.as_ref(), &bump]];
        self.send(node.to_account_info(), seeds, amount)
    }

    /// From the penalty vault, signed by the config PDA.
    pub fn from_penalty_vault(
        &self,
        config: &Account<'info, StakingConfig>,
        amount: u64,
    ) -> Result<()> {
        let bump = [config.bump];
        let seeds: &[&[&[u8]]] = &[&[seeds::STAKING_CONFIG, &bump]];
        self.send(config.to_account_info(), seeds, amount)
    }
}
