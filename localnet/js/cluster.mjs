// Where the cluster under test serves, as the Rust harness (localnet/tests/js_clients.rs) passes
// it: the RPC and WebSocket URLs and the cluster file the server wrote.
import { readFileSync } from "node:fs";

export function cluster() {
  const rpcUrl = process.env.INFERIX_RPC_URL;
  const wsUrl = process.env.INFERIX_WS_URL;
  const clusterFile = process.env.INFERIX_CLUSTER_FILE;
  if (!rpcUrl || !wsUrl || !clusterFile) {
    throw new Error("run through `cargo test -p inferix-localnet --test js_clients`, which starts the cluster");
  }
  const text = readFileSync(clusterFile, "utf8");
  const ifxMint = text.match(/^ifx_mint = "(\w+)"/m)[1];
  return {
    rpcUrl,
    wsUrl,
    ifxMint,
    licenseProgram: process.env.INFERIX_LICENSE_PROGRAM,
  };
}

// The local cluster's faucet: mints `amount` base units of IFX or USDC to `wallet`.
export async function faucet(rpcUrl, wallet, symbol, amount) {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "inferixFaucet", params: [wallet, symbol, amount] }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(answer.error.message);
  return answer.result;
}
