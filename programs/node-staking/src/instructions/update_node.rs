use crate::errors::StakingError;
use crate::events::NodeUpdated;
use crate::instructions::node_owner::*;
use crate::node_status::reevaluate;
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use node_license::state::LicenseKind;

/// Each `Some` replaces the current value.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Default)]
pub struct UpdateNodeArgs {
    pub operator: Option<Pubkey>,
    pub price_per_ibm_usd_micros: Option<u64>,
    /// `true` leaves the active set (so the stake may go below the minimum); `false` rejoins it.
    pub deactivated: Option<bool>,
}

/// The owner sets the operator key, the price per IBM (which moves S(n)), or deactivates.
pub fn handler(mut ctx: Context<NodeOwner>, args: UpdateNodeArgs) -> Result<()> {
    let accounts = &mut ctx.accounts;
    let price_floor = accounts.config.params.min_price_per_ibm_usd_micros;
    let node = &mut accounts.node;
    if let Some(price) = args.price_per_ibm_usd_micros {
        require!(node.kind == LicenseKind::Worker, StakingError::NotAWorker);
        require!(price >= price_floor, StakingError::InvalidNodePrice);
        node.price_per_ibm_usd_micros = price;
    }
    if let Some(operator) = args.operator {
        node.operator = operator;
    }
    if let Some(deactivated) = args.deactivated {
        node.deactivated = deactivated;
    }
    let node_key = node.key();
    reevaluate(
        &accounts.config,
        node,
        node_key,
        &accounts.price,
        Clock::get()?.unix_timestamp,
    )?;
    emit_event!(NodeUpdated {
        node: node_key,
        operator: node.operator,
        price_per_ibm_usd_micros: node.price_per_ibm_usd_micros,
        deactivated: node.deactivated,
    });
    Ok(())
}
