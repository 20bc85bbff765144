//! epoch-rewards under solana-program-test, following SPEC §4 and the quality bars of §9.

#![allow(deprecated)]

use anchor_lang::error::ErrorCode as AnchorErrorCode;
use anchor_lang::prelude::Pubkey;
use epoch_rewards::errors::RewardsError;
use epoch_rewards::state::{NodeEpoch, NodeRewards, RewardsParams, VerifierEpoch};
use inferix_common::messages::{PorAttestation, SignedMessage};
use inferix_common::CommonError;
use inferix_tests::*;
use node_staking::errors::StakingError;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const EPOCH: i64 = 72 * HOUR;
const GRACE: i64 = 6 * HOUR;
const FUNDING_TIMEOUT: i64 = 7 * DAY;
/// 1 IB, so IBM micros = micro-IB × minutes = minutes × 10^6.
const ONE_IB: u64 = 1_000_000;
const IBM: u64 = 1_000_000;

/// Three verifiers (quorum 2), one staked 1-IB worker, the reward vault holding 1 M IFX, and
/// the clock 13 hours into epoch 0.
struct Fixture {
    w: RewardsWorld,
    worker: NodeFixture,
}

async fn fixture_with(params: RewardsParams) -> Fixture {
    let mut w = RewardsWorld::start(params, 3).await;
    let worker = w.worker(ONE_IB).await;
    w.fund_rewards(1_000_000 * IFX).await;
    w.bank().advance(13 * HOUR).await;
    Fixture { w, worker }
}

async fn fixture() -> Fixture {
    fixture_with(default_rewards_params()).await
}

impl Fixture {
    fn verifiers(&self, n: usize) -> Vec<NodeFixture> {
        self.w
            .verifiers
            .iter()
            .take(n)
            .map(|v| v.clone_keys())
            .collect()
    }

    /// What a refused attestation must leave untouched.
    async fn state(&mut self) -> Vec<(u64, Vec<u8>)> {
        let node = self.worker.node;
        self.w.attestation_state(&node).await
    }

    /// Sends `instructions` (built from fresh args for seq `seq`), expecting `expected` (or any
    /// failure for `None`) and no state change.
    async fn assert_refused(&mut self, instructions: Vec<Instruction>, expected: Option<u32>) {
        let before = self.state().await;
        let result = self.w.send_attestation(&self.worker, &instructions).await;
        assert!(result.is_err(), "the attestation must fail");
        if let Some(code) = expected {
            assert_eq!(custom_error(&result), Some(code), "{result:?}");
        }
        assert_eq!(self.state().await, before);
    }

    async fn signed(
        &mut self,
        seq: u32,
        cumulative: u64,
        edit: impl FnOnce(&mut PorAttestation),
    ) -> Vec<Instruction> {
        let mut args = self.w.attestation_now(&self.worker, seq, cumulative).await;
        edit(&mut args);
        let verifiers = self.verifiers(2);
        let refs: Vec<&NodeFixture> = verifiers.iter().collect();
        self.w.attestation(&self.worker, &args, &refs)
    }
}

// ---------------------------------------------------------------- the happy path

#[tokio::test]
async fn an_attestation_credits_the_node_the_epoch_and_each_verifier() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    f.w.bank().advance(HOUR).await;
    f.w.attest(&worker, 2, 700 * IBM).await.unwrap();

    let tally: NodeEpoch =
        f.w.bank()
            .anchor_account(&node_epoch_pda(0, &worker.node))
            .await;
    assert_eq!(
        (
            tally.cumulative_ibm_micros,
            tally.jobs_verified,
            tally.participated
        ),
        (700 * IBM, 2, false)
    );
    let epoch = f.w.epoch(0).await;
    assert_eq!(
        (epoch.total_ibm_micros, epoch.total_verifier_credits),
        (700 * IBM, 1_400 * IBM)
    );
    for v in
        f.w.verifiers
            .iter()
            .take(2)
            .map(|v| v.node)
            .collect::<Vec<_>>()
    {
        let credits: VerifierEpoch = f.w.bank().anchor_account(&verifier_epoch_pda(0, &v)).await;
        assert_eq!(
            (credits.credits_ibm_micros, credits.attestations),
            (700 * IBM, 2)
        );
    }
    let rewards: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&worker.node))
            .await;
    assert_eq!((rewards.last_seq, rewards.started_epoch), (2, 0));
}

#[tokio::test]
async fn participation_counts_exactly_at_the_threshold_and_not_a_micro_below() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let other = f.w.worker(ONE_IB).await;
    // 1 IB × 720 minutes = 720 IBM.
    f.w.attest(&other, 1, 720 * IBM - 1).await.unwrap();
    f.w.attest(&worker, 1, 720 * IBM).await.unwrap();
    let at: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&worker.node))
            .await;
    let below: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&other.node))
            .await;
    assert_eq!((at.participated_epochs, below.participated_epochs), (1, 0));
    // Counted once per epoch, however many attestations follow.
    f.w.bank().advance(HOUR).await;
    f.w.attest(&worker, 2, 760 * IBM).await.unwrap();
    let at: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&worker.node))
            .await;
    assert_eq!(at.participated_epochs, 1);
    // As the buyback reads it in epoch 0: 1 of 1 epochs is above 2/3, 0 of 1 is not.
    assert!(at.participation_above(0, 2, 3));
    assert!(!below.participation_above(0, 2, 3));
}

// ---------------------------------------------------------------- rejections

#[tokio::test]
async fn replayed_decreasing_and_too_frequent_attestations_are_refused() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 5, 600 * IBM).await.unwrap();
    // 59 minutes later: too soon.
    f.w.bank().advance(59 * 60).await;
    let ixs = f.signed(6, 650 * IBM, |_| {}).await;
    f.assert_refused(ixs, Some(RewardsError::TooSoon.into()))
        .await;
    f.w.bank().advance(60).await;
    // Same or lower seq.
    let ixs = f.signed(5, 650 * IBM, |_| {}).await;
    f.assert_refused(ixs, Some(RewardsError::SeqReplayed.into()))
        .await;
    // Lower cumulative IBM.
    let ixs = f.signed(6, 600 * IBM - 1, |_| {}).await;
    f.assert_refused(ixs, Some(RewardsError::IbmDecreased.into()))
        .await;
    let ixs = f.signed(6, 600 * IBM, |_| {}).await;
    f.w.send_attestation(&f.worker, &ixs).await.unwrap();
}

#[tokio::test]
async fn stale_future_and_implausible_attestations_are_refused() {
    let mut f = fixture().await;
    let ixs = f.signed(1, 600 * IBM, |a| a.issued_at -= 601).await;
    f.assert_refused(ixs, Some(RewardsError::AttestationStale.into()))
        .await;
    let ixs = f.signed(1, 600 * IBM, |a| a.issued_at += 1).await;
    f.assert_refused(ixs, Some(RewardsError::AttestationFromFuture.into()))
        .await;
    // 13 h into the epoch a 1-IB node can have done at most 780 IBM.
    let ixs = f.signed(1, 780 * IBM + 1, |_| {}).await;
    f.assert_refused(ixs, Some(RewardsError::ImplausibleIbm.into()))
        .await;
    let ixs = f.signed(1, 600 * IBM, |a| a.ib_micros += 1).await;
    f.assert_refused(ixs, Some(RewardsError::IbMismatch.into()))
        .await;
    let ixs = f.signed(1, 780 * IBM, |_| {}).await;
    f.w.send_attestation(&f.worker, &ixs).await.unwrap();
}

#[tokio::test]
async fn attestations_for_a_closed_or_future_epoch_are_refused() {
    let mut f = fixture().await;
    let ixs = f.signed(1, 600 * IBM, |a| a.epoch = 1).await;
    f.assert_refused(ixs, Some(RewardsError::EpochClosed.into()))
        .await;
    // Past the end of epoch 0, an attestation for it is refused.
    f.w.bank().advance(EPOCH - 13 * HOUR).await;
    let ixs = f.signed(1, 600 * IBM, |a| a.epoch = 0).await;
    f.assert_refused(ixs, Some(RewardsError::EpochClosed.into()))
        .await;
}

#[tokio::test]
async fn inactive_or_blacklisted_nodes_cannot_be_credited() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let deactivate = staking_ix(
        node_staking::accounts::NodeOwner {
            owner: worker.owner.pubkey(),
            config: staking_config_pda(),
            node: worker.node,
            price: pushed_price_pda(),
        },
        node_staking::instruction::UpdateNode {
            args: node_staking::instructions::UpdateNodeArgs {
                deactivated: Some(true),
                ..Default::default()
            },
        },
    );
    f.w.s.push_price(5_000_000, 0, -8).await.unwrap();
    f.w.bank()
        .send(&[deactivate], &[&worker.owner])
        .await
        .unwrap();
    let ixs = f.signed(1, 600 * IBM, |_| {}).await;
    f.assert_refused(ixs, Some(RewardsError::NodeNotActive.into()))
        .await;

    let other = f.w.worker(ONE_IB).await;
    let admin = f.w.s.admin.insecure_clone();
    let blacklist = staking_ix(
        node_staking::accounts::AdminNode {
            admin: admin.pubkey(),
            config: staking_config_pda(),
            node: other.node,
        },
        node_staking::instruction::BlacklistNode {},
    );
    f.w.bank().send(&[blacklist], &[&admin]).await.unwrap();
    let result = f.w.attest(&other, 1, 600 * IBM).await;
    assert_error(&result, RewardsError::NodeBlacklisted);
}

#[tokio::test]
async fn quorum_and_co_signer_rules_apply() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let verifiers = f.verifiers(3);
    let args = f.w.attestation_now(&worker, 1, 600 * IBM).await;
    // One verifier is under the quorum of two.
    let ixs = f.w.attestation(&worker, &args, &[&verifiers[0]]);
    f.assert_refused(ixs, Some(StakingError::UnderQuorum.into()))
        .await;
    // The same verifier twice.
    let ixs =
        f.w.attestation(&worker, &args, &[&verifiers[0], &verifiers[0]]);
    f.assert_refused(ixs, Some(StakingError::DuplicateVerifier.into()))
        .await;
    // A worker posing as a verifier.
    let impostor = f.w.worker(ONE_IB).await;
    let ixs = f.w.attestation(&worker, &args, &[&verifiers[0], &impostor]);
    f.assert_refused(ixs, Some(StakingError::CoSignerNotVerifier.into()))
        .await;
    // A verifier whose epoch credits account was not opened.
    let late = f.w.s.verifier().await;
    let ixs = f.w.attestation(&worker, &args, &[&verifiers[0], &late]);
    f.assert_refused(ixs, None).await;
    // Three verifiers are fine too.
    let ixs = f.w.attestation(
        &worker,
        &args,
        &[&verifiers[0], &verifiers[1], &verifiers[2]],
    );
    f.w.send_attestation(&worker, &ixs).await.unwrap();
    assert_eq!(f.w.epoch(0).await.total_verifier_credits, 1_800 * IBM);
}

#[tokio::test]
async fn forged_precompile_instructions_are_refused() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let verifiers = f.verifiers(2);
    let args = f.w.attestation_now(&worker, 1, 600 * IBM).await;
    let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
    let program_ix =
        f.w.attestation_ix(&worker.operator.pubkey(), &worker.node, args.epoch, &keys);
    let signers = [&verifiers[0].operator, &verifiers[1].operator];
    let signed_over = |message: &[u8]| vec![co_signed(message, &signers), program_ix.clone()];
    let message = args.to_signed_bytes();

    // Bad signature.
    let mut ixs = signed_over(&message);
    ixs[0].data[2 + 3 * 14 + 32] ^= 1;
    f.assert_refused(ixs, None).await;
    // Validly signed, but for another node or another deployment's config.
    let other_node = PorAttestation {
        node: Pubkey::new_unique(),
        ..args
    };
    f.assert_refused(
        signed_over(&other_node.to_signed_bytes()),
        Some(RewardsError::WrongNode.into()),
    )
    .await;
    let other_config = PorAttestation {
        config: Pubkey::new_unique(),
        ..args
    };
    f.assert_refused(
        signed_over(&other_config.to_signed_bytes()),
        Some(RewardsError::WrongConfig.into()),
    )
    .await;
    // Signed for epoch 1 but submitted against epoch 0's accounts.
    let other_epoch = PorAttestation { epoch: 1, ..args };
    f.assert_refused(
        signed_over(&other_epoch.to_signed_bytes()),
        Some(RewardsError::EpochMismatch.into()),
    )
    .await;
    // Another message kind, or bytes of another length, are not an attestation.
    let mut benchmark_tagged = message.clone();
    benchmark_tagged[..8].copy_from_slice(b"IFXBEN01");
    f.assert_refused(
        signed_over(&benchmark_tagged),
        Some(CommonError::MessageMalformed.into()),
    )
    .await;
    f.assert_refused(
        signed_over(&message[..message.len() - 1]),
        Some(CommonError::Ed25519OffsetMismatch.into()),
    )
    .await;
    // Offsets shifted, with the signed bytes really there.
    let mut ixs = signed_over(&message);
    let message_start = 2 + 3 * 14 + 3 * 96;
    ixs[0].data.insert(message_start, 0);
    for i in 0..3 {
        let at = 2 + i * 14 + 8;
        ixs[0].data[at..at + 2].copy_from_slice(&(message_start as u16 + 1).to_le_bytes());
    }
    f.assert_refused(ixs, Some(CommonError::Ed25519OffsetMismatch.into()))
        .await;
    // Instruction indices naming instruction 0 (itself): the runtime accepts, the program not.
    let mut ixs = signed_over(&message);
    for i in 0..3 {
        for field in [2, 6, 12] {
            let at = 2 + i * 14 + field;
            ixs[0].data[at..at + 2].copy_from_slice(&0u16.to_le_bytes());
        }
    }
    f.assert_refused(
        ixs,
        Some(CommonError::Ed25519InstructionIndexMismatch.into()),
    )
    .await;
    // The precompile in another position, or missing.
    let mut ixs = signed_over(&message);
    let payer = worker.operator.pubkey();
    ixs.insert(
        1,
        anchor_lang::solana_program::system_instruction::transfer(&payer, &payer, 0),
    );
    f.assert_refused(ixs, Some(CommonError::Ed25519UnexpectedPosition.into()))
        .await;
    f.assert_refused(
        vec![program_ix.clone()],
        Some(CommonError::Ed25519InstructionMissing.into()),
    )
    .await;
    // A key that is not a manager in the manager's place, or not the verifier named.
    let stranger = Keypair::new();
    let forged = vec![
        signed_by(
            &message,
            &[&stranger, &verifiers[0].operator, &verifiers[1].operator],
        ),
        program_ix.clone(),
    ];
    f.assert_refused(forged, Some(CommonError::NotAManager.into()))
        .await;
    let forged = vec![
        co_signed(&message, &[&verifiers[0].operator, &stranger]),
        program_ix.clone(),
    ];
    f.assert_refused(forged, Some(CommonError::Ed25519SignerMismatch.into()))
        .await;
    // The genuine one passes.
    f.w.send_attestation(&worker, &signed_over(&message))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_attestation_transaction_fits_in_a_packet_with_quorum_two_and_three() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let args = f.w.attestation_now(&worker, 1, 600 * IBM).await;
    // The manager and the verifiers sign in the precompile; the operator pays and signs the
    // transaction as its fee payer (SPEC §10).
    for (quorum, expected_bytes) in [(2, 1_053), (3, 1_229)] {
        let verifiers = f.verifiers(quorum);
        let refs: Vec<&NodeFixture> = verifiers.iter().collect();
        let ixs = f.w.attestation(&worker, &args, &refs);
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &ixs,
            Some(&worker.operator.pubkey()),
            &[&worker.operator],
            solana_program_test_blockhash(),
        );
        let size = bincode::serialize(&tx).unwrap().len();
        println!("attestation transaction, quorum {quorum}: {size} bytes");
        assert_eq!(size, expected_bytes, "quorum {quorum}");
        assert!(size <= 1_232);
    }
}

fn solana_program_test_blockhash() -> solana_hash::Hash {
    solana_hash::Hash::new_from_array([7; 32])
}

// ---------------------------------------------------------------- finalization

#[tokio::test]
async fn finalization_waits_for_end_plus_grace_and_happens_once() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE - 1).await;
    assert_error(&f.w.finalize(0).await, RewardsError::EpochNotOver);
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    let before =
        f.w.bank()
            .snapshot(&[epoch_pda(0), rewards_config_pda()])
            .await;
    f.w.bank().advance(1).await;
    assert_error(&f.w.finalize(0).await, RewardsError::EpochAlreadyFinalized);
    assert_eq!(
        f.w.bank()
            .snapshot(&[epoch_pda(0), rewards_config_pda()])
            .await,
        before
    );
}

/// Epoch 0 after `ibm` IBM, with `funding` in the vault and `cap` as the worker cap, and the
/// clock at the end of its grace.
async fn ended_epoch(ibm: u64, funding: u64, cap: u64) -> RewardsWorld {
    let mut params = default_rewards_params();
    params.worker_epoch_cap = cap;
    let mut w = RewardsWorld::start(params, 2).await;
    let worker = w.worker(ONE_IB).await;
    w.fund_rewards(funding).await;
    w.bank().advance(13 * HOUR).await;
    w.attest(&worker, 1, ibm).await.unwrap();
    let end = w.epoch(0).await.end_ts;
    w.bank().set_time(end + GRACE).await;
    w
}

/// R of epoch 0 (see [`ended_epoch`]) finalized `wait` seconds after its grace.
async fn finalized_reward(ibm: u64, funding: u64, cap: u64, wait: i64) -> (u64, u64) {
    let mut w = ended_epoch(ibm, funding, cap).await;
    w.bank().advance(wait).await;
    w.finalize(0).await.unwrap();
    let epoch = w.epoch(0).await;
    assert_eq!(
        w.config().await.committed_unclaimed,
        epoch.worker_reward + epoch.verifier_reward
    );
    (epoch.worker_reward, epoch.verifier_reward)
}

#[tokio::test]
async fn r_is_emission_bound_cap_bound_or_funds_bound() {
    // 700 IBM × 0.21 IFX = 147 IFX; verifiers get their 154,000 IFX cap.
    assert_eq!(
        finalized_reward(700 * IBM, 1_000_000 * IFX, 770_000 * IFX, 0).await,
        (147 * IFX, 154_000 * IFX)
    );
    // Capped at 100 IFX.
    assert_eq!(
        finalized_reward(700 * IBM, 1_000_000 * IFX, 100 * IFX, 0).await,
        (100 * IFX, 154_000 * IFX)
    );
    // Only 120 IFX in the vault, still after the funding timeout: workers take 120, nothing is
    // left for the verifier cap.
    assert_eq!(
        finalized_reward(700 * IBM, 120 * IFX, 770_000 * IFX, FUNDING_TIMEOUT).await,
        (120 * IFX, 0)
    );
}

/// SPEC §10 item 7: finalizing against an almost empty vault fixed the epoch's reward near
/// zero for good. Until the vault covers the emission and the verifier cap, finalization waits
/// for funding up to the timeout.
#[tokio::test]
async fn an_epoch_the_vault_cannot_cover_waits_for_funding_or_its_timeout() {
    let mut w = ended_epoch(700 * IBM, 120 * IFX, 770_000 * IFX).await;
    let watched = [epoch_pda(0), rewards_config_pda(), reward_vault_pda()];
    let before = w.bank().snapshot(&watched).await;
    assert_error(&w.finalize(0).await, RewardsError::RewardVaultUnderfunded);
    w.bank().advance(FUNDING_TIMEOUT - 1).await;
    assert_error(&w.finalize(0).await, RewardsError::RewardVaultUnderfunded);
    assert_eq!(w.bank().snapshot(&watched).await, before);
    // Funded in time: the epoch gets its full rewards.
    w.fund_rewards(200_000 * IFX).await;
    w.finalize(0).await.unwrap();
    let epoch = w.epoch(0).await;
    assert_eq!(
        (epoch.worker_reward, epoch.verifier_reward),
        (147 * IFX, 154_000 * IFX)
    );
}

// ---------------------------------------------------------------- claims and vesting

#[tokio::test]
async fn claims_split_r_by_ibm_once_each_with_only_rounding_dust_left() {
    let mut f = fixture().await;
    let mut workers = vec![f.worker.clone_keys()];
    for _ in 0..2 {
        workers.push(f.w.worker(ONE_IB).await);
    }
    let ibm = [700 * IBM + 1, 333 * IBM + 7, 100 * IBM + 3];
    for (worker, ibm) in workers.iter().zip(ibm) {
        f.w.attest(worker, 1, ibm).await.unwrap();
    }
    // Before finalization, no claim.
    let first_holder = workers[0].owner.pubkey();
    assert_error(
        &f.w.claim_worker(0, &workers[0], &first_holder).await,
        RewardsError::EpochNotFinalized,
    );
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    let epoch = f.w.epoch(0).await;
    let total: u64 = ibm.iter().sum();
    assert_eq!(
        epoch.worker_reward,
        total * 210,
        "0.21 IFX per IBM = 210 base units per micro-IBM"
    );

    let mut paid = 0;
    for (worker, ibm) in workers.iter().zip(ibm) {
        let holder = worker.owner.pubkey();
        let before = f.w.ifx_balance(&holder).await;
        f.w.claim_worker(0, worker, &holder).await.unwrap();
        let immediate = f.w.ifx_balance(&holder).await - before;
        let vesting: epoch_rewards::state::Vesting =
            f.w.bank().anchor_account(&vesting_pda(&holder, 0)).await;
        let share = (epoch.worker_reward as u128 * ibm as u128 / total as u128) as u64;
        assert_eq!(immediate + vesting.total, share);
        assert_eq!(immediate, share / 4);
        paid += share;
    }
    assert!(paid <= epoch.worker_reward && epoch.worker_reward - paid <= 3);
    assert_eq!(f.w.epoch(0).await.worker_claimed, paid);
    // A second claim finds the tally closed.
    assert_error(
        &f.w.claim_worker(0, &workers[0], &first_holder).await,
        AnchorErrorCode::AccountNotInitialized,
    );
    // Conservation: vesting vault = vesting owed; reward vault ⊇ what is still committed.
    let config = f.w.config().await;
    assert_eq!(
        f.w.bank().token_balance(&vesting_vault_pda()).await,
        config.vesting_outstanding
    );
    assert_eq!(
        config.committed_unclaimed,
        epoch.worker_reward + epoch.verifier_reward - paid
    );
}

/// The worker verified 600 IBM in epoch 0, which is over and finalized; nobody has claimed.
async fn worked_epoch_zero_finalized() -> (Fixture, NodeFixture) {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    (f, worker)
}

#[tokio::test]
async fn a_claim_after_the_license_changed_hands_pays_the_new_holder() {
    let (mut f, worker) = worked_epoch_zero_finalized().await;
    // A year later the license is unlocked and sold; nobody had claimed.
    let buyer = f.w.s.sell_license(&worker).await;

    // The old holder's account no longer holds it.
    let old = worker.owner.pubkey();
    assert_error(
        &f.w.claim_worker(0, &worker, &old).await,
        RewardsError::LicenseNotHeld,
    );
    f.w.claim_worker(0, &worker, &buyer.pubkey()).await.unwrap();
    let reward = f.w.epoch(0).await.worker_reward;
    // Vesting started at the epoch's end; a year later it has all vested.
    assert_eq!(f.w.ifx_balance(&buyer.pubkey()).await, reward / 4);
    f.w.withdraw_vested(&buyer, 0).await.unwrap();
    assert_eq!(f.w.ifx_balance(&buyer.pubkey()).await, reward);
    assert!(
        f.w.bank()
            .account(&vesting_pda(&buyer.pubkey(), 0))
            .await
            .is_none(),
        "fully withdrawn vesting closes"
    );
    assert_eq!(f.w.ifx_balance(&old).await, 0);
}

/// SPEC §10 item 3: a license held by a program address (an escrow, a marketplace) is claimed
/// only with that program's signature, by CPI; a permissionless claim would push IFX where no key
/// can move it, and is refused with nothing moved.
#[tokio::test]
async fn a_claim_never_pays_a_program_held_license_without_its_signature() {
    let (mut f, worker) = worked_epoch_zero_finalized().await;
    let escrow = Pubkey::find_program_address(&[b"escrow"], &Pubkey::new_unique()).0;
    f.w.s.transfer_license(&worker, &escrow).await;
    let before = f.state().await;
    assert_error(
        &f.w.claim_worker(0, &worker, &escrow).await,
        RewardsError::HolderMustSign,
    );
    assert_eq!(f.state().await, before);
    let escrow_ifx = ata_address(&escrow, &f.w.s.ifx_mint, &anchor_spl::token::ID);
    assert!(f.w.bank().account(&escrow_ifx).await.is_none());
}

#[tokio::test]
async fn vesting_releases_linearly_and_withdrawals_sum_to_the_total() {
    let (mut f, worker) = worked_epoch_zero_finalized().await;
    let end = f.w.epoch(0).await.end_ts;
    let holder = worker.owner.insecure_clone();
    f.w.claim_worker(0, &worker, &holder.pubkey())
        .await
        .unwrap();
    let vesting: epoch_rewards::state::Vesting =
        f.w.bank()
            .anchor_account(&vesting_pda(&holder.pubkey(), 0))
            .await;
    assert_eq!((vesting.start_ts, vesting.duration_secs), (end, 180 * DAY));
    let account = f.w.s.ifx_account(&holder.pubkey());
    let immediate = f.w.bank().token_balance(&account).await;

    let mut withdrawn = 0;
    for t in [end + 90 * DAY, end + 180 * DAY - 1, end + 180 * DAY] {
        f.w.bank().set_time(t).await;
        f.w.withdraw_vested(&holder, 0).await.unwrap();
        withdrawn = f.w.bank().token_balance(&account).await - immediate;
        assert_eq!(withdrawn, vesting.vested(t).unwrap(), "at {}", t - end);
    }
    assert_eq!(withdrawn, vesting.total);
    assert_eq!(f.w.bank().token_balance(&vesting_vault_pda()).await, 0);
    assert_eq!(f.w.config().await.vesting_outstanding, 0);
}

#[tokio::test]
async fn verifier_rewards_include_matured_penalties() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    // The verifiers slash the worker (FailedPoR, 10 %); seven days later it matures into the pool.
    let verifiers = f.verifiers(2);
    let refs: Vec<&NodeFixture> = verifiers.iter().collect();
    f.w.s
        .violation(&worker.node, 0, [42; 32], &refs)
        .await
        .unwrap();
    let record: node_staking::state::SlashRecord =
        f.w.bank().anchor_account(&slash_pda(&[42; 32])).await;
    f.w.bank().set_time(record.slashed_at + 7 * DAY).await;
    let release = f.w.s.release_penalty_ix(&[42; 32]);
    f.w.bank().send(&[release], &[]).await.unwrap();
    assert_eq!(
        f.w.bank().token_balance(&penalty_inflow_pda()).await,
        record.amount()
    );

    f.w.finalize(0).await.unwrap();
    let epoch = f.w.epoch(0).await;
    assert_eq!(
        (epoch.verifier_reward, epoch.penalties_included),
        (154_000 * IFX + record.amount(), record.amount())
    );
    assert_eq!(f.w.bank().token_balance(&penalty_inflow_pda()).await, 0);
    // Both verifiers co-signed the same IBM: each gets half.
    for v in &verifiers {
        let holder = v.owner.pubkey();
        let before = f.w.ifx_balance(&holder).await;
        f.w.claim_verifier(0, v).await.unwrap();
        let immediate = f.w.ifx_balance(&holder).await - before;
        let vesting: epoch_rewards::state::Vesting =
            f.w.bank().anchor_account(&vesting_pda(&holder, 0)).await;
        assert_eq!(immediate + vesting.total, epoch.verifier_reward / 2);
        let rewards: NodeRewards = f.w.bank().anchor_account(&node_rewards_pda(&v.node)).await;
        assert_eq!(rewards.participated_epochs, 1, "it co-signed in the epoch");
    }
}

// ---------------------------------------------------------------- schedule and governance

#[tokio::test]
async fn an_epoch_length_change_applies_from_the_next_boundary() {
    let mut f = fixture().await;
    let admin = f.w.s.admin.insecure_clone();
    let change = rewards_ix(
        epoch_rewards::accounts::ConfigAdmin {
            authority: admin.pubkey(),
            config: rewards_config_pda(),
        },
        epoch_rewards::instruction::ChangeEpochLength {
            length_secs: 24 * HOUR,
        },
    );
    f.w.bank().send(&[change], &[&admin]).await.unwrap();
    let schedule = f.w.config().await.schedule;
    let origin = f.w.epoch_origin;
    assert_eq!(schedule.bounds(0).unwrap(), (origin, origin + EPOCH));
    assert_eq!(
        schedule.bounds(1).unwrap(),
        (origin + EPOCH, origin + EPOCH + 24 * HOUR)
    );
    // An attestation at the first second of epoch 1 names epoch 1.
    f.w.bank().set_time(origin + EPOCH).await;
    let verifiers = f.verifiers(2);
    for v in &verifiers {
        f.w.open_verifier_epoch(&v.node, 1).await.unwrap();
    }
    let late = f.w.s.verifier().await;
    assert_error(
        &f.w.open_verifier_epoch(&late.node, 0).await,
        RewardsError::EpochClosed,
    );
    assert_eq!(f.w.epoch(1).await.end_ts, origin + EPOCH + 24 * HOUR);
}

#[tokio::test]
async fn pausing_stops_attestations_but_never_vesting_withdrawals() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let late = f.w.s.verifier().await;
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    let holder = worker.owner.insecure_clone();
    f.w.claim_worker(0, &worker, &holder.pubkey())
        .await
        .unwrap();
    let guardian = f.w.guardian.insecure_clone();
    let pause = rewards_ix(
        epoch_rewards::accounts::ConfigAdmin {
            authority: guardian.pubkey(),
            config: rewards_config_pda(),
        },
        epoch_rewards::instruction::SetPaused { paused: true },
    );
    f.w.bank().send(&[pause], &[&guardian]).await.unwrap();
    f.w.bank().advance(30 * DAY).await;
    f.w.withdraw_vested(&holder, 0).await.unwrap();
    assert_error(
        &f.w.open_verifier_epoch(&late.node, 0).await,
        RewardsError::Paused,
    );
}

#[tokio::test]
async fn the_clawback_date_only_moves_later_and_then_ends_claims() {
    let (mut f, worker) = worked_epoch_zero_finalized().await;
    let admin = f.w.s.admin.insecure_clone();
    let set = |at: i64| {
        rewards_ix(
            epoch_rewards::accounts::ConfigAdmin {
                authority: admin.pubkey(),
                config: rewards_config_pda(),
            },
            epoch_rewards::instruction::SetClawbackDate { clawback_at: at },
        )
    };
    let now = f.w.bank().now().await;
    f.w.bank()
        .send(&[set(now + 30 * DAY)], &[&admin])
        .await
        .unwrap();
    assert_error(
        &f.w.bank().send(&[set(now + 29 * DAY)], &[&admin]).await,
        RewardsError::ClawbackOnlyLater,
    );
    let clawback = rewards_ix(
        epoch_rewards::accounts::ClawbackEpoch {
            admin: admin.pubkey(),
            config: rewards_config_pda(),
            epoch: epoch_pda(0),
        },
        epoch_rewards::instruction::ClawbackEpoch {},
    );
    assert_error(
        &f.w.bank()
            .send(std::slice::from_ref(&clawback), &[&admin])
            .await,
        RewardsError::ClawbackNotReached,
    );
    f.w.bank().set_time(now + 30 * DAY).await;
    f.w.bank().send(&[clawback], &[&admin]).await.unwrap();
    let holder = worker.owner.pubkey();
    assert_error(
        &f.w.claim_worker(0, &worker, &holder).await,
        RewardsError::ClaimsClosed,
    );
    assert_eq!(f.w.config().await.committed_unclaimed, 0);
}

// ---------------------------------------------------------------- remaining refusals

#[tokio::test]
async fn governance_refusals_are_named_and_change_nothing() {
    let mut f = fixture().await;
    let admin = f.w.s.admin.insecure_clone();
    let stranger = f.w.bank().new_wallet(1).await;
    let config_ix = |who: &Keypair, data: Vec<u8>| Instruction {
        program_id: epoch_rewards::ID,
        accounts: anchor_lang::ToAccountMetas::to_account_metas(
            &epoch_rewards::accounts::ConfigAdmin {
                authority: who.pubkey(),
                config: rewards_config_pda(),
            },
            None,
        ),
        data,
    };
    use anchor_lang::InstructionData;
    let before = f.w.bank().snapshot(&[rewards_config_pda()]).await;
    let params = default_rewards_params();
    let bad = RewardsParams {
        quorum: 4,
        ..params
    };
    let update = |p: RewardsParams| epoch_rewards::instruction::UpdateParams { params: p }.data();
    assert_error(
        &f.w.bank()
            .send(&[config_ix(&stranger, update(params))], &[&stranger])
            .await,
        RewardsError::NotAdmin,
    );
    assert_error(
        &f.w.bank()
            .send(&[config_ix(&admin, update(bad))], &[&admin])
            .await,
        RewardsError::InvalidParams,
    );
    let accept = epoch_rewards::instruction::AcceptAdmin {}.data();
    assert_error(
        &f.w.bank()
            .send(&[config_ix(&stranger, accept.clone())], &[&stranger])
            .await,
        RewardsError::NoPendingAdmin,
    );
    let pause = epoch_rewards::instruction::SetPaused { paused: true }.data();
    assert_error(
        &f.w.bank()
            .send(&[config_ix(&stranger, pause)], &[&stranger])
            .await,
        RewardsError::NotPauseAuthority,
    );
    assert_eq!(f.w.bank().snapshot(&[rewards_config_pda()]).await, before);
    // Handover: only the proposed key accepts.
    let next = f.w.bank().new_wallet(1).await;
    let propose = epoch_rewards::instruction::ProposeAdmin {
        proposed: next.pubkey(),
    }
    .data();
    f.w.bank()
        .send(&[config_ix(&admin, propose)], &[&admin])
        .await
        .unwrap();
    assert_error(
        &f.w.bank()
            .send(&[config_ix(&stranger, accept.clone())], &[&stranger])
            .await,
        RewardsError::NotPendingAdmin,
    );
    f.w.bank()
        .send(&[config_ix(&next, accept)], &[&next])
        .await
        .unwrap();
    assert_eq!(f.w.config().await.admin, next.pubkey());
}

#[tokio::test]
async fn verifier_accounts_must_match_and_be_verifiers() {
    let mut f = fixture().await;
    let worker = f.worker.clone_keys();
    let verifiers = f.verifiers(2);
    // Each verifier's node passed with the other's epoch credits.
    let args = f.w.attestation_now(&worker, 1, 600 * IBM).await;
    let mut ixs =
        f.w.attestation(&worker, &args, &[&verifiers[0], &verifiers[1]]);
    let program_ix = &mut ixs[1];
    let (a, b) = (program_ix.accounts.len() - 3, program_ix.accounts.len() - 1);
    program_ix.accounts.swap(a, b);
    f.assert_refused(ixs, Some(RewardsError::VerifierEpochMismatch.into()))
        .await;
    // A worker cannot open a verifier epoch, so it has no verifier reward to claim.
    assert_error(
        &f.w.open_verifier_epoch(&worker.node, 0).await,
        RewardsError::NotAVerifier,
    );
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    let before =
        f.w.bank()
            .snapshot(&[epoch_pda(0), reward_vault_pda()])
            .await;
    assert_error(
        &f.w.claim_verifier(0, &worker).await,
        AnchorErrorCode::AccountNotInitialized,
    );
    assert_eq!(
        f.w.bank()
            .snapshot(&[epoch_pda(0), reward_vault_pda()])
            .await,
        before
    );
}

// ---------------------------------------------------------------- participation (SPEC §10 item 2)

#[tokio::test]
async fn zero_work_never_counts_as_participation_even_with_no_minimum() {
    let mut params = default_rewards_params();
    params.min_participation_minutes = 0;
    let mut f = fixture_with(params).await;
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 0).await.unwrap();
    let record: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&worker.node))
            .await;
    assert_eq!(record.participated_epochs, 0, "a zero-IBM attestation");
    // The verifiers co-signed only that zero-IBM attestation: their epoch does not count either.
    let end = f.w.epoch(0).await.end_ts;
    f.w.bank().set_time(end + GRACE).await;
    f.w.finalize(0).await.unwrap();
    let verifier = f.w.verifiers[0].clone_keys();
    f.w.claim_verifier(0, &verifier).await.unwrap();
    let record: NodeRewards =
        f.w.bank()
            .anchor_account(&node_rewards_pda(&verifier.node))
            .await;
    assert_eq!(record.participated_epochs, 0);
}

/// A small deterministic generator for the randomized walk.
struct Walk(u64);

impl Walk {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Workers registered at different epochs attest random amounts (zero included) at random
/// times, verifiers open their epochs, epochs are finalized and claimed by workers and
/// verifiers in any order: after every step each node's participation counts from its
/// registration epoch and `participated ≤ epochs since registration`.
#[tokio::test]
async fn participation_never_exceeds_the_epochs_since_registration() {
    let mut params = default_rewards_params();
    params.min_participation_minutes = 0;
    params.min_attestation_interval_secs = 0;
    let mut w = RewardsWorld::start(params, 3).await;
    w.fund_rewards(10_000_000 * IFX).await;
    let mut walk = Walk(0x2545_f491_4f6c_dd1d);
    // (worker, last seq, epoch of its running total, running total)
    let mut workers = vec![(w.worker(ONE_IB).await, 0u32, 0u32, 0u64)];
    let (mut credited, mut claimed) = (0, 0);
    for _ in 0..200 {
        let now = w.bank().now().await;
        let epoch = w.config().await.schedule.epoch_at(now).unwrap();
        match walk.next(6) {
            0 => {
                w.bank()
                    .advance(3 * HOUR + walk.next(6) as i64 * HOUR)
                    .await;
                let epoch = w
                    .config()
                    .await
                    .schedule
                    .epoch_at(w.bank().now().await)
                    .unwrap();
                let verifiers: Vec<_> = w.verifiers.iter().map(|v| v.node).collect();
                for v in verifiers {
                    w.open_verifier_epoch(&v, epoch).await.ok();
                }
            }
            1 | 2 => {
                let i = walk.next(workers.len() as u64) as usize;
                let (worker, seq, total_epoch, total) = &mut workers[i];
                if *total_epoch != epoch {
                    (*total_epoch, *total) = (epoch, 0);
                }
                let next_total = *total + walk.next(3) * 30 * IBM;
                if w.attest(worker, *seq + 1, next_total).await.is_ok() {
                    *seq += 1;
                    *total = next_total;
                    credited += 1;
                }
            }
            3 if workers.len() < 4 => workers.push((w.worker(ONE_IB).await, 0, epoch, 0)),
            _ => {
                for past in 0..epoch {
                    w.finalize(past).await.ok();
                    for (worker, ..) in &workers {
                        let holder = worker.owner.pubkey();
                        claimed += u32::from(w.claim_worker(past, worker, &holder).await.is_ok());
                    }
                    let verifiers: Vec<_> = w.verifiers.iter().map(|v| v.clone_keys()).collect();
                    for v in &verifiers {
                        claimed += u32::from(w.claim_verifier(past, v).await.is_ok());
                    }
                }
            }
        }
        let now = w.bank().now().await;
        let config = w.config().await;
        let current = config.schedule.epoch_at(now).unwrap();
        let nodes: Vec<Pubkey> = workers
            .iter()
            .map(|(n, ..)| n.node)
            .chain(w.verifiers.iter().map(|v| v.node))
            .collect();
        for node in nodes {
            let Some(account) = w.bank().account(&node_rewards_pda(&node)).await else {
                continue;
            };
            let record: NodeRewards =
                anchor_lang::AccountDeserialize::try_deserialize(&mut account.data.as_slice())
                    .unwrap();
            let registered_at = w.s.node(&node).await.registered_at;
            assert_eq!(
                record.started_epoch,
                config.registration_epoch(registered_at)
            );
            assert!(
                record.participated_epochs <= record.epochs_since_start(current),
                "{node}: {} participated of {} epochs since registration",
                record.participated_epochs,
                record.epochs_since_start(current)
            );
        }
    }
    assert!(
        credited > 20 && claimed > 5,
        "{credited} attestations, {claimed} claims"
    );
}
