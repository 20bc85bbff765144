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
  await page.addInitScript(
    ({ address, publicKey }) => {
      const chains = ['solana:localnet', 'solana:devnet'] as const;
      const account = { address, publicKey: new Uint8Array(publicKey), chains, features: ['solana:signTransaction'], label: 'test' };
      const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
      const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const sign = (window as unknown as { inferixTestWalletSign: (b: string) => Promise<string> }).inferixTestWalletSign;
      const wallet = {
        version: '1.0.0',
        name: 'Inferix Test Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains,
        get accounts() {
          return [account];
        },
        features: {
          'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
          'standard:disconnect': { version: '1.0.0', disconnect: async () => {} },
          'standard:events': { version: '1.0.0', on: () => () => {} },
          'solana:signTransaction': {
            version: '1.0.0',
            supportedTransactionVersions: ['legacy', 0],
            signTransaction: async (...inputs: { transaction: Uint8Array }[]) =>
              Promise.all(inputs.map(async ({ transaction }) => ({ signedTransaction: fromBase64(await sign(toBase64(transaction))) }))),
          },
        },
      };
      const register = ({ register }: { register: (w: unknown) => void }) => register(wallet);
      window.addEventListener('wallet-standard:app-ready', (event) => register((event as CustomEvent).detail));
      window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { bubbles: false, cancelable: false, composed: false, detail: register }));
    },
    { address: signer.address, publicKey },
  );
}
