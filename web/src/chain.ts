// The cluster the dashboard talks to, what it reads of a holder, and sending a transaction the
// holder's wallet signs.
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createSolanaRpc,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getBase64Encoder,
  getAddressDecoder,
  getTransactionDecoder,
  getTransactionEncoder,
  partiallySignTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Signature,
} from '@solana/kit';
import { pdas, TOKEN_2022_PROGRAM_ADDRESS } from '@inferix/client';
import { fetchAllMaybeLicenseRecord, type LicenseRecord } from '@inferix/client/src/generated/node_license';
import { fetchAllMaybeNode, type Node } from '@inferix/client/src/generated/node_staking';

import { signTransaction, type Connected } from './wallet';

export type Network = { name: string; rpcUrl: string; chain: `solana:${string}` };

/** The networks the selector offers; `?rpc=URL` points "Local cluster" elsewhere. */
export function networks(search: string): Network[] {
  const local = new URLSearchParams(search).get('rpc') ?? 'http://127.0.0.1:8899';
  return [
    { name: 'Local cluster', rpcUrl: local, chain: 'solana:localnet' },
    { name: 'Devnet', rpcUrl: 'https://api.devnet.solana.com', chain: 'solana:devnet' },
  ];
}

export type Rpc = ReturnType<typeof createSolanaRpc>;
export const rpcOf = (network: Network): Rpc => createSolanaRpc(network.rpcUrl);

export type Holding = { mint: Address; record: LicenseRecord; node: Address; nodeAccount: Node | null };

/** The licences `owner` holds (Token-2022 NFTs with a node-license record) and their nodes. */
export async function holdings(rpc: Rpc, owner: Address): Promise<Holding[]> {
  const { value } = await rpc
    .getTokenAccountsByOwner(owner, { programId: TOKEN_2022_PROGRAM_ADDRESS }, { encoding: 'base64' })
    .send();
  const base64 = getBase64Encoder();
  const addresses = getAddressDecoder();
  const mints = value
    .map(({ account }) => new Uint8Array(base64.encode(account.data[0])))
    .filter((data) => new DataView(data.buffer, data.byteOffset).getBigUint64(64, true) === 1n)
    .map((data) => addresses.decode(data.subarray(0, 32)));
  const records = await fetchAllMaybeLicenseRecord(rpc, await Promise.all(mints.map(pdas.licenseRecord)));
  const held = mints.flatMap((mint, i) => {
    const record = records[i];
    return record.exists ? [{ mint, record: record.data }] : [];
  });
  const nodeAddresses = await Promise.all(held.map((h) => pdas.node(h.mint)));
  const nodes = await fetchAllMaybeNode(rpc, nodeAddresses);
  return held.map((h, i) => {
    const node = nodes[i];
    return { ...h, node: nodeAddresses[i], nodeAccount: node.exists ? node.data : null };
  });
}

export async function tokenBalance(rpc: Rpc, account: Address): Promise<bigint> {
  const { value } = await rpc.getAccountInfo(account, { encoding: 'base64' }).send();
  if (!value) return 0n;
  const data = new Uint8Array(getBase64Encoder().encode(value.data[0]));
  return new DataView(data.buffer, data.byteOffset).getBigUint64(64, true);
}

/** `instructions` in a version-0 transaction paid by `payer`, with the latest blockhash, unsigned. */
async function unsignedTransaction(rpc: Rpc, payer: Address, instructions: Instruction[]) {
  const { value: blockhash } = await rpc.getLatestBlockhash().send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return compileTransaction(message);
}

/**
 * Sends `instructions` paid and signed by the connected wallet, plus `extraSigners` (a new
 * licence's mint keypair), and waits until the cluster confirms it. A refused transaction
 * throws the RPC's error, which `describeError` turns into the program's error by name.
 */
export async function send(
  rpc: Rpc,
  network: Network,
  connected: Connected,
  instructions: Instruction[],
  extraSigners: KeyPairSigner[] = [],
): Promise<Signature> {
  const unsigned = await unsignedTransaction(rpc, connected.address, instructions);
  const ours = extraSigners.length ? await partiallySignTransaction(extraSigners.map((s) => s.keyPair), unsigned) : unsigned;
  const signedBytes = await signTransaction(connected, network.chain, new Uint8Array(getTransactionEncoder().encode(ours)));
  const signed = getTransactionDecoder().decode(signedBytes);
  const signatures = { ...signed.signatures };
  for (const [signer, signature] of Object.entries(ours.signatures)) {
    if (signature) signatures[signer as Address] = signature;
  }
  const wire = getBase64EncodedWireTransaction({ ...signed, signatures } as Parameters<typeof getBase64EncodedWireTransaction>[0]);
  const signature = await rpc.sendTransaction(wire, { encoding: 'base64', preflightCommitment: 'confirmed' }).send();
  for (let tries = 0; tries < 150; tries++) {
    const { value } = await rpc.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (status?.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(status.err)}`);
    if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')) return signature;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  throw new Error(`transaction ${signature} was not confirmed within a minute`);
}

/** What `instructions` would do if the connected wallet sent them now: the logs (events) or the
 * program's refusal, without asking the wallet to sign anything. */
export async function simulate(rpc: Rpc, payer: Address, instructions: Instruction[]): Promise<{ logs: readonly string[]; err: unknown }> {
  const wire = getBase64EncodedWireTransaction(await unsignedTransaction(rpc, payer, instructions));
  const { value } = await rpc.simulateTransaction(wire, { encoding: 'base64', sigVerify: false, replaceRecentBlockhash: true }).send();
  return { logs: value.logs ?? [], err: value.err };
}
