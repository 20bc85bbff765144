pub mod bought_back;
pub mod buyback_config;
pub mod buyback_vesting;
pub mod eligibility;

pub use bought_back::*;
pub use buyback_config::*;
pub use buyback_vesting::*;
pub use eligibility::*;
