use crate::events::SaleScheduleUpdated;
use crate::instructions::sale_admin::*;
use crate::state::SaleSchedule;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

/// Moves the sale windows; a window that has started keeps its times.
pub fn handler(ctx: Context<SaleAdmin>, schedule: SaleSchedule) -> Result<()> {
    ctx.accounts.require_admin()?;
    let sale = &mut ctx.accounts.sale;
    sale.schedule
        .validate_change_to(&schedule, Clock::get()?.unix_timestamp)?;
    sale.schedule = schedule;
    emit_event!(SaleScheduleUpdated {
        sale: sale.key(),
        schedule,
    });
    Ok(())
}
