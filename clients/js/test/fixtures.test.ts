// The client makes the same bytes as the Rust SDK: addresses, instructions (accounts, roles and
// data), the Ed25519 precompile layout, an account, error names and amounts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  createNoopSigner,
  getBase64Decoder,
  isSignerRole,
  isWritableRole,
  type Address,
  type Instruction,
} from '@solana/kit';

import {
  buybackIfx,
  buybackWeth,
  claimVerifierReward,
  claimWorkerReward,
  ed25519InstructionData,
  finalizeEpoch,
  formatAmount,
  parseAmount,
  pdas,
  programError,
  purchaseLicense,
  registerNode,
  stake,
  submitAttestation,
  TOKEN_PROGRAM_ADDRESS,
  unstake,
  updateIb,
  withdraw,
  withdrawVestedBuyback,
  withdrawVestedReward,
} from '../src';
import { getNodeDecoder, getNodeEncoder, NodeStatus } from '../src/generated/node_staking';
import { bytes, fixtures, key } from './harness';

const base64 = (data: Uint8Array | ArrayLike<number>) => getBase64Decoder().decode(new Uint8Array(data));

function shape(instruction: Instruction) {
  return {
    program: instruction.programAddress,
    accounts: (instruction.accounts ?? []).map((a) => ({
      address: a.address,
      signer: isSignerRole(a.role),
      writable: isWritableRole(a.role),
    })),
    data: base64(instruction.data ?? new Uint8Array()),
  };
}

test('every PDA is the Rust SDK’s', async () => {
  for (const [name, args, expected] of fixtures.pdas as [string, unknown[], string][]) {
    const converted = args.map((arg) => {
      if (name === 'slashRecord') return bytes(arg as string);
      if (name === 'unbondingTicket' && typeof arg === 'string' && /^\d+$/.test(arg)) return BigInt(arg);
      return arg;
    });
    const derive = (pdas as unknown as Record<string, (...a: unknown[]) => Promise<Address>>)[name];
    assert.ok(derive, `pdas.${name} exists`);
    assert.equal(await derive(...converted), expected, name);
  }
});

test('instructions have the Rust SDK’s accounts, roles and data', async () => {
  const [a, b, c, d] = [key(1), key(2), key(3), key(4)];
  const signer = (address: Address) => createNoopSigner(address);
  const ifx = { mint: c, tokenProgram: TOKEN_PROGRAM_ADDRESS };
  const node = await pdas.node(b);
  const built: Record<string, Instruction> = {
    purchaseLicense: await purchaseLicense({
      sale: { sale: await pdas.sale(1), paymentMint: d, paymentTokenProgram: TOKEN_PROGRAM_ADDRESS, treasury: key(5) },
      buyer: signer(a),
      licenseMint: signer(b),
      tier: 2,
      referral: { kind: 'partner', code: 'STUDIO-7', receiver: key(6) },
    }),
    registerNode: await registerNode({
      owner: signer(a),
      licenseMint: b,
      licenseAccount: key(7),
      ifx,
      operator: key(8),
      pricePerIbmUsdMicros: 40_000n,
    }),
    stake: await stake({ owner: signer(a), node, ownerIfx: key(7), ifx, price: key(9), amount: 1_234_567_890n }),
    unstake: await unstake({ owner: signer(a), node, nextTicketId: 4n, price: key(9), amount: 55n }),
    withdraw: await withdraw({
      staker: signer(a),
      node,
      ticket: await pdas.unbondingTicket(node, 4n),
      rentPayer: key(14),
      stakeEra: await pdas.stakeEra(node, 1),
      stakerIfx: key(7),
      ifx,
    }),
    submitAttestation: await submitAttestation({ operator: signer(a), node, epoch: 12, verifiers: [key(10), key(11)] }),
    claimWorkerReward: await claimWorkerReward(
      { payer: signer(a), epoch: 12, node, licenseMint: b, recipient: c, holdsLicense: true },
      key(14),
      ifx,
    ),
    claimVerifierReward: await claimVerifierReward(
      { payer: signer(a), epoch: 12, node, licenseMint: b, recipient: c, holdsLicense: false },
      key(14),
      ifx,
    ),
    finalizeEpoch: await finalizeEpoch(12, ifx),
    buybackIfx: await buybackIfx({ holder: signer(a), licenseMint: b, ifxMint: c, ifxPrice: key(9), minAmountOut: 77n }),
    buybackWeth: await buybackWeth({
      holder: signer(a),
      licenseMint: b,
      wethMint: key(15),
      wethTokenProgram: TOKEN_PROGRAM_ADDRESS,
      ethPrice: key(16),
      minAmountOut: 88n,
    }),
    withdrawVestedBuyback: await withdrawVestedBuyback({ beneficiary: signer(a), licenseMint: b, ifx }),
    withdrawVestedReward: await withdrawVestedReward({ beneficiary: signer(c), epoch: 12, rentPayer: key(14), ifx }),
    updateIb: await updateIb({
      node,
      price: key(9),
      ibMicros: 2_500_000n,
      sceneSetHash: new Uint8Array(32).fill(6),
      issuedAt: 1_800_000_000n,
      verifiers: [key(10), key(11)],
    }),
  };
  assert.deepEqual(Object.keys(built).sort(), fixtures.instructions.map((i: { name: string }) => i.name).sort(), 'every builder is compared');
  for (const expected of fixtures.instructions) {
    const instruction = built[expected.name];
    assert.ok(instruction, `a builder for ${expected.name}`);
    assert.deepEqual(shape(instruction), { program: expected.program, accounts: expected.accounts, data: expected.data }, expected.name);
  }
});

test('the Ed25519 precompile data has the canonical layout', () => {
  const { signatures, message, data } = fixtures.ed25519;
  const made = ed25519InstructionData(
    signatures.map((s: { signer: Address; signature: string }) => ({ signer: s.signer, signature: bytes(s.signature) })),
    bytes(message),
  );
  assert.equal(base64(made), data);
});

test('a node account decodes to the Rust SDK’s fields and encodes back to its bytes', () => {
  const { data, owner, stake: staked, status } = fixtures.node;
  const node = getNodeDecoder().decode(bytes(data));
  assert.equal(node.owner, owner);
  assert.equal(node.stake, BigInt(staked));
  assert.equal(NodeStatus[node.status], status);
  assert.equal(base64(getNodeEncoder().encode(node)), data);
});

test('error codes have the Rust SDK’s names', () => {
  for (const { program, code, name, msg } of fixtures.errors) {
    const named = programError(program, code);
    assert.deepEqual(named && { name: named.name, msg: named.msg }, { name, msg }, `${program} ${code}`);
  }
});

test('amounts parse and print as the CLI does', () => {
  for (const { text, decimals, base, formatted } of fixtures.amounts) {
    assert.equal(parseAmount(text, decimals), BigInt(base), text);
    assert.equal(formatAmount(BigInt(base), decimals), formatted, text);
  }
  assert.throws(() => parseAmount('1.0000001', 6), /7 decimals; this token has 6/);
  assert.throws(() => parseAmount('12,5', 9), /not a number/);
});
