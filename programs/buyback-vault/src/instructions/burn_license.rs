use crate::instructions::custody::*;
use crate::state::Custody;
use anchor_lang::prelude::*;

/// Burns a license in custody.
pub fn handler(ctx: Context<Custodied>) -> Result<()> {
    let accounts = ctx.accounts;
    accounts.leave_custody(Custody::Burned, None)?;
    accounts.burn()
}
