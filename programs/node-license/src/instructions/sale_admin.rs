use crate::state::{LicenseConfig, Sale};
use anchor_lang::prelude::*;
use inferix_common::seeds;

/// The accounts of every admin instruction that changes one sale.
#[derive(Accounts)]
pub struct SaleAdmin<'info> {
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::SALE, &sale.sale_id.to_le_bytes()], bump = sale.bump)]
    pub sale: Box<Account<'info, Sale>>,
}

impl SaleAdmin<'_> {
    pub fn require_admin(&self) -> Result<()> {
        self.config.require_admin(&self.admin.key())
    }
}
