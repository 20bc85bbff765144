// Any wallet that implements the Wallet Standard for Solana (Phantom, Solflare, Backpack, …):
// discovered through @wallet-standard/app, connected with `standard:connect`, asked to sign with
// `solana:signTransaction`. The dashboard never sees a private key.
import { getWallets } from '@wallet-standard/app';
import type { Wallet, WalletAccount } from '@wallet-standard/base';
import { StandardConnect, type StandardConnectFeature, StandardDisconnect, type StandardDisconnectFeature } from '@wallet-standard/features';
import { SolanaSignTransaction, type SolanaSignTransactionFeature } from '@solana/wallet-standard-features';
import { address, type Address } from '@solana/kit';

export type Connected = { wallet: Wallet; account: WalletAccount; address: Address };

const usable = (wallet: Wallet) =>
  StandardConnect in wallet.features &&
  SolanaSignTransaction in wallet.features &&
  wallet.chains.some((chain) => chain.startsWith('solana:'));

/** The Solana wallets in the page now and as they register; `onChange` runs on each change. */
export function watchWallets(onChange: (wallets: Wallet[]) => void): Wallet[] {
  const registry = getWallets();
  const list = () => registry.get().filter(usable);
  registry.on('register', () => onChange(list()));
  registry.on('unregister', () => onChange(list()));
  return list();
}

export async function connect(wallet: Wallet): Promise<Connected> {
  const { accounts } = await (wallet.features as StandardConnectFeature)[StandardConnect].connect();
  const account = accounts.find((a) => a.chains.some((c) => c.startsWith('solana:'))) ?? accounts[0];
  if (!account) throw new Error(`${wallet.name} shared no account`);
  return { wallet, account, address: address(account.address) };
}

export async function disconnect(connected: Connected): Promise<void> {
  const feature = (connected.wallet.features as Partial<StandardDisconnectFeature>)[StandardDisconnect];
  await feature?.disconnect();
}

/** The wallet signs the wire transaction (its fee-payer signature); the signed bytes come back. */
export async function signTransaction(connected: Connected, chain: `solana:${string}`, transaction: Uint8Array): Promise<Uint8Array> {
  const feature = (connected.wallet.features as SolanaSignTransactionFeature)[SolanaSignTransaction];
  const [output] = await feature.signTransaction({ account: connected.account, chain, transaction });
  return output.signedTransaction;
}
