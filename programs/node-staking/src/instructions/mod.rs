// Every instruction module exports its own `handler`; lib.rs calls each by its full path, so
// the glob re-exports (needed for Anchor's generated account modules) never resolve `handler`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_admin;
pub mod add_manager;
pub mod blacklist_node;
pub mod config_admin;
pub mod initialize_config;
pub mod node_owner;
pub mod propose_admin;
pub mod push_price;
pub mod refresh_node;
pub mod register_node;
pub mod release_penalty;
pub mod remove_manager;
pub mod report_violation;
pub mod retire_node;
pub mod reverse_blacklist;
pub mod reverse_slash;
pub mod set_paused;
pub mod stake;
pub mod take_over;
pub mod unstake;
pub mod update_config;
pub mod update_ib;
pub mod update_node;
pub mod withdraw;

pub use blacklist_node::*;
pub use config_admin::*;
pub use initialize_config::*;
pub use node_owner::*;
pub use push_price::*;
pub use refresh_node::*;
pub use register_node::*;
pub use release_penalty::*;
pub use report_violation::*;
pub use retire_node::*;
pub use reverse_slash::*;
pub use stake::*;
pub use take_over::*;
pub use unstake::*;
pub use update_config::*;
pub use update_ib::*;
pub use update_node::*;
pub use withdraw::*;
