// A wallet that implements the Wallet Standard, registered in the page before the dashboard
// loads: it connects with one account and signs transactions with a test keypair that never
// enters the page (the page hands the bytes to the test process, which signs them).
import {
  getBase64Decoder,
  getBase64Encoder,
  getAddressEncoder,
  getTransactionDecoder,
  getTransactionEncoder,
  signBytes,
  type KeyPairSigner,
} from '@solana/kit';
import type { Page } from 'playwright-core';

export async function installTestWallet(page: Page, signer: KeyPairSigner) {
  await page.exposeFunction('inferixTestWalletSign', async (wireBase64: string) => {
    const transaction = getTransactionDecoder().decode(getBase64Encoder().encode(wireBase64));
    if (!(signer.address in transaction.signatures)) throw new Error('the transaction does not ask this wallet to sign');
    const signature = await signBytes(signer.keyPair.privateKey, transaction.messageBytes);
    const signed = { ...transaction, signatures: { ...transaction.signatures, [signer.address]: signature } };
    return getBase64Decoder().decode(getTransactionEncoder().encode(signed));
  });
  const publicKey = Array.from(getAddressEncoder().encode(signer.address));
  // Plain JavaScript, not a serialized function: the TypeScript loader would add helpers the
  // page does not have.
  await page.addInitScript({
    content: `(() => {
      const chains = ['solana:localnet', 'solana:devnet'];
      const account = { address: ${JSON.stringify(signer.address)}, publicKey: new Uint8Array(${JSON.stringify(publicKey)}), chains, features: ['solana:signTransaction'], label: 'test' };
      const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
      const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const wallet = {
        version: '1.0.0',
        name: 'Inferix Test Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains,
        get accounts() { return [account]; },
        features: {
          'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
          'standard:disconnect': { version: '1.0.0', disconnect: async () => {} },
          'standard:events': { version: '1.0.0', on: () => () => {} },
          'solana:signTransaction': {
            version: '1.0.0',
            supportedTransactionVersions: ['legacy', 0],
            signTransaction: async (...inputs) => Promise.all(inputs.map(async ({ transaction }) =>
              ({ signedTransaction: fromBase64(await window.inferixTestWalletSign(toBase64(transaction))) }))),
          },
        },
      };
      const register = ({ register }) => register(wallet);
      window.addEventListener('wallet-standard:app-ready', (event) => register(event.detail));
      window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: register }));
    })();`,
  });
}
