// A holder's rewards as the chain holds them: every unclaimed tally of a node (a tally closes
// when it is claimed) and every vesting account of a beneficiary.
import type { Address } from '@solana/kit';

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
import { accountsNaming, type ProgramAccountsRpc } from './find';

/** A worker node's unclaimed epoch tallies (`NodeEpoch`: discriminator, epoch u32, node). */
export const unclaimedWorkerTallies = (rpc: ProgramAccountsRpc, node: Address) =>
  accountsNaming<NodeEpoch>(rpc, EPOCH_REWARDS_PROGRAM_ADDRESS, NODE_EPOCH_DISCRIMINATOR, 12, node, (d) => getNodeEpochDecoder().decode(d));

/** A verifier node's unclaimed epoch credits (`VerifierEpoch`: discriminator, epoch u32, node). */
export const unclaimedVerifierCredits = (rpc: ProgramAccountsRpc, node: Address) =>
  accountsNaming<VerifierEpoch>(rpc, EPOCH_REWARDS_PROGRAM_ADDRESS, VERIFIER_EPOCH_DISCRIMINATOR, 12, node, (d) => getVerifierEpochDecoder().decode(d));

/** A beneficiary's vesting rewards, one account per epoch (`Vesting`: discriminator, beneficiary). */
export const vestingsOf = (rpc: ProgramAccountsRpc, beneficiary: Address) =>
  accountsNaming<Vesting>(rpc, EPOCH_REWARDS_PROGRAM_ADDRESS, VESTING_DISCRIMINATOR, 8, beneficiary, (d) => getVestingDecoder().decode(d));
