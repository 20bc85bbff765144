use crate::constants::{MAX_TIERS, MAX_URI_LEN};
use crate::errors::LicenseError;
use anchor_lang::prelude::*;
use inferix_common::math::{bps_floor, checked_add, checked_sub};

#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseKind {
    Worker,
    Verifier,
}

impl LicenseKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Worker => "worker",
            Self::Verifier => "verifier",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Worker => "Worker",
            Self::Verifier => "Verifier",
        }
    }
}

/// The sale's windows: `[whitelist_start, whitelist_end)` then `[public_start, public_end)`.
/// An empty whitelist window (start = end) means a public-only sale.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaleSchedule {
    pub whitelist_start: i64,
    pub whitelist_end: i64,
    pub public_start: i64,
    pub public_end: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalePhase {
    Whitelist,
    Public,
}

impl SaleSchedule {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.whitelist_start <= self.whitelist_end
                && self.whitelist_end <= self.public_start
                && self.public_start < self.public_end,
            LicenseError::InvalidSchedule
        );
        Ok(())
    }

    /// The phase at `now`, `None` outside both windows.
    pub fn phase(&self, now: i64) -> Option<SalePhase> {
        if (self.whitelist_start..self.whitelist_end).contains(&now) {
            Some(SalePhase::Whitelist)
        } else if (self.public_start..self.public_end).contains(&now) {
            Some(SalePhase::Public)
        } else {
            None
        }
    }

    /// Checks a schedule change at `now`: a window that has started keeps its times, a changed
    /// time is not in the past, and the result is a valid schedule.
    pub fn validate_change_to(&self, new: &SaleSchedule, now: i64) -> Result<()> {
        // A changed time is refused once its window has started, or when it lies in the past.
        let refused = |started: bool, old: i64, new: i64| old != new && (started || new < now);
        let whitelist_started = now >= self.whitelist_start;
        let public_started = now >= self.public_start;
        require!(
            !refused(whitelist_started, self.whitelist_start, new.whitelist_start)
                && !refused(whitelist_started, self.whitelist_end, new.whitelist_end)
                && !refused(public_started, self.public_start, new.public_start)
                && !refused(public_started, self.public_end, new.public_end),
            LicenseError::ScheduleAlreadyStarted
        );
        new.validate()
    }
}

/// One price level of a sale.
#[derive(
    AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq,
)]
pub struct Tier {
    pub price_usd: u64,
    pub supply: u32,
    pub sold: u32,
    /// Of the supply, how many may sell in the whitelist window.
    pub whitelist_allocation: u32,
    pub whitelist_sold: u32,
    /// Most licenses of this tier one wallet may buy, over both windows; 0 = no cap.
    pub wallet_cap: u32,
    /// Root of the whitelist Merkle tree; all zero = no whitelist for this tier.
    pub whitelist_root: [u8; 32],
}

/// A tier as the admin defines it.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierParams {
    pub price_usd: u64,
    pub supply: u32,
    pub whitelist_allocation: u32,
    pub wallet_cap: u32,
}

impl TierParams {
    pub fn into_tier(self) -> Result<Tier> {
        require!(
            self.price_usd > 0 && self.supply > 0 && self.whitelist_allocation <= self.supply,
            LicenseError::InvalidTier
        );
        Ok(Tier {
            price_usd: self.price_usd,
            supply: self.supply,
            whitelist_allocation: self.whitelist_allocation,
            wallet_cap: self.wallet_cap,
            ..Tier::default()
        })
    }
}

/// What one purchase costs and pays out, in micro-USD. Discount and commission round down, so
/// the treasury never receives less than `price − discount − commission` of the list price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceQuote {
    pub list_price_usd: u64,
    pub discount_usd: u64,
    pub commission_usd: u64,
    /// What the buyer pays: list price − discount.
    pub price_paid_usd: u64,
}

impl PriceQuote {
    pub fn new(list_price_usd: u64, discount_bps: u16, commission_bps: u16) -> Result<Self> {
        crate::state::validate_referral_rates(discount_bps, commission_bps)?;
        let discount_usd = bps_floor(list_price_usd, discount_bps)?;
        let commission_usd = bps_floor(list_price_usd, commission_bps)?;
        Ok(Self {
            list_price_usd,
            discount_usd,
            commission_usd,
            price_paid_usd: checked_sub(list_price_usd, discount_usd)?,
        })
    }
}

/// A sale of one license kind, at `[SALE, sale_id]`; its totals are the on-chain sale report.
#[account]
#[derive(InitSpace)]
pub struct Sale {
    pub sale_id: u32,
    pub kind: LicenseKind,
    pub payment_mint: Pubkey,
    pub payment_token_program: Pubkey,
    /// Token account of the payment mint that receives the proceeds.
    pub treasury: Pubkey,
    pub schedule: SaleSchedule,
    pub tier_count: u8,
    /// Highest tier number buyers can buy from (1-based).
    pub highest_open_tier: u8,
    pub tiers: [Tier; MAX_TIERS],
    pub airdrop_allocation: u32,
    pub airdropped: u32,
    /// Serial of the next license minted from this sale, from 1.
    pub next_serial: u32,
    /// Licenses sold (airdrops excluded).
    pub sold: u32,
    /// Sum of list prices of sold licenses.
    pub gross_usd: u64,
    /// Sum of what buyers paid (gross − discounts).
    pub paid_usd: u64,
    pub discounts_usd: u64,
    /// Paid to referrers and partners; the treasury received `paid_usd − commissions_usd`.
    pub commissions_usd: u64,
    #[max_len(MAX_URI_LEN)]
    pub metadata_uri: String,
    pub bump: u8,
}

impl Sale {
    /// The tier with 1-based number `tier`.
    pub fn tier(&self, tier: u8) -> Result<&Tier> {
        require!(
            tier >= 1 && tier <= self.tier_count,
            LicenseError::UnknownTier
        );
        Ok(&self.tiers[tier as usize - 1])
    }

    /// Checks that one more license of `tier` may sell in `phase`.
    pub fn check_available(&self, tier: u8, phase: SalePhase) -> Result<()> {
        let t = self.tier(tier)?;
        require!(tier <= self.highest_open_tier, LicenseError::TierNotOpen);
        require!(t.sold < t.supply, LicenseError::TierSoldOut);
        if phase == SalePhase::Whitelist {
            require!(
                t.whitelist_sold < t.whitelist_allocation,
                LicenseError::TierWhitelistSoldOut
            );
        }
        Ok(())
    }

    /// Books one sold license of `tier`; returns the tier this sale opened, if it sold out the
    /// highest open tier.
    pub fn record_purchase(
        &mut self,
        tier: u8,
        phase: SalePhase,
        quote: &PriceQuote,
    ) -> Result<Option<u8>> {
        self.check_available(tier, phase)?;
        let t = &mut self.tiers[tier as usize - 1];
        t.sold += 1;
        if phase == SalePhase::Whitelist {
            t.whitelist_sold += 1;
        }
        let sold_out = t.sold == t.supply;
        self.sold = self
            .sold
            .checked_add(1)
            .ok_or_else(|| error!(inferix_common::CommonError::MathOverflow))?;
        self.gross_usd = checked_add(self.gross_usd, quote.list_price_usd)?;
        self.paid_usd = checked_add(self.paid_usd, quote.price_paid_usd)?;
        self.discounts_usd = checked_add(self.discounts_usd, quote.discount_usd)?;
        self.commissions_usd = checked_add(self.commissions_usd, quote.commission_usd)?;
        if sold_out && tier == self.highest_open_tier && tier < self.tier_count {
            self.highest_open_tier = tier + 1;
            return Ok(Some(tier + 1));
        }
        Ok(None)
    }

    /// Takes the next serial number.
    pub fn take_serial(&mut self) -> Result<u32> {
        let serial = self.next_serial;
        self.next_serial = serial
            .checked_add(1)
            .ok_or_else(|| error!(inferix_common::CommonError::MathOverflow))?;
        Ok(serial)
    }

    pub fn total_supply(&self) -> u64 {
        self.tiers[..self.tier_count as usize]
            .iter()
            .map(|t| t.supply as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> SaleSchedule {
        SaleSchedule {
            whitelist_start: 100,
            whitelist_end: 200,
            public_start: 200,
            public_end: 300,
        }
    }

    fn sale(tiers: &[TierParams]) -> Sale {
        let mut all = [Tier::default(); MAX_TIERS];
        for (slot, p) in all.iter_mut().zip(tiers) {
            *slot = p.into_tier().unwrap();
        }
        Sale {
            sale_id: 0,
            kind: LicenseKind::Worker,
            payment_mint: Pubkey::default(),
            payment_token_program: Pubkey::default(),
            treasury: Pubkey::default(),
            schedule: schedule(),
            tier_count: tiers.len() as u8,
            highest_open_tier: 1,
            tiers: all,
            airdrop_allocation: 0,
            airdropped: 0,
            next_serial: 1,
            sold: 0,
            gross_usd: 0,
            paid_usd: 0,
            discounts_usd: 0,
            commissions_usd: 0,
            metadata_uri: String::new(),
            bump: 0,
        }
    }

    fn tier(price_usd: u64, supply: u32, whitelist_allocation: u32) -> TierParams {
        TierParams {
            price_usd,
            supply,
            whitelist_allocation,
            wallet_cap: 0,
        }
    }

    #[test]
    fn phases_are_half_open_windows() {
        let s = schedule();
        assert_eq!(s.phase(99), None);
        assert_eq!(s.phase(100), Some(SalePhase::Whitelist));
        assert_eq!(s.phase(199), Some(SalePhase::Whitelist));
        assert_eq!(s.phase(200), Some(SalePhase::Public));
        assert_eq!(s.phase(299), Some(SalePhase::Public));
        assert_eq!(s.phase(300), None);
        let public_only = SaleSchedule {
            whitelist_start: 100,
            whitelist_end: 100,
            ..s
        };
        assert_eq!(public_only.phase(100), None);
        assert!(public_only.validate().is_ok());
        assert!(SaleSchedule {
            public_end: 200,
            ..s
        }
        .validate()
        .is_err());
        assert!(SaleSchedule {
            whitelist_end: 201,
            ..s
        }
        .validate()
        .is_err());
    }

    #[test]
    fn schedule_changes_only_before_a_window_starts_and_never_into_the_past() {
        let s = schedule();
        let later = SaleSchedule {
            whitelist_start: 150,
            whitelist_end: 250,
            public_start: 250,
            public_end: 350,
        };
        assert!(s.validate_change_to(&later, 50).is_ok());
        // Whitelist running: its start cannot move; the public window still can.
        assert!(s.validate_change_to(&later, 120).is_err());
        let longer_public = SaleSchedule {
            public_end: 400,
            ..s
        };
        assert!(s.validate_change_to(&longer_public, 120).is_ok());
        assert!(s.validate_change_to(&longer_public, 200).is_err());
        // A not-yet-started window cannot be moved into the past.
        let past = SaleSchedule {
            whitelist_start: 40,
            ..s
        };
        assert!(s.validate_change_to(&past, 50).is_err());
    }

    #[test]
    fn referral_quotes_round_down_for_payouts() {
        let q = PriceQuote::new(300_000_000, 500, 500).unwrap();
        assert_eq!(
            (q.discount_usd, q.commission_usd, q.price_paid_usd),
            (15_000_000, 15_000_000, 285_000_000)
        );
        let q = PriceQuote::new(333, 1_000, 333).unwrap();
        assert_eq!(
            (q.discount_usd, q.commission_usd, q.price_paid_usd),
            (33, 11, 300)
        );
        assert!(PriceQuote::new(300, 6_000, 5_000).is_err());
        let none = PriceQuote::new(300, 0, 0).unwrap();
        assert_eq!(none.price_paid_usd, 300);
    }

    #[test]
    fn selling_out_opens_the_next_tier_and_totals_add_up() {
        let mut s = sale(&[tier(300, 2, 1), tier(350, 1, 0)]);
        let q1 = PriceQuote::new(300, 0, 0).unwrap();
        assert!(s.check_available(2, SalePhase::Public).is_err());
        assert_eq!(
            s.record_purchase(1, SalePhase::Whitelist, &q1).unwrap(),
            None
        );
        assert!(
            s.check_available(1, SalePhase::Whitelist).is_err(),
            "whitelist allocation used"
        );
        assert_eq!(
            s.record_purchase(1, SalePhase::Public, &q1).unwrap(),
            Some(2)
        );
        assert!(s.check_available(1, SalePhase::Public).is_err(), "sold out");
        let q2 = PriceQuote::new(350, 500, 500).unwrap();
        assert_eq!(
            s.record_purchase(2, SalePhase::Public, &q2).unwrap(),
            None,
            "last tier opens nothing"
        );
        assert_eq!(
            (
                s.sold,
                s.gross_usd,
                s.paid_usd,
                s.discounts_usd,
                s.commissions_usd
            ),
            (3, 950, 933, 17, 17)
        );
        assert_eq!(s.total_supply(), 3);
        assert!(s.tier(3).is_err());
        assert!(s.tier(0).is_err());
    }

    #[test]
    fn tier_params_are_validated() {
        assert!(tier(0, 1, 0).into_tier().is_err());
        assert!(tier(1, 0, 0).into_tier().is_err());
        assert!(tier(1, 1, 2).into_tier().is_err());
        assert!(tier(1, 1, 1).into_tier().is_ok());
    }
}
