// Every instruction module exports its own `handler`; lib.rs calls each by its full path, so
// the glob re-exports (needed for Anchor's generated account modules) never resolve `handler`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_admin;
pub mod airdrop_license;
pub mod initialize_config;
pub mod initialize_sale;
pub mod license_holding;
pub mod open_tier;
pub mod propose_admin;
pub mod purchase_license;
pub mod register_partner_code;
pub mod release_for_buyback;
pub mod sale_admin;
pub mod set_paused;
pub mod set_whitelist_root;
pub mod unlock_license;
pub mod update_config;
pub mod update_partner_code;
pub mod update_sale_schedule;

pub use accept_admin::*;
pub use airdrop_license::*;
pub use initialize_config::*;
pub use initialize_sale::*;
pub use license_holding::*;
pub use propose_admin::*;
pub use purchase_license::*;
pub use register_partner_code::*;
pub use release_for_buyback::*;
pub use sale_admin::*;
pub use set_paused::*;
pub use update_config::*;
pub use update_partner_code::*;
