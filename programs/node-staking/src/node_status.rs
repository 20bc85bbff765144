//! Re-evaluating a node's status whenever something S(n) depends on moves: its stake, IB or
//! price per IBM, the governance parameters, or the IFX price.

use crate::events::NodeStatusChanged;
use crate::price_source::ifx_price;
use crate::state::{Node, StakingConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use node_license::state::LicenseKind;

/// The node's minimum stake now. A worker with a positive S(n) needs the IFX price, read from
/// `price_account` under the configured source's rules.
pub fn required_stake(
    config: &StakingConfig,
    node: &Node,
    price_account: &AccountInfo,
    now: i64,
) -> Result<u64> {
    match node.kind {
        LicenseKind::Worker if node.ib_micros == 0 => Ok(0),
        LicenseKind::Worker => {
            let price = ifx_price(config, price_account, now)?;
            node.minimum_stake(&config.params, &price, config.ifx_decimals)
        }
        LicenseKind::Verifier => Ok(config.params.verifier_min_stake),
    }
}

/// Re-evaluates `node` against `required`, emitting an event when its status changes.
pub fn apply_status(node: &mut Node, node_key: Pubkey, required: u64, now: i64) {
    if node.evaluate(required, now) {
        emit_event!(NodeStatusChanged {
            node: node_key,
            status: node.status,
            stake: node.stake,
            required_stake: required,
        });
    }
}

/// `required_stake` then `apply_status`.
pub fn reevaluate(
    config: &StakingConfig,
    node: &mut Node,
    node_key: Pubkey,
    price_account: &AccountInfo,
    now: i64,
) -> Result<()> {
    let required = required_stake(config, node, price_account, now)?;
    apply_status(node, node_key, required, now);
    Ok(())
}
