// A worker's holder around the end of the epoch it was credited in. While the epoch is open the
// rewards page shows the program's refusal by name and offers nothing to sign. Once the epoch
// and its grace are over, it shows what the claim pays (simulated, the program's own figures),
// "claim all" finalizes the epoch and claims it with progress, and the chain shows the IFX paid
// now and the rest vesting.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createKeyPairSignerFromBytes } from '@solana/kit';
import { pdas, unclaimedWorkerTallies } from '@inferix/client';
import { fetchEpoch, fetchRewardsConfig, fetchVesting } from '@inferix/client/src/generated/epoch_rewards';

import { balance, env, open, page, rpc, rpcCall, shot } from './browser';

test('while the epoch is open, the claim shows the program’s refusal by name and nothing moves', async () => {
  const worker = await createKeyPairSignerFromBytes(Uint8Array.from(env.worker.keypair));
  await open(worker, 'rewards');
  const row = page.getByRole('table', { name: 'Unclaimed rewards' }).getByRole('row').filter({ hasText: 'Worker licence' });
  await row.filter({ hasText: 'not claimable yet — EpochNotOver: The epoch has not ended plus its grace period' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Preview claiming all/ }).count(), 0, 'nothing to sign');
  await shot('6-rewards-epoch-open');
  const node = await pdas.node(env.worker.license);
  assert.equal((await unclaimedWorkerTallies(rpc, node)).length, 1, 'the tally is still there');

  // Past the epoch and its grace.
  const { endTs } = (await fetchEpoch(rpc, await pdas.epoch(0))).data;
  const { graceSecs } = (await fetchRewardsConfig(rpc, await pdas.rewardsConfig())).data.params;
  const now = BigInt((await rpcCall('inferixWarpClock', [0])) as number);
  await rpcCall('inferixWarpClock', [Number(endTs + graceSecs - now)]);
});

test('a worker holder claims an ended epoch’s rewards: part now, the rest vesting', async () => {
  const worker = await createKeyPairSignerFromBytes(Uint8Array.from(env.worker.keypair));
  const { immediate, vesting } = env.worker.expected;
  await open(worker, 'rewards');
  const row = page.getByRole('table', { name: 'Unclaimed rewards' }).getByRole('row').filter({ hasText: 'Worker licence' });
  await row.filter({ hasText: `${env.worker.expectedText.immediate} IFX now + ${env.worker.expectedText.vesting} IFX vesting` }).waitFor();
  await shot('7-rewards-pending');

  const ifx = await pdas.associatedToken(worker.address, env.ifxMint, env.ifxTokenProgram);
  const before = await balance(ifx);
  await page.getByRole('button', { name: /Preview claiming all/ }).click();
  await page.getByRole('status').filter({ hasText: /epoch reward\(s\), one transaction each/ }).waitFor();
  await page.getByRole('button', { name: 'Sign and claim all' }).click();
  await page.getByRole('alert').filter({ hasText: /Claimed 1 epoch reward/ }).waitFor();
  await page.getByText('No unclaimed rewards.').waitFor();
  await page.getByRole('list', { name: 'Vesting rewards' }).waitFor();
  await shot('8-claimed');
  assert.equal((await balance(ifx)) - before, BigInt(immediate), 'paid now');
  const vestingAccount = await fetchVesting(rpc, await pdas.vesting(worker.address, 0));
  assert.equal(vestingAccount.data.total, BigInt(vesting), 'the rest vests');
});
