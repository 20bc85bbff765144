// What the Rust harness (tests/tests/ts_client.rs) hands the tests: the Rust SDK's fixtures and
// the local cluster it started, plus the few steps every flow repeats.
import { readFileSync } from 'node:fs';

import {
  airdropFactory,
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  devnet,
  getAddressDecoder,
  getBase64Encoder,
  lamports,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type TransactionSigner,
} from '@solana/kit';

const path = process.env.INFERIX_FIXTURES;
if (!path) {
  throw new Error('run through `cargo test -p inferix-tests --test ts_client`, which writes the fixtures and starts the cluster');
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixtures: any = JSON.parse(readFileSync(path, 'utf8'));

export const bytes = (base64: string) => new Uint8Array(getBase64Encoder().encode(base64));
/** The address of 32 bytes all `n`, as the Rust fixtures' `key(n)`. */
export const key = (n: number) => getAddressDecoder().decode(new Uint8Array(32).fill(n));

/** One of the cluster's own JSON-RPC methods (`inferix*`), which @solana/kit does not type. */
async function clusterCall(method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(fixtures.cluster.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

export function cluster() {
  const { rpcUrl, wsUrl } = fixtures.cluster;
  // The local cluster serves the test-cluster methods (airdrops), as devnet does.
  const rpc = createSolanaRpc(devnet(rpcUrl));
  const rpcSubscriptions = createSolanaRpcSubscriptions(devnet(wsUrl));
  const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
  const airdrop = airdropFactory({ rpc, rpcSubscriptions });

  return {
    rpc,
    ifxMint: fixtures.cluster.ifxMint as Address,
    async fund(wallet: Address, sol: bigint) {
      await airdrop({ recipientAddress: wallet, lamports: lamports(sol * 1_000_000_000n), commitment: 'confirmed' });
    },
    /** The cluster's faucet: `amount` base units of `IFX` or `USDC` to `wallet`. */
    async faucet(wallet: Address, symbol: 'IFX' | 'USDC', amount: bigint) {
      await clusterCall('inferixFaucet', [wallet, symbol, Number(amount)]);
    },
    /** Moves the cluster's clock `secs` forward; answers its time then (Unix seconds). */
    async warp(secs: bigint): Promise<bigint> {
      return BigInt((await clusterCall('inferixWarpClock', [Number(secs)])) as number);
    },
    async send(payer: TransactionSigner, instructions: Instruction[]) {
      const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
      const message = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
      );
      const transaction = await signTransactionMessageWithSigners(message);
      await sendAndConfirm(transaction as Parameters<typeof sendAndConfirm>[0], { commitment: 'confirmed' });
    },
    async tokenBalance(account: Address): Promise<bigint> {
      const { value } = await rpc.getTokenAccountBalance(account).send();
      return BigInt(value.amount);
    },
  };
}
