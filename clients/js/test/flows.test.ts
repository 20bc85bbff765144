// Holders' flows over the cluster's JSON-RPC, signed in the client: buy a verifier licence,
// register its node and stake the minimum until it is active (an unstake below the minimum of an
// active node is refused by name, and nothing moves); claim an ended epoch's rewards and withdraw
// what has vested; unstake, and withdraw once the unbonding period is over. The tests run in
// order on one cluster: the later ones move its clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createKeyPairSignerFromBytes, generateKeyPairSigner, type Address, type Instruction } from '@solana/kit';

import {
  claimVerifierReward,
  claimWorkerReward,
  describeError,
  errorText,
  finalizeEpoch,
  findSale,
  ifxPriceAccount,
  ifxToken,
  payoutOf,
  pdas,
  purchaseLicense,
  registerNode,
  stake,
  stakingConfig,
  ticketStakeEra,
  TOKEN_2022_PROGRAM_ADDRESS,
  unbondingTicketsOf,
  unclaimedVerifierCredits,
  unclaimedWorkerTallies,
  unstake,
  vestingsOf,
  withdraw,
  withdrawVestedReward,
} from '../src';
import { fetchEpoch, fetchRewardsConfig, fetchVesting } from '../src/generated/epoch_rewards';
import { fetchLicenseRecord, LicenseKind } from '../src/generated/node_license';
import { fetchMaybeUnbondingTicket, fetchNode, NodeStatus } from '../src/generated/node_staking';
import { cluster, fixtures } from './harness';

/** A holder the Rust side set up: its wallet and its node. */
async function holder(fixture: { keypair: number[]; node: string }) {
  return { wallet: await createKeyPairSignerFromBytes(Uint8Array.from(fixture.keypair)), node: fixture.node as Address };
}

/** Asserts `instructions` are refused with the program error `name`. */
async function refusedAs(sending: Promise<unknown>, instructions: Instruction[], name: string) {
  await assert.rejects(sending, (error) => {
    assert.equal(describeError(error, instructions)?.name, name, errorText(error, instructions));
    return true;
  });
}

test('a holder buys a verifier licence, registers and stakes until the node is active', async () => {
  const net = cluster();
  const alice = await generateKeyPairSigner();
  const minimum = BigInt(fixtures.cluster.verifierMinStake);
  await net.fund(alice.address, 10n);
  await net.faucet(alice.address, 'USDC', 1_000_000_000n);
  await net.faucet(alice.address, 'IFX', minimum);

  const { accounts: sale } = await findSale(net.rpc, LicenseKind.Verifier);
  const usdc = await pdas.associatedToken(alice.address, sale.paymentMint, sale.paymentTokenProgram);
  const usdcBefore = await net.tokenBalance(usdc);
  const licenseMint = await generateKeyPairSigner();
  await net.send(alice, [await purchaseLicense({ sale, buyer: alice, licenseMint, tier: 1, referral: { kind: 'none' } })]);
  const record = await fetchLicenseRecord(net.rpc, await pdas.licenseRecord(licenseMint.address));
  assert.equal(record.data.kind, LicenseKind.Verifier);
  assert.equal(usdcBefore - (await net.tokenBalance(usdc)), record.data.pricePaidUsd, 'paid the tier price');

  const config = await stakingConfig(net.rpc);
  const ifx = ifxToken(config);
  const price = await ifxPriceAccount(config);
  await net.send(alice, [
    await registerNode({
      owner: alice,
      licenseMint: licenseMint.address,
      licenseAccount: await pdas.associatedToken(alice.address, licenseMint.address, TOKEN_2022_PROGRAM_ADDRESS),
      ifx,
      operator: null,
      pricePerIbmUsdMicros: 0n,
    }),
  ]);
  const node = await pdas.node(licenseMint.address);
  const ownerIfx = await pdas.associatedToken(alice.address, ifx.mint, ifx.tokenProgram);
  await net.send(alice, [await stake({ owner: alice, node, ownerIfx, ifx, price, amount: minimum })]);
  const staked = await fetchNode(net.rpc, node);
  assert.equal(staked.data.stake, minimum);
  assert.equal(staked.data.status, NodeStatus.Active, 'a verifier staked at the minimum is active');
  assert.equal(await net.tokenBalance(ownerIfx), 0n);
  assert.equal(await net.tokenBalance(await pdas.stakeVault(node)), minimum);

  // Below the minimum while active: refused by name, nothing moves.
  const belowMinimum: Instruction[] = [
    await unstake({ owner: alice, node, nextTicketId: staked.data.nextTicketId, price, amount: 1n }),
  ];
  await assert.rejects(net.send(alice, belowMinimum), (error) => {
    const named = describeError(error, belowMinimum);
    assert.equal(named?.program, 'node_staking');
    assert.equal(named?.name, 'StakeBelowMinimum');
    assert.match(errorText(error, belowMinimum), /node_staking: StakeBelowMinimum \(6017\): .*deactivate the node first/);
    return true;
  });
  assert.equal((await fetchNode(net.rpc, node)).data.stake, minimum, 'the stake is unchanged');
  assert.equal(await net.tokenBalance(await pdas.stakeVault(node)), minimum);
});

test('the holders of a worker and its verifier claim an ended epoch: part now, the rest vesting', async () => {
  const net = cluster();
  const ifx = ifxToken(await stakingConfig(net.rpc));
  const worker = await holder(fixtures.worker);
  const workerIfx = await pdas.associatedToken(worker.wallet.address, ifx.mint, ifx.tokenProgram);
  const [tally, ...others] = await unclaimedWorkerTallies(net.rpc, worker.node);
  assert.equal(others.length, 0);
  assert.equal(tally.data.epoch, 0, 'the worker was credited in epoch 0');
  const workerNode = (await fetchNode(net.rpc, worker.node)).data;
  const claim = [
    await claimWorkerReward(payoutOf(worker.wallet, 0, worker.node, workerNode, worker.wallet.address), tally.data.rentPayer, ifx),
  ];

  // While the epoch is open: refused by name, nothing moves.
  const before = await net.tokenBalance(workerIfx);
  await refusedAs(net.send(worker.wallet, claim), claim, 'EpochNotFinalized');
  assert.equal(await net.tokenBalance(workerIfx), before);

  // After the epoch and its grace, the claim finalizes it first: 25 % now, the rest vesting.
  const { endTs } = (await fetchEpoch(net.rpc, await pdas.epoch(0))).data;
  const { graceSecs } = (await fetchRewardsConfig(net.rpc, await pdas.rewardsConfig())).data.params;
  await net.warp(endTs + graceSecs - (await net.warp(0n)));
  await net.send(worker.wallet, [await finalizeEpoch(0, ifx), ...claim]);
  assert.equal((await net.tokenBalance(workerIfx)) - before, BigInt(fixtures.worker.expected.immediate), 'paid now');
  const vesting = await fetchVesting(net.rpc, await pdas.vesting(worker.wallet.address, 0));
  assert.equal(vesting.data.total, BigInt(fixtures.worker.expected.vesting), 'the rest vests');
  assert.deepEqual(await unclaimedWorkerTallies(net.rpc, worker.node), [], 'the tally closed with the claim');
  await refusedAs(net.send(worker.wallet, claim), claim, 'AccountNotInitialized');

  // The verifier that co-signed claims its credit of the epoch the same way.
  const verifier = await holder(fixtures.verifier);
  const verifierIfx = await pdas.associatedToken(verifier.wallet.address, ifx.mint, ifx.tokenProgram);
  const [credit] = await unclaimedVerifierCredits(net.rpc, verifier.node);
  assert.ok(credit.data.creditsIbmMicros > 0n, 'the verifier was credited for co-signing');
  const verifierNode = (await fetchNode(net.rpc, verifier.node)).data;
  const verifierBefore = await net.tokenBalance(verifierIfx);
  await net.send(verifier.wallet, [
    await claimVerifierReward(payoutOf(verifier.wallet, 0, verifier.node, verifierNode, verifier.wallet.address), credit.data.rentPayer, ifx),
  ]);
  const verifierPaid = (await net.tokenBalance(verifierIfx)) - verifierBefore;
  const [verifierVesting] = await vestingsOf(net.rpc, verifier.wallet.address);
  assert.ok(verifierPaid > 0n, 'the verifier is paid now');
  const threeQuarters = verifierVesting.data.total;
  assert.ok(threeQuarters >= verifierPaid * 3n && threeQuarters <= verifierPaid * 3n + 3n, 'and three times that vests');

  // Halfway through the vesting period, what has vested linearly since its start is withdrawn.
  const { startTs, durationSecs, total } = vesting.data;
  const vestedAt = (now: bigint) => (total * (now - startTs)) / durationSecs;
  const halfway = await net.warp(startTs + durationSecs / 2n - (await net.warp(0n)));
  const afterClaim = await net.tokenBalance(workerIfx);
  await net.send(worker.wallet, [await withdrawVestedReward({ beneficiary: worker.wallet, epoch: 0, rentPayer: vesting.data.rentPayer, ifx })]);
  const withdrawn = (await fetchVesting(net.rpc, await pdas.vesting(worker.wallet.address, 0))).data.withdrawn;
  assert.equal((await net.tokenBalance(workerIfx)) - afterClaim, withdrawn);
  const later = await net.warp(0n);
  assert.ok(withdrawn >= vestedAt(halfway) && withdrawn <= vestedAt(later), `half vested: ${withdrawn} of ${total}`);
});

test('a verifier holder unstakes above the minimum and withdraws after the unbonding period', async () => {
  const net = cluster();
  const config = await stakingConfig(net.rpc);
  const ifx = ifxToken(config);
  const price = await ifxPriceAccount(config);
  const verifier = await holder(fixtures.verifier);
  const ownerIfx = await pdas.associatedToken(verifier.wallet.address, ifx.mint, ifx.tokenProgram);
  const extra = 2_000_000_000n;
  await net.faucet(verifier.wallet.address, 'IFX', extra);
  await net.send(verifier.wallet, [await stake({ owner: verifier.wallet, node: verifier.node, ownerIfx, ifx, price, amount: extra })]);
  const staked = (await fetchNode(net.rpc, verifier.node)).data;
  await net.send(verifier.wallet, [
    await unstake({ owner: verifier.wallet, node: verifier.node, nextTicketId: staked.nextTicketId, price, amount: extra }),
  ]);
  const [ticket, ...others] = await unbondingTicketsOf(net.rpc, verifier.wallet.address);
  assert.equal(others.length, 0);
  assert.equal(ticket.address, await pdas.unbondingTicket(verifier.node, staked.nextTicketId));
  assert.equal((await fetchNode(net.rpc, verifier.node)).data.stake, staked.stake - extra, 'the stake is back at the minimum');

  const node = (await fetchNode(net.rpc, verifier.node)).data;
  const withdrawal = [
    await withdraw({
      staker: verifier.wallet,
      node: verifier.node,
      ticket: ticket.address,
      rentPayer: ticket.data.rentPayer,
      stakeEra: await ticketStakeEra(verifier.node, node, ticket.data),
      stakerIfx: ownerIfx,
      ifx,
    }),
  ];
  // Still unbonding: refused by name, nothing moves.
  const before = await net.tokenBalance(ownerIfx);
  await refusedAs(net.send(verifier.wallet, withdrawal), withdrawal, 'StillUnbonding');
  assert.equal(await net.tokenBalance(ownerIfx), before);

  await net.warp(ticket.data.releaseAt - (await net.warp(0n)));
  await net.send(verifier.wallet, withdrawal);
  assert.equal((await net.tokenBalance(ownerIfx)) - before, extra, 'the unstaked IFX is back');
  assert.equal((await fetchMaybeUnbondingTicket(net.rpc, ticket.address)).exists, false, 'the ticket closed');
});
