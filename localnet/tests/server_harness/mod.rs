//! The `inferix-localnet` binary as the tests start it: free ports, the banner read for its
//! URLs and cluster file, killed when dropped.

// Each test binary compiles this module and reads only the fields it needs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use solana_rpc_client::nonblocking::rpc_client::RpcClient;

pub struct Server {
    pub child: Child,
    pub rpc: RpcClient,
    pub url: String,
    pub ws_url: String,
    pub cluster_file: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on free ports with `args`, returning once it says where it serves.
pub fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_inferix-localnet"))
        .args(["--rpc-port", "0", "--ws-port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting inferix-localnet");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut ws_url, mut cluster_file) = (None, None, None);
    for line in lines.by_ref() {
        let line = line.expect("reading the banner");
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("RPC URL") {
            url = Some(rest.trim().to_string());
        } else if let Some(rest) = line.strip_prefix("WebSocket URL") {
            ws_url = Some(rest.trim().to_string());
        } else if let Some(rest) = line.strip_prefix("cluster file") {
            cluster_file = Some(rest.trim().to_string());
            break;
        }
    }
    // Keep draining its output so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = url.expect("the banner names the RPC URL");
    Server {
        child,
        rpc: RpcClient::new_with_commitment(
            url.clone(),
            solana_commitment_config::CommitmentConfig::confirmed(),
        ),
        url,
        ws_url: ws_url.expect("the banner names the WebSocket URL"),
        cluster_file: cluster_file.expect("the banner names the cluster file"),
    }
}
