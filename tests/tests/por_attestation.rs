//! Cross-program flow of SPEC §7: a worker renders a PoR job on the local adapter, two
//! verifiers check it, and the worker's chain code signs the attestation with the operator and
//! both verifiers and submits it to epoch-rewards on the embedded bank.

#![allow(deprecated)]

use std::path::Path;

use epoch_rewards::state::{NodeEpoch, VerifierEpoch};
use inferix_common::messages::{PorAttestation, SignedMessage, ViolationKind};
use inferix_common::CommonError;
use inferix_tests::*;
use inferix_worker::bench::{scene_set_hash, BenchReference};
use inferix_worker::chain::work::{job_ibm_micros, work_root, WorkRecord};
use inferix_worker::chain::{self, Cosigner};
use inferix_worker::gpu::Gpu;
use inferix_worker::por::job::{from_hex, Commitment};
use inferix_worker::por::manager::{create_job, CreatedJob};
use inferix_worker::por::tiles::frame_root;
use inferix_worker::por::verify::{verify, VerifyInput, VerifyParams};
use inferix_worker::por::worker::render_job;
use inferix_worker::{RenderSettings, Renderer, Scene};
use node_staking::errors::StakingError;
use node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use node_staking::state::SlashRecord;
use solana_instruction::Instruction;
use solana_signer::Signer;

const ONE_IB: u64 = 1_000_000;
const HOUR: i64 = 3_600;

fn renderer() -> Renderer {
    Renderer::new(Gpu::open(None, None).expect("a Vulkan adapter (lavapipe)")).unwrap()
}

/// A 128×96, 8-spp job of `scene` made by the manager.
fn job(renderer: &Renderer, scene: &str, seed: u64, job_id: u8) -> CreatedJob {
    let settings = RenderSettings::new(128, 96, 8, seed);
    let secret = b"e2e manager secret, 32 bytes ...";
    create_job(renderer, scene, &settings, secret, [job_id; 32], 12).unwrap()
}

/// Renders and verifies one job; returns the work record both verifiers accepted.
fn proven_job() -> WorkRecord {
    let renderer = renderer();
    let created = job(&renderer, "cornell-box", 11, 5);
    let rendered = render_job(&renderer, &created.job, Path::new("job"), &mut |_, _| {}).unwrap();
    for nonce in [[1u8; 32], [2u8; 32]] {
        let input = VerifyInput {
            job: &created.job,
            key: &created.key,
            commitment: &rendered.commitment,
            width: 128,
            height: 96,
            rgb8: &rendered.rgb8,
        };
        let verdict = verify(&input, Some(&renderer), &nonce, &VerifyParams::default()).unwrap();
        assert!(verdict.accepted, "{:?}", verdict.reasons);
    }
    let reference = BenchReference::load(None).unwrap();
    WorkRecord {
        job_hash: from_hex(&created.key.job_hash).unwrap(),
        frame_root: from_hex(&rendered.commitment.frame_root).unwrap(),
        ibm_micros: job_ibm_micros(128, 96, 8, &reference),
    }
}

struct Flow {
    w: RewardsWorld,
    worker: NodeFixture,
    attestation: PorAttestation,
}

impl Flow {
    async fn start(record: &WorkRecord) -> Self {
        let mut w = RewardsWorld::start(default_rewards_params(), 2).await;
        let worker = w.worker(ONE_IB).await;
        w.bank().advance(HOUR).await;
        let now = w.bank().now().await;
        let attestation = chain::attestation(
            worker.node,
            0,
            1,
            ONE_IB,
            record.ibm_micros,
            1,
            work_root(std::slice::from_ref(record)),
            now,
        );
        Self {
            w,
            worker,
            attestation,
        }
    }

    fn instructions(&self, verifier_count: usize) -> Vec<Instruction> {
        let cosigners: Vec<Cosigner> = self.w.verifiers[..verifier_count]
            .iter()
            .map(|v| Cosigner {
                node: v.node,
                operator: &v.operator,
            })
            .collect();
        chain::attestation_instructions(
            &self.worker.operator.pubkey(),
            &self.attestation,
            &test_manager(),
            &cosigners,
        )
    }

    /// Sent as the worker's chain code sends it: paid and signed by the node's operator.
    async fn send(&mut self, instructions: &[Instruction]) -> TxResult {
        let blockhash = self.w.bank().fresh_blockhash().await;
        let tx = chain::transaction(instructions, &self.worker.operator, blockhash)
            .expect("fits a packet");
        self.w.bank().send_transaction(tx).await
    }

    async fn state(&mut self) -> Vec<(u64, Vec<u8>)> {
        let node = self.worker.node;
        self.w.attestation_state(&node).await
    }
}

#[tokio::test]
async fn a_rendered_and_verified_job_is_attested_by_manager_and_two_verifiers_and_credited() {
    let record = proven_job();
    let mut flow = Flow::start(&record).await;
    let before = flow.state().await;

    // The same message with one byte changed (the IBM claimed): the signatures no longer hold.
    let mut tampered = flow.instructions(2);
    let data = &mut tampered[0].data;
    let cumulative_ibm_at = data.len() - PorAttestation::LEN + 88;
    data[cumulative_ibm_at] ^= 1;
    assert!(flow.send(&tampered).await.is_err());
    assert_eq!(flow.state().await, before);

    // One verifier signature missing: below the quorum of two.
    let one_verifier = flow.instructions(1);
    assert_error(&flow.send(&one_verifier).await, StakingError::UnderQuorum);
    // Both verifiers named to the program but only one of their signatures in the precompile.
    let mut unsigned = flow.instructions(2);
    unsigned[0] = flow.instructions(1).remove(0);
    assert_error(
        &flow.send(&unsigned).await,
        CommonError::Ed25519SignatureCount,
    );
    assert_eq!(flow.state().await, before);

    // The honest attestation: accepted, the job's IBM credited to the node and both verifiers.
    let honest = flow.instructions(2);
    let size = chain::wire_bytes(
        &chain::transaction(&honest, &flow.worker.operator, Default::default()).unwrap(),
    )
    .len();
    assert!(size <= chain::MAX_TRANSACTION_BYTES, "{size} bytes");
    flow.send(&honest).await.expect("attestation accepted");
    let node = flow.worker.node;
    let tally: NodeEpoch = flow
        .w
        .bank()
        .anchor_account(&node_epoch_pda(0, &node))
        .await;
    assert_eq!(tally.cumulative_ibm_micros, record.ibm_micros);
    assert_eq!(tally.jobs_verified, 1);
    assert_eq!(tally.work_root, work_root(std::slice::from_ref(&record)));
    assert!(record.ibm_micros > 0);
    let verifier_nodes: Vec<_> = flow.w.verifiers.iter().map(|v| v.node).collect();
    for v in verifier_nodes {
        let credits: VerifierEpoch = flow
            .w
            .bank()
            .anchor_account(&verifier_epoch_pda(0, &v))
            .await;
        assert_eq!(credits.credits_ibm_micros, record.ibm_micros);
    }
    assert_eq!(flow.w.epoch(0).await.total_ibm_micros, record.ibm_micros);
}

/// A frame of the clean scene handed in for a noised job: both verifiers reject it, and its
/// evidence slashes the worker through a `Violation` co-signed with the worker's chain code. A
/// `Benchmark` signed the same way updates the worker's IB.
#[tokio::test]
async fn a_rejected_frame_becomes_a_slash_and_a_benchmark_sets_ib_through_the_chain_code() {
    let renderer = renderer();
    let created = job(&renderer, "material-spheres", 12, 6);
    let settings = created.job.settings();
    let honest = render_job(&renderer, &created.job, Path::new("job"), &mut |_, _| {}).unwrap();
    let clean = Scene::load("material-spheres", 128.0 / 96.0).unwrap();
    let fake = renderer
        .render(&renderer.upload(&clean).unwrap(), &settings, &mut |_, _| {})
        .unwrap()
        .srgb8();
    let commitment = Commitment {
        frame_root: inferix_worker::hex(&frame_root(128, 96, &fake)),
        ..honest.commitment.clone()
    };
    let input = VerifyInput {
        job: &created.job,
        key: &created.key,
        commitment: &commitment,
        width: 128,
        height: 96,
        rgb8: &fake,
    };
    let verdict = verify(&input, Some(&renderer), &[3; 32], &VerifyParams::default()).unwrap();
    assert!(!verdict.accepted);
    assert!(
        verdict.reasons.iter().any(|r| r.starts_with("noise test")),
        "{:?}",
        verdict.reasons
    );

    let mut w = RewardsWorld::start(default_rewards_params(), 2).await;
    let worker = w.worker(ONE_IB).await;
    // A benchmark must be newer than the one that set the worker's IB.
    w.bank().advance(60).await;
    let payer = w.bank().payer();
    let now = w.bank().now().await;
    let verifiers: Vec<NodeFixture> = w.verifiers.iter().map(|v| v.clone_keys()).collect();
    let cosigners: Vec<Cosigner> = verifiers
        .iter()
        .map(|v| Cosigner {
            node: v.node,
            operator: &v.operator,
        })
        .collect();

    let reference = BenchReference::load(None).unwrap();
    let scenes: Vec<Scene> = reference
        .scene
        .iter()
        .map(|s| Scene::load(&s.name, 1.0).unwrap())
        .collect();
    let benchmark = BenchmarkArgs {
        ib_micros: ONE_IB + 50_000,
        scene_set_hash: scene_set_hash(&reference, &scenes),
        issued_at: now,
    };
    let ixs = chain::benchmark_instructions(
        &worker.node,
        &pushed_price_pda(),
        benchmark,
        &test_manager(),
        &cosigners,
    );
    let blockhash = w.bank().fresh_blockhash().await;
    w.bank()
        .send_transaction(chain::transaction(&ixs, &payer, blockhash).unwrap())
        .await
        .expect("benchmark accepted");
    assert_eq!(w.s.node(&worker.node).await.ib_micros, ONE_IB + 50_000);

    let stake_before = w.s.node(&worker.node).await.stake;
    let evidence_hash = from_hex(&verdict.evidence_hash).unwrap();
    let violation = ViolationArgs {
        epoch: 0,
        kind: ViolationKind::FailedPoR as u8,
        evidence_hash,
        issued_at: now,
    };
    let ixs = chain::violation_instructions(
        &payer.pubkey(),
        &worker.node,
        &w.s.ifx_mint,
        &anchor_spl::token::ID,
        violation,
        None,
        &test_manager(),
        &cosigners,
    );
    let blockhash = w.bank().fresh_blockhash().await;
    w.bank()
        .send_transaction(chain::transaction(&ixs, &payer, blockhash).unwrap())
        .await
        .expect("violation accepted");
    let node = w.s.node(&worker.node).await;
    assert_eq!(node.strikes, 1);
    assert_eq!(
        node.stake,
        stake_before - stake_before / 10,
        "FailedPoR slashes 10 %"
    );
    let record: SlashRecord = w.bank().anchor_account(&slash_pda(&evidence_hash)).await;
    assert_eq!(record.kind, ViolationKind::FailedPoR as u8);
}
