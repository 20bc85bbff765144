// Reading the deployed network: the sale of a licence kind, the deployment's IFX and the price
// account the staking program reads (Rust: the CLI's `network` module).
import type { Address, GetAccountInfoApi, GetMultipleAccountsApi, Rpc } from '@solana/kit';

import { fetchAllMaybeSale, fetchMaybeLicenseConfig, LicenseKind, type Sale } from './generated/node_license';
import { fetchMaybeStakingConfig, type StakingConfig } from './generated/node_staking';
import type { IfxToken, SaleAccounts } from './instructions';
import * as pdas from './pdas';

type ReadRpc = Rpc<GetAccountInfoApi & GetMultipleAccountsApi>;

export class NotDeployedError extends Error {
  override name = 'NotDeployedError';
}

/** The latest sale of `kind`, with the accounts a purchase needs. */
export async function findSale(rpc: ReadRpc, kind: LicenseKind): Promise<{ accounts: SaleAccounts; sale: Sale }> {
  const config = await fetchMaybeLicenseConfig(rpc, await pdas.licenseConfig());
  if (!config.exists) throw new NotDeployedError('node-license is not configured on this cluster: check the RPC URL');
  const addresses = await Promise.all(Array.from({ length: config.data.saleCount }, (_, i) => pdas.sale(i)));
  const sales = await fetchAllMaybeSale(rpc, addresses);
  const found = sales.reverse().find((s) => s.exists && s.data.kind === kind);
  if (!found || !found.exists) throw new NotDeployedError(`there is no ${LicenseKind[kind]} licence sale on this cluster`);
  const sale = found.data;
  return {
    accounts: { sale: found.address, paymentMint: sale.paymentMint, paymentTokenProgram: sale.paymentTokenProgram, treasury: sale.treasury },
    sale,
  };
}

export async function stakingConfig(rpc: ReadRpc): Promise<StakingConfig> {
  const config = await fetchMaybeStakingConfig(rpc, await pdas.stakingConfig());
  if (!config.exists) throw new NotDeployedError('node-staking is not configured on this cluster: check the RPC URL');
  return config.data;
}

export const ifxToken = (config: StakingConfig): IfxToken => ({ mint: config.ifxMint, tokenProgram: config.ifxTokenProgram });

/** The IFX price account the staking program reads: its pushed-price PDA, or the Pyth
 * `PriceUpdateV2` account the caller names. */
export async function ifxPriceAccount(config: StakingConfig, pythAccount?: Address): Promise<Address> {
  if (config.params.priceSource.__kind === 'Pushed') return pdas.pushedPrice();
  if (!pythAccount) throw new NotDeployedError("this deployment prices IFX with a Pyth feed: pass the feed's PriceUpdateV2 account");
  return pythAccount;
}
