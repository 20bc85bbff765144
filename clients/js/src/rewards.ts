// A holder's rewards as the chain holds them, found by account type rather than by computing
// epoch indices: every unclaimed tally of a node (a tally closes when it is claimed) and every
// vesting account of a beneficiary.
import {
  getAddressEncoder,
  getBase64Decoder,
  getBase64Encoder,
  type Address,
  type Base64EncodedBytes,
  type GetProgramAccountsApi,
  type ReadonlyUint8Array,
  type Rpc,
} from '@solana/kit';

import {
  EPOCH_REWARDS_PROGRAM_ADDRESS,
  getNodeEpochDecoder,
  getVerifierEpochDecoder,
  getVestingDecoder,
  NODE_EPOCH_DISCRIMINATOR,
  VERIFIER_EPOCH_DISCRIMINATOR,
  VESTING_DISCRIMINATOR,
  type NodeEpoch,
  type VerifierEpoch,
  type Vesting,
} from './generated/epoch_rewards';

type ProgramAccountsRpc = Rpc<GetProgramAccountsApi>;

async function accountsWith<T>(
  rpc: ProgramAccountsRpc,
  discriminator: ReadonlyUint8Array,
  keyOffset: number,
  key: Address,
  decode: (data: ReadonlyUint8Array) => T,
): Promise<{ address: Address; data: T }[]> {
  const base64 = getBase64Decoder();
  const memcmp = (offset: number, bytes: ReadonlyUint8Array) => ({
    memcmp: { offset: BigInt(offset), bytes: base64.decode(bytes) as Base64EncodedBytes, encoding: 'base64' as const },
  });
  const found = await rpc
    .getProgramAccounts(EPOCH_REWARDS_PROGRAM_ADDRESS, {
      encoding: 'base64',
      filters: [memcmp(0, discriminator), memcmp(keyOffset, getAddressEncoder().encode(key))],
    })
    .send();
  return found.map(({ pubkey, account }) => ({ address: pubkey, data: decode(getBase64Encoder().encode(account.data[0])) }));
}

/** A worker node's unclaimed epoch tallies (`NodeEpoch`: discriminator, epoch u32, node). */
export const unclaimedWorkerTallies = (rpc: ProgramAccountsRpc, node: Address) =>
  accountsWith<NodeEpoch>(rpc, NODE_EPOCH_DISCRIMINATOR, 12, node, (d) => getNodeEpochDecoder().decode(d));

/** A verifier node's unclaimed epoch credits (`VerifierEpoch`: discriminator, epoch u32, node). */
export const unclaimedVerifierCredits = (rpc: ProgramAccountsRpc, node: Address) =>
  accountsWith<VerifierEpoch>(rpc, VERIFIER_EPOCH_DISCRIMINATOR, 12, node, (d) => getVerifierEpochDecoder().decode(d));

/** A beneficiary's vesting rewards, one account per epoch (`Vesting`: discriminator, beneficiary). */
export const vestingsOf = (rpc: ProgramAccountsRpc, beneficiary: Address) =>
  accountsWith<Vesting>(rpc, VESTING_DISCRIMINATOR, 8, beneficiary, (d) => getVestingDecoder().decode(d));
