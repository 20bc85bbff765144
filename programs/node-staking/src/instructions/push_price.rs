use crate::errors::StakingError;
use crate::events::PricePushed;
use crate::state::{PushedPrice, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;

/// The price authority publishes the IFX/USD price (`price × 10^exponent` USD ± `conf`), dated
/// now; readers apply the configured age and confidence rules.
#[derive(Accounts)]
pub struct PushPrice<'info> {
    pub price_authority: Signer<'info>,
    #[account(seeds = [seeds::STAKING_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, seeds = [seeds::PUSHED_PRICE], bump = pushed_price.bump)]
    pub pushed_price: Box<Account<'info, PushedPrice>>,
}

pub fn handler(ctx: Context<PushPrice>, price: i64, conf: u64, exponent: i32) -> Result<()> {
    require_keys_eq!(
        ctx.accounts.price_authority.key(),
        ctx.accounts.config.params.price_authority,
        StakingError::NotPriceAuthority
    );
    let publish_time = Clock::get()?.unix_timestamp;
    let pushed = &mut ctx.accounts.pushed_price;
    pushed.price = price;
    pushed.conf = conf;
    pushed.exponent = exponent;
    pushed.publish_time = publish_time;
    emit_event!(PricePushed {
        price,
        conf,
        exponent,
        publish_time,
    });
    Ok(())
}
