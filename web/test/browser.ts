// The dashboard's browser tests share this: the built dashboard served on 127.0.0.1, Debian's
// Chromium (headless, kept off the network), a page with the Wallet Standard test wallet, and
// reads of the chain over RPC. tests/tests/dashboard.rs starts the cluster and builds the
// dashboard, then runs each test file.
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { after, before } from 'node:test';

import { createSolanaRpc, devnet, type Address, type KeyPairSigner } from '@solana/kit';
import { chromium, type Browser, type Page } from 'playwright-core';

import { installTestWallet } from './testWallet';

export const env = JSON.parse(readFileSync(process.env.INFERIX_DASHBOARD_FIXTURES ?? '', 'utf8'));
export const rpc = createSolanaRpc(devnet(env.rpcUrl));
const shots = env.screenshots as string;
const dist = join(import.meta.dirname, '..', 'dist');

let server: Server;
let browser: Browser;
export let page: Page;
let origin = '';

export async function rpcCall(method: string, params: unknown[]) {
  const response = await fetch(env.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

export async function balance(account: Address): Promise<bigint> {
  const { value } = await rpc.getTokenAccountBalance(account).send();
  return BigInt(value.amount);
}

export async function shot(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Presses the preview button, checks the preview, signs, and waits for the notice. */
export async function confirm(form: ReturnType<Page['getByRole']>, previewButton: string, expectPreview: RegExp, signButton: string) {
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

/** A phone-width page with `wallet` installed as the test wallet, at `route` of the dashboard. */
export async function open(wallet: KeyPairSigner, route: string, query = '') {
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (error) => console.error('page error:', error));
  await installTestWallet(page, wallet);
  await page.goto(`${origin}/?rpc=${encodeURIComponent(env.rpcUrl)}${query}#/${route}`);
  await page.getByRole('button', { name: 'Connect Inferix Test Wallet' }).click();
  await page.getByText(`Inferix Test Wallet: ${wallet.address.slice(0, 4)}`).waitFor();
  return page;
}
