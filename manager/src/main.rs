//! `inferix-manager`: the job manager of an Inferix network (SPEC §12). Customers submit scenes
//! and jobs; workers lease jobs and upload frames; each worker's verifier committee checks them;
//! the manager relays co-signatures, co-signs attestations for work its committee accepted and
//! submits Violations for work it rejected. docs/manager-api.yaml describes the API.

mod api;
mod config;
mod dispatch;
mod objects;
mod relay;
mod replicas;
mod server;
mod store;
mod wakeups;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "inferix-manager",
    about = "Inferix job manager: job intake, PoR, leases, verifier committees, co-signing relay",
    after_long_help = config::EXAMPLE
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the API until SIGTERM or ctrl-c.
    Serve {
        #[arg(long)]
        config: PathBuf,
    },
    /// Issues an API token to a customer and prints it (stored only as its hash).
    IssueToken {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        customer: String,
    },
    /// Prints a complete example config.
    ExampleConfig,
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Serve { config } => server::serve(&config).await,
        Command::IssueToken { config, customer } => server::issue_token(&config, &customer).await,
        Command::ExampleConfig => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
