use std::process::ExitCode;

use clap::Parser;
use inferix_cli::config::{default_config_path, read_solana_config, resolve};
use inferix_cli::{execute, Cli};
use inferix_sdk::client::RpcChain;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = async {
        let config = match &cli.config {
            Some(path) => read_solana_config(path, true)?,
            None => match default_config_path() {
                Some(path) => read_solana_config(&path, false)?,
                None => Default::default(),
            },
        };
        let resolved = resolve(cli.url.as_deref(), cli.keypair.as_deref(), &config)?;
        let mut chain = RpcChain::new(&resolved.rpc_url);
        execute(&mut chain, &cli, &resolved.keypair_path).await
    }
    .await;
    match result {
        Ok(report) => {
            print!("{}", report.render(cli.json));
            ExitCode::SUCCESS
        }
        Err(e) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"error": e.message, "what_to_do": e.hint})
                );
            }
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
