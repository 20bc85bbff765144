// A holder in the dashboard with a browser wallet: connect, buy a licence through another
// holder's referral link, register and stake until the node is active; an unstake below S(n)
// and a stake of IFX the wallet does not have are refused by name and move nothing. Every step
// is checked on chain over RPC and leaves a screenshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { address, generateKeyPairSigner, type Address } from '@solana/kit';
import { pdas } from '@inferix/client';
import { fetchNode, NodeStatus } from '@inferix/client/src/generated/node_staking';

import { balance, confirm, env, open, page, rpc, rpcCall, shot } from './browser';

test('a holder connects, buys through a referral, registers, stakes, and is refused by name', async () => {
  const holder = await generateKeyPairSigner();
  await rpcCall('requestAirdrop', [holder.address, 5_000_000_000]);
  await rpcCall('inferixFaucet', [holder.address, 'USDC', 1_000_000_000]);
  const minimum = BigInt(env.verifierMinStake);
  await rpcCall('inferixFaucet', [holder.address, 'IFX', Number(minimum)]);

  const referrer = address(env.referrer.wallet);
  await open(holder, 'buy', `&ref=${referrer}:${env.referrer.license}`);
  await shot('1-connected');

  // Buy a verifier licence through the referral link (prefilled); the preview shows the discount.
  const buy = page.getByRole('form', { name: 'Buy a licence' });
  await buy.getByLabel('Kind').selectOption('Verifier');
  await page.getByRole('table', { name: 'Tiers' }).waitFor();
  assert.equal(await buy.getByLabel("Referrer's wallet").inputValue(), referrer);
  const usdc = await pdas.associatedToken(holder.address, address(env.usdMint), address(env.tokenProgram));
  const referrerUsdc = await pdas.associatedToken(referrer, address(env.usdMint), address(env.tokenProgram));
  const [usdcBefore, referrerBefore] = [await balance(usdc), await balance(referrerUsdc)];
  await confirm(buy, 'Preview purchase', /referral discount/, 'Sign and buy');
  await page.getByRole('alert').filter({ hasText: /Bought licence/ }).waitFor();
  await shot('2-bought');
  const paid = usdcBefore - (await balance(usdc));
  const commission = (await balance(referrerUsdc)) - referrerBefore;
  assert.ok(paid > 0n, 'the holder paid');
  assert.ok(commission > 0n, 'the referrer earned a commission');

  // Register the node and stake the verifier minimum: the node becomes active.
  await page.getByRole('link', { name: 'My licences and nodes' }).click();
  const card = page.getByRole('article').first();
  await card.getByRole('button', { name: 'Register node' }).click();
  await page.getByRole('button', { name: 'Sign and register' }).click();
  await page.getByRole('alert').filter({ hasText: 'Node registered' }).waitFor();
  const stakeForm = page.getByRole('form', { name: 'Stake IFX', exact: true });
  await stakeForm.getByLabel('Stake (IFX)', { exact: true }).fill(env.verifierMinStakeText);
  await confirm(stakeForm, 'Preview stake', /Move .* IFX from your wallet/, 'Sign and stake');
  await page.getByRole('alert').filter({ hasText: /Staked/ }).waitFor();
  await page.getByText('Active', { exact: true }).waitFor();
  await shot('3-staked-active');
  const licenseMint = (await page.getByRole('article').first().locator('dd').first().textContent())!.trim() as Address;
  const node = await pdas.node(licenseMint);
  const staked = await fetchNode(rpc, node);
  assert.equal(staked.data.stake, minimum);
  assert.equal(staked.data.status, NodeStatus.Active);
  assert.equal(await balance(await pdas.stakeVault(node)), minimum);

  // Unstaking below the minimum of an active node: the program's error by name, nothing moves.
  const unstakeForm = page.getByRole('form', { name: 'Unstake IFX', exact: true });
  await unstakeForm.getByLabel('Unstake (IFX)', { exact: true }).fill('1');
  await confirm(unstakeForm, 'Preview unstake', /Start unbonding/, 'Sign and unstake');
  await page.getByRole('alert').filter({ hasText: /StakeBelowMinimum/ }).waitFor();
  await shot('4-refused-by-name');
  assert.match((await page.getByRole('alert').textContent()) ?? '', /node_staking: StakeBelowMinimum \(6017\).*Unstake less/);
  assert.equal((await fetchNode(rpc, node)).data.stake, minimum, 'the stake did not move');
  assert.equal(await balance(await pdas.stakeVault(node)), minimum);

  // More IFX than the wallet holds: the token program's refusal, by name, inside node_staking.
  await stakeForm.getByLabel('Stake (IFX)', { exact: true }).fill('1');
  await confirm(stakeForm, 'Preview stake', /Move 1\.0+ IFX/, 'Sign and stake');
  await page.getByRole('alert').filter({ hasText: /InsufficientFunds/ }).waitFor();
  await shot('5-too-little-ifx');
  assert.match((await page.getByRole('alert').textContent()) ?? '', /spl_token \(called by node_staking\): InsufficientFunds/);
  assert.equal((await fetchNode(rpc, node)).data.stake, minimum, 'the stake did not move');
});
