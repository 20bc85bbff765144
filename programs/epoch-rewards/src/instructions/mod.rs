// Every instruction module exports its own `handler`; lib.rs calls each by its full path, so
// the glob re-exports (needed for Anchor's generated account modules) never resolve `handler`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_admin;
pub mod add_manager;
pub mod change_epoch_length;
pub mod claim_verifier_reward;
pub mod claim_worker_reward;
pub mod clawback_epoch;
pub mod config_admin;
pub mod finalize_epoch;
pub mod initialize_config;
pub mod open_verifier_epoch;
pub mod propose_admin;
pub mod remove_manager;
pub mod reward_payout;
pub mod set_clawback_date;
pub mod set_paused;
pub mod submit_attestation;
pub mod update_params;
pub mod withdraw_vested;

pub use claim_verifier_reward::*;
pub use claim_worker_reward::*;
pub use clawback_epoch::*;
pub use config_admin::*;
pub use finalize_epoch::*;
pub use initialize_config::*;
pub use open_verifier_epoch::*;
pub use reward_payout::*;
pub use submit_attestation::*;
pub use withdraw_vested::*;
