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
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'inferixFaucet', params: [wallet, symbol, Number(amount)] }),
      });
      const answer = await response.json();
      if (answer.error) throw new Error(answer.error.message);
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
