// The guaranteed buyback from a holder's wallet (Rust: `inferix_sdk::instructions::{buyback_ifx,
// buyback_weth, withdraw_vested_buyback}`): option 1 pays the price paid in IFX, vesting;
// option 2 pays part of it in wETH at once. Each refuses to pay less than `minAmountOut`.
import type { Address, Instruction, TransactionSigner } from '@solana/kit';

import {
  BUYBACK_VAULT_PROGRAM_ADDRESS,
  BUYBACK_VESTING_DISCRIMINATOR,
  getBuybackVestingDecoder,
  type BuybackVesting,
  getBuybackIfxInstruction,
  getBuybackWethInstruction,
  getWithdrawVestedInstruction,
} from './generated/buyback_vault';
import { accountsNaming, type ProgramAccountsRpc } from './find';
import { TOKEN_2022_PROGRAM_ADDRESS, type IfxToken } from './instructions';
import * as pdas from './pdas';

/** The accounts both options share, prefixed as Codama flattens the program's `common` group. */
async function commonAccounts(holder: TransactionSigner, licenseMint: Address) {
  const authority = await pdas.buybackAuthority();
  const node = await pdas.node(licenseMint);
  return {
    commonHolder: holder,
    commonConfig: await pdas.buybackConfig(),
    commonAuthority: authority,
    commonLicenseMint: licenseMint,
    commonLicenseRecord: await pdas.licenseRecord(licenseMint),
    commonHolderLicenseAccount: await pdas.associatedToken(holder.address, licenseMint, TOKEN_2022_PROGRAM_ADDRESS),
    commonCustodyAccount: await pdas.associatedToken(authority, licenseMint, TOKEN_2022_PROGRAM_ADDRESS),
    commonLicenseConfig: await pdas.licenseConfig(),
    commonNode: node,
    commonStakingConfig: await pdas.stakingConfig(),
    commonTicket: await pdas.retirementTicket(node),
    commonRewardsConfig: await pdas.rewardsConfig(),
    commonNodeRewards: await pdas.nodeRewards(node),
    commonBoughtBack: await pdas.boughtBack(licenseMint),
  };
}

/** Option 1: the licence's price paid, in IFX at the current price, vesting. */
export async function buybackIfx(input: {
  holder: TransactionSigner;
  licenseMint: Address;
  ifxMint: Address;
  ifxPrice: Address;
  minAmountOut: bigint;
}): Promise<Instruction> {
  return getBuybackIfxInstruction({
    ...(await commonAccounts(input.holder, input.licenseMint)),
    vesting: await pdas.buybackVesting(input.licenseMint),
    ifxVault: await pdas.buybackIfxVault(),
    ifxMint: input.ifxMint,
    ifxPrice: input.ifxPrice,
    minAmountOut: input.minAmountOut,
  });
}

/** Option 2: part of the price paid, in wETH at once, into the holder's associated account. */
export async function buybackWeth(input: {
  holder: TransactionSigner;
  licenseMint: Address;
  wethMint: Address;
  wethTokenProgram: Address;
  ethPrice: Address;
  minAmountOut: bigint;
}): Promise<Instruction> {
  return getBuybackWethInstruction({
    ...(await commonAccounts(input.holder, input.licenseMint)),
    wethVault: await pdas.buybackWethVault(),
    holderWeth: await pdas.associatedToken(input.holder.address, input.wethMint, input.wethTokenProgram),
    wethMint: input.wethMint,
    wethTokenProgram: input.wethTokenProgram,
    ethPrice: input.ethPrice,
    minAmountOut: input.minAmountOut,
  });
}

/** What has vested of a licence's IFX buyback, to the holder. */
export async function withdrawVestedBuyback(input: { beneficiary: TransactionSigner; licenseMint: Address; ifx: IfxToken }): Promise<Instruction> {
  return getWithdrawVestedInstruction({
    beneficiary: input.beneficiary,
    config: await pdas.buybackConfig(),
    vesting: await pdas.buybackVesting(input.licenseMint),
    ifxVault: await pdas.buybackIfxVault(),
    beneficiaryIfx: await pdas.associatedToken(input.beneficiary.address, input.ifx.mint, input.ifx.tokenProgram),
    ifxMint: input.ifx.mint,
    ifxTokenProgram: input.ifx.tokenProgram,
  });
}

/** A holder's IFX buybacks still vesting (`BuybackVesting`: discriminator, beneficiary). */
export const buybackVestingsOf = (rpc: ProgramAccountsRpc, beneficiary: Address) =>
  accountsNaming<BuybackVesting>(rpc, BUYBACK_VAULT_PROGRAM_ADDRESS, BUYBACK_VESTING_DISCRIMINATOR, 8, beneficiary, (d) =>
    getBuybackVestingDecoder().decode(d),
  );
