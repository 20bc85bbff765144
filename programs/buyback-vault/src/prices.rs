//! IFX/USD and ETH/USD at `now` through the shared price checks.

use crate::errors::BuybackError;
use crate::state::{BuybackParams, IfxPriceSource};
use anchor_lang::prelude::*;
use inferix_common::price::{check_price, read_pyth_price, UsdPrice};
use node_staking::price_source::pushed_price_address;
use node_staking::state::PushedPrice;

pub fn ifx_price(params: &BuybackParams, account: &AccountInfo, now: i64) -> Result<UsdPrice> {
    match params.ifx_price_source {
        IfxPriceSource::Pyth { feed_id } => {
            read_pyth_price(account, &feed_id, &params.price_rules, now)
        }
        IfxPriceSource::StakingPushed => {
            require!(
                *account.owner == node_staking::ID && account.key() == pushed_price_address(),
                BuybackError::WrongPriceAccount
            );
            let pushed = PushedPrice::try_deserialize(&mut &account.try_borrow_data()?[..])?;
            check_price(
                pushed.price,
                pushed.conf,
                pushed.exponent,
                pushed.publish_time,
                &params.price_rules,
                now,
            )
        }
    }
}

pub fn eth_price(params: &BuybackParams, account: &AccountInfo, now: i64) -> Result<UsdPrice> {
    read_pyth_price(account, &params.eth_feed_id, &params.price_rules, now)
}
