use crate::state::{NodeStatus, StakingParams};
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub ifx_mint: Pubkey,
    pub managers: Vec<Pubkey>,
    pub params: StakingParams,
}

#[event]
pub struct ManagerAdded {
    pub manager: Pubkey,
}

#[event]
pub struct ManagerRemoved {
    pub manager: Pubkey,
}

#[event]
pub struct ConfigUpdated {
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    pub params: StakingParams,
}

#[event]
pub struct AdminProposed {
    pub admin: Pubkey,
    pub proposed: Pubkey,
}

#[event]
pub struct AdminAccepted {
    pub previous: Pubkey,
    pub admin: Pubkey,
}

#[event]
pub struct PauseSet {
    pub paused: bool,
    pub by: Pubkey,
}

#[event]
pub struct PricePushed {
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
}

#[event]
pub struct NodeRegistered {
    pub node: Pubkey,
    pub license_mint: Pubkey,
    pub owner: Pubkey,
    pub operator: Pubkey,
    pub kind: node_license::state::LicenseKind,
    pub price_per_ibm_usd_micros: u64,
}

#[event]
pub struct NodeUpdated {
    pub node: Pubkey,
    pub operator: Pubkey,
    pub price_per_ibm_usd_micros: u64,
    pub deactivated: bool,
}

#[event]
pub struct NodeStatusChanged {
    pub node: Pubkey,
    pub status: NodeStatus,
    pub stake: u64,
    pub required_stake: u64,
}

#[event]
pub struct Staked {
    pub node: Pubkey,
    pub staker: Pubkey,
    pub amount: u64,
    pub stake: u64,
}

#[event]
pub struct UnbondingStarted {
    pub node: Pubkey,
    pub ticket: Pubkey,
    pub staker: Pubkey,
    pub amount: u64,
    pub shares: u64,
    pub release_at: i64,
}

#[event]
pub struct Withdrawn {
    pub node: Pubkey,
    pub ticket: Pubkey,
    pub staker: Pubkey,
    pub amount: u64,
}

#[event]
pub struct IbUpdated {
    pub node: Pubkey,
    pub previous_ib_micros: u64,
    pub ib_micros: u64,
    pub scene_set_hash: [u8; 32],
    pub manager: Pubkey,
    pub verifiers: Vec<Pubkey>,
}

#[event]
pub struct NodeSlashed {
    pub node: Pubkey,
    pub slash: Pubkey,
    /// Whose stake it took (the owner during `era`).
    pub staker: Pubkey,
    pub era: u32,
    pub kind: u8,
    pub epoch: u32,
    pub evidence_hash: [u8; 32],
    pub from_stake: u64,
    pub from_unbonding: u64,
    pub strikes: u8,
    pub blacklisted: bool,
    pub manager: Pubkey,
    pub verifiers: Vec<Pubkey>,
}

#[event]
pub struct SlashReversed {
    pub node: Pubkey,
    pub slash: Pubkey,
    pub staker: Pubkey,
    pub amount: u64,
    /// Paid straight to the staker's token account: none of their tickets was left to take it.
    pub paid_to_staker: bool,
    pub strikes: u8,
    pub blacklisted: bool,
}

#[event]
pub struct PenaltyReleased {
    pub slash: Pubkey,
    pub amount: u64,
    pub verifier_pool: Pubkey,
}

#[event]
pub struct NodeBlacklisted {
    pub node: Pubkey,
    pub by_admin: bool,
}

#[event]
pub struct BlacklistReversed {
    pub node: Pubkey,
}

#[event]
pub struct NodeTakenOver {
    pub node: Pubkey,
    pub previous_owner: Pubkey,
    pub owner: Pubkey,
    /// The ticket returning the previous owner's stake, if it had any.
    pub unbonding_ticket: Option<Pubkey>,
    /// The previous owner's sealed era, which now holds their unbonding pool.
    pub stake_era: Pubkey,
}

#[event]
pub struct NodeRetired {
    pub node: Pubkey,
    pub unbonding_ticket: Option<Pubkey>,
}
