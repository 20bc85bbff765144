use crate::events::PartnerCodeUpdated;
use crate::state::{validate_referral_rates, LicenseConfig, PartnerCode};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct UpdatePartnerCodeArgs {
    pub receiver: Pubkey,
    pub discount_bps: u16,
    pub commission_bps: u16,
    pub enabled: bool,
}

#[derive(Accounts)]
pub struct UpdatePartnerCode<'info> {
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::PARTNER_CODE, partner_code.code.as_bytes()], bump = partner_code.bump)]
    pub partner_code: Box<Account<'info, PartnerCode>>,
}

/// Changes a partner code's rates or receiver, or disables / re-enables it.
pub fn handler(ctx: Context<UpdatePartnerCode>, args: UpdatePartnerCodeArgs) -> Result<()> {
    ctx.accounts
        .config
        .require_admin(&ctx.accounts.admin.key())?;
    validate_referral_rates(args.discount_bps, args.commission_bps)?;
    let partner_code = &mut ctx.accounts.partner_code;
    partner_code.receiver = args.receiver;
    partner_code.discount_bps = args.discount_bps;
    partner_code.commission_bps = args.commission_bps;
    partner_code.enabled = args.enabled;
    emit_event!(PartnerCodeUpdated {
        partner_code: partner_code.key(),
        receiver: args.receiver,
        discount_bps: args.discount_bps,
        commission_bps: args.commission_bps,
        enabled: args.enabled,
    });
    Ok(())
}
