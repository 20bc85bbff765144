//! SPEC §10, who vouches for work: an attestation, a benchmark or a violation needs one of the
//! deployment's managers and a quorum of active verifier nodes independent of the node they
//! vouch for. Each refusal leaves every balance and account as it was.

#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use epoch_rewards::errors::RewardsError;
use inferix_common::messages::SignedMessage;
use inferix_common::CommonError;
use inferix_tests::*;
use node_staking::errors::StakingError;
use node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const HOUR: i64 = 3_600;
const ONE_IB: u64 = 1_000_000;
const IBM: u64 = 1_000_000;
const FAILED_POR: u8 = 0;

/// Three independent verifiers (quorum 2), one staked 1-IB worker, the reward vault funded and
/// the clock 13 hours into epoch 0.
struct Fixture {
    w: RewardsWorld,
    worker: NodeFixture,
}

async fn fixture() -> Fixture {
    let mut w = RewardsWorld::start(default_rewards_params(), 3).await;
    let worker = w.worker(ONE_IB).await;
    w.fund_rewards(1_000_000 * IFX).await;
    w.bank().advance(13 * HOUR).await;
    Fixture { w, worker }
}

impl Fixture {
    fn honest_verifiers(&self) -> Vec<NodeFixture> {
        self.w
            .verifiers
            .iter()
            .take(2)
            .map(|v| v.clone_keys())
            .collect()
    }

    /// Every account a credit, a benchmark or a slash of the worker would change.
    async fn state(&mut self, verifiers: &[&NodeFixture]) -> Vec<(u64, Vec<u8>)> {
        let node = self.worker.node;
        let mut accounts = vec![
            node,
            self.worker.vault,
            penalty_vault_pda(),
            staking_config_pda(),
            rewards_config_pda(),
            epoch_pda(0),
            node_epoch_pda(0, &node),
            node_rewards_pda(&node),
        ];
        accounts.extend(verifiers.iter().map(|v| verifier_epoch_pda(0, &v.node)));
        self.w.bank().snapshot(&accounts).await
    }

    /// An attestation of 600 IBM for the worker, precompile signed by exactly `signers`.
    async fn attestation_signed_by(
        &mut self,
        signers: &[&Keypair],
        verifiers: &[&NodeFixture],
    ) -> Vec<Instruction> {
        let attestation = self.w.attestation_now(&self.worker, 1, 600 * IBM).await;
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        vec![
            signed_by(&attestation.to_signed_bytes(), signers),
            self.w
                .attestation_ix(&self.worker.operator.pubkey(), &self.worker.node, 0, &keys),
        ]
    }

    async fn benchmark_signed_by(
        &mut self,
        signers: &[&Keypair],
        verifiers: &[&NodeFixture],
    ) -> Vec<Instruction> {
        let args = BenchmarkArgs {
            ib_micros: 2 * ONE_IB,
            scene_set_hash: [9; 32],
            issued_at: self.w.bank().now().await,
        };
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        vec![
            signed_by(&benchmark_message(&self.worker.node, &args), signers),
            self.w.s.update_ib_ix(&self.worker.node, args, &keys),
        ]
    }

    async fn violation_signed_by(
        &mut self,
        signers: &[&Keypair],
        verifiers: &[&NodeFixture],
    ) -> Vec<Instruction> {
        let args = ViolationArgs {
            epoch: 0,
            kind: FAILED_POR,
            evidence_hash: [0xe1; 32],
            issued_at: self.w.bank().now().await,
        };
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        vec![
            signed_by(&violation_message(&self.worker.node, &args), signers),
            self.w
                .s
                .report_violation_ix(&self.worker.node, args, None, &keys),
        ]
    }

    /// Sends `instructions` (an attestation as the worker's operator, anything else as the bank
    /// payer) and asserts the named error and that nothing changed.
    async fn assert_refused(
        &mut self,
        instructions: Vec<Instruction>,
        verifiers: &[&NodeFixture],
        expected: impl Into<u32> + std::fmt::Debug + Copy,
    ) {
        let before = self.state(verifiers).await;
        let result = if instructions[1].program_id == epoch_rewards::ID {
            self.w.send_attestation(&self.worker, &instructions).await
        } else {
            self.w.bank().send(&instructions, &[]).await
        };
        assert_error(&result, expected);
        assert_eq!(
            self.state(verifiers).await,
            before,
            "{expected:?} moved state"
        );
    }

    /// A governance transaction of `signer`, refused with `expected`; both configs unchanged.
    async fn assert_governance_refused(
        &mut self,
        instruction: Instruction,
        signer: &Keypair,
        expected: impl Into<u32> + std::fmt::Debug + Copy,
    ) {
        let configs = [rewards_config_pda(), staking_config_pda()];
        let before = self.w.bank().snapshot(&configs).await;
        let result = self.w.bank().send(&[instruction], &[signer]).await;
        assert_error(&result, expected);
        assert_eq!(self.w.bank().snapshot(&configs).await, before);
    }

    /// Attestation, benchmark and violation of the worker vouched for by the test manager and
    /// `verifiers`: each refused with `expected`.
    async fn assert_cannot_vouch(
        &mut self,
        verifiers: &[&NodeFixture],
        expected: impl Into<u32> + std::fmt::Debug + Copy,
    ) {
        let manager = test_manager();
        let mut signers = vec![&manager];
        signers.extend(verifiers.iter().map(|v| &v.operator));
        let attestation = self.attestation_signed_by(&signers, verifiers).await;
        self.assert_refused(attestation, verifiers, expected).await;
        let benchmark = self.benchmark_signed_by(&signers, verifiers).await;
        self.assert_refused(benchmark, verifiers, expected).await;
        let violation = self.violation_signed_by(&signers, verifiers).await;
        self.assert_refused(violation, verifiers, expected).await;
    }
}

#[tokio::test]
async fn a_verifier_node_is_never_benchmarked_or_credited_as_a_worker() {
    let mut f = fixture().await;
    let verifiers = f.honest_verifiers();
    let refs: Vec<&NodeFixture> = verifiers.iter().collect();
    let posing = f.w.s.verifier().await;
    let before = f.w.bank().snapshot(&[posing.node, epoch_pda(0)]).await;
    assert_error(
        &f.w.s.benchmark(&posing.node, ONE_IB, &refs).await,
        StakingError::OnlyWorkersBenchmarked,
    );
    let attestation = f.w.attestation_now(&posing, 1, 0).await;
    let ixs = f.w.attestation(&posing, &attestation, &refs);
    assert_error(
        &f.w.send_attestation(&posing, &ixs).await,
        RewardsError::OnlyWorkersCredited,
    );
    assert_eq!(
        f.w.bank().snapshot(&[posing.node, epoch_pda(0)]).await,
        before
    );
    assert!(f
        .w
        .bank()
        .account(&node_epoch_pda(0, &posing.node))
        .await
        .is_none());
}

#[tokio::test]
async fn verifiers_sharing_the_workers_owner_or_operator_cannot_vouch_for_it() {
    let mut f = fixture().await;
    let worker_owner = f.worker.owner.insecure_clone();
    let worker_operator = f.worker.operator.insecure_clone();
    let stranger = || Keypair::new();

    // The worker's holder buys two verifier licences and runs them with fresh operator keys.
    let own_a = f.w.s.verifier_of(&worker_owner, &stranger()).await;
    let own_b = f.w.s.verifier_of(&worker_owner, &stranger()).await;
    for v in [&own_a, &own_b] {
        f.w.open_verifier_epoch(&v.node, 0).await.unwrap();
    }
    f.assert_cannot_vouch(&[&own_a, &own_b], StakingError::CoSignerNotIndependent)
        .await;

    // One honest verifier is not enough to carry a dependent one, whatever key it shares.
    let honest = f.honest_verifiers();
    let holder = f.w.bank().new_wallet(10).await;
    let runs_workers_operator = f.w.s.verifier_of(&holder, &worker_operator).await;
    let holder = f.w.bank().new_wallet(10).await;
    let runs_workers_owner_key = f.w.s.verifier_of(&holder, &worker_owner).await;
    for dependent in [&own_a, &runs_workers_operator, &runs_workers_owner_key] {
        f.w.open_verifier_epoch(&dependent.node, 0).await.ok();
        f.assert_cannot_vouch(
            &[&honest[0], dependent],
            StakingError::CoSignerNotIndependent,
        )
        .await;
    }

    // Two independent verifiers and the manager do vouch.
    let worker = f.worker.clone_keys();
    f.w.attest(&worker, 1, 600 * IBM).await.unwrap();
    assert_eq!(f.w.epoch(0).await.total_ibm_micros, 600 * IBM);
}

#[tokio::test]
async fn a_verifier_quorum_without_a_manager_credits_benchmarks_and_slashes_nothing() {
    let mut f = fixture().await;
    let verifiers = f.honest_verifiers();
    let refs: Vec<&NodeFixture> = verifiers.iter().collect();
    let (a, b) = (&verifiers[0].operator, &verifiers[1].operator);
    let stranger = Keypair::new();
    let worker_operator = f.worker.operator.insecure_clone();

    // The verifiers alone: one signature short of the manager-led layout.
    let ixs = f.attestation_signed_by(&[a, b], &refs).await;
    f.assert_refused(ixs, &refs, CommonError::Ed25519SignatureCount)
        .await;
    let ixs = f.benchmark_signed_by(&[a, b], &refs).await;
    f.assert_refused(ixs, &refs, CommonError::Ed25519SignatureCount)
        .await;
    let ixs = f.violation_signed_by(&[a, b], &refs).await;
    f.assert_refused(ixs, &refs, CommonError::Ed25519SignatureCount)
        .await;

    // Any other key in the manager's place: a stranger, the worker's own operator.
    for pretender in [&stranger, &worker_operator] {
        let ixs = f.attestation_signed_by(&[pretender, a, b], &refs).await;
        f.assert_refused(ixs, &refs, CommonError::NotAManager).await;
        let ixs = f.benchmark_signed_by(&[pretender, a, b], &refs).await;
        f.assert_refused(ixs, &refs, CommonError::NotAManager).await;
        let ixs = f.violation_signed_by(&[pretender, a, b], &refs).await;
        f.assert_refused(ixs, &refs, CommonError::NotAManager).await;
    }

    // The manager alone, naming no verifier, is under the quorum.
    f.assert_cannot_vouch(&[], StakingError::UnderQuorum).await;
}

#[tokio::test]
async fn an_attestation_is_paid_and_signed_by_the_nodes_operator() {
    let mut f = fixture().await;
    let verifiers = f.honest_verifiers();
    let refs: Vec<&NodeFixture> = verifiers.iter().collect();
    let attestation = f.w.attestation_now(&f.worker, 1, 600 * IBM).await;
    let mut ixs = f.w.attestation(&f.worker, &attestation, &refs);
    let payer = f.w.bank().payer();
    ixs[1].accounts[0].pubkey = payer.pubkey();
    let before = f.state(&refs).await;
    assert_error(
        &f.w.bank().send(&ixs, &[]).await,
        RewardsError::PayerNotOperator,
    );
    assert_eq!(f.state(&refs).await, before);
}

#[tokio::test]
async fn the_admin_alone_changes_the_managers_and_a_running_program_always_has_one() {
    let mut f = fixture().await;
    let admin = f.w.s.admin.insecure_clone();
    let staking_guardian = f.w.s.pause_guardian.insecure_clone();
    let second = Keypair::new();
    let admin_key = admin.pubkey();
    use inferix_sdk::admin as gov;

    // Only the admin adds or removes a manager.
    let outsider = f.w.bank().new_wallet(1).await;
    f.assert_governance_refused(
        gov::rewards_add_manager(&outsider.pubkey(), &second.pubkey()),
        &outsider,
        RewardsError::NotAdmin,
    )
    .await;
    f.assert_governance_refused(
        gov::staking_add_manager(&outsider.pubkey(), &second.pubkey()),
        &outsider,
        StakingError::NotAdmin,
    )
    .await;
    let add = [
        gov::rewards_add_manager(&admin_key, &second.pubkey()),
        gov::staking_add_manager(&admin_key, &second.pubkey()),
    ];
    f.w.bank().send(&add, &[&admin]).await.unwrap();
    assert_eq!(
        f.w.config().await.managers,
        vec![test_manager().pubkey(), second.pubkey()]
    );
    f.assert_governance_refused(
        gov::rewards_add_manager(&admin_key, &second.pubkey()),
        &admin,
        CommonError::AlreadyAManager,
    )
    .await;
    let more: Vec<Instruction> = (0..2)
        .map(|_| gov::rewards_add_manager(&admin_key, &Pubkey::new_unique()))
        .collect();
    f.w.bank().send(&more, &[&admin]).await.unwrap();
    f.assert_governance_refused(
        gov::rewards_add_manager(&admin_key, &Pubkey::new_unique()),
        &admin,
        CommonError::ManagerSetFull,
    )
    .await;

    // The first manager removed: its signature no longer counts, the second's does.
    let remove = [
        gov::rewards_remove_manager(&admin_key, &test_manager().pubkey()),
        gov::staking_remove_manager(&admin_key, &test_manager().pubkey()),
    ];
    f.w.bank().send(&remove, &[&admin]).await.unwrap();
    let verifiers = f.honest_verifiers();
    let refs: Vec<&NodeFixture> = verifiers.iter().collect();
    let (a, b) = (&verifiers[0].operator, &verifiers[1].operator);
    let ixs = f
        .attestation_signed_by(&[&test_manager(), a, b], &refs)
        .await;
    f.assert_refused(ixs, &refs, CommonError::NotAManager).await;
    let ixs = f.benchmark_signed_by(&[&test_manager(), a, b], &refs).await;
    f.assert_refused(ixs, &refs, CommonError::NotAManager).await;
    let ixs = f.attestation_signed_by(&[&second, a, b], &refs).await;
    f.w.send_attestation(&f.worker, &ixs).await.unwrap();
    assert_eq!(f.w.epoch(0).await.total_ibm_micros, 600 * IBM);

    // node-staking now has one manager: it can be removed only while paused, and a program
    // without managers cannot be unpaused.
    let last = gov::staking_remove_manager(&admin_key, &second.pubkey());
    f.assert_governance_refused(last.clone(), &admin, CommonError::ManagerSetEmpty)
        .await;
    let pause = gov::staking_set_paused(&staking_guardian.pubkey(), true);
    f.w.bank()
        .send(&[pause], &[&staking_guardian])
        .await
        .unwrap();
    f.w.bank().send(&[last], &[&admin]).await.unwrap();
    f.assert_governance_refused(
        gov::staking_set_paused(&admin_key, false),
        &admin,
        CommonError::ManagerSetEmpty,
    )
    .await;
    let restore = [
        gov::staking_add_manager(&admin_key, &second.pubkey()),
        gov::staking_set_paused(&admin_key, false),
    ];
    f.w.bank().send(&restore, &[&admin]).await.unwrap();
}
