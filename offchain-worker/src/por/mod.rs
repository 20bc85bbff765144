//! Proof of Rendering (SPEC §7): the manager hides noise objects in a job, the worker commits to
//! its frame, the verifier checks the noise and re-renders tiles chosen after the commitment.
//! docs/por.md explains the design and the measured figures.

pub mod eval;
pub mod job;
pub mod laplacian;
pub mod manager;
pub mod tiles;
pub mod verify;
pub mod worker;
