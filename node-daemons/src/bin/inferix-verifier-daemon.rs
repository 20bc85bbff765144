//! `inferix-verifier-daemon --config worker.toml`: the verifier node (SPEC §12).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "inferix-verifier-daemon",
    about = "Inferix verifier daemon: verifies frames, keeps its ledger, co-signs what it supports",
    after_long_help = inferix_node_daemons::verifier::EXAMPLE
)]
struct Args {
    #[arg(long)]
    config: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    match inferix_node_daemons::verifier::run(&Args::parse().config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
