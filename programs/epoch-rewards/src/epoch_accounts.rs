//! Opening the current epoch's account on first use, and the vault signer.

use crate::errors::RewardsError;
use crate::events::EpochOpened;
use crate::state::{Epoch, RewardsConfig};
use anchor_lang::prelude::*;
use inferix_common::emit_event;
use inferix_common::seeds;
use inferix_common::token::VaultTransfer;

/// Checks that `index` is the epoch running at `now`, and fills in a freshly created epoch
/// account with its bounds.
pub fn open_current_epoch(
    config: &RewardsConfig,
    epoch: &mut Account<Epoch>,
    index: u32,
    bump: u8,
    now: i64,
) -> Result<()> {
    require!(
        config.schedule.epoch_at(now)? == index,
        RewardsError::EpochClosed
    );
    if epoch.end_ts == 0 {
        let (start_ts, end_ts) = config.schedule.bounds(index)?;
        epoch.index = index;
        epoch.start_ts = start_ts;
        epoch.end_ts = end_ts;
        epoch.bump = bump;
        emit_event!(EpochOpened {
            epoch: index,
            start_ts,
            end_ts,
        });
    }
    Ok(())
}

/// Moves `amount` out of one of the config-owned vaults (reward, penalty inflow, vesting).
pub fn from_config_vault<'info>(
    transfer: VaultTransfer<'_, 'info>,
    config: &Account<'info, RewardsConfig>,
    amount: u64,
) -> Result<()> {
    let bump = [config.bump];
    let signer_seeds: &[&[&[u8]]] = &[&[seeds::REWARDS_CONFIG, &bump]];
    transfer.send(config.to_account_info(), signer_seeds, amount)
}
