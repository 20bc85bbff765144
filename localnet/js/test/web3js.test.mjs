// The local cluster through @solana/web3.js 1.x, as dashboards and Anchor's TS client use it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SendTransactionError, SystemProgram,
  Transaction, TransactionInstruction,
} from "@solana/web3.js";
import { cluster, faucet } from "../cluster.mjs";

const TOKEN_PROGRAM = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const ATA_PROGRAM = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

const { rpcUrl, wsUrl, ifxMint, licenseProgram } = cluster();
const connection = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl });

async function funded(sol) {
  const wallet = Keypair.generate();
  const signature = await connection.requestAirdrop(wallet.publicKey, sol * LAMPORTS_PER_SOL);
  const latest = await connection.getLatestBlockhash();
  await connection.confirmTransaction({ signature, ...latest }, "confirmed");
  return wallet;
}

test("getAccountInfo reads the IFX mint", async () => {
  const mint = await connection.getAccountInfo(new PublicKey(ifxMint));
  assert.ok(mint.owner.equals(TOKEN_PROGRAM));
  assert.equal(mint.data.length, 82);
  assert.equal(mint.data[44], 9, "IFX has 9 decimals");
});

test("getProgramAccounts finds a wallet's IFX account by memcmp and dataSize", async () => {
  const wallet = Keypair.generate().publicKey;
  await faucet(rpcUrl, wallet.toBase58(), "IFX", 7_000_000_000);
  const found = await connection.getProgramAccounts(TOKEN_PROGRAM, {
    filters: [
      { dataSize: 165 },
      { memcmp: { offset: 0, bytes: ifxMint } },
      { memcmp: { offset: 32, bytes: wallet.toBase58() } },
    ],
  });
  const [ata] = PublicKey.findProgramAddressSync(
    [wallet.toBuffer(), TOKEN_PROGRAM.toBuffer(), new PublicKey(ifxMint).toBuffer()],
    ATA_PROGRAM,
  );
  assert.equal(found.length, 1);
  assert.ok(found[0].pubkey.equals(ata));
  assert.equal(found[0].account.data.readBigUInt64LE(64), 7_000_000_000n);
});

test("sendTransaction and confirmTransaction over the WebSocket", async () => {
  const alice = await funded(2);
  const bob = Keypair.generate().publicKey;
  const tx = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob, lamports: 1_012_345 }),
  );
  const latest = await connection.getLatestBlockhash();
  tx.recentBlockhash = latest.blockhash;
  tx.feePayer = alice.publicKey;
  tx.sign(alice);
  const signature = await connection.sendRawTransaction(tx.serialize());
  const confirmed = await connection.confirmTransaction({ signature, ...latest }, "confirmed");
  assert.equal(confirmed.value.err, null);
  assert.equal(await connection.getBalance(bob), 1_012_345);
  const kept = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
  assert.ok(kept.meta.logMessages.includes("Program 11111111111111111111111111111111 success"));
  const listed = await connection.getSignaturesForAddress(bob);
  assert.deepEqual(listed.map((s) => s.signature), [signature]);
});

test("a refused transaction's error carries the program's logs", async () => {
  const alice = await funded(1);
  // Eight bytes no node-license instruction starts with: Anchor refuses them by name.
  const tx = new Transaction().add(
    new TransactionInstruction({ programId: new PublicKey(licenseProgram), keys: [], data: Buffer.alloc(8, 0xee) }),
  );
  tx.feePayer = alice.publicKey;
  tx.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
  tx.sign(alice);
  const before = await connection.getBalance(alice.publicKey);
  await assert.rejects(connection.sendRawTransaction(tx.serialize()), (error) => {
    assert.ok(error instanceof SendTransactionError);
    assert.ok(error.logs.some((l) => l.includes("InstructionFallbackNotFound")), error.logs.join("\n"));
    assert.ok(error.logs.includes(`Program ${licenseProgram} failed: custom program error: 0x65`));
    return true;
  });
  assert.equal(await connection.getBalance(alice.publicKey), before, "nothing charged");
});

test("simulateTransaction returns logs and compute units", async () => {
  const alice = await funded(1);
  const tx = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 }),
  );
  tx.feePayer = alice.publicKey;
  tx.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
  tx.sign(alice);
  const simulated = await connection.simulateTransaction(tx);
  assert.equal(simulated.value.err, null);
  assert.ok(simulated.value.logs.length > 0);
  assert.ok(simulated.value.unitsConsumed > 0);
});
