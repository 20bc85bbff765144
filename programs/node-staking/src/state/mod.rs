pub mod node;
pub mod pushed_price;
pub mod slash_record;
pub mod stake_era;
pub mod staking_config;
pub mod unbonding_pool;
pub mod unbonding_ticket;

pub use node::*;
pub use pushed_price::*;
pub use slash_record::*;
pub use stake_era::*;
pub use staking_config::*;
pub use unbonding_pool::*;
pub use unbonding_ticket::*;
