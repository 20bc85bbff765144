//! node-staking under solana-program-test, following SPEC §3 and the quality bars of §9.

#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use inferix_common::price::{VerificationLevel, PYTH_RECEIVER_PROGRAM_ID};
use inferix_common::CommonError;
use inferix_tests::*;
use node_license::state::LicenseKind;
use node_staking::constants::DEFAULT_UNBONDING_SECS;
use node_staking::constants::{DEFAULT_MIN_PRICE_PER_IBM_USD_MICROS, DEFAULT_WORKER_MIN_STAKE};
use node_staking::errors::StakingError;
use node_staking::instructions::{
    BenchmarkArgs, RegisterNodeArgs, UpdateConfigArgs, UpdateNodeArgs, ViolationArgs,
};
use node_staking::state::{
    NodeStatus, PriceSource, SlashRecord, SlashStatus, StakeEra, StakingParams,
};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const DAY: i64 = 86_400;
/// 0.5 IB, and $2.40 per IB-hour (40,000 µUSD per IBM, exact in micro-USD).
const HALF_IB: u64 = 500_000;
const PRICE_PER_IBM: u64 = 40_000;
/// S(n) = 2 × 4,320 min × 0.5 IB × $0.04 = $172.80 = 3,456 IFX at $0.05.
const WORKER_MINIMUM: u64 = 3_456 * IFX;
const FAILED_POR: u8 = 0;
const LIVENESS: u8 = 1;

/// A world with two active verifiers and a benchmarked (0.5 IB) but unstaked worker.
struct Fixture {
    w: StakingWorld,
    verifiers: Vec<NodeFixture>,
    worker: NodeFixture,
}

async fn fixture() -> Fixture {
    let mut w = StakingWorld::start().await;
    let verifiers = vec![w.verifier().await, w.verifier().await];
    let worker = w.new_node(LicenseKind::Worker, PRICE_PER_IBM).await;
    let signers: Vec<&NodeFixture> = verifiers.iter().collect();
    w.benchmark(&worker.node, HALF_IB, &signers).await.unwrap();
    Fixture {
        w,
        verifiers,
        worker,
    }
}

impl Fixture {
    fn quorum(&self) -> Vec<&NodeFixture> {
        self.verifiers.iter().collect()
    }

    async fn status(&mut self) -> NodeStatus {
        self.w.node(&self.worker.node).await.status
    }

    /// Balances that a refused instruction must leave untouched.
    async fn balances(&mut self) -> Vec<(u64, Vec<u8>)> {
        let accounts = [
            self.worker.node,
            self.worker.vault,
            penalty_vault_pda(),
            staking_config_pda(),
            self.w.ifx_account(&self.worker.owner.pubkey()),
        ];
        self.w.bank.snapshot(&accounts).await
    }
}

fn evidence(n: u8) -> [u8; 32] {
    [n; 32]
}

// ---------------------------------------------------------------- registration

#[tokio::test]
async fn a_node_is_bound_to_a_license_its_owner_holds() {
    let mut w = StakingWorld::start().await;
    let worker = w.new_node(LicenseKind::Worker, PRICE_PER_IBM).await;
    let node = w.node(&worker.node).await;
    assert_eq!(
        (node.kind, node.owner, node.operator, node.status),
        (
            LicenseKind::Worker,
            worker.owner.pubkey(),
            worker.operator.pubkey(),
            NodeStatus::Pending
        )
    );
    let verifier = w.new_node(LicenseKind::Verifier, 0).await;
    let node = w.node(&verifier.node).await;
    assert_eq!(
        (node.kind, node.status),
        (LicenseKind::Verifier, NodeStatus::Inactive),
        "below the verifier minimum"
    );

    // Someone else presenting the holder's license account, or their own empty one, is refused.
    let (holder, mint) = w.license_holder(LicenseKind::Worker).await;
    let thief = w.bank.new_wallet(1).await;
    let holder_account = ata_address(&holder.pubkey(), &mint, &TOKEN_2022_ID);
    let args = || RegisterNodeArgs {
        operator: None,
        price_per_ibm_usd_micros: PRICE_PER_IBM,
    };
    let steal = w.register_ix(&thief.pubkey(), &mint, &holder_account, args());
    assert_error(
        &w.bank.send(&[steal], &[&thief]).await,
        StakingError::LicenseNotHeld,
    );
    let empty = w.bank.ata(&thief.pubkey(), &mint, &TOKEN_2022_ID).await;
    let steal = w.register_ix(&thief.pubkey(), &mint, &empty, args());
    assert_error(
        &w.bank.send(&[steal], &[&thief]).await,
        StakingError::LicenseNotHeld,
    );
    assert!(w.bank.account(&node_pda(&mint)).await.is_none());

    // The holder registers once; a second registration is refused by name.
    let register = w.register_ix(&holder.pubkey(), &mint, &holder_account, args());
    w.bank
        .send(std::slice::from_ref(&register), &[&holder])
        .await
        .unwrap();
    assert_error(
        &w.bank.send(&[register], &[&holder]).await,
        StakingError::NodeAlreadyRegistered,
    );
}

#[tokio::test]
async fn a_worker_price_and_minimum_stake_never_fall_below_the_floors() {
    let mut w = StakingWorld::start().await;
    let (holder, mint) = w.license_holder(LicenseKind::Worker).await;
    let account = ata_address(&holder.pubkey(), &mint, &TOKEN_2022_ID);
    let ifx = w.ifx();
    let register = |price_per_ibm_usd_micros| {
        inferix_sdk::instructions::register_node(
            &holder.pubkey(),
            &mint,
            &account,
            &ifx,
            RegisterNodeArgs {
                operator: None,
                price_per_ibm_usd_micros,
            },
        )
    };
    // 1 micro-USD per IBM made S(n) 0.17 IFX before the floors (SPEC §10 item 9).
    let floor = DEFAULT_MIN_PRICE_PER_IBM_USD_MICROS;
    for price in [0, 1, floor - 1] {
        let refused = register(price);
        assert_error(
            &w.bank.send(&[refused], &[&holder]).await,
            StakingError::InvalidNodePrice,
        );
    }
    assert!(w.bank.account(&node_pda(&mint)).await.is_none());
    let accepted = register(floor);
    w.bank.send(&[accepted], &[&holder]).await.unwrap();

    // At the floor price a small IB's S(n) is below 1,000 IFX: the flat minimum applies.
    let verifiers = [w.verifier().await, w.verifier().await];
    let signers: Vec<&NodeFixture> = verifiers.iter().collect();
    w.benchmark(&node_pda(&mint), 100_000, &signers)
        .await
        .unwrap();
    assert_eq!(
        w.node(&node_pda(&mint)).await.required_stake,
        DEFAULT_WORKER_MIN_STAKE
    );
}

// ---------------------------------------------------------------- minimum stake and status

#[tokio::test]
async fn a_node_goes_active_and_inactive_as_stake_price_ib_and_ifx_price_move() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    assert_eq!(
        f.status().await,
        NodeStatus::Inactive,
        "benchmarked, no stake"
    );

    // Stake exactly S(n) minus one base unit, then the last unit.
    f.w.stake(&worker, WORKER_MINIMUM - 1).await.unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    f.w.stake(&worker, 1).await.unwrap();
    assert_eq!(f.status().await, NodeStatus::Active);
    assert_eq!(f.w.node(&worker.node).await.required_stake, WORKER_MINIMUM);

    // Raising the price per IBM raises S(n).
    let set_price = |price| UpdateNodeArgs {
        price_per_ibm_usd_micros: Some(price),
        ..Default::default()
    };
    f.w.bank
        .send(
            &[update_node_ix(&worker, set_price(PRICE_PER_IBM + 1))],
            &[&worker.owner],
        )
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    f.w.bank
        .send(
            &[update_node_ix(&worker, set_price(PRICE_PER_IBM))],
            &[&worker.owner],
        )
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Active);

    // A higher IB raises S(n) too.
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.bank.advance(1).await;
    f.w.benchmark(&worker.node, HALF_IB + 1, &signers)
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    f.w.bank.advance(1).await;
    f.w.benchmark(&worker.node, HALF_IB, &signers)
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Active);

    // The IFX price falls to $0.04: anyone's refresh deactivates the node...
    f.w.push_price(4_000_000, 0, -8).await.unwrap();
    let refresh = f.w.refresh_ix(&worker.node);
    f.w.bank.send(&[refresh], &[]).await.unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    assert_eq!(f.w.node(&worker.node).await.required_stake, 4_320 * IFX);
    // ...and topping up to the new S(n) reactivates it.
    f.w.stake(&worker, 864 * IFX).await.unwrap();
    assert_eq!(f.status().await, NodeStatus::Active);
}

fn update_node_ix(node: &NodeFixture, args: UpdateNodeArgs) -> Instruction {
    staking_ix(
        node_staking::accounts::NodeOwner {
            owner: node.owner.pubkey(),
            config: staking_config_pda(),
            node: node.node,
            price: pushed_price_pda(),
        },
        node_staking::instruction::UpdateNode { args },
    )
}

#[tokio::test]
async fn only_the_owner_changes_its_node() {
    let mut f = fixture().await;
    let stranger = f.w.bank.new_wallet(1).await;
    let mut hijack = update_node_ix(
        &f.worker,
        UpdateNodeArgs {
            operator: Some(stranger.pubkey()),
            ..Default::default()
        },
    );
    hijack.accounts[0].pubkey = stranger.pubkey();
    assert_error(
        &f.w.bank.send(&[hijack], &[&stranger]).await,
        StakingError::NotNodeOwner,
    );
    assert_eq!(
        f.w.node(&f.worker.node).await.operator,
        f.worker.operator.pubkey()
    );
}

#[tokio::test]
async fn partial_unstake_must_keep_the_minimum_unless_deactivated() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.stake(&worker, WORKER_MINIMUM + 100 * IFX)
        .await
        .unwrap();
    f.w.unstake(&worker, 100 * IFX).await.0.unwrap();
    let before = f.balances().await;
    let (result, _) = f.w.unstake(&worker, 1).await;
    assert_error(&result, StakingError::StakeBelowMinimum);
    assert_eq!(f.balances().await, before);
    // Deactivated first, everything can go.
    f.w.bank
        .send(
            &[update_node_ix(
                &worker,
                UpdateNodeArgs {
                    deactivated: Some(true),
                    ..Default::default()
                },
            )],
            &[&worker.owner],
        )
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    f.w.unstake(&worker, WORKER_MINIMUM).await.0.unwrap();
    assert_eq!(f.w.node(&worker.node).await.stake, 0);
}

#[tokio::test]
async fn an_inactive_node_is_readable_as_such_by_other_programs() {
    // epoch-rewards credits only nodes whose status reads Active; the account is plain Anchor
    // data with a discriminator any program can check.
    let mut f = fixture().await;
    let data = f.w.bank.account(&f.worker.node).await.unwrap();
    assert_eq!(data.owner, node_staking::ID);
    let node: node_staking::state::Node =
        anchor_lang::AccountDeserialize::try_deserialize(&mut data.data.as_slice()).unwrap();
    assert!(!node.is_active());
}

// ---------------------------------------------------------------- unbonding

#[tokio::test]
async fn withdrawal_waits_for_the_end_of_unbonding_to_the_second() {
    let mut f = fixture().await;
    let verifier = f.verifiers[0].clone_keys();
    f.w.stake(&verifier, 500 * IFX).await.unwrap();
    let (result, ticket) = f.w.unstake(&verifier, 500 * IFX).await;
    result.unwrap();
    let release_at: i64 =
        f.w.bank
            .anchor_account::<node_staking::state::UnbondingTicket>(&ticket)
            .await
            .release_at;
    assert_eq!(release_at, f.w.bank.now().await + 90 * DAY);

    f.w.bank.set_time(release_at - 1).await;
    let early = f.w.withdraw(&verifier.node, &ticket, &verifier.owner).await;
    assert_error(&early, StakingError::StillUnbonding);
    f.w.bank.set_time(release_at).await;
    let before =
        f.w.bank
            .token_balance(&f.w.ifx_account(&verifier.owner.pubkey()))
            .await;
    f.w.withdraw(&verifier.node, &ticket, &verifier.owner)
        .await
        .unwrap();
    let after =
        f.w.bank
            .token_balance(&f.w.ifx_account(&verifier.owner.pubkey()))
            .await;
    assert_eq!(after - before, 500 * IFX);
    assert!(f.w.bank.account(&ticket).await.is_none(), "ticket closed");
}

#[tokio::test]
async fn pausing_never_blocks_withdrawing_unbonded_stake() {
    let mut f = fixture().await;
    let verifier = f.verifiers[0].clone_keys();
    f.w.stake(&verifier, 10 * IFX).await.unwrap();
    let (result, ticket) = f.w.unstake(&verifier, 10 * IFX).await;
    result.unwrap();
    let guardian = f.w.pause_guardian.insecure_clone();
    let pause = staking_ix(
        node_staking::accounts::ConfigAdmin {
            authority: guardian.pubkey(),
            config: staking_config_pda(),
        },
        node_staking::instruction::SetPaused { paused: true },
    );
    f.w.bank.send(&[pause], &[&guardian]).await.unwrap();
    assert_error(&f.w.stake(&verifier, IFX).await, StakingError::Paused);
    f.w.bank.advance(90 * DAY).await;
    f.w.withdraw(&verifier.node, &ticket, &verifier.owner)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_slash_during_unbonding_reduces_what_is_withdrawn() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.stake(&worker, WORKER_MINIMUM).await.unwrap();
    f.w.bank
        .send(
            &[update_node_ix(
                &worker,
                UpdateNodeArgs {
                    deactivated: Some(true),
                    ..Default::default()
                },
            )],
            &[&worker.owner],
        )
        .await
        .unwrap();
    let (result, ticket) = f.w.unstake(&worker, 1_000 * IFX).await;
    result.unwrap();
    let quorum = f
        .quorum()
        .iter()
        .map(|v| v.clone_keys())
        .collect::<Vec<_>>();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&worker.node, FAILED_POR, evidence(1), &signers)
        .await
        .unwrap();
    let node = f.w.node(&worker.node).await;
    assert_eq!(
        (node.stake, node.unbonding.amount),
        (2_456 * IFX * 9 / 10, 900 * IFX)
    );

    f.w.bank.advance(90 * DAY).await;
    let before =
        f.w.bank
            .token_balance(&f.w.ifx_account(&worker.owner.pubkey()))
            .await;
    f.w.withdraw(&worker.node, &ticket, &worker.owner)
        .await
        .unwrap();
    let after =
        f.w.bank
            .token_balance(&f.w.ifx_account(&worker.owner.pubkey()))
            .await;
    assert_eq!(
        after - before,
        900 * IFX,
        "10 % of the unbonding stake was slashed"
    );
}

// ---------------------------------------------------------------- IB updates

#[tokio::test]
async fn benchmarks_are_bounded_fresh_and_used_once() {
    let mut f = fixture().await;
    let worker = f.worker.node;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.bank.advance(1).await;
    let too_big = f.w.benchmark(&worker, HALF_IB + 10_000_001, &signers).await;
    assert_error(&too_big, StakingError::IbUpdateTooLarge);
    assert_error(
        &f.w.benchmark(&worker, 600_000, &signers[..1]).await,
        StakingError::UnderQuorum,
    );

    // The same signed benchmark submitted twice: the second is a replay.
    let issued_at = f.w.bank.now().await;
    let args = BenchmarkArgs {
        ib_micros: 700_000,
        scene_set_hash: [2; 32],
        issued_at,
    };
    let message = benchmark_message(&worker, &args);
    let operators: Vec<&Keypair> = signers.iter().map(|v| &v.operator).collect();
    let keys: Vec<Pubkey> = signers.iter().map(|v| v.node).collect();
    let submit = [
        co_signed(&message, &operators),
        f.w.update_ib_ix(&worker, args.clone(), &keys),
    ];
    f.w.bank.send(&submit, &[]).await.unwrap();
    assert_eq!(f.w.node(&worker).await.ib_micros, 700_000);
    let payer = f.w.bank.payer();
    f.w.bank.set_time(issued_at + 5).await;
    let replay =
        f.w.bank
            .send(
                &[submit[0].clone(), submit[1].clone(), memo_free_noop(&payer)],
                &[],
            )
            .await;
    assert_error(&replay, StakingError::BenchmarkReplayed);

    // Stale and future-dated benchmarks.
    let stale = BenchmarkArgs {
        ib_micros: 800_000,
        scene_set_hash: [3; 32],
        issued_at: issued_at - 3_601 + 5,
    };
    let message = benchmark_message(&worker, &stale);
    let result =
        f.w.bank
            .send(
                &[
                    co_signed(&message, &operators),
                    f.w.update_ib_ix(&worker, stale, &keys),
                ],
                &[],
            )
            .await;
    assert_error(&result, StakingError::MessageStale);
    let future = BenchmarkArgs {
        ib_micros: 800_000,
        scene_set_hash: [3; 32],
        issued_at: issued_at + 6,
    };
    let message = benchmark_message(&worker, &future);
    let result =
        f.w.bank
            .send(
                &[
                    co_signed(&message, &operators),
                    f.w.update_ib_ix(&worker, future, &keys),
                ],
                &[],
            )
            .await;
    assert_error(&result, StakingError::MessageFromFuture);
}

/// A harmless extra instruction that makes an otherwise identical transaction distinct.
fn memo_free_noop(payer: &Keypair) -> Instruction {
    anchor_lang::solana_program::system_instruction::transfer(&payer.pubkey(), &payer.pubkey(), 0)
}

// ---------------------------------------------------------------- violations and forged signatures

/// Submits a violation against the worker whose precompile instruction and signers the test
/// shapes, and asserts the error and that nothing moved.
async fn assert_violation_refused(
    f: &mut Fixture,
    build: impl FnOnce(&Fixture, &ViolationArgs) -> Vec<Instruction>,
    expected: Option<u32>,
) {
    let issued_at = f.w.bank.now().await;
    let args = ViolationArgs {
        epoch: 1,
        kind: FAILED_POR,
        evidence_hash: evidence(77),
        issued_at,
    };
    let instructions = build(f, &args);
    let before = f.balances().await;
    let result = f.w.bank.send(&instructions, &[]).await;
    assert!(result.is_err(), "the forged violation must fail");
    if let Some(code) = expected {
        assert_eq!(custom_error(&result), Some(code), "{result:?}");
    }
    assert_eq!(f.balances().await, before);
    assert!(f.w.bank.account(&slash_pda(&evidence(77))).await.is_none());
}

async fn staked_fixture() -> Fixture {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.stake(&worker, WORKER_MINIMUM).await.unwrap();
    f
}

fn signed_violation(
    f: &Fixture,
    args: &ViolationArgs,
    signers: &[&Keypair],
    nodes: &[Pubkey],
) -> Vec<Instruction> {
    let message = violation_message(&f.worker.node, args);
    vec![
        co_signed(&message, signers),
        f.w.report_violation_ix(&f.worker.node, args.clone(), None, nodes),
    ]
}

fn quorum_keys(f: &Fixture) -> (Vec<Keypair>, Vec<Pubkey>) {
    (
        f.verifiers
            .iter()
            .map(|v| v.operator.insecure_clone())
            .collect(),
        f.verifiers.iter().map(|v| v.node).collect(),
    )
}

#[tokio::test]
async fn a_quorum_signed_violation_slashes_into_the_penalty_pool() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&f.worker.node, LIVENESS, evidence(1), &signers)
        .await
        .unwrap();
    let node = f.w.node(&f.worker.node).await;
    let slashed = WORKER_MINIMUM / 100;
    assert_eq!((node.stake, node.strikes), (WORKER_MINIMUM - slashed, 1));
    assert_eq!(node.status, NodeStatus::Inactive, "no longer covers S(n)");
    assert_eq!(f.w.bank.token_balance(&penalty_vault_pda()).await, slashed);
    assert_eq!(f.w.config().await.pending_penalties, slashed);
    let record: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(1))).await;
    assert_eq!(
        (record.from_stake, record.status),
        (slashed, SlashStatus::Pending)
    );
}

#[tokio::test]
async fn violations_under_quorum_or_with_a_verifier_twice_are_refused() {
    let mut f = staked_fixture().await;
    let (ops, nodes) = quorum_keys(&f);
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0]], &nodes[..1]),
        Some(StakingError::UnderQuorum.into()),
    )
    .await;
    // The same verifier node listed twice.
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0], &ops[0]], &[nodes[0], nodes[0]]),
        Some(StakingError::DuplicateVerifier.into()),
    )
    .await;
    // Two verifier nodes sharing one operator key: one signature cannot count twice.
    let twin = f.w.verifier().await;
    let mut set_operator = staking_ix(
        node_staking::accounts::NodeOwner {
            owner: twin.owner.pubkey(),
            config: staking_config_pda(),
            node: twin.node,
            price: pushed_price_pda(),
        },
        node_staking::instruction::UpdateNode {
            args: UpdateNodeArgs {
                operator: Some(ops[0].pubkey()),
                ..Default::default()
            },
        },
    );
    set_operator.accounts[0].is_signer = true;
    f.w.bank
        .send(&[set_operator], &[&twin.owner])
        .await
        .unwrap();
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0], &ops[0]], &[nodes[0], twin.node]),
        Some(CommonError::Ed25519DuplicateSigner.into()),
    )
    .await;
}

#[tokio::test]
async fn co_signers_must_be_active_non_blacklisted_verifiers() {
    let mut f = staked_fixture().await;
    let (ops, nodes) = quorum_keys(&f);
    // A worker node co-signing (another worker: the subject itself would not be independent).
    let other_worker = f.w.new_node(LicenseKind::Worker, 40_000).await;
    assert_violation_refused(
        &mut f,
        |f, a| {
            signed_violation(
                f,
                a,
                &[&ops[0], &other_worker.operator],
                &[nodes[0], other_worker.node],
            )
        },
        Some(StakingError::CoSignerNotVerifier.into()),
    )
    .await;
    // A verifier without its minimum stake.
    let idle = f.w.new_node(LicenseKind::Verifier, 0).await;
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0], &idle.operator], &[nodes[0], idle.node]),
        Some(StakingError::NotActiveVerifier.into()),
    )
    .await;
    // A blacklisted verifier.
    let admin = f.w.admin.insecure_clone();
    let blacklist = admin_node_ix(
        &admin,
        &nodes[1],
        node_staking::instruction::BlacklistNode {},
    );
    f.w.bank.send(&[blacklist], &[&admin]).await.unwrap();
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0], &ops[1]], &nodes),
        Some(StakingError::CoSignerBlacklisted.into()),
    )
    .await;
}

fn admin_node_ix(
    admin: &Keypair,
    node: &Pubkey,
    data: impl anchor_lang::InstructionData,
) -> Instruction {
    staking_ix(
        node_staking::accounts::AdminNode {
            admin: admin.pubkey(),
            config: staking_config_pda(),
            node: *node,
        },
        data,
    )
}

#[tokio::test]
async fn forged_precompile_instructions_are_refused() {
    let mut f = staked_fixture().await;
    let (ops, nodes) = quorum_keys(&f);
    let signers = [&ops[0], &ops[1]];

    // Bad signature: the runtime's precompile refuses the transaction.
    assert_violation_refused(
        &mut f,
        |f, a| {
            let mut ixs = signed_violation(f, a, &signers, &nodes);
            // Three signatures: the manager's, then the two verifiers'.
            let at = 2 + 3 * 14 + 32;
            ixs[0].data[at] ^= 1;
            ixs
        },
        None,
    )
    .await;

    // Signature over other bytes (another evidence hash than the one submitted).
    assert_violation_refused(
        &mut f,
        |f, a| {
            let other = ViolationArgs {
                evidence_hash: evidence(78),
                ..a.clone()
            };
            let message = violation_message(&f.worker.node, &other);
            vec![
                co_signed(&message, &signers),
                f.w.report_violation_ix(&f.worker.node, a.clone(), None, &nodes),
            ]
        },
        Some(CommonError::Ed25519MessageMismatch.into()),
    )
    .await;

    // A message for another deployment's config.
    assert_violation_refused(
        &mut f,
        |f, a| {
            let mut message = violation_message(&f.worker.node, a);
            message[8..40].copy_from_slice(Pubkey::new_unique().as_ref());
            vec![
                co_signed(&message, &signers),
                f.w.report_violation_ix(&f.worker.node, a.clone(), None, &nodes),
            ]
        },
        Some(CommonError::Ed25519MessageMismatch.into()),
    )
    .await;

    // Offsets pointing elsewhere: the message moved one byte, really signed there.
    assert_violation_refused(
        &mut f,
        |f, a| {
            let mut ixs = signed_violation(f, a, &signers, &nodes);
            let message_start = 2 + 3 * 14 + 3 * 96;
            ixs[0].data.insert(message_start, 0);
            for i in 0..3 {
                let at = 2 + i * 14 + 8;
                ixs[0].data[at..at + 2].copy_from_slice(&(message_start as u16 + 1).to_le_bytes());
            }
            ixs
        },
        Some(CommonError::Ed25519OffsetMismatch.into()),
    )
    .await;

    // Instruction indices pointing at another instruction (the program instruction itself).
    assert_violation_refused(
        &mut f,
        |f, a| {
            let mut ixs = signed_violation(f, a, &signers, &nodes);
            for i in 0..3 {
                let at = 2 + i * 14 + 12;
                ixs[0].data[at..at + 2].copy_from_slice(&0u16.to_le_bytes());
            }
            ixs
        },
        None,
    )
    .await;

    // The precompile instruction in another position.
    assert_violation_refused(
        &mut f,
        |f, a| {
            let mut ixs = signed_violation(f, a, &signers, &nodes);
            ixs.insert(1, memo_free_noop(&f.w.bank.payer()));
            ixs
        },
        Some(CommonError::Ed25519UnexpectedPosition.into()),
    )
    .await;
    assert_violation_refused(
        &mut f,
        |f, a| {
            vec![f
                .w
                .report_violation_ix(&f.worker.node, a.clone(), None, &nodes)]
        },
        Some(CommonError::Ed25519InstructionMissing.into()),
    )
    .await;

    // A key that is not a registered verifier signs in a verifier's place.
    let stranger = Keypair::new();
    assert_violation_refused(
        &mut f,
        |f, a| signed_violation(f, a, &[&ops[0], &stranger], &nodes),
        Some(CommonError::Ed25519SignerMismatch.into()),
    )
    .await;

    // And the untampered violation still goes through.
    let issued_at = f.w.bank.now().await;
    let args = ViolationArgs {
        epoch: 1,
        kind: FAILED_POR,
        evidence_hash: evidence(77),
        issued_at,
    };
    let ixs = signed_violation(&f, &args, &signers, &nodes);
    f.w.bank.send(&ixs, &[]).await.unwrap();
}

#[tokio::test]
async fn evidence_is_used_once() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&f.worker.node, LIVENESS, evidence(5), &signers)
        .await
        .unwrap();
    let before = f.balances().await;
    f.w.bank.advance(1).await;
    let again =
        f.w.violation(&f.worker.node, LIVENESS, evidence(5), &signers)
            .await;
    assert_error(&again, StakingError::EvidenceAlreadyUsed);
    assert_eq!(f.balances().await, before);
}

// ---------------------------------------------------------------- appeals and the penalty pool

fn reverse_slash_ix(f: &Fixture, evidence_hash: &[u8; 32]) -> Instruction {
    reverse_slash_to(f, evidence_hash, None, None)
}

/// A reversal naming the slash's sealed era and the staker's IFX account, where needed.
fn reverse_slash_to(
    f: &Fixture,
    evidence_hash: &[u8; 32],
    stake_era: Option<u32>,
    staker_ifx: Option<Pubkey>,
) -> Instruction {
    inferix_sdk::admin::reverse_slash(
        &f.w.admin.pubkey(),
        &f.worker.node,
        evidence_hash,
        &f.w.ifx(),
        stake_era.map(|era| inferix_sdk::pda::stake_era(&f.worker.node, era)),
        staker_ifx,
    )
}

fn release_ix(f: &Fixture, evidence_hash: &[u8; 32]) -> Instruction {
    f.w.release_penalty_ix(evidence_hash)
}

#[tokio::test]
async fn a_reversal_inside_the_appeal_window_restores_the_stake_exactly() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    let before = f.w.node(&f.worker.node).await;
    f.w.violation(&f.worker.node, FAILED_POR, evidence(9), &signers)
        .await
        .unwrap();
    let slashed_at = f.w.bank.now().await;
    f.w.bank.set_time(slashed_at + 7 * DAY - 1).await;
    let admin = f.w.admin.insecure_clone();
    f.w.bank
        .send(&[reverse_slash_ix(&f, &evidence(9))], &[&admin])
        .await
        .unwrap();
    let after = f.w.node(&f.worker.node).await;
    assert_eq!(
        (
            after.stake,
            after.unbonding.amount,
            after.strikes,
            after.status
        ),
        (before.stake, before.unbonding.amount, 0, NodeStatus::Active)
    );
    assert_eq!(
        f.w.bank.token_balance(&f.worker.vault).await,
        WORKER_MINIMUM
    );
    assert_eq!(f.w.bank.token_balance(&penalty_vault_pda()).await, 0);
    // A reversed slash can neither be reversed again nor released.
    assert_error(
        &f.w.bank
            .send(&[reverse_slash_ix(&f, &evidence(9))], &[&admin])
            .await,
        StakingError::SlashNotPending,
    );
    f.w.bank.set_time(slashed_at + 7 * DAY).await;
    assert_error(
        &f.w.bank.send(&[release_ix(&f, &evidence(9))], &[]).await,
        StakingError::SlashNotPending,
    );
}

#[tokio::test]
async fn after_the_window_a_slash_cannot_be_reversed_and_is_released_once() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&f.worker.node, FAILED_POR, evidence(9), &signers)
        .await
        .unwrap();
    f.w.bank.advance(1).await;
    f.w.violation(&f.worker.node, LIVENESS, evidence(10), &signers)
        .await
        .unwrap();
    let first: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(9))).await;
    let second: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(10))).await;

    f.w.bank.set_time(first.slashed_at + 7 * DAY - 1).await;
    assert_error(
        &f.w.bank.send(&[release_ix(&f, &evidence(9))], &[]).await,
        StakingError::AppealWindowOpen,
    );
    f.w.bank.set_time(first.slashed_at + 7 * DAY).await;
    let admin = f.w.admin.insecure_clone();
    assert_error(
        &f.w.bank
            .send(&[reverse_slash_ix(&f, &evidence(9))], &[&admin])
            .await,
        StakingError::AppealWindowClosed,
    );

    // Only the matured slash moves, exactly its amount, once.
    f.w.bank
        .send(&[release_ix(&f, &evidence(9))], &[])
        .await
        .unwrap();
    assert_eq!(
        f.w.bank.token_balance(&f.w.verifier_pool).await,
        first.amount()
    );
    assert_eq!(
        f.w.bank.token_balance(&penalty_vault_pda()).await,
        second.amount()
    );
    assert_eq!(f.w.config().await.pending_penalties, second.amount());
    f.w.bank.set_time(first.slashed_at + 7 * DAY + 1).await;
    assert_error(
        &f.w.bank.send(&[release_ix(&f, &evidence(9))], &[]).await,
        StakingError::SlashNotPending,
    );
    assert_eq!(
        f.w.bank.token_balance(&f.w.verifier_pool).await,
        first.amount()
    );
}

#[tokio::test]
async fn penalties_go_only_to_the_configured_verifier_pool() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&f.worker.node, FAILED_POR, evidence(9), &signers)
        .await
        .unwrap();
    f.w.bank.advance(7 * DAY).await;
    let thief = f.w.bank.new_wallet(1).await;
    let thief_account =
        f.w.bank
            .ata(
                &thief.pubkey(),
                &f.w.ifx_mint.clone(),
                &anchor_spl::token::ID,
            )
            .await;
    let mut release = release_ix(&f, &evidence(9));
    release.accounts[3].pubkey = thief_account;
    assert_error(
        &f.w.bank.send(&[release], &[]).await,
        StakingError::WrongVerifierPool,
    );
    assert_eq!(f.w.bank.token_balance(&thief_account).await, 0);
}

// ---------------------------------------------------------------- strikes and blacklist

#[tokio::test]
async fn max_strikes_blacklists_and_the_license_cannot_register_again() {
    let mut f = staked_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    for n in 0..3 {
        f.w.bank.advance(1).await;
        f.w.violation(&f.worker.node, LIVENESS, evidence(20 + n), &signers)
            .await
            .unwrap();
    }
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(
        (node.strikes, node.blacklisted, node.status),
        (3, true, NodeStatus::Inactive)
    );
    assert_error(
        &f.w.stake(&f.worker.clone_keys(), IFX).await,
        StakingError::NodeBlacklisted,
    );
    // Its owner can still take the remaining stake out through unbonding.
    f.w.unstake(&f.worker.clone_keys(), node.stake / 2)
        .await
        .0
        .unwrap();

    let account = ata_address(
        &f.worker.owner.pubkey(),
        &f.worker.license_mint,
        &TOKEN_2022_ID,
    );
    let again = f.w.register_ix(
        &f.worker.owner.pubkey(),
        &f.worker.license_mint,
        &account,
        RegisterNodeArgs {
            operator: None,
            price_per_ibm_usd_micros: PRICE_PER_IBM,
        },
    );
    let owner = f.worker.owner.insecure_clone();
    assert_error(
        &f.w.bank.send(&[again], &[&owner]).await,
        StakingError::NodeBlacklisted,
    );

    // Reversing the slash that blacklisted it, inside its window, lifts the blacklist.
    let admin = f.w.admin.insecure_clone();
    f.w.bank
        .send(&[reverse_slash_ix(&f, &evidence(22))], &[&admin])
        .await
        .unwrap();
    let node = f.w.node(&f.worker.node).await;
    assert_eq!((node.strikes, node.blacklisted), (2, false));
}

#[tokio::test]
async fn an_admin_blacklist_is_reversible_only_within_the_window() {
    let mut f = staked_fixture().await;
    let admin = f.w.admin.insecure_clone();
    let worker = f.worker.node;
    let stranger = f.w.bank.new_wallet(1).await;
    assert_error(
        &f.w.bank
            .send(
                &[admin_node_ix(
                    &stranger,
                    &worker,
                    node_staking::instruction::BlacklistNode {},
                )],
                &[&stranger],
            )
            .await,
        StakingError::NotAdmin,
    );
    f.w.bank
        .send(
            &[admin_node_ix(
                &admin,
                &worker,
                node_staking::instruction::BlacklistNode {},
            )],
            &[&admin],
        )
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Inactive);
    let at = f.w.bank.now().await;
    f.w.bank.set_time(at + 7 * DAY - 1).await;
    f.w.bank
        .send(
            &[admin_node_ix(
                &admin,
                &worker,
                node_staking::instruction::ReverseBlacklist {},
            )],
            &[&admin],
        )
        .await
        .unwrap();
    assert_eq!(f.status().await, NodeStatus::Active);

    f.w.bank
        .send(
            &[admin_node_ix(
                &admin,
                &worker,
                node_staking::instruction::BlacklistNode {},
            )],
            &[&admin],
        )
        .await
        .unwrap();
    f.w.bank.set_time(at + 14 * DAY).await;
    let late =
        f.w.bank
            .send(
                &[admin_node_ix(
                    &admin,
                    &worker,
                    node_staking::instruction::ReverseBlacklist {},
                )],
                &[&admin],
            )
            .await;
    assert_error(&late, StakingError::AppealWindowClosed);
}

// ---------------------------------------------------------------- take-over and retirement

#[tokio::test]
async fn the_new_license_holder_takes_over_and_the_old_stake_unbonds_to_its_staker() {
    let mut f = staked_fixture().await;
    let worker = f.worker.clone_keys();
    // A year later the license unlocks and is sold.
    let buyer = f.w.sell_license(&worker).await;
    f.w.push_price(5_000_000, 0, -8).await.unwrap();
    let source = ata_address(&worker.owner.pubkey(), &worker.license_mint, &TOKEN_2022_ID);
    let destination = ata_address(&buyer.pubkey(), &worker.license_mint, &TOKEN_2022_ID);
    let take_over = |new_owner: &Keypair, license_account: Pubkey, ticket: Pubkey| {
        staking_ix(
            node_staking::accounts::TakeOver {
                new_owner: new_owner.pubkey(),
                config: staking_config_pda(),
                node: worker.node,
                license_account,
                ticket,
                stake_era: inferix_sdk::pda::stake_era(&worker.node, 0),
                system_program: anchor_lang::system_program::ID,
            },
            node_staking::instruction::TakeOver {},
        )
    };
    let ticket = inferix_sdk::pda::take_over_ticket(
        &worker.node,
        node_staking::state::FIRST_TAKE_OVER_TICKET_ID,
    );
    // The previous owner moves the node's ticket counter before the take-over lands; the
    // take-over's ticket is fixed, so it still goes through (SPEC §10 item 6).
    f.w.fund_ifx(&worker.owner.pubkey(), 1).await;
    f.w.stake(&worker, 1).await.unwrap();
    let (moved, early_ticket) = f.w.unstake(&worker, 1).await;
    moved.unwrap();
    assert_eq!(f.w.node(&worker.node).await.next_ticket_id, 1);
    // The previous owner no longer holds it.
    let stale = take_over(&worker.owner, source, ticket);
    assert_error(
        &f.w.bank.send(&[stale], &[&worker.owner]).await,
        StakingError::LicenseNotHeld,
    );
    f.w.bank
        .send(&[take_over(&buyer, destination, ticket)], &[&buyer])
        .await
        .unwrap();

    let node = f.w.node(&worker.node).await;
    assert_eq!(
        (node.owner, node.operator, node.stake, node.status),
        (buyer.pubkey(), buyer.pubkey(), 0, NodeStatus::Inactive)
    );
    let state: node_staking::state::UnbondingTicket = f.w.bank.anchor_account(&ticket).await;
    assert_eq!(state.staker, worker.owner.pubkey());
    f.w.bank.set_time(state.release_at).await;
    let before =
        f.w.bank
            .token_balance(&f.w.ifx_account(&worker.owner.pubkey()))
            .await;
    for t in [ticket, early_ticket] {
        f.w.withdraw(&worker.node, &t, &worker.owner).await.unwrap();
    }
    // Everything the previous owner staked comes back to them: the take-over ticket and the
    // ticket they opened themselves.
    assert_eq!(
        f.w.bank
            .token_balance(&f.w.ifx_account(&worker.owner.pubkey()))
            .await
            - before,
        WORKER_MINIMUM + 1
    );
}

#[tokio::test]
async fn only_the_buyback_authority_retires_a_node() {
    let mut f = staked_fixture().await;
    let retire = |authority: &Keypair, node: &Pubkey, payer: &Pubkey| {
        staking_ix(
            node_staking::accounts::RetireNode {
                buyback_authority: authority.pubkey(),
                payer: *payer,
                config: staking_config_pda(),
                node: *node,
                ticket: inferix_sdk::pda::retirement_ticket(node),
                system_program: anchor_lang::system_program::ID,
            },
            node_staking::instruction::RetireNode {},
        )
    };
    let payer = f.w.bank.payer().pubkey();
    let stranger = f.w.bank.new_wallet(1).await;
    assert_error(
        &f.w.bank
            .send(&[retire(&stranger, &f.worker.node, &payer)], &[&stranger])
            .await,
        StakingError::NotBuybackAuthority,
    );
    let authority = f.w.buyback_authority.insecure_clone();
    f.w.bank
        .send(&[retire(&authority, &f.worker.node, &payer)], &[&authority])
        .await
        .unwrap();
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(
        (node.status, node.stake, node.unbonding.amount),
        (NodeStatus::Retired, 0, WORKER_MINIMUM)
    );
    assert_error(
        &f.w.stake(&f.worker.clone_keys(), IFX).await,
        StakingError::NodeRetired,
    );
}

// ---------------------------------------------------------------- prices

async fn use_pyth(f: &mut Fixture, feed_id: [u8; 32]) -> Pubkey {
    f.w.update_params(|params| params.price_source = PriceSource::Pyth { feed_id })
        .await
        .unwrap();
    Pubkey::new_unique()
}

fn refresh_with(node: &Pubkey, price: &Pubkey) -> Instruction {
    staking_ix(
        node_staking::accounts::RefreshNode {
            config: staking_config_pda(),
            node: *node,
            price: *price,
        },
        node_staking::instruction::RefreshNode {},
    )
}

#[tokio::test]
async fn pyth_prices_are_checked_each_with_its_own_error() {
    let mut f = staked_fixture().await;
    let feed = [0x1f; 32];
    let price_account = use_pyth(&mut f, feed).await;
    let now = f.w.bank.now().await;
    let worker = f.worker.node;
    let cases = [
        (
            pyth_price_account(
                feed,
                VerificationLevel::Full,
                5_000_000,
                0,
                now - 61,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceStale,
        ),
        (
            pyth_price_account(
                feed,
                VerificationLevel::Full,
                5_000_000,
                0,
                now + 1,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceFromFuture,
        ),
        (
            pyth_price_account(
                feed,
                VerificationLevel::Full,
                5_000_000,
                50_001,
                now,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceLowConfidence,
        ),
        (
            pyth_price_account(
                [0x2f; 32],
                VerificationLevel::Full,
                5_000_000,
                0,
                now,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceWrongFeed,
        ),
        (
            pyth_price_account(
                feed,
                VerificationLevel::Full,
                5_000_000,
                0,
                now,
                Pubkey::new_unique(),
            ),
            CommonError::PriceWrongOwner,
        ),
        (
            pyth_price_account(
                feed,
                VerificationLevel::Partial { num_signatures: 5 },
                5_000_000,
                0,
                now,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PricePartiallyVerified,
        ),
    ];
    for (account, expected) in cases {
        f.w.bank.put_account(&price_account, account);
        let before = f.w.bank.snapshot(&[worker]).await;
        assert_error(
            &f.w.bank
                .send(&[refresh_with(&worker, &price_account)], &[])
                .await,
            expected,
        );
        assert_eq!(f.w.bank.snapshot(&[worker]).await, before);
    }
    // A good price at $0.04 is read: S(n) becomes 4,320 IFX and the node inactive.
    f.w.bank.put_account(
        &price_account,
        pyth_price_account(
            feed,
            VerificationLevel::Full,
            4_000_000,
            0,
            now,
            PYTH_RECEIVER_PROGRAM_ID,
        ),
    );
    f.w.bank
        .send(&[refresh_with(&worker, &price_account)], &[])
        .await
        .unwrap();
    assert_eq!(f.w.node(&worker).await.required_stake, 4_320 * IFX);
    assert_eq!(f.status().await, NodeStatus::Inactive);
}

#[tokio::test]
async fn pushed_prices_follow_the_same_rules() {
    let mut f = staked_fixture().await;
    let worker = f.worker.node;
    // Only the price authority pushes.
    let stranger = f.w.bank.new_wallet(1).await;
    let push = staking_ix(
        node_staking::accounts::PushPrice {
            price_authority: stranger.pubkey(),
            config: staking_config_pda(),
            pushed_price: pushed_price_pda(),
        },
        node_staking::instruction::PushPrice {
            price: 1,
            conf: 0,
            exponent: -8,
        },
    );
    assert_error(
        &f.w.bank.send(&[push], &[&stranger]).await,
        StakingError::NotPriceAuthority,
    );
    // Too wide a confidence interval.
    f.w.push_price(5_000_000, 50_001, -8).await.unwrap();
    assert_error(
        &f.w.bank.send(&[f.w.refresh_ix(&worker)], &[]).await,
        CommonError::PriceLowConfidence,
    );
    // Stale after 61 s.
    f.w.push_price(5_000_000, 0, -8).await.unwrap();
    let pushed_at = f.w.bank.now().await;
    f.w.bank.set_time(pushed_at + 61).await;
    assert_error(
        &f.w.bank.send(&[f.w.refresh_ix(&worker)], &[]).await,
        CommonError::PriceStale,
    );
    // Dated after the bank's clock.
    f.w.bank.set_time(pushed_at - 1).await;
    assert_error(
        &f.w.bank.send(&[f.w.refresh_ix(&worker)], &[]).await,
        CommonError::PriceFromFuture,
    );
    // Another account posing as the pushed price.
    let fake = f.w.bank.payer().pubkey();
    assert_error(
        &f.w.bank.send(&[refresh_with(&worker, &fake)], &[]).await,
        StakingError::WrongPriceAccount,
    );
}

// ---------------------------------------------------------------- governance

#[tokio::test]
async fn admin_handover_and_parameter_bounds() {
    let mut f = fixture().await;
    let admin = f.w.admin.insecure_clone();
    let next = f.w.bank.new_wallet(1).await;
    let config_ix = |who: &Keypair, data: &dyn Fn() -> Vec<u8>| Instruction {
        program_id: node_staking::ID,
        accounts: anchor_lang::ToAccountMetas::to_account_metas(
            &node_staking::accounts::ConfigAdmin {
                authority: who.pubkey(),
                config: staking_config_pda(),
            },
            None,
        ),
        data: data(),
    };
    use anchor_lang::InstructionData;
    let update_config = |params: StakingParams| {
        let args = UpdateConfigArgs {
            pause_guardian: admin.pubkey(),
            buyback_authority: admin.pubkey(),
            params,
        };
        config_ix(&admin, &|| {
            node_staking::instruction::UpdateConfig { args: args.clone() }.data()
        })
    };
    let mut params: StakingParams = f.w.config().await.params;
    params.quorum = 0;
    let result = f.w.bank.send(&[update_config(params)], &[&admin]).await;
    assert_error(&result, StakingError::InvalidParams);
    // SPEC §10 item 8: the admin cannot point the penalty pool at an account of their own.
    let before = f.w.bank.snapshot(&[staking_config_pda()]).await;
    let mut params: StakingParams = f.w.config().await.params;
    params.verifier_pool =
        f.w.bank
            .ata(&admin.pubkey(), &f.w.ifx_mint, &anchor_spl::token::ID)
            .await;
    let result = f.w.bank.send(&[update_config(params)], &[&admin]).await;
    assert_error(&result, StakingError::PenaltyDestinationFixed);
    assert_eq!(f.w.bank.snapshot(&[staking_config_pda()]).await, before);

    let accept_by =
        |who: &Keypair| config_ix(who, &|| node_staking::instruction::AcceptAdmin {}.data());
    assert_error(
        &f.w.bank.send(&[accept_by(&next)], &[&next]).await,
        StakingError::NoPendingAdmin,
    );
    f.w.bank
        .send(
            &[config_ix(&admin, &|| {
                node_staking::instruction::ProposeAdmin {
                    proposed: next.pubkey(),
                }
                .data()
            })],
            &[&admin],
        )
        .await
        .unwrap();
    let stranger = f.w.bank.new_wallet(1).await;
    assert_error(
        &f.w.bank.send(&[accept_by(&stranger)], &[&stranger]).await,
        StakingError::NotPendingAdmin,
    );
    f.w.bank
        .send(
            &[config_ix(&next, &|| {
                node_staking::instruction::AcceptAdmin {}.data()
            })],
            &[&next],
        )
        .await
        .unwrap();
    let result =
        f.w.bank
            .send(
                &[config_ix(&admin, &|| {
                    node_staking::instruction::SetPaused { paused: true }.data()
                })],
                &[&admin],
            )
            .await;
    assert_error(&result, StakingError::NotPauseAuthority);
    assert_eq!(f.w.config().await.admin, next.pubkey());
}

#[tokio::test]
async fn only_the_upgrade_authority_initializes_staking_and_only_towards_epoch_rewards() {
    let mut bank = Bank::start().await;
    let squatter = bank.new_wallet(1).await;
    let deployer = bank.deployer.insecure_clone();
    let mint = bank.create_mint(&anchor_spl::token::ID, 9).await;
    let init = |admin: &Keypair, verifier_pool: Pubkey| {
        staking_ix(
            node_staking::accounts::InitializeConfig {
                admin: admin.pubkey(),
                config: staking_config_pda(),
                pushed_price: pushed_price_pda(),
                ifx_mint: mint,
                penalty_vault: penalty_vault_pda(),
                program_data: program_data_address(&node_staking::ID),
                ifx_token_program: anchor_spl::token::ID,
                system_program: anchor_lang::system_program::ID,
            },
            node_staking::instruction::InitializeConfig {
                args: node_staking::instructions::InitializeConfigArgs {
                    pause_guardian: admin.pubkey(),
                    buyback_authority: admin.pubkey(),
                    managers: vec![admin.pubkey()],
                    params: default_staking_params(admin.pubkey(), verifier_pool),
                },
            },
        )
    };
    assert_error(
        &bank
            .send(&[init(&squatter, penalty_inflow_pda())], &[&squatter])
            .await,
        StakingError::NotUpgradeAuthority,
    );
    // SPEC §10 item 8: even the upgrade authority cannot send matured penalties to its own
    // account; they go to epoch-rewards' penalty-inflow vault or the config is not created.
    let own = bank
        .ata(&deployer.pubkey(), &mint, &anchor_spl::token::ID)
        .await;
    assert_error(
        &bank.send(&[init(&deployer, own)], &[&deployer]).await,
        StakingError::PenaltyDestinationNotInflow,
    );
    assert!(bank.account(&staking_config_pda()).await.is_none());
    bank.send(&[init(&deployer, penalty_inflow_pda())], &[&deployer])
        .await
        .unwrap();
}

// ---------------------------------------------------------------- conservation

/// xorshift64*: a seeded, dependency-free generator so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The worker's owner leaves the active set, so any amount of their stake may unbond.
async fn deactivate(f: &mut Fixture, node: &NodeFixture) {
    let deactivate = update_node_ix(
        node,
        UpdateNodeArgs {
            deactivated: Some(true),
            ..Default::default()
        },
    );
    f.w.bank.send(&[deactivate], &[&node.owner]).await.unwrap();
}

/// SPEC §9/§10: over a random walk of stakes, unstakes, slashes, reversals, releases,
/// withdrawals and take-overs of the worker, every vault holds exactly what the books say, the
/// sealed eras add up, and no IFX is created or lost: the mint's supply is always the sum of
/// every account that can hold it.
#[tokio::test]
async fn ifx_is_conserved_over_stakes_slashes_reversals_and_take_overs() {
    let mut f = fixture().await;
    let mut rng = Rng(0x1f2e_3d4c_5b6a_7988);
    let mut nodes: Vec<NodeFixture> = vec![
        f.worker.clone_keys(),
        f.verifiers[0].clone_keys(),
        f.verifiers[1].clone_keys(),
    ];
    deactivate(&mut f, &nodes[0]).await;
    // Every account IFX can be in: vaults, the penalty pool, the verifier pool, every staker's.
    let mut holders: Vec<Pubkey> = vec![
        penalty_vault_pda(),
        f.w.verifier_pool,
        f.w.ifx_account(&f.w.bank.payer().pubkey()),
    ];
    holders.extend(nodes.iter().map(|n| n.vault));
    holders.extend(nodes.iter().map(|n| f.w.ifx_account(&n.owner.pubkey())));
    let mut tickets: Vec<(usize, Pubkey, Keypair)> = vec![];
    let mut pending: Vec<[u8; 32]> = vec![];
    let mut evidence_counter = 0u32;
    let mut applied = [0usize; 6];
    let mut sealed_era_reversals = 0;
    for step in 0..240 {
        let now = f.w.bank.now().await;
        f.w.bank
            .set_time(now + 1 + rng.below(3 * DAY as u64) as i64)
            .await;
        f.w.push_price(5_000_000, 0, -8).await.unwrap();
        let i = rng.below(nodes.len() as u64) as usize;
        let outcome = match rng.below(6) {
            0 => {
                let blacklisted = f.w.node(&nodes[i].node).await.blacklisted;
                let result = f.w.stake(&nodes[i], 1 + rng.below(500 * IFX)).await;
                if blacklisted {
                    // Refused by name; the loop's balance checks below prove nothing moved.
                    assert_error(&result, StakingError::NodeBlacklisted);
                    Ok(usize::MAX)
                } else {
                    result.map(|_| 0)
                }
            }
            1 => {
                let node = f.w.node(&nodes[i].node).await;
                let free = if i == 0 {
                    node.stake
                } else {
                    node.stake.saturating_sub(1_000 * IFX)
                };
                if free == 0 {
                    Ok(usize::MAX)
                } else {
                    let (result, ticket) = f.w.unstake(&nodes[i], 1 + rng.below(free)).await;
                    result.map(|_| {
                        tickets.push((i, ticket, nodes[i].owner.insecure_clone()));
                        1
                    })
                }
            }
            2 => {
                evidence_counter += 1;
                let hash = {
                    let mut h = [0u8; 32];
                    h[..4].copy_from_slice(&evidence_counter.to_le_bytes());
                    h
                };
                let signers: Vec<&NodeFixture> = nodes[1..].iter().collect();
                let result =
                    f.w.violation(&nodes[0].node, (rng.below(3)) as u8, hash, &signers)
                        .await;
                result.map(|_| {
                    pending.push(hash);
                    2
                })
            }
            3 if !pending.is_empty() => {
                let hash = pending.remove(rng.below(pending.len() as u64) as usize);
                let record: SlashRecord = f.w.bank.anchor_account(&slash_pda(&hash)).await;
                let admin = f.w.admin.insecure_clone();
                let window_open = f.w.bank.now().await < record.slashed_at + 7 * DAY;
                let result = if window_open {
                    if record.era < f.w.node(&record.node).await.era {
                        sealed_era_reversals += 1;
                    }
                    let reverse = f.w.reverse_slash_ix(&hash).await;
                    f.w.bank.send(&[reverse], &[&admin]).await
                } else {
                    f.w.bank.send(&[release_ix(&f, &hash)], &[]).await
                };
                result.map(|_| 3)
            }
            4 if !tickets.is_empty() => {
                let k = rng.below(tickets.len() as u64) as usize;
                let state: node_staking::state::UnbondingTicket =
                    f.w.bank.anchor_account(&tickets[k].1).await;
                if f.w.bank.now().await < state.release_at {
                    Ok(usize::MAX)
                } else {
                    let (node, ticket, staker) = tickets.remove(k);
                    f.w.withdraw(&nodes[node].node, &ticket, &staker)
                        .await
                        .map(|_| 4)
                }
            }
            5 => {
                // The worker's license changes hands; the buyer takes the node over at once.
                let buyer = f.w.sell_license(&nodes[0]).await;
                f.w.push_price(5_000_000, 0, -8).await.unwrap();
                let previous_owner = nodes[0].owner.insecure_clone();
                let (result, ticket) = f.w.take_over(&nodes[0].node, &buyer).await;
                result.map(|_| {
                    tickets.push((0, ticket, previous_owner));
                    nodes[0] = NodeFixture {
                        operator: buyer.insecure_clone(),
                        owner: buyer,
                        ..nodes[0].clone_keys()
                    };
                    5
                })
            }
            _ => Ok(usize::MAX),
        };
        match outcome {
            Ok(kind) if kind < applied.len() => applied[kind] += 1,
            Ok(_) => {}
            Err(e) => panic!("step {step}: {e:?}"),
        }
        if outcome.as_ref().is_ok_and(|kind| *kind == 5) {
            let worker = nodes[0].clone_keys();
            deactivate(&mut f, &worker).await;
            f.w.fund_ifx(&worker.owner.pubkey(), 0).await;
            holders.push(f.w.ifx_account(&worker.owner.pubkey()));
        }
        for node in &nodes {
            let state = f.w.node(&node.node).await;
            assert_eq!(
                f.w.bank.token_balance(&node.vault).await,
                state.vault_balance(),
                "step {step}: node vault"
            );
            let mut sealed = 0;
            for era in 0..state.era {
                let address = inferix_sdk::pda::stake_era(&node.node, era);
                let era: StakeEra = f.w.bank.anchor_account(&address).await;
                sealed += era.unbonding.amount;
            }
            assert_eq!(sealed, state.sealed_unbonding, "step {step}: sealed eras");
        }
        let pending_total = f.w.config().await.pending_penalties;
        assert_eq!(
            f.w.bank.token_balance(&penalty_vault_pda()).await,
            pending_total,
            "step {step}: penalty vault"
        );
        let mut held = 0;
        for account in &holders {
            held += f.w.bank.token_balance(account).await;
        }
        assert_eq!(
            held,
            f.w.bank.mint_supply(&f.w.ifx_mint).await,
            "step {step}: IFX created or lost"
        );
    }
    println!(
        "applied: stakes {}, unstakes {}, slashes {}, reversals/releases {} ({sealed_era_reversals} into a sealed era), withdrawals {}, take-overs {}",
        applied[0], applied[1], applied[2], applied[3], applied[4], applied[5]
    );
    assert!(
        applied.iter().all(|n| *n > 0) && sealed_era_reversals > 0,
        "every kind of step ran: {applied:?}, {sealed_era_reversals} sealed-era reversals"
    );
}

// ---------------------------------------------------------------- remaining refusals

#[tokio::test]
async fn remaining_owner_and_admin_refusals_are_named_and_move_nothing() {
    let mut f = staked_fixture().await;
    let worker = f.worker.clone_keys();
    let verifier = f.verifiers[0].clone_keys();
    let before = f.balances().await;

    // Zero and excessive amounts.
    assert_error(&f.w.stake(&worker, 0).await, StakingError::ZeroAmount);
    f.w.bank
        .send(
            &[update_node_ix(
                &worker,
                UpdateNodeArgs {
                    deactivated: Some(true),
                    ..Default::default()
                },
            )],
            &[&worker.owner],
        )
        .await
        .unwrap();
    let (result, _) = f.w.unstake(&worker, WORKER_MINIMUM + 1).await;
    assert_error(&result, StakingError::InsufficientStake);
    let (result, _) = f.w.unstake(&worker, 0).await;
    assert_error(&result, StakingError::ZeroAmount);
    f.w.bank
        .send(
            &[update_node_ix(
                &worker,
                UpdateNodeArgs {
                    deactivated: Some(false),
                    ..Default::default()
                },
            )],
            &[&worker.owner],
        )
        .await
        .unwrap();
    assert_eq!(f.balances().await, before);

    // A verifier has no price per IBM; a worker's price is at least the floor.
    let set_price = |price| UpdateNodeArgs {
        price_per_ibm_usd_micros: Some(price),
        ..Default::default()
    };
    assert_error(
        &f.w.bank
            .send(
                &[update_node_ix(&verifier, set_price(1))],
                &[&verifier.owner],
            )
            .await,
        StakingError::NotAWorker,
    );
    assert_error(
        &f.w.bank
            .send(&[update_node_ix(&worker, set_price(0))], &[&worker.owner])
            .await,
        StakingError::InvalidNodePrice,
    );

    // Reversing a blacklist that does not exist.
    let admin = f.w.admin.insecure_clone();
    let reverse = admin_node_ix(
        &admin,
        &worker.node,
        node_staking::instruction::ReverseBlacklist {},
    );
    assert_error(
        &f.w.bank.send(&[reverse], &[&admin]).await,
        StakingError::NodeNotBlacklisted,
    );

    // An unknown violation kind, validly co-signed.
    let (ops, nodes) = quorum_keys(&f);
    let issued_at = f.w.bank.now().await;
    let args = ViolationArgs {
        epoch: 1,
        kind: 3,
        evidence_hash: evidence(99),
        issued_at,
    };
    let ixs = signed_violation(&f, &args, &[&ops[0], &ops[1]], &nodes);
    assert_error(
        &f.w.bank.send(&ixs, &[]).await,
        StakingError::UnknownViolationKind,
    );

    // Taking over a node one already owns.
    let ticket = inferix_sdk::pda::take_over_ticket(
        &worker.node,
        f.w.node(&worker.node).await.next_take_over_ticket_id,
    );
    let take_over = staking_ix(
        node_staking::accounts::TakeOver {
            new_owner: worker.owner.pubkey(),
            config: staking_config_pda(),
            node: worker.node,
            license_account: ata_address(
                &worker.owner.pubkey(),
                &worker.license_mint,
                &TOKEN_2022_ID,
            ),
            ticket,
            stake_era: inferix_sdk::pda::stake_era(&worker.node, 0),
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::TakeOver {},
    );
    assert_error(
        &f.w.bank.send(&[take_over], &[&worker.owner]).await,
        StakingError::AlreadyOwner,
    );
    assert_eq!(f.balances().await, before);
}

// ---------------------------------------------------------------- slashes follow the staker

/// The worker's stake era `era` (sealed by a take-over).
async fn stake_era(f: &mut Fixture, era: u32) -> StakeEra {
    let address = inferix_sdk::pda::stake_era(&f.worker.node, era);
    f.w.bank.anchor_account(&address).await
}

/// The node's vault holds exactly what its stake, its pool and its sealed eras account for.
async fn assert_vault_backs_node(f: &mut Fixture) {
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(
        f.w.bank.token_balance(&f.worker.vault).await,
        node.vault_balance()
    );
}

/// The worker's owner A, with 1,000 IFX unbonding, is slashed 1 % (evidence 1) and sells the
/// license to B, who takes the node over and stakes S(n). Returns B's handle on the node, when
/// A's last violation could still have been issued, and A's two tickets.
async fn handed_over_fixture() -> (Fixture, NodeFixture, i64, [Pubkey; 2]) {
    let mut f = staked_fixture().await;
    let a = f.worker.clone_keys();
    let buyer = f.w.sell_license(&a).await;
    f.w.push_price(5_000_000, 0, -8).await.unwrap();
    f.w.stake(&a, 1_000 * IFX).await.unwrap();
    let (unstaked, a_ticket) = f.w.unstake(&a, 1_000 * IFX).await;
    unstaked.unwrap();
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&a.node, LIVENESS, evidence(1), &signers)
        .await
        .unwrap();
    let during_a = f.w.bank.now().await;
    f.w.bank.advance(60).await;
    let (taken, take_over_ticket) = f.w.take_over(&a.node, &buyer).await;
    taken.unwrap();
    let b = NodeFixture {
        operator: buyer.insecure_clone(),
        owner: buyer,
        ..a.clone_keys()
    };
    f.w.stake(&b, WORKER_MINIMUM).await.unwrap();
    (f, b, during_a, [a_ticket, take_over_ticket])
}

#[tokio::test]
async fn a_take_over_seals_the_previous_owners_stake_into_their_era() {
    let (mut f, b, _, _) = handed_over_fixture().await;
    let a = f.worker.owner.pubkey();
    // A: 4,456 IFX staked, 1,000 unstaked, then 1 % of both slashed.
    let a_left = (3_456 + 1_000) * IFX - (3_456 + 1_000) * IFX / 100;
    let era = stake_era(&mut f, 0).await;
    assert_eq!((era.staker, era.unbonding.amount), (a, a_left));
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(
        (node.era, node.owner, node.stake, node.unbonding.amount),
        (1, b.owner.pubkey(), WORKER_MINIMUM, 0)
    );
    assert_eq!(node.sealed_unbonding, a_left);
    assert_eq!(node.era_started_at, era.sealed_at);
    let record: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(1))).await;
    assert_eq!((record.staker, record.era), (a, 0));
    assert_vault_backs_node(&mut f).await;
}

#[tokio::test]
async fn the_new_owners_violation_never_cuts_the_previous_owners_tickets() {
    let (mut f, b, _, _) = handed_over_fixture().await;
    let sealed = stake_era(&mut f, 0).await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&f.worker.node, FAILED_POR, evidence(2), &signers)
        .await
        .unwrap();
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(node.stake, WORKER_MINIMUM - WORKER_MINIMUM / 10);
    assert_eq!(stake_era(&mut f, 0).await.unbonding, sealed.unbonding);
    let record: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(2))).await;
    assert_eq!(
        (record.staker, record.era, record.from_unbonding),
        (b.owner.pubkey(), 1, 0)
    );
    assert_vault_backs_node(&mut f).await;
}

#[tokio::test]
async fn a_violation_issued_before_the_take_over_slashes_only_the_previous_owners_era() {
    let (mut f, _, during_a, _) = handed_over_fixture().await;
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    let issued = |stake_era| ViolationIssued {
        issued_at: during_a,
        stake_era,
    };
    // Without A's era nothing moves: the new owner's stake was not at risk then.
    let mut watched = f.balances().await;
    watched.extend(
        f.w.bank
            .snapshot(&[inferix_sdk::pda::stake_era(&f.worker.node, 0)])
            .await,
    );
    let node = f.worker.node;
    let refused =
        f.w.violation_issued(&node, FAILED_POR, evidence(3), issued(None), &signers)
            .await;
    assert_error(&refused, StakingError::StakeEraRequired);
    let mut after = f.balances().await;
    after.extend(
        f.w.bank
            .snapshot(&[inferix_sdk::pda::stake_era(&f.worker.node, 0)])
            .await,
    );
    assert_eq!(after, watched);

    let sealed = stake_era(&mut f, 0).await.unbonding.amount;
    f.w.violation_issued(&node, FAILED_POR, evidence(3), issued(Some(0)), &signers)
        .await
        .unwrap();
    assert_eq!(
        stake_era(&mut f, 0).await.unbonding.amount,
        sealed - sealed / 10
    );
    assert_eq!(f.w.node(&node).await.stake, WORKER_MINIMUM);
    let record: SlashRecord = f.w.bank.anchor_account(&slash_pda(&evidence(3))).await;
    assert_eq!(
        (
            record.staker,
            record.era,
            record.from_stake,
            record.from_unbonding
        ),
        (f.worker.owner.pubkey(), 0, 0, sealed / 10)
    );
    assert_vault_backs_node(&mut f).await;
}

#[tokio::test]
async fn a_reversal_after_a_take_over_returns_to_the_slashed_staker() {
    let (mut f, b, _, [a_ticket, take_over_ticket]) = handed_over_fixture().await;
    let admin = f.w.admin.insecure_clone();
    let slashed = (3_456 + 1_000) * IFX / 100;
    let before = f.balances().await;
    let refused =
        f.w.bank
            .send(&[reverse_slash_ix(&f, &evidence(1))], &[&admin])
            .await;
    assert_error(&refused, StakingError::StakeEraRequired);
    assert_eq!(f.balances().await, before);

    let sealed = stake_era(&mut f, 0).await.unbonding.amount;
    f.w.bank
        .send(
            &[reverse_slash_to(&f, &evidence(1), Some(0), None)],
            &[&admin],
        )
        .await
        .unwrap();
    assert_eq!(
        stake_era(&mut f, 0).await.unbonding.amount,
        sealed + slashed
    );
    let node = f.w.node(&f.worker.node).await;
    assert_eq!((node.stake, node.strikes), (WORKER_MINIMUM, 0));
    assert_vault_backs_node(&mut f).await;

    // A withdraws everything they ever staked; B's stake stays in the vault.
    let release_at = f.w.bank.now().await + DEFAULT_UNBONDING_SECS;
    f.w.bank.set_time(release_at).await;
    let a = f.worker.owner.insecure_clone();
    let before = f.w.bank.token_balance(&f.w.ifx_account(&a.pubkey())).await;
    f.w.withdraw(&f.worker.node, &a_ticket, &a).await.unwrap();
    f.w.withdraw(&f.worker.node, &take_over_ticket, &a)
        .await
        .unwrap();
    let received = f.w.bank.token_balance(&f.w.ifx_account(&a.pubkey())).await - before;
    assert_eq!(received, (3_456 + 1_000) * IFX);
    assert_eq!(stake_era(&mut f, 0).await.unbonding, Default::default());
    let node = f.w.node(&f.worker.node).await;
    assert_eq!(node.sealed_unbonding, 0);
    assert_eq!(
        f.w.bank.token_balance(&f.worker.vault).await,
        WORKER_MINIMUM
    );
    assert_eq!(node.owner, b.owner.pubkey());
}

#[tokio::test]
async fn a_ticket_is_withdrawn_only_from_its_own_era() {
    let (mut f, b, _, [a_ticket, _]) = handed_over_fixture().await;
    // B sells on to C: B's time becomes era 1.
    let c = f.w.sell_license(&b).await;
    f.w.push_price(5_000_000, 0, -8).await.unwrap();
    f.w.take_over(&f.worker.node, &c).await.0.unwrap();
    let release_at = f.w.bank.now().await + DEFAULT_UNBONDING_SECS;
    f.w.bank.set_time(release_at).await;
    let a = f.worker.owner.insecure_clone();
    let ticket: node_staking::state::UnbondingTicket = f.w.bank.anchor_account(&a_ticket).await;
    let withdraw_from = |era: Option<u32>| {
        inferix_sdk::instructions::withdraw(
            &a.pubkey(),
            &f.worker.node,
            &a_ticket,
            &ticket.rent_payer,
            era.map(|era| inferix_sdk::pda::stake_era(&f.worker.node, era)),
            &f.w.ifx_account(&a.pubkey()),
            &f.w.ifx(),
        )
    };
    let (wrong_era, no_era) = (withdraw_from(Some(1)), withdraw_from(None));
    let mut watched = f.balances().await;
    let eras = [0, 1].map(|era| inferix_sdk::pda::stake_era(&f.worker.node, era));
    watched.extend(f.w.bank.snapshot(&eras).await);
    assert_error(
        &f.w.bank.send(&[wrong_era], &[&a]).await,
        StakingError::WrongStakeEra,
    );
    assert_error(
        &f.w.bank.send(&[no_era], &[&a]).await,
        StakingError::StakeEraRequired,
    );
    let mut after = f.balances().await;
    after.extend(f.w.bank.snapshot(&eras).await);
    assert_eq!(after, watched, "nothing moved");
    f.w.withdraw(&f.worker.node, &a_ticket, &a).await.unwrap();
}

#[tokio::test]
async fn a_reversal_with_no_ticket_left_pays_the_staker_directly() {
    let mut f = staked_fixture().await;
    f.w.update_params(|params| params.unbonding_secs = DAY)
        .await
        .unwrap();
    let a = f.worker.clone_keys();
    let buyer = f.w.sell_license(&a).await;
    f.w.push_price(5_000_000, 0, -8).await.unwrap();
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&a.node, LIVENESS, evidence(1), &signers)
        .await
        .unwrap();
    let (taken, ticket) = f.w.take_over(&a.node, &buyer).await;
    taken.unwrap();
    f.w.bank.advance(DAY).await;
    f.w.withdraw(&a.node, &ticket, &a.owner).await.unwrap();
    let a_ifx = f.w.ifx_account(&a.owner.pubkey());
    let received = f.w.bank.token_balance(&a_ifx).await;
    assert_eq!(received, WORKER_MINIMUM - WORKER_MINIMUM / 100);

    let admin = f.w.admin.insecure_clone();
    let refused =
        f.w.bank
            .send(
                &[reverse_slash_to(&f, &evidence(1), Some(0), None)],
                &[&admin],
            )
            .await;
    assert_error(&refused, StakingError::StakerAccountRequired);
    let someone_else = f.w.ifx_account(&buyer.pubkey());
    f.w.fund_ifx(&buyer.pubkey(), 1).await;
    let wrong =
        f.w.bank
            .send(
                &[reverse_slash_to(
                    &f,
                    &evidence(1),
                    Some(0),
                    Some(someone_else),
                )],
                &[&admin],
            )
            .await;
    assert!(wrong.is_err(), "only the slashed staker's account is paid");
    f.w.bank
        .send(
            &[reverse_slash_to(&f, &evidence(1), Some(0), Some(a_ifx))],
            &[&admin],
        )
        .await
        .unwrap();
    assert_eq!(f.w.bank.token_balance(&a_ifx).await, WORKER_MINIMUM);
    assert_vault_backs_node(&mut f).await;
    assert_eq!(f.w.bank.token_balance(&f.worker.vault).await, 0);
}

#[tokio::test]
async fn only_a_tickets_staker_withdraws_it() {
    let mut f = fixture().await;
    let verifier = f.verifiers[0].clone_keys();
    f.w.stake(&verifier, 10 * IFX).await.unwrap();
    let (result, ticket) = f.w.unstake(&verifier, 10 * IFX).await;
    result.unwrap();
    f.w.bank.advance(90 * DAY).await;
    let thief = f.w.bank.new_wallet(1).await;
    let vault = f.w.bank.token_balance(&verifier.vault).await;
    assert_error(
        &f.w.withdraw(&verifier.node, &ticket, &thief).await,
        StakingError::NotTicketStaker,
    );
    assert_eq!(f.w.bank.token_balance(&verifier.vault).await, vault);
    f.w.withdraw(&verifier.node, &ticket, &verifier.owner)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unbonding_amount_worth_no_share_is_refused() {
    let mut f = staked_fixture().await;
    let worker = f.worker.clone_keys();
    // Governance shortens unbonding below the appeal window.
    let mut config = f.w.config().await;
    config.params.unbonding_secs = DAY;
    let admin = f.w.admin.insecure_clone();
    let update = staking_ix(
        node_staking::accounts::ConfigAdmin {
            authority: admin.pubkey(),
            config: staking_config_pda(),
        },
        node_staking::instruction::UpdateConfig {
            args: UpdateConfigArgs {
                pause_guardian: config.pause_guardian,
                buyback_authority: config.buyback_authority,
                params: config.params,
            },
        },
    );
    f.w.bank.send(&[update], &[&admin]).await.unwrap();
    f.w.bank
        .send(
            &[update_node_ix(
                &worker,
                UpdateNodeArgs {
                    deactivated: Some(true),
                    ..Default::default()
                },
            )],
            &[&worker.owner],
        )
        .await
        .unwrap();
    // Two tickets of 5 units; a 10 % slash leaves the pool 9 units for 10 shares.
    let (result, first) = f.w.unstake(&worker, 5).await;
    result.unwrap();
    f.w.unstake(&worker, 5).await.0.unwrap();
    let quorum: Vec<NodeFixture> = f.verifiers.iter().map(|v| v.clone_keys()).collect();
    let signers: Vec<&NodeFixture> = quorum.iter().collect();
    f.w.violation(&worker.node, 0, evidence(50), &signers)
        .await
        .unwrap();
    // One ticket leaves with 4 units; the reversal returns 1 unit to the remaining 5 shares.
    f.w.bank.advance(DAY).await;
    f.w.withdraw(&worker.node, &first, &worker.owner)
        .await
        .unwrap();
    f.w.bank
        .send(&[reverse_slash_ix(&f, &evidence(50))], &[&admin])
        .await
        .unwrap();
    let node = f.w.node(&worker.node).await;
    assert_eq!((node.unbonding.amount, node.unbonding.shares), (6, 5));
    // One unit would buy floor(1 × 5 / 6) = 0 shares.
    let before = f.balances().await;
    let (result, _) = f.w.unstake(&worker, 1).await;
    assert_error(&result, StakingError::UnbondingTooSmall);
    assert_eq!(f.balances().await, before);
    f.w.unstake(&worker, 2).await.0.unwrap();
}
