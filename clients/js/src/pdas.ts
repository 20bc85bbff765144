// Program-derived addresses of the four programs, from the seeds of `inferix-common::seeds`
// (Rust's `inferix_sdk::pda`). The tests check every one against the Rust SDK.
import {
  getAddressEncoder,
  getProgramDerivedAddress,
  getU32Encoder,
  getU64Encoder,
  getUtf8Encoder,
  type Address,
  type ReadonlyUint8Array,
} from '@solana/kit';

import { BUYBACK_VAULT_PROGRAM_ADDRESS } from './generated/buyback_vault/programs';
import { EPOCH_REWARDS_PROGRAM_ADDRESS } from './generated/epoch_rewards/programs';
import { NODE_LICENSE_PROGRAM_ADDRESS } from './generated/node_license/programs';
import { NODE_STAKING_PROGRAM_ADDRESS } from './generated/node_staking/programs';

/** `node_staking::state::RETIREMENT_TICKET_ID`: the fixed ticket of a buyback retirement. */
export const RETIREMENT_TICKET_ID = 0xffff_ffff_ffff_ffffn;

export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS =
  'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL' as Address;
const UPGRADEABLE_LOADER_ADDRESS = 'BPFLoaderUpgradeab1e11111111111111111111111' as Address;

const text = getUtf8Encoder();
const addressBytes = getAddressEncoder();
const u32 = getU32Encoder();
const u64 = getU64Encoder();

/** A literal seed of `inferix-common::seeds`. */
const tag = (name: string) => text.encode(name);
const key = (a: Address) => addressBytes.encode(a);
const le32 = (n: number) => u32.encode(n);
const le64 = (n: bigint) => u64.encode(n);

type Seed = ReadonlyUint8Array;

async function derive(programAddress: Address, ...seeds: Seed[]): Promise<Address> {
  const [found] = await getProgramDerivedAddress({ programAddress, seeds });
  return found;
}

const license = (...seeds: Seed[]) => derive(NODE_LICENSE_PROGRAM_ADDRESS, ...seeds);
const staking = (...seeds: Seed[]) => derive(NODE_STAKING_PROGRAM_ADDRESS, ...seeds);
const rewards = (...seeds: Seed[]) => derive(EPOCH_REWARDS_PROGRAM_ADDRESS, ...seeds);
const buyback = (...seeds: Seed[]) => derive(BUYBACK_VAULT_PROGRAM_ADDRESS, ...seeds);

export const licenseConfig = () => license(tag('license_config'));
/** A license's record in node-license (kind, tier, price paid, lock). */
export const licenseRecord = (licenseMint: Address) => license(tag('license'), key(licenseMint));
export const sale = (saleId: number) => license(tag('sale'), le32(saleId));
/** How many licenses `wallet` bought in `sale` (per-tier caps, whitelist allocations). */
export const walletPurchases = (saleAddress: Address, wallet: Address) =>
  license(tag('wallet_purchases'), key(saleAddress), key(wallet));
export const partnerCode = (code: string) => license(tag('partner_code'), text.encode(code));

export const stakingConfig = () => staking(tag('staking_config'));
/** The staking node of a license. */
export const node = (licenseMint: Address) => staking(tag('node'), key(licenseMint));
export const stakeVault = (nodeAddress: Address) => staking(tag('stake_vault'), key(nodeAddress));
/** An unbonding ticket; `ticketId` is the node's `nextTicketId` when unstaking. */
export const unbondingTicket = (nodeAddress: Address, ticketId: bigint) =>
  staking(tag('unbonding'), key(nodeAddress), le64(ticketId));
export const retirementTicket = (nodeAddress: Address) => unbondingTicket(nodeAddress, RETIREMENT_TICKET_ID);
/** The sealed stake era `era` of a node (one owner's time, ended by a take-over). */
export const stakeEra = (nodeAddress: Address, era: number) => staking(tag('stake_era'), key(nodeAddress), le32(era));
export const pushedPrice = () => staking(tag('pushed_price'));
export const penaltyVault = () => staking(tag('penalty_vault'));
/** Makes a violation's evidence usable once. */
export const slashRecord = (evidenceHash: Uint8Array) => staking(tag('slash'), evidenceHash);

export const rewardsConfig = () => rewards(tag('rewards_config'));
export const epoch = (index: number) => rewards(tag('epoch'), le32(index));
export const nodeEpoch = (index: number, nodeAddress: Address) => rewards(tag('node_epoch'), le32(index), key(nodeAddress));
export const verifierEpoch = (index: number, verifier: Address) =>
  rewards(tag('verifier_epoch'), le32(index), key(verifier));
export const nodeRewards = (nodeAddress: Address) => rewards(tag('node_rewards'), key(nodeAddress));
export const rewardVault = () => rewards(tag('reward_vault'));
export const penaltyInflow = () => rewards(tag('penalty_inflow'));
export const vestingVault = () => rewards(tag('vesting_vault'));
/** A holder's vesting of the rewards of epoch `index`. */
export const vesting = (holder: Address, index: number) => rewards(tag('vesting'), key(holder), le32(index));

export const buybackConfig = () => buyback(tag('buyback_config'));
/** Holds bought-back licenses and signs the buyback vaults' transfers. */
export const buybackAuthority = () => buyback(tag('buyback_authority'));
export const buybackIfxVault = () => buyback(tag('buyback_ifx_vault'));
export const buybackWethVault = () => buyback(tag('buyback_weth_vault'));
/** Exists once a license has been bought back. */
export const boughtBack = (licenseMint: Address) => buyback(tag('bought_back'), key(licenseMint));
/** The IFX vesting of a license bought back for IFX. */
export const buybackVesting = (licenseMint: Address) => buyback(tag('buyback_vesting'), key(licenseMint));

/** The associated token account of `owner` for `mint` under `tokenProgram` (licenses live under
 * Token-2022, IFX under the deployment's IFX token program). */
export const associatedToken = (owner: Address, mint: Address, tokenProgram: Address) =>
  derive(ASSOCIATED_TOKEN_PROGRAM_ADDRESS, key(owner), key(tokenProgram), key(mint));

/** The upgradeable loader's `ProgramData` of `program` (it names the upgrade authority). */
export const programData = (program: Address) => derive(UPGRADEABLE_LOADER_ADDRESS, key(program));
