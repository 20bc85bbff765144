//! Inferix shared crate.
//!
//! Everything that both the on-chain programs and the off-chain tools must compute identically
//! lives here exactly once: units and checked fixed-point math, PDA seeds, the signed message
//! formats, whitelist Merkle proofs, the Ed25519-precompile verification helper and the rules of
//! the manager set.
//! It is `no float`, allocation-light and valid for SBF.

pub mod ed25519;
pub mod epoch;
pub mod errors;
pub mod managers;
pub mod math;
pub mod merkle;
pub mod messages;
pub mod price;
pub mod program_ids;
pub mod seeds;
pub mod stake;
pub mod token;
pub mod units;
pub mod vesting;

pub use errors::CommonError;

/// Emits an Anchor event, as `anchor_lang::emit!` does on chain (`sol_log_data` of the event's
/// discriminator and Borsh bytes). Off chain — the programs running natively on the local
/// cluster — Anchor 1.2 drops the data; this sends it to the syscall stubs instead, so the
/// cluster's logs carry `Program data:` lines as a real cluster's do (SPEC §11).
#[macro_export]
macro_rules! emit_event {
    ($event:expr) => {
        $crate::log_event_data(&anchor_lang::Event::data(&$event))
    };
}

/// The log half of [`emit_event!`].
pub fn log_event_data(data: &[u8]) {
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[data]);
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_log_data(&[data]);
}
