use crate::events::PartnerCodeRegistered;
use crate::state::{validate_partner_code, validate_referral_rates, LicenseConfig, PartnerCode};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct RegisterPartnerCodeArgs {
    pub code: String,
    pub receiver: Pubkey,
    pub discount_bps: u16,
    pub commission_bps: u16,
}

#[derive(Accounts)]
#[instruction(args: RegisterPartnerCodeArgs)]
pub struct RegisterPartnerCode<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(
        init,
        payer = admin,
        space = 8 + PartnerCode::INIT_SPACE,
        seeds = [seeds::PARTNER_CODE, args.code.as_bytes()],
        bump,
    )]
    pub partner_code: Box<Account<'info, PartnerCode>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<RegisterPartnerCode>, args: RegisterPartnerCodeArgs) -> Result<()> {
    ctx.accounts
        .config
        .require_admin(&ctx.accounts.admin.key())?;
    validate_partner_code(&args.code)?;
    validate_referral_rates(args.discount_bps, args.commission_bps)?;
    let partner_code = &mut ctx.accounts.partner_code;
    partner_code.set_inner(PartnerCode {
        code: args.code.clone(),
        receiver: args.receiver,
        discount_bps: args.discount_bps,
        commission_bps: args.commission_bps,
        enabled: true,
        uses: 0,
        commissions_usd: 0,
        bump: ctx.bumps.partner_code,
    });
    emit_event!(PartnerCodeRegistered {
        partner_code: partner_code.key(),
        code: args.code,
        receiver: args.receiver,
        discount_bps: args.discount_bps,
        commission_bps: args.commission_bps,
    });
    Ok(())
}
