//! The node daemons (SPEC §12): a worker daemon that leases, renders, uploads and attests, and
//! a verifier daemon that verifies, keeps its ledger and co-signs only what the ledger supports.
//! Each holds only its own operator key and opens only outbound connections (to the manager
//! and an RPC node); each keeps its state in its own SQLite file and resumes from it.

pub mod common;
pub mod verifier;
pub mod worker;
