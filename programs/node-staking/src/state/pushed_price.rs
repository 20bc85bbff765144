use anchor_lang::prelude::*;

/// The IFX/USD price pushed by the price authority, at `[PUSHED_PRICE]`; read with the same
/// age and confidence rules as a Pyth price.
#[account]
#[derive(InitSpace)]
pub struct PushedPrice {
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub bump: u8,
}
