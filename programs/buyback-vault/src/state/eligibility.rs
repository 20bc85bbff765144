//! Who may sell back (SPEC §6) and what each option pays — one pure function each, used by
//! the buyback instructions and by the `quote` SDK function alike.

use crate::constants::{PARTICIPATION_DEN, PARTICIPATION_NUM};
use crate::errors::BuybackError;
use crate::state::BuybackParams;
use anchor_lang::prelude::*;
use epoch_rewards::state::NodeRewards;
use inferix_common::math::bps_floor;
use inferix_common::price::UsdPrice;
use node_license::state::LicenseRecord;
use node_staking::state::Node;

/// Checks eligibility: bought (not airdropped), its node not blacklisted, the node ran and its
/// participation rate up to `current_epoch` is strictly above 2/3. (Not bought back before is
/// the `BoughtBack` record's existence.)
pub fn check_eligible(
    record: &LicenseRecord,
    node: &Node,
    rewards: Option<&NodeRewards>,
    current_epoch: u32,
) -> Result<()> {
    require!(!record.airdrop, BuybackError::Airdropped);
    require!(!node.blacklisted, BuybackError::Blacklisted);
    let rewards = rewards.ok_or(BuybackError::NeverRan)?;
    require!(
        rewards.participation_above(current_epoch, PARTICIPATION_NUM, PARTICIPATION_DEN),
        BuybackError::ParticipationTooLow
    );
    Ok(())
}

/// IFX for option 1: `ifx_payout_bps` of the USD price paid, at the high side of the IFX price,
/// rounded down.
pub fn ifx_payout(
    params: &BuybackParams,
    price_paid_usd: u64,
    ifx_price: &UsdPrice,
    ifx_decimals: u8,
) -> Result<u64> {
    ifx_price.usd_to_tokens_payout(
        bps_floor(price_paid_usd, params.ifx_payout_bps)?,
        ifx_decimals,
    )
}

/// wETH for option 2: `weth_payout_bps` of the USD price paid, at the high side of the ETH price,
/// rounded down.
pub fn weth_payout(
    params: &BuybackParams,
    price_paid_usd: u64,
    eth_price: &UsdPrice,
    weth_decimals: u8,
) -> Result<u64> {
    eth_price.usd_to_tokens_payout(
        bps_floor(price_paid_usd, params.weth_payout_bps)?,
        weth_decimals,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::IfxPriceSource;
    use inferix_common::price::{check_price, PriceRules};

    fn params() -> BuybackParams {
        BuybackParams {
            window_start: 0,
            window_secs: 1,
            ifx_payout_bps: 10_000,
            ifx_vesting_secs: 1,
            weth_payout_bps: 8_000,
            ifx_price_source: IfxPriceSource::StakingPushed,
            eth_feed_id: [0; 32],
            price_rules: PriceRules::default(),
        }
    }

    #[test]
    fn payouts_at_real_decimals_never_favour_the_holder() {
        // $285 paid. IFX $0.05 ± $0.0001 → high side $0.0501: 5,688.622754491… IFX, 9 decimals.
        let ifx = check_price(5_000_000, 10_000, -8, 0, &PriceRules::default(), 0).unwrap();
        assert_eq!(
            ifx_payout(&params(), 285_000_000, &ifx, 9).unwrap(),
            5_688_622_754_491
        );
        // ETH $2,500 ± $1 → high side $2,501: 80 % of $285 = $228 → 0.09116353… wETH.
        let eth = check_price(
            250_000_000_000,
            100_000_000,
            -8,
            0,
            &PriceRules::default(),
            0,
        )
        .unwrap();
        assert_eq!(
            weth_payout(&params(), 285_000_000, &eth, 8).unwrap(),
            9_116_353
        );
        assert_eq!(
            weth_payout(&params(), 285_000_000, &eth, 9).unwrap(),
            91_163_534
        );
        // Exact at a conf-free price: $228 / $2,500 = 0.0912 wETH.
        let exact = check_price(250_000_000_000, 0, -8, 0, &PriceRules::default(), 0).unwrap();
        assert_eq!(
            weth_payout(&params(), 285_000_000, &exact, 8).unwrap(),
            9_120_000
        );
    }
}
