// The local cluster through @solana/kit, the current JavaScript SDK (its RPC, subscriptions and
// transaction pipeline).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AccountRole, address, appendTransactionMessageInstruction, createSolanaRpc,
  createSolanaRpcSubscriptions, createTransactionMessage, generateKeyPairSigner, getBase64Encoder,
  getSignatureFromTransaction, lamports, pipe, sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner, setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from "@solana/kit";
import { cluster, faucet } from "../cluster.mjs";

const { rpcUrl, wsUrl, ifxMint, licenseProgram } = cluster();
const rpc = createSolanaRpc(rpcUrl);
const rpcSubscriptions = createSolanaRpcSubscriptions(wsUrl);
const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
const SYSTEM_PROGRAM = address("11111111111111111111111111111111");
const TOKEN_PROGRAM = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

function transferSol(from, to, amount) {
  const data = new Uint8Array(12);
  const view = new DataView(data.buffer);
  view.setUint32(0, 2, true); // SystemInstruction::Transfer
  view.setBigUint64(4, amount, true);
  return {
    programAddress: SYSTEM_PROGRAM,
    accounts: [
      { address: from.address, role: AccountRole.WRITABLE_SIGNER, signer: from },
      { address: to, role: AccountRole.WRITABLE },
    ],
    data,
  };
}

async function signed(payer, instruction) {
  const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    (m) => appendTransactionMessageInstruction(instruction, m),
  );
  return signTransactionMessageWithSigners(message);
}

test("getAccountInfo and getProgramAccounts with memcmp", async () => {
  const { value: mint } = await rpc.getAccountInfo(address(ifxMint), { encoding: "base64" }).send();
  assert.equal(mint.owner, TOKEN_PROGRAM);
  const bytes = getBase64Encoder().encode(mint.data[0]);
  assert.equal(bytes.length, 82);

  const wallet = (await generateKeyPairSigner()).address;
  await faucet(rpcUrl, wallet, "USDC", 5_000_000);
  const accounts = await rpc
    .getProgramAccounts(TOKEN_PROGRAM, {
      encoding: "base64",
      filters: [{ dataSize: 165n }, { memcmp: { offset: 32n, bytes: wallet, encoding: "base58" } }],
    })
    .send();
  assert.equal(accounts.length, 1, "the wallet's one USDC account");
});

test("a version-0 transaction sent and confirmed over the WebSocket", async () => {
  const alice = await generateKeyPairSigner();
  const airdrop = await rpc.requestAirdrop(alice.address, lamports(2_000_000_000n)).send();
  const { value: [status] } = await rpc.getSignatureStatuses([airdrop]).send();
  assert.equal(status.err, null);

  const bob = (await generateKeyPairSigner()).address;
  const transaction = await signed(alice, transferSol(alice, bob, 1_054_321n));
  await sendAndConfirm(transaction, { commitment: "confirmed" });
  const { value: balance } = await rpc.getBalance(bob).send();
  assert.equal(balance, 1_054_321n);

  const signature = getSignatureFromTransaction(transaction);
  const kept = await rpc.getTransaction(signature, { maxSupportedTransactionVersion: 0 }).send();
  assert.equal(kept.version, 0);
  assert.equal(kept.meta.err, null);
});

test("a refused transaction is the preflight error with the program's logs", async () => {
  const alice = await generateKeyPairSigner();
  await rpc.requestAirdrop(alice.address, lamports(1_000_000_000n)).send();
  const refused = {
    programAddress: address(licenseProgram),
    accounts: [],
    data: new Uint8Array(8).fill(0xee),
  };
  const transaction = await signed(alice, refused);
  await assert.rejects(sendAndConfirm(transaction, { commitment: "confirmed" }), (error) => {
    const logs = error.context?.logs ?? error.cause?.context?.logs ?? [];
    assert.ok(logs.some((l) => l.includes("InstructionFallbackNotFound")), JSON.stringify(error.context, (_, v) => (typeof v === "bigint" ? `${v}` : v)));
    return true;
  });
});

test("simulateTransaction with replaceRecentBlockhash", async () => {
  const alice = await generateKeyPairSigner();
  await rpc.requestAirdrop(alice.address, lamports(1_000_000_000n)).send();
  const transaction = await signed(alice, transferSol(alice, (await generateKeyPairSigner()).address, 1_000_000n));
  const { getBase64EncodedWireTransaction } = await import("@solana/kit");
  const { value } = await rpc
    .simulateTransaction(getBase64EncodedWireTransaction(transaction), {
      encoding: "base64",
      replaceRecentBlockhash: true,
      sigVerify: false,
    })
    .send();
  assert.equal(value.err, null);
  assert.ok(value.logs.length > 0);
  assert.ok(value.unitsConsumed > 0n);
});
