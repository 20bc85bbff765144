use crate::events::WhitelistRootSet;
use crate::instructions::sale_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Publishes (or replaces) a tier's whitelist Merkle root; all zero disables the whitelist.
pub fn handler(ctx: Context<SaleAdmin>, tier: u8, root: [u8; 32]) -> Result<()> {
    ctx.accounts.require_admin()?;
    let sale = &mut ctx.accounts.sale;
    sale.tier(tier)?;
    sale.tiers[tier as usize - 1].whitelist_root = root;
    emit_event!(WhitelistRootSet {
        sale: sale.key(),
        tier,
        root,
    });
    Ok(())
}
