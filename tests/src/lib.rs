//! The fixtures the integration tests and the scripted main job share: each program's world on
//! the local cluster's embedded bank (`inferix_localnet::bank`), co-signed messages and named-error
//! assertions. Tests read like the spec; the plumbing lives here.

#![allow(deprecated)] // program-test 3.1 marks its whole API "Agave Unstable API"

pub mod assertions;
pub mod buyback;
pub mod daemons;
pub mod js;
pub mod license;
pub mod load;
pub mod localnet;
pub mod netns;
pub mod postgres;
pub mod rewards;
pub mod rpcnet;
pub mod s3;
pub mod staking;

/// The embedded bank, from the local cluster's crate.
pub mod bank {
    pub use inferix_localnet::bank::*;
}

pub use assertions::*;
pub use bank::*;
pub use buyback::*;
pub use license::*;
pub use rewards::*;
pub use staking::*;

/// `WIDTHxHEIGHT`, as the main jobs and benchmarks take a frame size.
pub fn parse_frame_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or_else(|| format!("'{text}' is not WIDTHxHEIGHT"))?;
    Ok((
        w.parse().map_err(|_| format!("bad width in '{text}'"))?,
        h.parse().map_err(|_| format!("bad height in '{text}'"))?,
    ))
}
