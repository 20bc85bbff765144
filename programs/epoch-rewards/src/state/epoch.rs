use anchor_lang::prelude::*;
use inferix_common::math::{checked_add, mul_div_floor};
use inferix_common::units::MICROS_PER_UNIT;

/// One epoch, at `[EPOCH, index]`: its totals while open, its rewards once finalized.
#[account]
#[derive(InitSpace)]
pub struct Epoch {
    pub index: u32,
    pub start_ts: i64,
    pub end_ts: i64,
    pub total_ibm_micros: u64,
    /// Sum over verifiers of the IBM each co-signed.
    pub total_verifier_credits: u64,
    pub finalized: bool,
    pub worker_reward: u64,
    pub verifier_reward: u64,
    /// Of `verifier_reward`, the matured penalties swept in at finalization.
    pub penalties_included: u64,
    pub worker_claimed: u64,
    pub verifier_claimed: u64,
    pub clawed_back: bool,
    pub bump: u8,
}

/// `R = min(total IBM × emission per IBM, worker cap, funds available)`, rounded down.
pub fn worker_reward(
    total_ibm_micros: u64,
    emission_per_ibm: u64,
    worker_cap: u64,
    available: u64,
) -> Result<u64> {
    let emitted = mul_div_floor(total_ibm_micros, emission_per_ibm, MICROS_PER_UNIT)?;
    Ok(emitted.min(worker_cap).min(available))
}

/// What finalizing an epoch should be able to pay: its emission up to the worker cap, plus the
/// verifier cap when some verifier earned credits.
pub fn rewards_due(
    total_ibm_micros: u64,
    total_verifier_credits: u64,
    emission_per_ibm: u64,
    worker_cap: u64,
    verifier_cap: u64,
) -> Result<u64> {
    let worker = worker_reward(total_ibm_micros, emission_per_ibm, worker_cap, u64::MAX)?;
    let verifier = if total_verifier_credits > 0 {
        verifier_cap
    } else {
        0
    };
    checked_add(worker, verifier)
}

/// Whether an epoch may be finalized at `now` with `available` funds (SPEC §10 item 7): at once
/// when they cover `due`, otherwise only after `funding_deadline` — so nobody can fix an epoch's
/// rewards near zero by finalizing against an almost empty vault.
pub fn funding_allows_finalization(
    available: u64,
    due: u64,
    now: i64,
    funding_deadline: i64,
) -> bool {
    available >= due || now >= funding_deadline
}

/// A claimant's share `floor(reward × part / total)`; 0 when nobody earned anything.
pub fn pro_rata(reward: u64, part: u64, total: u64) -> Result<u64> {
    if total == 0 {
        return Ok(0);
    }
    mul_div_floor(reward, part, total)
}

impl Epoch {
    /// Rewards of this epoch not yet claimed.
    pub fn unclaimed(&self) -> u64 {
        (self.worker_reward - self.worker_claimed) + (self.verifier_reward - self.verifier_claimed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::*;

    #[test]
    fn an_underfunded_epoch_waits_for_funding_until_its_deadline() {
        let ibm = 1_000 * MICROS_PER_UNIT;
        let due = rewards_due(
            ibm,
            1,
            DEFAULT_EMISSION_PER_IBM,
            DEFAULT_WORKER_EPOCH_CAP,
            7,
        )
        .unwrap();
        assert_eq!(due, 210 * IFX + 7);
        assert_eq!(
            rewards_due(
                ibm,
                0,
                DEFAULT_EMISSION_PER_IBM,
                DEFAULT_WORKER_EPOCH_CAP,
                7
            )
            .unwrap(),
            210 * IFX,
            "no verifier credits, no verifier cap"
        );
        assert!(funding_allows_finalization(due, due, 0, 100));
        assert!(!funding_allows_finalization(due - 1, due, 99, 100));
        assert!(funding_allows_finalization(due - 1, due, 100, 100));
    }

    #[test]
    fn the_three_regimes_of_r() {
        // Emission-bound: 1,000,000 IBM × 0.21 IFX = 210,000 IFX < cap and funds.
        let ibm = 1_000_000 * MICROS_PER_UNIT;
        assert_eq!(
            worker_reward(
                ibm,
                DEFAULT_EMISSION_PER_IBM,
                DEFAULT_WORKER_EPOCH_CAP,
                u64::MAX
            )
            .unwrap(),
            210_000 * IFX
        );
        // Cap-bound: 10,000,000 IBM would emit 2.1 M IFX; the cap is 770,000.
        let ibm = 10_000_000 * MICROS_PER_UNIT;
        assert_eq!(
            worker_reward(
                ibm,
                DEFAULT_EMISSION_PER_IBM,
                DEFAULT_WORKER_EPOCH_CAP,
                u64::MAX
            )
            .unwrap(),
            DEFAULT_WORKER_EPOCH_CAP
        );
        // Funds-bound: only 5,000 IFX available.
        assert_eq!(
            worker_reward(
                ibm,
                DEFAULT_EMISSION_PER_IBM,
                DEFAULT_WORKER_EPOCH_CAP,
                5_000 * IFX
            )
            .unwrap(),
            5_000 * IFX
        );
        // Rounds down: 1 micro-IBM emits 210 base units exactly, 1/3 of that rounds down.
        assert_eq!(
            worker_reward(1, DEFAULT_EMISSION_PER_IBM, u64::MAX, u64::MAX).unwrap(),
            210
        );
        assert_eq!(worker_reward(1, 1, u64::MAX, u64::MAX).unwrap(), 0);
    }

    #[test]
    fn shares_sum_to_at_most_r_with_dust_below_the_claimant_count() {
        let reward = 1_000_003;
        let parts = [1u64, 2, 3, 5, 8, 13, 21];
        let total: u64 = parts.iter().sum();
        let paid: u64 = parts
            .iter()
            .map(|p| pro_rata(reward, *p, total).unwrap())
            .sum();
        assert!(paid <= reward);
        assert!(reward - paid < parts.len() as u64);
        assert_eq!(pro_rata(reward, 1, 0).unwrap(), 0);
    }
}
