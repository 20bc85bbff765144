//! The IFX/USD price at `now` from the configured source, through the shared price checks.

use crate::errors::StakingError;
use crate::state::{PriceSource, PushedPrice, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::price::{check_price, read_pyth_price, UsdPrice};
use inferix_common::seeds;

pub fn pushed_price_address() -> Pubkey {
    Pubkey::find_program_address(&[seeds::PUSHED_PRICE], &crate::ID).0
}

/// Reads `price_account` as the configured source: a Pyth `PriceUpdateV2` for the pinned feed,
/// or this program's `PushedPrice`.
pub fn ifx_price(
    config: &StakingConfig,
    price_account: &AccountInfo,
    now: i64,
) -> Result<UsdPrice> {
    let rules = &config.params.price_rules;
    match config.params.price_source {
        PriceSource::Pyth { feed_id } => read_pyth_price(price_account, &feed_id, rules, now),
        PriceSource::Pushed => {
            require_keys_eq!(
                price_account.key(),
                pushed_price_address(),
                StakingError::WrongPriceAccount
            );
            require_keys_eq!(
                *price_account.owner,
                crate::ID,
                StakingError::WrongPriceAccount
            );
            let pushed = PushedPrice::try_deserialize(&mut &price_account.try_borrow_data()?[..])?;
            check_price(
                pushed.price,
                pushed.conf,
                pushed.exponent,
                pushed.publish_time,
                rules,
                now,
            )
        }
    }
}
