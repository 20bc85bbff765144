use crate::state::BuybackConfig;
use anchor_lang::prelude::*;
use inferix_common::seeds;

/// The accounts of every instruction that changes only the config.
#[derive(Accounts)]
pub struct ConfigAdmin<'info> {
    pub authority: Signer<'info>,
    #[account(mut, seeds = [seeds::BUYBACK_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, BuybackConfig>>,
}
