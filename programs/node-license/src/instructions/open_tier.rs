use crate::events::TierOpened;
use crate::instructions::sale_admin::*;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Opens tiers up to `tier` before the earlier ones sell out. Never closes an open tier.
pub fn handler(ctx: Context<SaleAdmin>, tier: u8) -> Result<()> {
    ctx.accounts.require_admin()?;
    let sale = &mut ctx.accounts.sale;
    sale.tier(tier)?;
    if tier > sale.highest_open_tier {
        sale.highest_open_tier = tier;
        emit_event!(TierOpened {
            sale: sale.key(),
            tier,
            by_sell_out: false,
        });
    }
    Ok(())
}
