// Every instruction module exports its own `handler`; lib.rs calls each by its full path, so
// the glob re-exports (needed for Anchor's generated account modules) never resolve `handler`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_admin;
pub mod burn_license;
pub mod buyback_common;
pub mod buyback_ifx;
pub mod buyback_weth;
pub mod config_admin;
pub mod custody;
pub mod initialize_config;
pub mod propose_admin;
pub mod reassign_license;
pub mod send_to_treasury;
pub mod set_paused;
pub mod update_params;
pub mod withdraw_funds;
pub mod withdraw_vested;

pub use buyback_common::*;
pub use buyback_ifx::*;
pub use buyback_weth::*;
pub use config_admin::*;
pub use custody::*;
pub use initialize_config::*;
pub use reassign_license::*;
pub use send_to_treasury::*;
pub use withdraw_funds::*;
pub use withdraw_vested::*;
