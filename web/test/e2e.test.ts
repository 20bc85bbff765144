// The dashboard in Debian's Chromium (headless, kept off the network) against the local cluster,
// with a Wallet Standard test wallet: connect, buy a licence through a holder's referral link,
// register and stake until the node is active, and a refused unstake that names the program's
// error and moves nothing. Every step is checked on chain over RPC and leaves a screenshot.
// Run by tests/tests/dashboard.rs, which starts the cluster and builds the dashboard.
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { after, before, test } from 'node:test';

import { address, createSolanaRpc, devnet, generateKeyPairSigner, type Address } from '@solana/kit';
import { pdas } from '@inferix/client';
import { fetchNode, NodeStatus } from '@inferix/client/src/generated/node_staking';
import { chromium, type Browser, type Page } from 'playwright-core';

import { installTestWallet } from './testWallet';

const env = JSON.parse(readFileSync(process.env.INFERIX_DASHBOARD_FIXTURES ?? '', 'utf8'));
const rpc = createSolanaRpc(devnet(env.rpcUrl));
const shots = env.screenshots as string;
const dist = join(import.meta.dirname, '..', 'dist');

let server: Server;
let browser: Browser;
let page: Page;
let origin = '';

async function rpcCall(method: string, params: unknown[]) {
  const response = await fetch(env.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

async function balance(account: Address): Promise<bigint> {
  const { value } = await rpc.getTokenAccountBalance(account).send();
  return BigInt(value.amount);
}

async function shot(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Presses the preview button, checks the preview, signs, and waits for the notice. */
async function confirm(form: ReturnType<Page['getByRole']>, previewButton: string, expectPreview: RegExp, signButton: string) {
  await form.getByRole('button', { name: previewButton }).click();
  await page.getByRole('status').filter({ hasText: expectPreview }).waitFor();
  await page.getByRole('button', { name: signButton }).click();
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'build the dashboard first (vite build)');
  mkdirSync(shots, { recursive: true });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  server = createServer((request, response) => {
    const path = join(dist, new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'));
    if (!path.startsWith(dist) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // Off the network: no sandbox helpers, no background requests, every host but 127.0.0.1 unresolvable.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-default-apps', '--disable-extensions', '--disable-sync', '--metrics-recording-only',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('a holder connects, buys through a referral, registers, stakes, and is refused by name', async () => {
  const holder = await generateKeyPairSigner();
  await rpcCall('requestAirdrop', [holder.address, 5_000_000_000]);
  await rpcCall('inferixFaucet', [holder.address, 'USDC', 1_000_000_000]);
  const minimum = BigInt(env.verifierMinStake);
  await rpcCall('inferixFaucet', [holder.address, 'IFX', Number(minimum)]);

  page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone's width
  page.on('pageerror', (error) => console.error('page error:', error));
  await installTestWallet(page, holder);
  const referrer = address(env.referrer.wallet);
  await page.goto(`${origin}/?rpc=${encodeURIComponent(env.rpcUrl)}&ref=${referrer}:${env.referrer.license}#/buy`);
  await page.getByRole('button', { name: 'Connect Inferix Test Wallet' }).click();
  await page.getByText(`Inferix Test Wallet: ${holder.address.slice(0, 4)}`).waitFor();
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
});
