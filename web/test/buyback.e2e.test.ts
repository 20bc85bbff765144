// The worker's holder sells the licence back in the buyback window from the dashboard: the page
// quotes option 1 from a simulation of the sale, the sale is signed with a slippage guard, the
// licence leaves the wallet and the quoted IFX vests. The retired node's stake unbonds to the
// holder, who withdraws it from the nodes page once the unbonding period is over.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createKeyPairSignerFromBytes } from '@solana/kit';
import { parseAmount, pdas, stakingConfig, TOKEN_2022_PROGRAM_ADDRESS, unbondingTicketsOf } from '@inferix/client';
import { fetchBuybackVesting } from '@inferix/client/src/generated/buyback_vault';
import { fetchMaybeUnbondingTicket, fetchNode } from '@inferix/client/src/generated/node_staking';

import { balance, env, open, page, rpc, rpcCall, shot } from './browser';

/** The worker node's stake when its licence was sold: what unbonds to the holder. */
let stakeAtSale = 0n;

test('a holder sells a licence back for vesting IFX, at the quoted amount', async () => {
  const worker = await createKeyPairSignerFromBytes(Uint8Array.from(env.worker.keypair));
  await open(worker, 'buyback');
  const card = page.getByRole('article', { name: /Sell licence/ });
  const text = (await card.getByText(/Option 1 now: .* IFX, vesting/).textContent()) ?? '';
  const quoted = parseAmount(/Option 1 now: ([\d.]+) IFX/.exec(text)![1], 9);
  assert.ok(quoted > 0n, text);
  await shot('9-buyback-quote');

  const licenseAccount = await pdas.associatedToken(worker.address, env.worker.license, TOKEN_2022_PROGRAM_ADDRESS);
  assert.equal(await balance(licenseAccount), 1n);
  stakeAtSale = (await fetchNode(rpc, await pdas.node(env.worker.license))).data.stake;
  await card.getByRole('button', { name: 'Preview selling for IFX' }).click();
  await page.getByRole('status').filter({ hasText: /at least .* IFX, or the program refuses/ }).waitFor();
  await page.getByRole('button', { name: 'Sign and sell' }).click();
  await page.getByRole('alert').filter({ hasText: /Sold licence/ }).waitFor();
  await page.getByRole('list', { name: 'Buyback vesting' }).waitFor();
  await shot('10-sold');
  assert.equal(await balance(licenseAccount), 0n, 'the licence left the wallet');
  const vesting = await fetchBuybackVesting(rpc, await pdas.buybackVesting(env.worker.license));
  assert.equal(vesting.data.total, quoted, 'the quoted IFX vests');
});

test('the sold node’s stake unbonds to the holder, who withdraws it once released', async () => {
  const worker = await createKeyPairSignerFromBytes(Uint8Array.from(env.worker.keypair));
  const [ticket] = await unbondingTicketsOf(rpc, worker.address);
  assert.ok(ticket, 'the retirement opened a ticket for the holder');
  await open(worker, 'nodes');
  const list = () => page.getByRole('list', { name: 'Unbonding stake' });
  await list().getByText(/unbonding until \d{4}-\d\d-\d\d \d\d:\d\d UTC/).waitFor();
  assert.equal(await list().getByRole('button', { name: 'Preview withdrawal' }).isDisabled(), true, 'nothing to withdraw yet');
  await shot('11-unbonding');

  const now = (await rpcCall('inferixWarpClock', [0])) as number;
  await rpcCall('inferixWarpClock', [Number(ticket.data.releaseAt) - now]);
  const config = await stakingConfig(rpc);
  const ifx = await pdas.associatedToken(worker.address, config.ifxMint, config.ifxTokenProgram);
  const before = await balance(ifx);
  await open(worker, 'nodes');
  await list().getByText(/IFX withdrawable now/).waitFor();
  await list().getByRole('button', { name: 'Preview withdrawal' }).click();
  await page.getByRole('status').filter({ hasText: /IFX of unbonded stake to your wallet/ }).waitFor();
  await page.getByRole('button', { name: 'Sign and withdraw' }).click();
  await page.getByRole('alert').filter({ hasText: /Withdrew .* IFX of unbonded stake/ }).waitFor();
  await shot('12-unbonded-withdrawn');
  assert.equal((await balance(ifx)) - before, stakeAtSale, 'the whole stake is back in the wallet');
  assert.equal((await fetchMaybeUnbondingTicket(rpc, ticket.address)).exists, false, 'the ticket closed');
});
