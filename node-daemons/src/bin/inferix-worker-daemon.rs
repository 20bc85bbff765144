//! `inferix-worker-daemon --config worker.toml`: the worker node (SPEC §12).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "inferix-worker-daemon",
    about = "Inferix worker daemon: leases jobs, renders, uploads, attests its verified work",
    after_long_help = inferix_node_daemons::worker::EXAMPLE
)]
struct Args {
    #[arg(long)]
    config: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    match inferix_node_daemons::worker::run(&Args::parse().config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
