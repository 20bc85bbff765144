// A holder's flows over the cluster's JSON-RPC, signed in the client: buy a verifier licence,
// register its node and stake the minimum until it is active; an unstake below the minimum of an
// active node is refused with the program's error by name, and nothing moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { generateKeyPairSigner, type Instruction } from '@solana/kit';

import {
  describeError,
  errorText,
  findSale,
  ifxPriceAccount,
  ifxToken,
  pdas,
  purchaseLicense,
  registerNode,
  stake,
  stakingConfig,
  TOKEN_2022_PROGRAM_ADDRESS,
  unstake,
} from '../src';
import { fetchLicenseRecord, LicenseKind } from '../src/generated/node_license';
import { fetchNode, NodeStatus } from '../src/generated/node_staking';
import { cluster, fixtures } from './harness';

test('a holder buys a verifier licence, registers and stakes until the node is active', async () => {
  const net = cluster();
  const alice = await generateKeyPairSigner();
  const minimum = BigInt(fixtures.cluster.verifierMinStake);
  await net.fund(alice.address, 10n);
  await net.faucet(alice.address, 'USDC', 1_000_000_000n);
  await net.faucet(alice.address, 'IFX', minimum);

  const { accounts: sale } = await findSale(net.rpc, LicenseKind.Verifier);
  const usdc = await pdas.associatedToken(alice.address, sale.paymentMint, sale.paymentTokenProgram);
  const usdcBefore = await net.tokenBalance(usdc);
  const licenseMint = await generateKeyPairSigner();
  await net.send(alice, [await purchaseLicense({ sale, buyer: alice, licenseMint, tier: 1, referral: { kind: 'none' } })]);
  const record = await fetchLicenseRecord(net.rpc, await pdas.licenseRecord(licenseMint.address));
  assert.equal(record.data.kind, LicenseKind.Verifier);
  assert.equal(usdcBefore - (await net.tokenBalance(usdc)), record.data.pricePaidUsd, 'paid the tier price');

  const config = await stakingConfig(net.rpc);
  const ifx = ifxToken(config);
  const price = await ifxPriceAccount(config);
  await net.send(alice, [
    await registerNode({
      owner: alice,
      licenseMint: licenseMint.address,
      licenseAccount: await pdas.associatedToken(alice.address, licenseMint.address, TOKEN_2022_PROGRAM_ADDRESS),
      ifx,
      operator: null,
      pricePerIbmUsdMicros: 0n,
    }),
  ]);
  const node = await pdas.node(licenseMint.address);
  const ownerIfx = await pdas.associatedToken(alice.address, ifx.mint, ifx.tokenProgram);
  await net.send(alice, [await stake({ owner: alice, node, ownerIfx, ifx, price, amount: minimum })]);
  const staked = await fetchNode(net.rpc, node);
  assert.equal(staked.data.stake, minimum);
  assert.equal(staked.data.status, NodeStatus.Active, 'a verifier staked at the minimum is active');
  assert.equal(await net.tokenBalance(ownerIfx), 0n);
  assert.equal(await net.tokenBalance(await pdas.stakeVault(node)), minimum);

  // Below the minimum while active: refused by name, nothing moves.
  const belowMinimum: Instruction[] = [
    await unstake({ owner: alice, node, nextTicketId: staked.data.nextTicketId, price, amount: 1n }),
  ];
  await assert.rejects(net.send(alice, belowMinimum), (error) => {
    const named = describeError(error, belowMinimum);
    assert.equal(named?.program, 'node_staking');
    assert.equal(named?.name, 'StakeBelowMinimum');
    assert.match(errorText(error, belowMinimum), /node_staking: StakeBelowMinimum \(6017\): .*deactivate the node first/);
    return true;
  });
  assert.equal((await fetchNode(net.rpc, node)).data.stake, minimum, 'the stake is unchanged');
  assert.equal(await net.tokenBalance(await pdas.stakeVault(node)), minimum);
});
