use crate::state::RewardsParams;
use anchor_lang::prelude::*;
use inferix_common::epoch::EpochSchedule;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub ifx_mint: Pubkey,
    pub schedule: EpochSchedule,
    pub managers: Vec<Pubkey>,
    pub params: RewardsParams,
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
pub struct ParamsUpdated {
    pub params: RewardsParams,
}

#[event]
pub struct EpochLengthChanged {
    pub schedule: EpochSchedule,
}

#[event]
pub struct ClawbackDateSet {
    pub clawback_at: i64,
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
pub struct EpochOpened {
    pub epoch: u32,
    pub start_ts: i64,
    pub end_ts: i64,
}

#[event]
pub struct VerifierEpochOpened {
    pub epoch: u32,
    pub verifier: Pubkey,
}

#[event]
pub struct AttestationAccepted {
    pub epoch: u32,
    pub node: Pubkey,
    pub seq: u32,
    pub cumulative_ibm_micros: u64,
    pub credited_ibm_micros: u64,
    pub jobs_verified: u32,
    pub work_root: [u8; 32],
    pub manager: Pubkey,
    pub verifiers: Vec<Pubkey>,
    pub participated: bool,
}

#[event]
pub struct EpochFinalized {
    pub epoch: u32,
    pub total_ibm_micros: u64,
    pub worker_reward: u64,
    pub verifier_reward: u64,
    pub penalties_included: u64,
}

#[event]
pub struct RewardClaimed {
    pub epoch: u32,
    pub node: Pubkey,
    /// The license holder, or the seller of a bought-back node.
    pub recipient: Pubkey,
    pub verifier: bool,
    pub amount: u64,
    pub immediate: u64,
    pub vesting: u64,
}

#[event]
pub struct VestedWithdrawn {
    pub beneficiary: Pubkey,
    pub epoch: u32,
    pub amount: u64,
    pub withdrawn: u64,
    pub total: u64,
}

#[event]
pub struct EpochClawedBack {
    pub epoch: u32,
    pub amount: u64,
}
