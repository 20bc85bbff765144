// The worker's holder sells the licence back in the buyback window from the dashboard: the page
// quotes option 1 from a simulation of the sale, the sale is signed with a slippage guard, the
// licence leaves the wallet and the quoted IFX vests.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createKeyPairSignerFromBytes } from '@solana/kit';
import { parseAmount, pdas, TOKEN_2022_PROGRAM_ADDRESS } from '@inferix/client';
import { fetchBuybackVesting } from '@inferix/client/src/generated/buyback_vault';

import { balance, env, open, page, rpc, shot } from './browser';

test('a holder sells a licence back for vesting IFX, at the quoted amount', async () => {
  const worker = await createKeyPairSignerFromBytes(Uint8Array.from(env.worker.keypair));
  await open(worker, 'buyback');
  const card = page.getByRole('article', { name: /Sell licence/ });
  const text = (await card.getByText(/Option 1 now: .* IFX, vesting/).textContent()) ?? '';
  const quoted = parseAmount(/Option 1 now: ([\d.]+) IFX/.exec(text)![1], 9);
  assert.ok(quoted > 0n, text);
  await shot('8-buyback-quote');

  const licenseAccount = await pdas.associatedToken(worker.address, env.worker.license, TOKEN_2022_PROGRAM_ADDRESS);
  assert.equal(await balance(licenseAccount), 1n);
  await card.getByRole('button', { name: 'Preview selling for IFX' }).click();
  await page.getByRole('status').filter({ hasText: /at least .* IFX, or the program refuses/ }).waitFor();
  await page.getByRole('button', { name: 'Sign and sell' }).click();
  await page.getByRole('alert').filter({ hasText: /Sold licence/ }).waitFor();
  await page.getByRole('list', { name: 'Buyback vesting' }).waitFor();
  await shot('9-sold');
  assert.equal(await balance(licenseAccount), 0n, 'the licence left the wallet');
  const vesting = await fetchBuybackVesting(rpc, await pdas.buybackVesting(env.worker.license));
  assert.equal(vesting.data.total, quoted, 'the quoted IFX vests');
});
