// The holder dashboard: licences and nodes (stake against S(n), active or not and why, IB,
// price), buying a licence (tier, price, referral, whitelist proof), staking, unstaking and
// withdrawing unbonded stake, rewards and buyback — every action previewed before the wallet
// signs, every refusal shown by the program's name.
import { generateKeyPairSigner, type Address, type Decoder, type Instruction } from '@solana/kit';
import {
  buybackIfx,
  buybackVestingsOf,
  buybackWeth,
  withdrawVestedBuyback,
  claimVerifierReward,
  claimWorkerReward,
  describeSimulationError,
  errorText,
  finalizeEpoch,
  findEvent,
  payoutOf,
  unclaimedVerifierCredits,
  unclaimedWorkerTallies,
  vestingsOf,
  withdrawVestedReward,
  findSale,
  formatAmount,
  formatUsd,
  ifxPriceAccount,
  ifxToken,
  parseAmount,
  pdas,
  purchaseLicense,
  registerNode,
  stake,
  stakingConfig,
  ticketStakeEra,
  TOKEN_2022_PROGRAM_ADDRESS,
  unbondingTicketsOf,
  unstake,
  withdraw,
  type Referral,
} from '@inferix/client';
import { fetchMaybePartnerCode, fetchLicenseConfig, LicenseKind } from '@inferix/client/src/generated/node_license';
import { fetchNode, getWithdrawnEventDecoder, NodeStatus, type Node, type StakingConfig } from '@inferix/client/src/generated/node_staking';
import type { Wallet } from '@wallet-standard/base';

import {
  fetchMaybeBuybackConfig,
  getBoughtBackEventDecoder,
  getVestedWithdrawnEventDecoder as getBuybackVestedWithdrawnEventDecoder,
} from '@inferix/client/src/generated/buyback_vault';
import {
  fetchMaybeNodeRewards,
  fetchMaybeEpoch,
  getRewardClaimedEventDecoder,
  getVestedWithdrawnEventDecoder,
} from '@inferix/client/src/generated/epoch_rewards';

import { holdings, networks, rpcOf, send, simulate, tokenBalance, type Holding, type Network, type Rpc } from './chain';
import { connect, disconnect, watchWallets, type Connected } from './wallet';

const all = networks(location.search);
let network: Network = all[0];
let rpc: Rpc = rpcOf(network);
let wallets: Wallet[] = [];
let connected: Connected | null = null;

const $ = (id: string) => document.getElementById(id)!;

type Child = Node_ | string | null | false | undefined;
type Node_ = globalThis.Node;
function h(tag: string, attrs: Record<string, string | boolean | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name, value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false) el.setAttribute(name, value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

function notice(text: string, ok = false) {
  const box = $('notice');
  box.className = ok ? 'ok' : '';
  box.textContent = text;
}

const short = (a: string) => `${a.slice(0, 4)}…${a.slice(-4)}`;

/** Shows `preview` under `form` with a button that signs and sends `build()`'s instructions. */
function confirmStep(form: HTMLElement, preview: string, label: string, build: () => Promise<{ instructions: Instruction[]; signers?: Awaited<ReturnType<typeof generateKeyPairSigner>>[]; done: string }>) {
  form.querySelector('.preview')?.remove();
  const button = h('button', { type: 'button' }, label);
  const box = h('div', { class: 'preview', role: 'status' }, h('p', {}, preview), button);
  button.addEventListener('click', async () => {
    if (!connected) return notice('Connect a wallet first.');
    (button as HTMLButtonElement).disabled = true;
    let instructions: Instruction[] = [];
    try {
      const step = await build();
      instructions = step.instructions;
      const signature = await send(rpc, network, connected, instructions, step.signers);
      notice(`${step.done} (transaction ${short(signature)})`, true);
      await render();
    } catch (error) {
      notice(`Refused — ${errorText(error, instructions)}${hint(error, instructions)}`);
      (button as HTMLButtonElement).disabled = false;
    }
  });
  form.append(box);
  button.focus();
}

/** What to do about the refusals a holder meets most. */
function hint(error: unknown, instructions: Instruction[]): string {
  const text = errorText(error, instructions);
  if (text.includes('StakeBelowMinimum')) return '. Unstake less, or deactivate the node before going below its minimum.';
  if (text.includes('InsufficientFunds')) return '. Your wallet holds too little of this token: top it up or choose a smaller amount.';
  if (text.includes('EpochNotFinalized')) return '. The epoch is still open or in its grace period: claim after it is finalized.';
  return '';
}

function nodeWhy(node: Node, config: StakingConfig): string {
  const reasons: string[] = [];
  if (node.blacklisted) reasons.push('blacklisted');
  if (node.deactivated) reasons.push('deactivated by its owner');
  if (node.kind === LicenseKind.Worker && node.ibMicros === 0n) reasons.push('no IB yet: the manager benchmarks it first');
  if (node.stake < node.requiredStake) reasons.push(`stake ${formatAmount(node.requiredStake - node.stake, config.ifxDecimals)} IFX short of S(n)`);
  return reasons.length ? reasons.join('; ') : node.status === NodeStatus.Active ? 'meets every condition' : 'waiting for its next status update';
}

async function nodesPage(): Promise<HTMLElement> {
  if (!connected) return h('p', {}, 'Connect a wallet to see your licences and nodes.');
  const config = await stakingConfig(rpc);
  const decimals = config.ifxDecimals;
  const ifx = ifxToken(config);
  const ownerIfx = await pdas.associatedToken(connected.address, ifx.mint, ifx.tokenProgram);
  const balance = await tokenBalance(rpc, ownerIfx);
  const held = await holdings(rpc, connected.address);
  const page = h('section', { 'aria-labelledby': 'nodes-title' }, h('h2', { id: 'nodes-title' }, 'My licences and nodes'),
    h('p', {}, `Wallet IFX: ${formatAmount(balance, decimals)}`));
  if (held.length === 0) page.append(h('p', {}, 'This wallet holds no Inferix licence yet: buy one on the next page.'));
  for (const holding of held) page.append(await holdingCard(holding, config, ownerIfx));
  const unbonding = await unbondingList(config, ownerIfx);
  if (unbonding) page.append(h('h3', {}, 'Unbonding'), unbonding);
  return page;
}

/** The wallet's unbonding tickets (its unstakes, and the stake of a node it sold back): when
 * each is released, what withdrawing pays now (simulated: the pool's value after any slash) and
 * a button that previews and signs the withdrawal. */
async function unbondingList(config: StakingConfig, ownerIfx: Address): Promise<HTMLElement | null> {
  const tickets = await unbondingTicketsOf(rpc, connected!.address);
  if (!tickets.length) return null;
  const decimals = config.ifxDecimals;
  const list = h('ul', { 'aria-label': 'Unbonding stake' });
  for (const { address: ticket, data } of tickets) {
    const node = await fetchNode(rpc, data.node);
    const instruction = await withdraw({
      staker: signerOf(connected!),
      node: data.node,
      ticket,
      rentPayer: data.rentPayer,
      stakeEra: await ticketStakeEra(data.node, node.data, data),
      stakerIfx: ownerIfx,
      ifx: ifxToken(config),
    });
    const { amount, refusal } = await quote(instruction, getWithdrawnEventDecoder());
    const releasedAt = new Date(Number(data.releaseAt) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    const status = amount !== undefined
      ? `${formatAmount(amount, decimals)} IFX withdrawable now`
      : refusal?.startsWith('StillUnbonding') ? `unbonding until ${releasedAt} UTC` : `not withdrawable — ${refusal}`;
    const form = h('form', { 'aria-label': `Withdraw the unbonded stake of node ${short(data.node)}` },
      h('button', { type: 'submit', class: 'secondary', disabled: amount === undefined }, 'Preview withdrawal'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      confirmStep(form, `Withdraw ${formatAmount(amount!, decimals)} IFX of unbonded stake to your wallet; the ticket closes and its rent goes back to whoever paid it.`, 'Sign and withdraw', async () => ({
        instructions: [instruction],
        done: `Withdrew ${formatAmount(amount!, decimals)} IFX of unbonded stake`,
      }));
    });
    list.append(h('li', {}, `Node ${short(data.node)}: ${status}`, form));
  }
  return list;
}

async function holdingCard(holding: Holding, config: StakingConfig, ownerIfx: Address): Promise<HTMLElement> {
  const { record, nodeAccount: node } = holding;
  const decimals = config.ifxDecimals;
  const kind = LicenseKind[record.kind];
  const card = h('article', { class: 'card', 'aria-label': `${kind} licence #${record.serial}` },
    h('h2', {}, `${kind} licence #${record.serial} (tier ${record.tier})`),
    h('dl', {},
      h('dt', {}, 'Licence'), h('dd', {}, holding.mint),
      h('dt', {}, 'Paid'), h('dd', {}, formatUsd(record.pricePaidUsd)),
      h('dt', {}, 'Transferable'), h('dd', {}, record.locked ? `locked until ${new Date(Number(record.unlocksAt) * 1000).toISOString().slice(0, 10)}` : 'yes'),
      h('dt', {}, 'Referral link'), h('dd', {}, `${location.origin}${location.pathname}?ref=${connected!.address}:${holding.mint}#/buy`)));
  if (!node) {
    const price = h('input', { id: `price-${holding.mint}`, inputmode: 'decimal', value: '0.04' });
    const form = h('form', { 'aria-label': 'Register the node' },
      record.kind === LicenseKind.Worker ? h('label', { for: `price-${holding.mint}` }, 'Price per IBM (USD)', price) : null,
      h('button', { type: 'submit' }, 'Register node'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const micros = record.kind === LicenseKind.Worker ? parseAmount((price as HTMLInputElement).value, 6) : 0n;
      confirmStep(form, `Register a ${kind.toLowerCase()} node for this licence, operated by this wallet${record.kind === LicenseKind.Worker ? `, at ${formatUsd(micros)} per IBM` : ''}.`, 'Sign and register', async () => ({
        instructions: [await registerNode({
          owner: signerOf(connected!),
          licenseMint: holding.mint,
          licenseAccount: await pdas.associatedToken(connected!.address, holding.mint, TOKEN_2022_PROGRAM_ADDRESS),
          ifx: ifxToken(config),
          operator: null,
          pricePerIbmUsdMicros: micros,
        })],
        done: 'Node registered',
      }));
    });
    card.append(h('p', {}, 'No node registered for this licence yet.'), form);
    return card;
  }
  const active = node.status === NodeStatus.Active;
  const rewards = await fetchMaybeNodeRewards(rpc, await pdas.nodeRewards(holding.node));
  const participation = rewards.exists
    ? `credited in ${rewards.data.participatedEpochs} epoch(s) since epoch ${rewards.data.startedEpoch}`
    : 'no attestation yet';
  card.querySelector('dl')!.append(...[
    h('dt', {}, 'Node'), h('dd', {}, holding.node),
    h('dt', {}, 'Status'), h('dd', {}, h('span', { class: active ? 'status-active' : 'status-other' }, NodeStatus[node.status]), ` — ${nodeWhy(node, config)}`),
    h('dt', {}, 'Stake'), h('dd', { 'data-testid': 'stake' }, `${formatAmount(node.stake, decimals)} IFX of S(n) ${formatAmount(node.requiredStake, decimals)} IFX`),
    h('dt', {}, 'IB'), h('dd', {}, (Number(node.ibMicros) / 1e6).toString()),
    h('dt', {}, 'Participation'), h('dd', {}, participation),
    node.kind === LicenseKind.Worker ? h('dt', {}, 'Price per IBM') : null,
    node.kind === LicenseKind.Worker ? h('dd', {}, formatUsd(node.pricePerIbmUsdMicros)) : null,
  ].filter((el): el is HTMLElement => el !== null));
  card.append(amountForm('Stake', holding, node, config, ownerIfx), amountForm('Unstake', holding, node, config, ownerIfx));
  return card;
}

function amountForm(action: 'Stake' | 'Unstake', holding: Holding, node: Node, config: StakingConfig, ownerIfx: Address): HTMLElement {
  const decimals = config.ifxDecimals;
  const id = `${action.toLowerCase()}-${holding.mint}`;
  const input = h('input', { id, inputmode: 'decimal', placeholder: '0.0', required: true }) as HTMLInputElement;
  const form = h('form', { 'aria-label': `${action} IFX` }, h('label', { for: id }, `${action} (IFX)`, input), h('button', { type: 'submit', class: 'secondary' }, `Preview ${action.toLowerCase()}`));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let amount: bigint;
    try {
      amount = parseAmount(input.value, decimals);
    } catch (error) {
      return notice(error instanceof Error ? error.message : String(error));
    }
    const after = action === 'Stake' ? node.stake + amount : node.stake - amount;
    const preview =
      action === 'Stake'
        ? `Move ${formatAmount(amount, decimals)} IFX from your wallet into the node's vault: stake ${formatAmount(after, decimals)} of S(n) ${formatAmount(node.requiredStake, decimals)}.`
        : `Start unbonding ${formatAmount(amount, decimals)} IFX (withdrawable after the unbonding period; still slashable until then): stake ${formatAmount(after < 0n ? 0n : after, decimals)} of S(n) ${formatAmount(node.requiredStake, decimals)}.` +
          (node.status === NodeStatus.Active && after < node.requiredStake ? ' This node is active: the program refuses to go below S(n) until the node is deactivated.' : '');
    confirmStep(form, preview, `Sign and ${action.toLowerCase()}`, async () => {
      const price = await ifxPriceAccount(config);
      const owner = signerOf(connected!);
      const instruction =
        action === 'Stake'
          ? await stake({ owner, node: holding.node, ownerIfx, ifx: ifxToken(config), price, amount })
          : await unstake({ owner, node: holding.node, nextTicketId: node.nextTicketId, price, amount });
      return { instructions: [instruction], done: `${action}d ${formatAmount(amount, decimals)} IFX` };
    });
  });
  return form;
}

async function buyPage(): Promise<HTMLElement> {
  const page = h('section', { 'aria-labelledby': 'buy-title' }, h('h2', { id: 'buy-title' }, 'Buy a licence'));
  const kind = h('select', { id: 'buy-kind' }, h('option', { value: 'Worker' }, 'Worker'), h('option', { value: 'Verifier' }, 'Verifier')) as HTMLSelectElement;
  const tier = h('select', { id: 'buy-tier' }) as HTMLSelectElement;
  const ref = new URLSearchParams(location.search).get('ref')?.split(':') ?? [];
  const referrer = h('input', { id: 'buy-referrer', value: ref[0] ?? '', placeholder: 'wallet address' }) as HTMLInputElement;
  const referrerLicense = h('input', { id: 'buy-referrer-license', value: ref[1] ?? '', placeholder: 'licence mint' }) as HTMLInputElement;
  const partner = h('input', { id: 'buy-partner', placeholder: 'e.g. STUDIO-7' }) as HTMLInputElement;
  const whitelist = h('textarea', { id: 'buy-whitelist', rows: '3', placeholder: '{"allocation": 2, "proof": ["<64 hex>", …]}' }) as HTMLTextAreaElement;
  const tiers = h('div', {});
  const form = h('form', { 'aria-label': 'Buy a licence' },
    h('label', { for: 'buy-kind' }, 'Kind', kind),
    h('label', { for: 'buy-tier' }, 'Tier', tier),
    h('label', { for: 'buy-referrer' }, "Referrer's wallet", referrer),
    h('label', { for: 'buy-referrer-license' }, "Referrer's licence", referrerLicense),
    h('label', { for: 'buy-partner' }, 'Or a partner code', partner),
    h('label', { for: 'buy-whitelist' }, 'Whitelist proof (whitelist phase only)', whitelist),
    h('button', { type: 'submit', class: 'secondary' }, 'Preview purchase'));
  const loadTiers = async () => {
    const { sale } = await findSale(rpc, LicenseKind[kind.value as 'Worker' | 'Verifier']);
    tier.replaceChildren();
    const rows = h('tbody', {});
    sale.tiers.slice(0, sale.tierCount).forEach((t, i) => {
      const left = t.supply - t.sold;
      tier.append(h('option', { value: String(i + 1), disabled: left === 0 }, `Tier ${i + 1}: ${formatUsd(t.priceUsd)}`));
      rows.append(h('tr', {}, h('td', {}, String(i + 1)), h('td', {}, formatUsd(t.priceUsd)), h('td', {}, `${left} of ${t.supply}`)));
    });
    tier.value = String(Math.max(1, sale.highestOpenTier));
    tiers.replaceChildren(h('table', { 'aria-label': 'Tiers' }, h('thead', {}, h('tr', {}, h('th', {}, 'Tier'), h('th', {}, 'Price'), h('th', {}, 'Left'))), rows));
  };
  kind.addEventListener('change', () => void loadTiers().catch((e) => notice(String(e))));
  await loadTiers();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { accounts, sale } = await findSale(rpc, LicenseKind[kind.value as 'Worker' | 'Verifier']);
      const chosen = sale.tiers[Number(tier.value) - 1];
      let referral: Referral = { kind: 'none' };
      let discountBps = 0;
      if (partner.value.trim()) {
        const code = await fetchMaybePartnerCode(rpc, await pdas.partnerCode(partner.value.trim()));
        if (!code.exists) return notice(`There is no partner code '${partner.value.trim()}' on this network.`);
        referral = { kind: 'partner', code: partner.value.trim(), receiver: code.data.receiver };
        discountBps = code.data.discountBps;
      } else if (referrer.value.trim() || referrerLicense.value.trim()) {
        referral = { kind: 'user', referrer: referrer.value.trim() as Address, licenseMint: referrerLicense.value.trim() as Address };
        discountBps = (await fetchLicenseConfig(rpc, await pdas.licenseConfig())).data.userCodeDiscountBps;
      }
      const proof = whitelist.value.trim() ? JSON.parse(whitelist.value) : null;
      const price = chosen.priceUsd - (chosen.priceUsd * BigInt(discountBps)) / 10_000n;
      const preview = `Pay ${formatUsd(price)} in the sale's stablecoin${discountBps ? ` (${discountBps / 100} % referral discount)` : ''} for one ${kind.value.toLowerCase()} licence of tier ${tier.value}; the licence NFT is minted to this wallet, locked.`;
      confirmStep(form, preview, 'Sign and buy', async () => {
        const licenseMint = await generateKeyPairSigner();
        return {
          instructions: [await purchaseLicense({
            sale: accounts,
            buyer: signerOf(connected!),
            licenseMint,
            tier: Number(tier.value),
            whitelist: proof && { allocation: proof.allocation, proof: proof.proof.map(hexBytes) },
            referral,
          })],
          signers: [licenseMint],
          done: `Bought licence ${short(licenseMint.address)}`,
        };
      });
    } catch (error) {
      notice(error instanceof Error ? error.message : String(error));
    }
  });
  page.append(tiers, form);
  return page;
}

/** One unclaimed reward: the instructions that claim it (finalizing the epoch first when it has
 * ended but nobody finalized it yet) and what a simulation says it pays, or why it cannot. */
type Claim = { label: string; epoch: number; instructions: Instruction[]; pays?: { immediate: bigint; vesting: bigint }; refusal?: string };

async function claimsOf(held: Holding[], config: StakingConfig): Promise<Claim[]> {
  const ifx = ifxToken(config);
  const wallet = signerOf(connected!);
  const claims: Claim[] = [];
  for (const holding of held) {
    const node = holding.nodeAccount;
    if (!node) continue;
    const worker = node.kind === LicenseKind.Worker;
    const tallies = worker ? await unclaimedWorkerTallies(rpc, holding.node) : await unclaimedVerifierCredits(rpc, holding.node);
    for (const { data: tally } of tallies) {
      const payout = payoutOf(wallet, tally.epoch, holding.node, node, connected!.address);
      const claim = worker
        ? await claimWorkerReward(payout, tally.rentPayer, ifx)
        : await claimVerifierReward(payout, tally.rentPayer, ifx);
      const epoch = await fetchMaybeEpoch(rpc, await pdas.epoch(tally.epoch));
      const instructions = epoch.exists && !epoch.data.finalized ? [await finalizeEpoch(tally.epoch, ifx), claim] : [claim];
      const simulated = await simulate(rpc, connected!.address, instructions);
      const event = findEvent(simulated.logs, getRewardClaimedEventDecoder());
      const refused = simulated.err ? describeSimulationError(simulated.err, instructions) : undefined;
      claims.push({
        label: `${LicenseKind[node.kind]} licence #${holding.record.serial}`,
        epoch: tally.epoch,
        instructions,
        pays: event && !simulated.err ? { immediate: event.immediate, vesting: event.vesting } : undefined,
        refusal: simulated.err ? (refused ? `${refused.name}: ${refused.msg}` : JSON.stringify(simulated.err)) : undefined,
      });
    }
  }
  return claims;
}

async function rewardsPage(): Promise<HTMLElement> {
  if (!connected) return h('p', {}, 'Connect a wallet to see your rewards.');
  const config = await stakingConfig(rpc);
  const decimals = config.ifxDecimals;
  const ifx = ifxToken(config);
  const claims = await claimsOf(await holdings(rpc, connected.address), config);
  const page = h('section', { 'aria-labelledby': 'rewards-title' }, h('h2', { id: 'rewards-title' }, 'Rewards'));
  const rows = h('tbody', {});
  for (const claim of claims) {
    rows.append(h('tr', {},
      h('td', {}, claim.label), h('td', {}, String(claim.epoch)),
      h('td', {}, claim.pays ? `${formatAmount(claim.pays.immediate, decimals)} IFX now + ${formatAmount(claim.pays.vesting, decimals)} IFX vesting` : `not claimable yet — ${claim.refusal}`)));
  }
  page.append(claims.length
    ? h('table', { 'aria-label': 'Unclaimed rewards' }, h('thead', {}, h('tr', {}, h('th', {}, 'Node'), h('th', {}, 'Epoch'), h('th', {}, 'Pending'))), rows)
    : h('p', {}, 'No unclaimed rewards.'));
  const claimable = claims.filter((c) => c.pays);
  if (claimable.length) {
    const form = h('form', { 'aria-label': 'Claim all rewards' }, h('button', { type: 'submit', class: 'secondary' }, `Preview claiming all (${claimable.length})`));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const now = claimable.reduce((sum, c) => sum + c.pays!.immediate, 0n);
      const vesting = claimable.reduce((sum, c) => sum + c.pays!.vesting, 0n);
      claimAllStep(form, claimable, `Claim ${claimable.length} epoch reward(s), one transaction each: ${formatAmount(now, decimals)} IFX to your wallet now and ${formatAmount(vesting, decimals)} IFX vesting.`);
    });
    page.append(form);
  }
  const vestings = await vestingsOf(rpc, connected.address);
  if (vestings.length) {
    const list = h('ul', { 'aria-label': 'Vesting rewards' });
    for (const { data: v } of vestings) {
      const instruction = await withdrawVestedReward({ beneficiary: signerOf(connected), epoch: v.epoch, rentPayer: v.rentPayer, ifx });
      list.append(await vestingItem(`Epoch ${v.epoch}`, `of epoch ${v.epoch}`, v, instruction, getVestedWithdrawnEventDecoder(), decimals));
    }
    page.append(h('h3', {}, 'Vesting'), list);
  }
  return page;
}

/** What `instruction` would pay now, read from its `event` in a simulation (the program's own
 * figures and checks), or the program's reason why it would refuse. */
async function quote(instruction: Instruction, event: Decoder<{ amount: bigint }>): Promise<{ amount?: bigint; refusal?: string }> {
  const simulated = await simulate(rpc, connected!.address, [instruction]);
  if (simulated.err) {
    const named = describeSimulationError(simulated.err, [instruction]);
    return { refusal: named ? `${named.name}: ${named.msg}` : JSON.stringify(simulated.err) };
  }
  return { amount: findEvent(simulated.logs, event)?.amount };
}

async function buybackPage(): Promise<HTMLElement> {
  const page = h('section', { 'aria-labelledby': 'buyback-title' }, h('h2', { id: 'buyback-title' }, 'Buyback'));
  if (!connected) return page.appendChild(h('p', {}, 'Connect a wallet to sell a licence back.')) && page;
  const config = await fetchMaybeBuybackConfig(rpc, await pdas.buybackConfig());
  if (!config.exists) return page.appendChild(h('p', {}, 'This network has no buyback configured.')) && page;
  const buyback = config.data;
  const staking = await stakingConfig(rpc);
  const decimals = staking.ifxDecimals;
  const ifxPrice = await ifxPriceAccount(staking);
  const slippageId = 'buyback-slippage';
  const slippage = h('input', { id: slippageId, inputmode: 'decimal', value: '1' }) as HTMLInputElement;
  const ethId = 'buyback-eth-price';
  const ethPrice = h('input', { id: ethId, placeholder: "Pyth PriceUpdateV2 account for ETH/USD" }) as HTMLInputElement;
  page.append(
    h('p', {}, `Option 1 pays ${buyback.params.ifxPayoutBps / 100} % of the price paid in IFX, vesting over ${Number(buyback.params.ifxVestingSecs) / 86_400} days; option 2 pays ${buyback.params.wethPayoutBps / 100} % in wETH at once. Selling retires the node: its stake starts unbonding.`),
    h('form', { 'aria-label': 'Buyback settings' }, h('label', { for: slippageId }, 'Slippage guard (%)', slippage), h('label', { for: ethId }, 'ETH price account (option 2)', ethPrice)),
  );
  const minimum = (amount: bigint) => {
    const bps = BigInt(Math.round(Number(slippage.value || '0') * 100));
    return (amount * (10_000n - bps)) / 10_000n;
  };
  for (const holding of await holdings(rpc, connected.address)) {
    const holder = signerOf(connected);
    const ifxQuote = await quote(await buybackIfx({ holder, licenseMint: holding.mint, ifxMint: buyback.ifxMint, ifxPrice, minAmountOut: 0n }), getBoughtBackEventDecoder());
    const card = h('article', { class: 'card', 'aria-label': `Sell licence #${holding.record.serial}` },
      h('h2', {}, `${LicenseKind[holding.record.kind]} licence #${holding.record.serial}`),
      h('p', {}, `Price paid ${formatUsd(holding.record.pricePaidUsd)}. Option 1 now: ${ifxQuote.amount !== undefined ? `${formatAmount(ifxQuote.amount, decimals)} IFX, vesting` : `refused — ${ifxQuote.refusal}`}.`));
    if (ifxQuote.amount !== undefined) {
      const amount = ifxQuote.amount;
      const form = h('form', { 'aria-label': 'Sell for IFX' }, h('button', { type: 'submit', class: 'secondary' }, 'Preview selling for IFX'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const least = minimum(amount);
        confirmStep(form, `Sell this licence back for ${formatAmount(amount, decimals)} IFX (at least ${formatAmount(least, decimals)} IFX, or the program refuses), vesting over ${Number(buyback.params.ifxVestingSecs) / 86_400} days. The licence goes to the buyback and the node retires.`, 'Sign and sell', async () => ({
          instructions: [await buybackIfx({ holder, licenseMint: holding.mint, ifxMint: buyback.ifxMint, ifxPrice, minAmountOut: least })],
          done: `Sold licence #${holding.record.serial} for ${formatAmount(amount, decimals)} IFX, vesting`,
        }));
      });
      card.append(form);
    }
    const wethForm = h('form', { 'aria-label': 'Sell for wETH' }, h('button', { type: 'submit', class: 'secondary' }, 'Preview selling for wETH'));
    wethForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!ethPrice.value.trim()) return notice('Option 2 needs the ETH/USD price account (a Pyth PriceUpdateV2 account): enter it above.');
      const build = (minAmountOut: bigint) => buybackWeth({ holder, licenseMint: holding.mint, wethMint: buyback.wethMint, wethTokenProgram: buyback.wethTokenProgram, ethPrice: ethPrice.value.trim() as Address, minAmountOut });
      const wethQuote = await quote(await build(0n), getBoughtBackEventDecoder());
      if (wethQuote.amount === undefined) return notice(`Option 2 would be refused — ${wethQuote.refusal}`);
      const least = minimum(wethQuote.amount);
      confirmStep(wethForm, `Sell this licence back for ${wethQuote.amount} wETH base units at once (at least ${least}).`, 'Sign and sell', async () => ({
        instructions: [await build(least)],
        done: `Sold licence #${holding.record.serial} for wETH`,
      }));
    });
    card.append(wethForm);
    page.append(card);
  }
  const vestings = await buybackVestingsOf(rpc, connected.address);
  if (vestings.length) {
    const list = h('ul', { 'aria-label': 'Buyback vesting' });
    for (const { data: v } of vestings) {
      const instruction = await withdrawVestedBuyback({ beneficiary: signerOf(connected), licenseMint: v.licenseMint, ifx: ifxToken(staking) });
      list.append(await vestingItem(`Licence ${short(v.licenseMint)}`, `of the licence ${short(v.licenseMint)}'s buyback`, v, instruction, getBuybackVestedWithdrawnEventDecoder(), decimals));
    }
    page.append(h('h3', {}, 'Vesting'), list);
  }
  return page;
}

/** One vesting account in a list: what is withdrawn of the total, what the withdrawal would pay
 * now (from a simulation of `instruction`, read from its `VestedWithdrawn` event), and a button
 * that previews and signs it. */
async function vestingItem(
  label: string,
  of: string,
  vesting: { withdrawn: bigint; total: bigint },
  instruction: Instruction,
  withdrawnEvent: Decoder<{ amount: bigint }>,
  decimals: number,
): Promise<HTMLElement> {
  const withdrawable = (await quote(instruction, withdrawnEvent)).amount ?? 0n;
  const form = h('form', { 'aria-label': `Withdraw vested ${of}` }, h('button', { type: 'submit', class: 'secondary', disabled: withdrawable === 0n }, 'Preview withdrawal'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    confirmStep(form, `Withdraw ${formatAmount(withdrawable, decimals)} IFX vested ${of}.`, 'Sign and withdraw', async () => ({ instructions: [instruction], done: `Withdrew ${formatAmount(withdrawable, decimals)} IFX` }));
  });
  return h('li', {}, `${label}: ${formatAmount(vesting.withdrawn, decimals)} of ${formatAmount(vesting.total, decimals)} IFX withdrawn; ${formatAmount(withdrawable, decimals)} IFX withdrawable now`, form);
}

/** Claims one epoch after another, showing progress; a refusal stops it by name, and what is
 * left stays listed (a tally closes only when its claim lands), so it resumes where it stopped. */
function claimAllStep(form: HTMLElement, claims: Claim[], preview: string) {
  form.querySelector('.preview')?.remove();
  const progress = h('p', {});
  const button = h('button', { type: 'button' }, 'Sign and claim all') as HTMLButtonElement;
  form.append(h('div', { class: 'preview', role: 'status' }, h('p', {}, preview), progress, button));
  button.focus();
  button.addEventListener('click', async () => {
    button.disabled = true;
    for (const [i, claim] of claims.entries()) {
      progress.textContent = `Claiming ${i + 1} of ${claims.length} (epoch ${claim.epoch})…`;
      try {
        await send(rpc, network, connected!, claim.instructions);
      } catch (error) {
        notice(`Refused — epoch ${claim.epoch}: ${errorText(error, claim.instructions)}${hint(error, claim.instructions)}`);
        await render();
        return;
      }
    }
    notice(`Claimed ${claims.length} epoch reward(s)`, true);
    await render();
  });
}

function hexBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`whitelist proof entry '${hex}' is not 32 bytes of hex`);
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

/** The connected wallet as the instruction builders' signer: it signs later, in `send`. */
function signerOf(wallet: Connected) {
  return { address: wallet.address, signTransactions: async () => { throw new Error('the wallet signs in send()'); } };
}

function renderWallet() {
  const box = $('wallet');
  if (connected) {
    box.replaceChildren(`${connected.wallet.name}: ${short(connected.address)} `, h('button', { type: 'button', class: 'secondary', click: async () => {
      await disconnect(connected!);
      connected = null;
      await render();
    } }, 'Disconnect'));
  } else if (wallets.length === 0) {
    box.replaceChildren('No Solana wallet found: install one that supports the Wallet Standard (Phantom, Solflare, Backpack).');
  } else {
    box.replaceChildren(...wallets.map((wallet) => h('button', { type: 'button', click: async () => {
      try {
        connected = await connect(wallet);
        await render();
      } catch (error) {
        notice(`${wallet.name} did not connect: ${error instanceof Error ? error.message : String(error)}`);
      }
    } }, `Connect ${wallet.name}`)));
  }
}

async function render() {
  renderWallet();
  const route = location.hash.replace(/^#\//, '') || 'nodes';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${route}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = $('page');
  try {
    const pages: Record<string, () => Promise<HTMLElement>> = { buy: buyPage, rewards: rewardsPage, buyback: buybackPage };
    page.replaceChildren(await (pages[route] ?? nodesPage)());
  } catch (error) {
    page.replaceChildren(h('p', {}, `Cannot read ${network.name} (${network.rpcUrl}): ${error instanceof Error ? error.message : String(error)}`));
  }
}

function setup() {
  const select = $('network') as HTMLSelectElement;
  for (const [i, n] of all.entries()) select.append(h('option', { value: String(i) }, `${n.name} (${n.rpcUrl})`));
  select.append(h('option', { value: 'custom' }, 'Custom RPC…'));
  select.addEventListener('change', async () => {
    if (select.value === 'custom') {
      const url = prompt('RPC URL');
      if (!url) return;
      network = { name: 'Custom', rpcUrl: url, chain: 'solana:localnet' };
    } else {
      network = all[Number(select.value)];
    }
    rpc = rpcOf(network);
    await render();
  });
  wallets = watchWallets((now) => {
    wallets = now;
    renderWallet();
  });
  window.addEventListener('hashchange', () => void render().then(() => $('page').focus()));
  void render();
}

setup();
