//! The holder's question before acting: am I eligible (and if not, why), and what would each
//! option pay? Computed off-chain from the same accounts and the same functions the buyback
//! instructions use.

use crate::state::{check_eligible, ifx_payout, weth_payout, BuybackConfig};
use anchor_lang::prelude::*;
use epoch_rewards::state::NodeRewards;
use inferix_common::epoch::EpochSchedule;
use inferix_common::price::UsdPrice;
use node_license::state::LicenseRecord;
use node_staking::state::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuybackQuote {
    /// `None` when eligible; otherwise the error the buyback would fail with.
    pub ineligible: Option<String>,
    pub window_open: bool,
    pub price_paid_usd: u64,
    /// Option 1, vesting over `ifx_vesting_secs`.
    pub ifx_amount: u64,
    /// Option 2, paid at once.
    pub weth_amount: u64,
}

/// What the accounts say now. `bought_back` is whether the license's `BoughtBack` record exists.
#[allow(clippy::too_many_arguments)]
pub fn quote(
    config: &BuybackConfig,
    record: &LicenseRecord,
    node: &Node,
    rewards: Option<&NodeRewards>,
    bought_back: bool,
    schedule: &EpochSchedule,
    prices: (&UsdPrice, &UsdPrice),
    decimals: (u8, u8),
    now: i64,
) -> Result<BuybackQuote> {
    let (ifx_price, eth_price) = prices;
    let (ifx_decimals, weth_decimals) = decimals;
    let ineligible = if bought_back {
        Some(crate::errors::BuybackError::AlreadyBoughtBack.to_string())
    } else {
        check_eligible(record, node, rewards, schedule.epoch_at(now)?)
            .err()
            .map(|e| e.to_string())
    };
    Ok(BuybackQuote {
        ineligible,
        window_open: config.params.window_open(now),
        price_paid_usd: record.price_paid_usd,
        ifx_amount: ifx_payout(
            &config.params,
            record.price_paid_usd,
            ifx_price,
            ifx_decimals,
        )?,
        weth_amount: weth_payout(
            &config.params,
            record.price_paid_usd,
            eth_price,
            weth_decimals,
        )?,
    })
}
