// Instruction builders a holder's wallet needs, with every account the IDL cannot derive filled
// in: the same accounts in the same order as the Rust SDK's `inferix_sdk::instructions` (the
// tests compare them byte for byte).
import { type Address, type Instruction, type TransactionSigner } from '@solana/kit';

import {
  getFinalizeEpochInstruction,
  getClaimVerifierRewardInstruction,
  getClaimWorkerRewardInstruction,
  getSubmitAttestationInstruction,
  getWithdrawVestedInstruction,
} from './generated/epoch_rewards';
import { getPurchaseLicenseInstruction, type WhitelistProofArgs } from './generated/node_license';
import {
  NodeStatus,
  type Node,
  getRegisterNodeInstruction,
  getStakeInstruction,
  getUnstakeInstruction,
  getUpdateIbInstruction,
  getWithdrawInstruction,
  type UnbondingTicket,
} from './generated/node_staking';
import * as pdas from './pdas';
import { attestationVerifierAccounts, signedMessageVerifierAccounts, withRemainingAccounts } from './remaining';

export const TOKEN_PROGRAM_ADDRESS = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA' as Address;
export const TOKEN_2022_PROGRAM_ADDRESS = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb' as Address;

/** The deployment's IFX: its mint and token program (from the staking config). */
export type IfxToken = { mint: Address; tokenProgram: Address };

/** A licence sale: its address and how it is paid. */
export type SaleAccounts = { sale: Address; paymentMint: Address; paymentTokenProgram: Address; treasury: Address };

/** The referral a purchase presents: none, another holder's licence, or a partner's code. */
export type Referral =
  | { kind: 'none' }
  | { kind: 'user'; referrer: Address; licenseMint: Address }
  | { kind: 'partner'; code: string; receiver: Address };

/** `purchase_license` of one licence of `tier` (1-based); `licenseMint` is a fresh keypair. */
export async function purchaseLicense(input: {
  sale: SaleAccounts;
  buyer: TransactionSigner;
  licenseMint: TransactionSigner;
  tier: number;
  whitelist?: WhitelistProofArgs | null;
  referral: Referral;
}): Promise<Instruction> {
  const { sale, buyer, licenseMint, referral } = input;
  const paymentAccount = (wallet: Address) => pdas.associatedToken(wallet, sale.paymentMint, sale.paymentTokenProgram);
  const referralAccounts =
    referral.kind === 'user'
      ? {
          referrerLicense: await pdas.licenseRecord(referral.licenseMint),
          referrerLicenseAccount: await pdas.associatedToken(referral.referrer, referral.licenseMint, TOKEN_2022_PROGRAM_ADDRESS),
          commissionAccount: await paymentAccount(referral.referrer),
        }
      : referral.kind === 'partner'
        ? { partnerCode: await pdas.partnerCode(referral.code), commissionAccount: await paymentAccount(referral.receiver) }
        : {};
  return getPurchaseLicenseInstruction({
    buyer,
    config: await pdas.licenseConfig(),
    sale: sale.sale,
    walletPurchases: await pdas.walletPurchases(sale.sale, buyer.address),
    licenseMint,
    licenseRecord: await pdas.licenseRecord(licenseMint.address),
    buyerLicenseAccount: await pdas.associatedToken(buyer.address, licenseMint.address, TOKEN_2022_PROGRAM_ADDRESS),
    paymentMint: sale.paymentMint,
    buyerPaymentAccount: await paymentAccount(buyer.address),
    treasury: sale.treasury,
    ...referralAccounts,
    paymentTokenProgram: sale.paymentTokenProgram,
    licenseTokenProgram: TOKEN_2022_PROGRAM_ADDRESS,
    tier: input.tier,
    whitelist: input.whitelist ?? null,
  });
}

/** `register_node`: binds a node to the licence `owner` holds in `licenseAccount`. */
export async function registerNode(input: {
  owner: TransactionSigner;
  licenseMint: Address;
  licenseAccount: Address;
  ifx: IfxToken;
  operator: Address | null;
  pricePerIbmUsdMicros: bigint;
}): Promise<Instruction> {
  const node = await pdas.node(input.licenseMint);
  return getRegisterNodeInstruction({
    owner: input.owner,
    config: await pdas.stakingConfig(),
    licenseRecord: await pdas.licenseRecord(input.licenseMint),
    licenseMint: input.licenseMint,
    licenseAccount: input.licenseAccount,
    node,
    stakeVault: await pdas.stakeVault(node),
    ifxMint: input.ifx.mint,
    ifxTokenProgram: input.ifx.tokenProgram,
    operator: input.operator,
    pricePerIbmUsdMicros: input.pricePerIbmUsdMicros,
  });
}

/** `stake`: `amount` IFX from the owner's `ownerIfx` account into the node's vault. */
export async function stake(input: {
  owner: TransactionSigner;
  node: Address;
  ownerIfx: Address;
  ifx: IfxToken;
  price: Address;
  amount: bigint;
}): Promise<Instruction> {
  return getStakeInstruction({
    owner: input.owner,
    config: await pdas.stakingConfig(),
    node: input.node,
    stakeVault: await pdas.stakeVault(input.node),
    ownerIfx: input.ownerIfx,
    ifxMint: input.ifx.mint,
    ifxTokenProgram: input.ifx.tokenProgram,
    price: input.price,
    amount: input.amount,
  });
}

/** `unstake`: starts unbonding `amount`; `nextTicketId` is the node's counter (it names the ticket). */
export async function unstake(input: {
  owner: TransactionSigner;
  node: Address;
  nextTicketId: bigint;
  price: Address;
  amount: bigint;
}): Promise<Instruction> {
  return getUnstakeInstruction({
    owner: input.owner,
    config: await pdas.stakingConfig(),
    node: input.node,
    ticket: await pdas.unbondingTicket(input.node, input.nextTicketId),
    price: input.price,
    amount: input.amount,
  });
}

/** The sealed stake era whose pool a ticket redeems from, when it was issued before the node's
 * last take-over (Rust: `pda::ticket_stake_era`); `null` for a ticket of the node's own era. */
export async function ticketStakeEra(nodeAddress: Address, node: Node, ticket: UnbondingTicket): Promise<Address | null> {
  return ticket.era === node.era ? null : pdas.stakeEra(nodeAddress, ticket.era);
}

/** `withdraw`: after its unbonding period, the ticket's share of the pool (less any slash since)
 * to the staker's `stakerIfx` account; the ticket closes and its rent goes back to `rentPayer`. */
export async function withdraw(input: {
  staker: TransactionSigner;
  node: Address;
  ticket: Address;
  rentPayer: Address;
  stakeEra: Address | null;
  stakerIfx: Address;
  ifx: IfxToken;
}): Promise<Instruction> {
  return getWithdrawInstruction({
    staker: input.staker,
    config: await pdas.stakingConfig(),
    node: input.node,
    ticket: input.ticket,
    stakeEra: input.stakeEra ?? undefined,
    rentPayer: input.rentPayer,
    stakeVault: await pdas.stakeVault(input.node),
    stakerIfx: input.stakerIfx,
    ifxMint: input.ifx.mint,
    ifxTokenProgram: input.ifx.tokenProgram,
  });
}

/** `submit_attestation` (after its Ed25519 instruction): the co-signing verifiers in signature
 * order after the manager, each with its credit account of `epoch`. */
export async function submitAttestation(input: {
  operator: TransactionSigner;
  node: Address;
  epoch: number;
  verifiers: readonly Address[];
}): Promise<Instruction> {
  const instruction = getSubmitAttestationInstruction({
    payer: input.operator,
    config: await pdas.rewardsConfig(),
    epoch: await pdas.epoch(input.epoch),
    node: input.node,
    nodeRewards: await pdas.nodeRewards(input.node),
    nodeEpoch: await pdas.nodeEpoch(input.epoch, input.node),
    epochIndex: input.epoch,
  });
  return withRemainingAccounts(instruction, await attestationVerifierAccounts(input.epoch, input.verifiers));
}

/** `update_ib` (after its Ed25519 instruction) from a benchmark co-signed by `verifiers`. */
export async function updateIb(input: {
  node: Address;
  price: Address;
  ibMicros: bigint;
  sceneSetHash: Uint8Array;
  issuedAt: bigint;
  verifiers: readonly Address[];
}): Promise<Instruction> {
  const instruction = getUpdateIbInstruction({
    config: await pdas.stakingConfig(),
    node: input.node,
    price: input.price,
    ibMicros: input.ibMicros,
    sceneSetHash: input.sceneSetHash,
    issuedAt: input.issuedAt,
  });
  return withRemainingAccounts(instruction, signedMessageVerifierAccounts(input.verifiers));
}

/** Who is paid for a node's reward of `epoch`: the licence holder, or for a bought-back
 * (retired) node the owner who sold it (no licence account then). `payer` funds the
 * recipient's vesting account if needed. */
export type Payout = {
  payer: TransactionSigner;
  epoch: number;
  node: Address;
  licenseMint: Address;
  recipient: Address;
  holdsLicense: boolean;
};

/** The payout of `node`'s reward of `epoch` as the programs require it (Rust: `Payout::of`). */
export function payoutOf(payer: TransactionSigner, epoch: number, nodeAddress: Address, node: Node, holder: Address): Payout {
  const retired = node.status === NodeStatus.Retired;
  return { payer, epoch, node: nodeAddress, licenseMint: node.licenseMint, recipient: retired ? node.owner : holder, holdsLicense: !retired };
}

async function payoutAccounts(p: Payout, ifx: IfxToken) {
  return {
    payer: p.payer,
    config: await pdas.rewardsConfig(),
    epoch: await pdas.epoch(p.epoch),
    node: p.node,
    ...(p.holdsLicense ? { licenseAccount: await pdas.associatedToken(p.recipient, p.licenseMint, TOKEN_2022_PROGRAM_ADDRESS) } : {}),
    recipient: p.recipient,
    recipientIfx: await pdas.associatedToken(p.recipient, ifx.mint, ifx.tokenProgram),
    vesting: await pdas.vesting(p.recipient, p.epoch),
    rewardVault: await pdas.rewardVault(),
    vestingVault: await pdas.vestingVault(),
    ifxMint: ifx.mint,
    ifxTokenProgram: ifx.tokenProgram,
  };
}

/** `claim_worker_reward` (permissionless): `rentPayer` opened the node's epoch tally. */
export async function claimWorkerReward(payout: Payout, rentPayer: Address, ifx: IfxToken): Promise<Instruction> {
  return getClaimWorkerRewardInstruction({
    ...(await payoutAccounts(payout, ifx)),
    nodeEpoch: await pdas.nodeEpoch(payout.epoch, payout.node),
    rentPayer,
  });
}

/** `claim_verifier_reward` (permissionless): `rentPayer` opened the verifier's credit account. */
export async function claimVerifierReward(payout: Payout, rentPayer: Address, ifx: IfxToken): Promise<Instruction> {
  return getClaimVerifierRewardInstruction({
    ...(await payoutAccounts(payout, ifx)),
    verifierEpoch: await pdas.verifierEpoch(payout.epoch, payout.node),
    verifierRewards: await pdas.nodeRewards(payout.node),
    rentPayer,
  });
}

/** `withdraw_vested`: what has vested of epoch `epoch`'s rewards, to the beneficiary. */
export async function withdrawVestedReward(input: {
  beneficiary: TransactionSigner;
  epoch: number;
  rentPayer: Address;
  ifx: IfxToken;
}): Promise<Instruction> {
  return getWithdrawVestedInstruction({
    beneficiary: input.beneficiary,
    config: await pdas.rewardsConfig(),
    vesting: await pdas.vesting(input.beneficiary.address, input.epoch),
    vestingVault: await pdas.vestingVault(),
    beneficiaryIfx: await pdas.associatedToken(input.beneficiary.address, input.ifx.mint, input.ifx.tokenProgram),
    rentPayer: input.rentPayer,
    ifxMint: input.ifx.mint,
    ifxTokenProgram: input.ifx.tokenProgram,
  });
}

/** `finalize_epoch` (permissionless, once the epoch's end and grace have passed). */
export async function finalizeEpoch(epoch: number, ifx: IfxToken): Promise<Instruction> {
  return getFinalizeEpochInstruction({
    config: await pdas.rewardsConfig(),
    epoch: await pdas.epoch(epoch),
    rewardVault: await pdas.rewardVault(),
    penaltyInflow: await pdas.penaltyInflow(),
    ifxMint: ifx.mint,
    ifxTokenProgram: ifx.tokenProgram,
  });
}
