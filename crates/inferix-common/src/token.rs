//! Token transfers out of program-owned vaults, signed by the owning PDA (either token program).

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};

/// The accounts of one vault transfer.
pub struct VaultTransfer<'a, 'info> {
    pub from: &'a InterfaceAccount<'info, TokenAccount>,
    pub to: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'info> VaultTransfer<'_, 'info> {
    /// Moves `amount` (nothing when 0), signed by `authority` with `signer_seeds`.
    pub fn send(
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
}
