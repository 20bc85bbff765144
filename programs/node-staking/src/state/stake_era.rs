use crate::errors::StakingError;
use crate::state::UnbondingPool;
use anchor_lang::prelude::*;

/// One owner's time holding a node, sealed by the take-over that ended it, at
/// `[STAKE_ERA, node, era]`. It keeps that owner's unbonding pool apart from the node's: only
/// violations issued while it ran can slash it, its tickets are withdrawn from it, and a reversed
/// slash of that time returns to it (SPEC §10 item 4).
#[account]
#[derive(InitSpace)]
pub struct StakeEra {
    pub node: Pubkey,
    pub era: u32,
    /// The owner during the era, whose tickets the pool backs.
    pub staker: Pubkey,
    pub started_at: i64,
    pub sealed_at: i64,
    pub unbonding: UnbondingPool,
    pub bump: u8,
}

impl StakeEra {
    /// Whether a message issued at `issued_at` belongs to this era.
    pub fn covers(&self, issued_at: i64) -> bool {
        self.started_at <= issued_at && issued_at < self.sealed_at
    }

    /// The sealed era an instruction concerns, from its optional account: required
    /// (`StakeEraRequired`) and the right one (`WrongStakeEra`).
    pub fn required<'a>(
        account: &'a mut Option<Box<Account<'_, StakeEra>>>,
        is_right: impl FnOnce(&StakeEra) -> bool,
    ) -> Result<&'a mut StakeEra> {
        let era: &mut StakeEra = account
            .as_deref_mut()
            .ok_or(StakingError::StakeEraRequired)?;
        require!(is_right(era), StakingError::WrongStakeEra);
        Ok(era)
    }
}
