use crate::errors::StakingError;
use crate::state::{StakingParams, FIRST_TAKE_OVER_TICKET_ID, RETIREMENT_TICKET_ID};
use anchor_lang::prelude::*;
use inferix_common::math::{bps_floor, checked_add, checked_sub, mul_div_floor};
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
    /// IFX in the unbonding pool (still slashable), shared by tickets in proportion to shares.
    pub unbonding_amount: u64,
    pub unbonding_shares: u64,
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
        require!(amount > 0, StakingError::ZeroAmount);
        require!(amount <= self.stake, StakingError::InsufficientStake);
        let shares = if self.unbonding_shares == 0 {
            amount
        } else {
            mul_div_floor(amount, self.unbonding_shares, self.unbonding_amount)?
        };
        require!(shares > 0, StakingError::UnbondingTooSmall);
        self.stake -= amount;
        self.unbonding_amount = checked_add(self.unbonding_amount, amount)?;
        self.unbonding_shares = checked_add(self.unbonding_shares, shares)?;
        Ok(shares)
    }

    /// Redeems `shares` of the unbonding pool; the last shares take whatever remains, so the pool
    /// empties exactly.
    pub fn finish_unbonding(&mut self, shares: u64) -> Result<u64> {
        let amount = if shares == self.unbonding_shares {
            self.unbonding_amount
        } else {
            mul_div_floor(shares, self.unbonding_amount, self.unbonding_shares)?
        };
        self.unbonding_shares = checked_sub(self.unbonding_shares, shares)?;
        self.unbonding_amount = checked_sub(self.unbonding_amount, amount)?;
        Ok(amount)
    }

    /// Takes `bps` of the active stake and of the unbonding pool; returns both parts.
    pub fn slash(&mut self, bps: u16) -> Result<(u64, u64)> {
        let from_stake = bps_floor(self.stake, bps)?;
        let from_unbonding = bps_floor(self.unbonding_amount, bps)?;
        self.stake -= from_stake;
        self.unbonding_amount -= from_unbonding;
        Ok((from_stake, from_unbonding))
    }

    /// Gives a reversed slash back exactly. If every ticket was withdrawn meanwhile, the
    /// unbonding part has no pool to return to and joins the active stake of the owner.
    pub fn restore(&mut self, from_stake: u64, from_unbonding: u64) -> Result<()> {
        if self.unbonding_shares == 0 {
            self.stake = checked_add(self.stake, checked_add(from_stake, from_unbonding)?)?;
        } else {
            self.stake = checked_add(self.stake, from_stake)?;
            self.unbonding_amount = checked_add(self.unbonding_amount, from_unbonding)?;
        }
        Ok(())
    }

    /// IFX the node's stake vault must hold.
    pub fn vault_balance(&self) -> u64 {
        self.stake + self.unbonding_amount
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
            unbonding_amount: 0,
            unbonding_shares: 0,
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
    fn unbonding_shares_absorb_slashes_and_empty_exactly() {
        let mut n = node(LicenseKind::Verifier, 1_000);
        let a = n.start_unbonding(300).unwrap();
        let b = n.start_unbonding(100).unwrap();
        assert_eq!((a, b, n.stake, n.unbonding_amount), (300, 100, 600, 400));
        // A 10 % slash takes 60 of the stake and 40 of the pool.
        assert_eq!(n.slash(1_000).unwrap(), (60, 40));
        // A ticket opened after the slash buys shares at the new rate (360 for 400 shares).
        let c = n.start_unbonding(90).unwrap();
        assert_eq!(c, 100);
        assert_eq!(n.finish_unbonding(a).unwrap(), 270);
        assert_eq!(n.finish_unbonding(b).unwrap(), 90);
        assert_eq!(n.finish_unbonding(c).unwrap(), 90);
        assert_eq!((n.unbonding_amount, n.unbonding_shares), (0, 0));
        assert_eq!(n.stake, 450);
    }

    #[test]
    fn restore_returns_a_slash_exactly() {
        let mut n = node(LicenseKind::Verifier, 1_000);
        n.start_unbonding(500).unwrap();
        let before = (n.stake, n.unbonding_amount);
        let (s, u) = n.slash(1_000).unwrap();
        n.restore(s, u).unwrap();
        assert_eq!((n.stake, n.unbonding_amount), before);
        // With the pool withdrawn meanwhile, the unbonding part returns to the stake.
        let (s, u) = n.slash(1_000).unwrap();
        let shares = n.unbonding_shares;
        n.finish_unbonding(shares).unwrap();
        let stake = n.stake;
        n.restore(s, u).unwrap();
        assert_eq!(n.stake, stake + s + u);
    }

    #[test]
    fn unbonding_refuses_nonsense() {
        let mut n = node(LicenseKind::Verifier, 10);
        assert!(n.start_unbonding(0).is_err());
        assert!(n.start_unbonding(11).is_err());
    }
}
