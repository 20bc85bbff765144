//! Price sources (SPEC §6): Pyth pull-oracle `PriceUpdateV2` accounts and admin-pushed prices,
//! with the same checks for both — owner, feed, verification level, age, future date,
//! confidence — and USD ↔ token conversions that take the side of the confidence interval that
//! disfavours the party the conversion serves.

use crate::errors::CommonError;
use crate::math::pow10;
use crate::units::{BPS_DENOMINATOR, USD_DECIMALS};
use anchor_lang::prelude::*;
use solana_sha256_hasher::hashv;

/// The Pyth Solana Receiver program, owner of every `PriceUpdateV2` account.
pub const PYTH_RECEIVER_PROGRAM_ID: Pubkey = pubkey!("rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ");

/// How a Pyth update was verified against Wormhole guardian signatures.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerificationLevel {
    Partial { num_signatures: u8 },
    Full,
}

/// Pyth's price message, as the receiver stores it.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceFeedMessage {
    pub feed_id: [u8; 32],
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
}

/// The body of a Pyth `PriceUpdateV2` account (after its 8-byte Anchor discriminator).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceUpdateV2 {
    pub write_authority: Pubkey,
    pub verification_level: VerificationLevel,
    pub price_message: PriceFeedMessage,
    pub posted_slot: u64,
}

impl PriceUpdateV2 {
    /// Anchor account discriminator: `sha256("account:PriceUpdateV2")[..8]`.
    pub fn discriminator() -> [u8; 8] {
        let hash = hashv(&[b"account:PriceUpdateV2"]).to_bytes();
        let mut discriminator = [0u8; 8];
        discriminator.copy_from_slice(&hash[..8]);
        discriminator
    }

    /// The account data as the receiver writes it (used off-chain and in tests).
    pub fn to_account_data(&self) -> Vec<u8> {
        let mut data = Self::discriminator().to_vec();
        self.serialize(&mut data)
            .expect("serializing into a Vec cannot fail");
        data
    }
}

/// Limits every price must meet.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceRules {
    /// Oldest acceptable `publish_time`, in seconds before now (default 60).
    pub max_age_secs: i64,
    /// Widest acceptable confidence, as conf / price in basis points (default 100 = 1 %).
    pub max_conf_bps: u16,
}

impl Default for PriceRules {
    fn default() -> Self {
        Self {
            max_age_secs: 60,
            max_conf_bps: 100,
        }
    }
}

/// A checked USD price of one whole token: `price × 10^exponent` USD, ± `conf` in the same unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsdPrice {
    pub price: u64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
}

/// Checks a raw price against `rules` at `now`, whatever its source.
pub fn check_price(
    price: i64,
    conf: u64,
    exponent: i32,
    publish_time: i64,
    rules: &PriceRules,
    now: i64,
) -> Result<UsdPrice> {
    require!(price > 0, CommonError::PriceNotPositive);
    require!(publish_time <= now, CommonError::PriceFromFuture);
    require!(
        now - publish_time <= rules.max_age_secs,
        CommonError::PriceStale
    );
    let price = price as u64;
    require!(
        (conf as u128) * (BPS_DENOMINATOR as u128)
            <= (price as u128) * (rules.max_conf_bps as u128),
        CommonError::PriceLowConfidence
    );
    Ok(UsdPrice {
        price,
        conf,
        exponent,
        publish_time,
    })
}

/// Reads and checks a Pyth `PriceUpdateV2` account for `feed_id`: owned by the Pyth receiver,
/// fully verified, fresh, not from the future, and within the confidence bound.
pub fn read_pyth_price(
    account: &AccountInfo,
    feed_id: &[u8; 32],
    rules: &PriceRules,
    now: i64,
) -> Result<UsdPrice> {
    require_keys_eq!(
        *account.owner,
        PYTH_RECEIVER_PROGRAM_ID,
        CommonError::PriceWrongOwner
    );
    let data = account.try_borrow_data()?;
    require!(
        data.len() >= 8 && data[..8] == PriceUpdateV2::discriminator(),
        CommonError::PriceMalformed
    );
    let update = PriceUpdateV2::deserialize(&mut &data[8..])
        .map_err(|_| error!(CommonError::PriceMalformed))?;
    let message = update.price_message;
    require!(message.feed_id == *feed_id, CommonError::PriceWrongFeed);
    require!(
        update.verification_level == VerificationLevel::Full,
        CommonError::PricePartiallyVerified
    );
    check_price(
        message.price,
        message.conf,
        message.exponent,
        message.publish_time,
        rules,
        now,
    )
}

/// Which end of the confidence interval a conversion uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceSide {
    /// `price − conf`: a token looks cheaper, so a USD amount needs more tokens (requirements).
    Low,
    /// `price + conf`: a token looks dearer, so a USD amount buys fewer tokens (payouts).
    High,
}

impl UsdPrice {
    fn side(&self, side: PriceSide) -> Result<u64> {
        let value = match side {
            PriceSide::Low => self.price.saturating_sub(self.conf),
            PriceSide::High => self
                .price
                .checked_add(self.conf)
                .ok_or(CommonError::MathOverflow)?,
        };
        require!(value > 0, CommonError::PriceNotPositive);
        Ok(value)
    }

    /// Base units of a token with `decimals` worth `usd_micros`, at `side` of the interval.
    fn tokens(
        &self,
        usd_micros: u64,
        decimals: u8,
        side: PriceSide,
        round_up: bool,
    ) -> Result<u64> {
        // tokens = usd_micros / 10^6 / (price × 10^exponent) × 10^decimals
        let mut numerator = (usd_micros as u128) * (pow10(decimals)? as u128);
        let mut denominator = (self.side(side)? as u128) * (pow10(USD_DECIMALS)? as u128);
        require!(
            self.exponent.unsigned_abs() <= 18,
            CommonError::MathOverflow
        );
        let scale = pow10(self.exponent.unsigned_abs() as u8)? as u128;
        if self.exponent < 0 {
            numerator = numerator
                .checked_mul(scale)
                .ok_or(CommonError::MathOverflow)?;
        } else {
            denominator = denominator
                .checked_mul(scale)
                .ok_or(CommonError::MathOverflow)?;
        }
        let q = if round_up {
            numerator.div_ceil(denominator)
        } else {
            numerator / denominator
        };
        u64::try_from(q).map_err(|_| error!(CommonError::MathOverflow))
    }

    /// Tokens a USD requirement demands (rounded up, at the low price: never too few).
    pub fn usd_to_tokens_required(&self, usd_micros: u64, decimals: u8) -> Result<u64> {
        self.tokens(usd_micros, decimals, PriceSide::Low, true)
    }

    /// Tokens a USD payout is worth (rounded down, at the high price: never too many).
    pub fn usd_to_tokens_payout(&self, usd_micros: u64, decimals: u8) -> Result<u64> {
        self.tokens(usd_micros, decimals, PriceSide::High, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const FEED: [u8; 32] = [3; 32];

    fn code<T: std::fmt::Debug>(result: Result<T>) -> u32 {
        match result.unwrap_err() {
            Error::AnchorError(e) => e.error_code_number,
            Error::ProgramError(e) => panic!("expected a named error, got {e:?}"),
        }
    }

    fn update(
        verification_level: VerificationLevel,
        price: i64,
        conf: u64,
        publish_time: i64,
    ) -> PriceUpdateV2 {
        PriceUpdateV2 {
            write_authority: Pubkey::new_unique(),
            verification_level,
            price_message: PriceFeedMessage {
                feed_id: FEED,
                price,
                conf,
                exponent: -8,
                publish_time,
                prev_publish_time: publish_time - 1,
                ema_price: price,
                ema_conf: conf,
            },
            posted_slot: 1,
        }
    }

    fn read(owner: &Pubkey, data: Vec<u8>, feed: &[u8; 32]) -> Result<UsdPrice> {
        let key = Pubkey::new_unique();
        let mut lamports = 1;
        let mut data = data;
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, owner, false);
        read_pyth_price(&info, feed, &PriceRules::default(), NOW)
    }

    /// $0.05 ± $0.0002 (0.4 %), published 10 s ago.
    fn good() -> PriceUpdateV2 {
        update(VerificationLevel::Full, 5_000_000, 20_000, NOW - 10)
    }

    #[test]
    fn a_fresh_fully_verified_price_is_read() {
        let price = read(&PYTH_RECEIVER_PROGRAM_ID, good().to_account_data(), &FEED).unwrap();
        assert_eq!(
            (price.price, price.conf, price.exponent),
            (5_000_000, 20_000, -8)
        );
    }

    #[test]
    fn each_bad_price_has_its_own_error() {
        let cases: Vec<(Pubkey, Vec<u8>, [u8; 32], CommonError)> = vec![
            (
                Pubkey::new_unique(),
                good().to_account_data(),
                FEED,
                CommonError::PriceWrongOwner,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                good().to_account_data(),
                [4; 32],
                CommonError::PriceWrongFeed,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                update(
                    VerificationLevel::Partial { num_signatures: 5 },
                    5_000_000,
                    20_000,
                    NOW - 10,
                )
                .to_account_data(),
                FEED,
                CommonError::PricePartiallyVerified,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                update(VerificationLevel::Full, 5_000_000, 20_000, NOW - 61).to_account_data(),
                FEED,
                CommonError::PriceStale,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                update(VerificationLevel::Full, 5_000_000, 20_000, NOW + 1).to_account_data(),
                FEED,
                CommonError::PriceFromFuture,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                update(VerificationLevel::Full, 5_000_000, 50_001, NOW).to_account_data(),
                FEED,
                CommonError::PriceLowConfidence,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                update(VerificationLevel::Full, 0, 0, NOW).to_account_data(),
                FEED,
                CommonError::PriceNotPositive,
            ),
            (
                PYTH_RECEIVER_PROGRAM_ID,
                vec![0; 134],
                FEED,
                CommonError::PriceMalformed,
            ),
        ];
        for (owner, data, feed, expected) in cases {
            assert_eq!(
                code(read(&owner, data, &feed)),
                u32::from(expected),
                "{expected:?}"
            );
        }
    }

    #[test]
    fn age_and_confidence_bounds_are_inclusive() {
        let rules = PriceRules::default();
        assert!(check_price(100, 1, -2, NOW - 60, &rules, NOW).is_ok());
        assert!(
            check_price(100, 1, -2, NOW, &rules, NOW).is_ok(),
            "conf exactly 1 %"
        );
        assert!(check_price(100, 2, -2, NOW, &rules, NOW).is_err());
    }

    #[test]
    fn conversions_take_the_side_that_disfavours_the_counterparty() {
        // IFX at $0.05 ± $0.0005 (1 %), 9 decimals.
        let ifx = check_price(5_000_000, 50_000, -8, NOW, &PriceRules::default(), NOW).unwrap();
        // $72 requirement at the low price $0.0495: 1,454.545454546 IFX, rounded up.
        assert_eq!(
            ifx.usd_to_tokens_required(72_000_000, 9).unwrap(),
            1_454_545_454_546
        );
        // $300 payout at the high price $0.0505: 5,940.594059405 IFX, rounded down.
        assert_eq!(
            ifx.usd_to_tokens_payout(300_000_000, 9).unwrap(),
            5_940_594_059_405
        );
        // ETH at $2,500 exactly (exponent -8), wETH with 8 decimals: $240 is 0.096 wETH.
        let eth = check_price(250_000_000_000, 0, -8, NOW, &PriceRules::default(), NOW).unwrap();
        assert_eq!(eth.usd_to_tokens_payout(240_000_000, 8).unwrap(), 9_600_000);
        // A positive exponent scales the other way: $2 × 10^3 per token.
        let big = check_price(2, 0, 3, NOW, &PriceRules::default(), NOW).unwrap();
        assert_eq!(
            big.usd_to_tokens_payout(4_000_000_000, 6).unwrap(),
            2_000_000
        );
    }

    #[test]
    fn conversion_overflow_is_a_named_error() {
        let tiny = check_price(1, 0, -18, NOW, &PriceRules::default(), NOW).unwrap();
        assert_eq!(
            code(tiny.usd_to_tokens_required(u64::MAX, 18)),
            u32::from(CommonError::MathOverflow)
        );
    }
}
