use crate::errors::StakingError;
use crate::state::{StakingParams, UnbondingPool, FIRST_TAKE_OVER_TICKET_ID, RETIREMENT_TICKET_ID};
use anchor_lang::prelude::*;
use inferix_common::math::{bps_floor, checked_add};
use inferix_common::price::UsdPrice;
use inferix_common::stake::min_stake_ifx;
use node_license::state::LicenseKind;

#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    /// A worker that has no benchmarked IB yet.
    Pending,
    /// Stake covers the minimum; the node can be credited.
    Active,
    /// Below its minimum stake, deactivated by its owner, or blacklisted.
    Inactive,
    /// Bought back or otherwise ended; its stake is unbonding to its staker.
    Retired,
}

/// A worker or verifier node bound to one license, at `[NODE, license_mint]`. It exists for the
/// license's whole life, so a blacklist can never be escaped by registering again.
#[account]
#[derive(InitSpace)]
pub struct Node {
    pub license_mint: Pubkey,
    pub kind: LicenseKind,
    /// The license holder, who stakes and receives rewards.
    pub owner: Pubkey,
    /// Hot key of the machine that signs attestations.
    pub operator: Pubkey,
    /// Workers: micro-USD per IBM.
    pub price_per_ibm_usd_micros: u64,
    pub ib_micros: u64,
    /// `issued_at` of the last accepted benchmark (older ones are replays).
    pub last_benchmark_at: i64,
    pub status: NodeStatus,
    /// Set by the owner to leave the active set (and unstake below the minimum).
    pub deactivated: bool,
    pub blacklisted: bool,
    pub blacklisted_at: i64,
    pub strikes: u8,
    /// Active stake, IFX base units.
    pub stake: u64,
    /// The current owner's unbonding IFX (still slashable).
    pub unbonding: UnbondingPool,
    /// The stake era: 0 at registration, one more at each take-over, which seals the previous
    /// owner's pool into a `StakeEra` account.
    pub era: u32,
    pub era_started_at: i64,
    /// IFX of all sealed eras' pools, still in the node's vault until their tickets withdraw it.
    pub sealed_unbonding: u64,
    pub next_ticket_id: u64,
    /// The ticket id the next take-over gives the previous owner's stake: fixed per hand-over,
    /// counting down from `FIRST_TAKE_OVER_TICKET_ID` (SPEC §10 item 6).
    pub next_take_over_ticket_id: u64,
    /// Minimum stake in IFX at the last evaluation.
    pub required_stake: u64,
    pub registered_at: i64,
    pub status_updated_at: i64,
    pub bump: u8,
    pub vault_bump: u8,
}

impl Node {
    /// The node's minimum stake in IFX: for a worker S(n) at `ifx_price` with its price per IBM
    /// raised to the governance floor, and never below the flat worker minimum (SPEC §10 item 9);
    /// the flat minimum for a verifier.
    pub fn minimum_stake(
        &self,
        params: &StakingParams,
        ifx_price: &UsdPrice,
        ifx_decimals: u8,
    ) -> Result<u64> {
        match self.kind {
            LicenseKind::Worker => Ok(min_stake_ifx(
                params.stake_multiplier,
                params.epoch_minutes,
                self.ib_micros,
                self.price_per_ibm_usd_micros
                    .max(params.min_price_per_ibm_usd_micros),
                ifx_price,
                ifx_decimals,
            )?
            .max(params.worker_min_stake)),
            LicenseKind::Verifier => Ok(params.verifier_min_stake),
        }
    }

    /// Re-evaluates the status against `required_stake`; returns true when it changed.
    pub fn evaluate(&mut self, required_stake: u64, now: i64) -> bool {
        let status = if self.status == NodeStatus::Retired {
            NodeStatus::Retired
        } else if self.blacklisted || self.deactivated {
            NodeStatus::Inactive
        } else if self.kind == LicenseKind::Worker && self.ib_micros == 0 {
            NodeStatus::Pending
        } else if self.stake >= required_stake {
            NodeStatus::Active
        } else {
            NodeStatus::Inactive
        };
        self.required_stake = required_stake;
        self.status_updated_at = now;
        let changed = status != self.status;
        self.status = status;
        changed
    }

    /// Every id a ticket of this node can have: unstaking tickets, take-over tickets and the
    /// retirement ticket.
    pub fn ticket_ids(&self) -> impl Iterator<Item = u64> {
        let retired = self.status == NodeStatus::Retired;
        (0..self.next_ticket_id)
            .chain(self.next_take_over_ticket_id.saturating_add(1)..=FIRST_TAKE_OVER_TICKET_ID)
            .chain(retired.then_some(RETIREMENT_TICKET_ID))
    }

    pub fn is_active(&self) -> bool {
        self.status == NodeStatus::Active
    }

    /// Moves `amount` of active stake into the unbonding pool; returns the ticket's shares.
    pub fn start_unbonding(&mut self, amount: u64) -> Result<u64> {
        require!(amount <= self.stake, StakingError::InsufficientStake);
        let shares = self.unbonding.join(amount)?;
        self.stake -= amount;
        Ok(shares)
    }

    /// Takes `bps` of the active stake and of the current unbonding pool; returns both parts.
    pub fn slash(&mut self, bps: u16) -> Result<(u64, u64)> {
        let from_stake = bps_floor(self.stake, bps)?;
        self.stake -= from_stake;
        Ok((from_stake, self.unbonding.slash(bps)?))
    }

    /// Gives a reversed slash of the current era back exactly; false when it cannot stay in the
    /// node (retired with every ticket withdrawn) and must be paid to the staker. If only the
    /// tickets are gone, the unbonding part joins the active stake of the same owner.
    pub fn restore(&mut self, from_stake: u64, from_unbonding: u64) -> Result<bool> {
        let total = checked_add(from_stake, from_unbonding)?;
        if self.status == NodeStatus::Retired {
            // A retired node's stake can only leave through its tickets.
            return self.unbonding.restore(total);
        }
        if self.unbonding.restore(from_unbonding)? {
            self.stake = checked_add(self.stake, from_stake)?;
        } else {
            self.stake = checked_add(self.stake, total)?;
        }
        Ok(true)
    }

    /// IFX the node's stake vault must hold.
    pub fn vault_balance(&self) -> u64 {
        self.stake + self.unbonding.amount + self.sealed_unbonding
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn node(kind: LicenseKind, stake: u64) -> Node {
        Node {
            license_mint: Pubkey::default(),
            kind,
            owner: Pubkey::default(),
            operator: Pubkey::default(),
            price_per_ibm_usd_micros: 40_000,
            ib_micros: 500_000,
            last_benchmark_at: 0,
            status: NodeStatus::Pending,
            deactivated: false,
            blacklisted: false,
            blacklisted_at: 0,
            strikes: 0,
            stake,
            unbonding: UnbondingPool::default(),
            era: 0,
            era_started_at: 0,
            sealed_unbonding: 0,
            next_ticket_id: 0,
            next_take_over_ticket_id: FIRST_TAKE_OVER_TICKET_ID,
            required_stake: 0,
            registered_at: 0,
            status_updated_at: 0,
            bump: 0,
            vault_bump: 0,
        }
    }

    #[test]
    fn status_follows_stake_ib_and_flags() {
        let mut n = node(LicenseKind::Worker, 100);
        assert!(n.evaluate(100, 1));
        assert_eq!(n.status, NodeStatus::Active);
        assert!(n.evaluate(101, 2));
        assert_eq!(n.status, NodeStatus::Inactive);
        n.ib_micros = 0;
        n.evaluate(0, 3);
        assert_eq!(n.status, NodeStatus::Pending, "an unbenchmarked worker");
        n.ib_micros = 1;
        n.deactivated = true;
        n.evaluate(0, 4);
        assert_eq!(n.status, NodeStatus::Inactive);
        n.status = NodeStatus::Retired;
        n.deactivated = false;
        n.evaluate(0, 5);
        assert_eq!(n.status, NodeStatus::Retired, "retirement is final");
    }

    #[test]
    fn a_worker_minimum_never_falls_below_the_floors() {
        use crate::state::staking_config::tests::default_params;
        let params = default_params();
        let price = UsdPrice {
            price: 5,
            conf: 0,
            exponent: -2,
            publish_time: 0,
        };
        let mut n = node(LicenseKind::Worker, 0);
        n.ib_micros = 1_000_000;
        // $0.04 per IBM, 1 IB, $0.05 per IFX: S(n) = 2 × 4,320 × 0.04 / 0.05 = 6,912 IFX.
        n.price_per_ibm_usd_micros = 40_000;
        assert_eq!(
            n.minimum_stake(&params, &price, 9).unwrap(),
            6_912_000_000_000
        );
        // A price of 1 micro-USD is computed at the $0.01 floor (1,728 IFX), and a tiny IB
        // meets the flat 1,000 IFX.
        n.price_per_ibm_usd_micros = 1;
        assert_eq!(
            n.minimum_stake(&params, &price, 9).unwrap(),
            1_728_000_000_000
        );
        n.ib_micros = 1_000;
        assert_eq!(
            n.minimum_stake(&params, &price, 9).unwrap(),
            params.worker_min_stake
        );
    }

    #[test]
    fn slashes_take_the_stake_and_the_pool_alike() {
        let mut n = node(LicenseKind::Verifier, 1_000);
        n.start_unbonding(400).unwrap();
        assert_eq!(n.slash(1_000).unwrap(), (60, 40));
        assert_eq!(
            (n.stake, n.unbonding.amount, n.vault_balance()),
            (540, 360, 900)
        );
    }

    #[test]
    fn restore_returns_a_slash_exactly() {
        let mut n = node(LicenseKind::Verifier, 1_000);
        n.start_unbonding(500).unwrap();
        let before = (n.stake, n.unbonding);
        let (s, u) = n.slash(1_000).unwrap();
        assert!(n.restore(s, u).unwrap());
        assert_eq!((n.stake, n.unbonding), before);
        // With the pool withdrawn meanwhile, the unbonding part returns to the stake.
        let (s, u) = n.slash(1_000).unwrap();
        let shares = n.unbonding.shares;
        n.unbonding.redeem(shares).unwrap();
        let stake = n.stake;
        assert!(n.restore(s, u).unwrap());
        assert_eq!(n.stake, stake + s + u);
    }

    #[test]
    fn a_retired_node_restores_only_into_its_tickets() {
        let mut n = node(LicenseKind::Worker, 1_000);
        let shares = n.start_unbonding(1_000).unwrap();
        n.status = NodeStatus::Retired;
        let (s, u) = n.slash(1_000).unwrap();
        assert_eq!((s, u), (0, 100));
        assert!(n.restore(s, u).unwrap());
        assert_eq!(n.unbonding.redeem(shares).unwrap(), 1_000);
        assert!(
            !n.restore(0, 7).unwrap(),
            "no ticket left: the staker is paid"
        );
        assert_eq!((n.stake, n.vault_balance()), (0, 0));
    }

    #[test]
    fn unbonding_refuses_nonsense() {
        let mut n = node(LicenseKind::Verifier, 10);
        assert!(n.start_unbonding(0).is_err());
        assert!(n.start_unbonding(11).is_err());
    }
}
