pub mod epoch;
pub mod node_epoch;
pub mod node_rewards;
pub mod rewards_config;
pub mod verifier_epoch;
pub mod vesting;

pub use epoch::*;
pub use node_epoch::*;
pub use node_rewards::*;
pub use rewards_config::*;
pub use verifier_epoch::*;
pub use vesting::*;
