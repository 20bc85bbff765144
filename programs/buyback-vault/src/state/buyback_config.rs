use crate::errors::BuybackError;
use anchor_lang::prelude::*;
use inferix_common::price::PriceRules;
use inferix_common::units::BPS_DENOMINATOR;

/// Where the IFX/USD price comes from: a Pyth feed, or the price node-staking's price
/// authority pushes (one pushed IFX price for the whole deployment).
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfxPriceSource {
    Pyth { feed_id: [u8; 32] },
    StakingPushed,
}

#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuybackParams {
    /// TGE + 6 months.
    pub window_start: i64,
    pub window_secs: i64,
    pub ifx_payout_bps: u16,
    pub ifx_vesting_secs: i64,
    pub weth_payout_bps: u16,
    pub ifx_price_source: IfxPriceSource,
    /// Pyth ETH/USD feed.
    pub eth_feed_id: [u8; 32],
    pub price_rules: PriceRules,
}

impl BuybackParams {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.window_secs > 0
                && self.ifx_payout_bps <= BPS_DENOMINATOR
                && self.weth_payout_bps <= BPS_DENOMINATOR
                && self.ifx_vesting_secs >= 0
                && self.price_rules.max_age_secs > 0,
            BuybackError::InvalidParams
        );
        Ok(())
    }

    pub fn window_end(&self) -> i64 {
        self.window_start.saturating_add(self.window_secs)
    }

    /// Whether governance may replace these window times by `next`'s at `now` (SPEC §10 item
    /// 8): never once the window has opened, and before that only later — a start and an end
    /// no earlier than today's, and a start not in the past — so the fund cannot be freed early.
    pub fn window_change_allowed(&self, next: &BuybackParams, now: i64) -> bool {
        let unchanged =
            next.window_start == self.window_start && next.window_secs == self.window_secs;
        unchanged
            || (now < self.window_start
                && next.window_start >= self.window_start.max(now)
                && next.window_end() >= self.window_end())
    }

    /// The window is `[start, start + length)`.
    pub fn window_open(&self, now: i64) -> bool {
        (self.window_start..self.window_end()).contains(&now)
    }
}

#[account]
#[derive(InitSpace)]
pub struct BuybackConfig {
    pub admin: Pubkey,
    pub pending_admin: Option<Pubkey>,
    pub pause_guardian: Pubkey,
    pub paused: bool,
    pub ifx_mint: Pubkey,
    pub ifx_token_program: Pubkey,
    pub weth_mint: Pubkey,
    pub weth_token_program: Pubkey,
    /// Wallet that receives licenses sent to the treasury.
    pub treasury: Pubkey,
    pub params: BuybackParams,
    /// IFX promised to vesting payouts and not yet withdrawn: never paid out twice.
    pub ifx_reserved: u64,
    pub bump: u8,
    pub authority_bump: u8,
    pub ifx_vault_bump: u8,
    pub weth_vault_bump: u8,
}

impl BuybackConfig {
    pub fn require_admin(&self, signer: &Pubkey) -> Result<()> {
        require_keys_eq!(*signer, self.admin, BuybackError::NotAdmin);
        Ok(())
    }

    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.paused, BuybackError::Paused);
        Ok(())
    }

    /// IFX in the vault not reserved for vesting payouts.
    pub fn ifx_unreserved(&self, vault_balance: u64) -> u64 {
        vault_balance.saturating_sub(self.ifx_reserved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_half_open() {
        let params = BuybackParams {
            window_start: 1_000,
            window_secs: 100,
            ifx_payout_bps: 10_000,
            ifx_vesting_secs: 30,
            weth_payout_bps: 8_000,
            ifx_price_source: IfxPriceSource::StakingPushed,
            eth_feed_id: [0; 32],
            price_rules: PriceRules::default(),
        };
        assert!(!params.window_open(999));
        assert!(params.window_open(1_000));
        assert!(params.window_open(1_099));
        assert!(!params.window_open(1_100));
        assert!(params.validate().is_ok());
        assert!(BuybackParams {
            weth_payout_bps: 10_001,
            ..params
        }
        .validate()
        .is_err());

        let moved = |window_start, window_secs| BuybackParams {
            window_start,
            window_secs,
            ..params
        };
        // Before it opens: later is fine, earlier or shorter is not.
        assert!(params.window_change_allowed(&moved(2_000, 100), 500));
        assert!(params.window_change_allowed(&moved(1_000, 200), 500));
        assert!(!params.window_change_allowed(&moved(900, 200), 500));
        assert!(!params.window_change_allowed(&moved(1_000, 50), 500));
        assert!(!params.window_change_allowed(&moved(-5, 100), 500));
        // Once open, only other parameters change.
        assert!(!params.window_change_allowed(&moved(2_000, 100), 1_000));
        assert!(params.window_change_allowed(&params, 1_050));
    }
}
