//! epoch-rewards: PDAs, a deployment on top of node-staking (whose verifier pool is this
//! program's penalty inflow), attestations co-signed by the operator and verifiers, and claims.

use crate::bank::{Bank, TxResult};
use crate::license::{license_world, LicenseAuthorities, SaleFixture};
use crate::staking::{co_signed, test_manager, NodeFixture, StakingWorld, IFX_DECIMALS};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use epoch_rewards::constants::*;
use epoch_rewards::instructions::InitializeConfigArgs;
use epoch_rewards::state::{Epoch, RewardsConfig, RewardsParams};
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use inferix_common::epoch::DEFAULT_EPOCH_SECS;
use inferix_common::messages::{PorAttestation, SignedMessage};
use inferix_sdk::instructions as sdk;
use node_license::state::LicenseKind;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;

pub fn rewards_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: epoch_rewards::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

// The epoch_rewards addresses, from the SDK (one derivation for clients, worker and tests).
pub use inferix_sdk::pda::{
    epoch as epoch_pda, node_epoch as node_epoch_pda, node_rewards as node_rewards_pda,
    penalty_inflow as penalty_inflow_pda, reward_vault as reward_vault_pda,
    rewards_config as rewards_config_pda, verifier_epoch as verifier_epoch_pda,
    vesting as vesting_pda, vesting_vault as vesting_vault_pda,
};

pub fn default_rewards_params() -> RewardsParams {
    RewardsParams {
        emission_per_ibm: DEFAULT_EMISSION_PER_IBM,
        worker_epoch_cap: DEFAULT_WORKER_EPOCH_CAP,
        verifier_epoch_cap: DEFAULT_VERIFIER_EPOCH_CAP,
        grace_secs: DEFAULT_GRACE_SECS,
        quorum: DEFAULT_QUORUM,
        max_attestation_age_secs: DEFAULT_MAX_ATTESTATION_AGE_SECS,
        min_attestation_interval_secs: DEFAULT_MIN_ATTESTATION_INTERVAL_SECS,
        immediate_bps: DEFAULT_IMMEDIATE_BPS,
        vesting_secs: DEFAULT_VESTING_SECS,
        min_participation_minutes: DEFAULT_MIN_PARTICIPATION_MINUTES,
        funding_timeout_secs: DEFAULT_FUNDING_TIMEOUT_SECS,
    }
}

/// All three programs deployed, epoch 0 starting at deployment, verifiers staked and their
/// epoch-0 credit accounts open.
pub struct RewardsWorld {
    pub s: StakingWorld,
    pub guardian: Keypair,
    pub verifiers: Vec<NodeFixture>,
    pub epoch_origin: i64,
}

impl RewardsWorld {
    pub async fn start(params: RewardsParams, verifier_count: usize) -> Self {
        let (bank, license, worker_sale, verifier_sale) = license_world().await;
        Self::deploy(
            bank,
            license,
            worker_sale,
            verifier_sale,
            params,
            verifier_count,
        )
        .await
    }

    /// Deploys epoch-rewards (epoch 0 starting now) and node-staking on `bank`, which already has
    /// node-license and the two sales; stakes `verifier_count` verifiers and opens their epoch 0.
    pub async fn deploy(
        mut bank: Bank,
        license: LicenseAuthorities,
        worker_sale: SaleFixture,
        verifier_sale: SaleFixture,
        params: RewardsParams,
        verifier_count: usize,
    ) -> Self {
        let ifx_mint = bank.create_mint(&anchor_spl::token::ID, IFX_DECIMALS).await;
        let admin = bank.deployer.insecure_clone();
        let guardian = bank.new_wallet(1).await;
        let epoch_origin = bank.now().await;
        let ifx = inferix_sdk::instructions::IfxToken {
            mint: ifx_mint,
            token_program: anchor_spl::token::ID,
        };
        let init = inferix_sdk::admin::rewards_initialize_config(
            &admin.pubkey(),
            &ifx,
            InitializeConfigArgs {
                pause_guardian: guardian.pubkey(),
                epoch_origin_ts: epoch_origin,
                epoch_length_secs: DEFAULT_EPOCH_SECS,
                managers: vec![test_manager().pubkey()],
                params,
            },
        );
        bank.send(&[init], &[&admin])
            .await
            .expect("initializing epoch-rewards");
        let mut s = StakingWorld::deploy_with(
            bank,
            license,
            worker_sale,
            verifier_sale,
            ifx_mint,
            penalty_inflow_pda(),
        )
        .await;
        let mut verifiers = vec![];
        for _ in 0..verifier_count {
            verifiers.push(s.verifier().await);
        }
        let mut world = Self {
            s,
            guardian,
            verifiers,
            epoch_origin,
        };
        for i in 0..verifier_count {
            let node = world.verifiers[i].node;
            world
                .open_verifier_epoch(&node, 0)
                .await
                .expect("opening a verifier epoch");
        }
        world
    }

    pub fn bank(&mut self) -> &mut Bank {
        &mut self.s.bank
    }

    pub async fn config(&mut self) -> RewardsConfig {
        self.s.bank.anchor_account(&rewards_config_pda()).await
    }

    pub async fn epoch(&mut self, index: u32) -> Epoch {
        self.s.bank.anchor_account(&epoch_pda(index)).await
    }

    /// IFX in `holder`'s associated account.
    pub async fn ifx_balance(&mut self, holder: &Pubkey) -> u64 {
        let account = self.s.ifx_account(holder);
        self.s.bank.token_balance(&account).await
    }

    pub async fn open_verifier_epoch(&mut self, verifier: &Pubkey, index: u32) -> TxResult {
        let open = sdk::open_verifier_epoch(&self.s.bank.payer().pubkey(), verifier, index);
        self.s.bank.send(&[open], &[]).await
    }

    /// A worker node of `ib_micros`, benchmarked by the verifiers and staked to its minimum.
    pub async fn worker(&mut self, ib_micros: u64) -> NodeFixture {
        let worker = self.s.new_node(LicenseKind::Worker, 40_000).await;
        let signers: Vec<&NodeFixture> = self.verifiers.iter().take(2).collect();
        let signers: Vec<NodeFixture> = signers.iter().map(|v| v.clone_keys()).collect();
        let refs: Vec<&NodeFixture> = signers.iter().collect();
        self.s
            .push_price(5_000_000, 0, -8)
            .await
            .expect("fresh IFX price");
        self.s
            .benchmark(&worker.node, ib_micros, &refs)
            .await
            .expect("benchmarking a worker");
        let required = self.s.node(&worker.node).await.required_stake;
        self.s
            .stake(&worker, required)
            .await
            .expect("staking a worker");
        worker
    }

    /// Mints `amount` IFX into the reward vault (the Ecosystem Fund's transfer).
    pub async fn fund_rewards(&mut self, amount: u64) {
        let mint = self.s.ifx_mint;
        self.s
            .bank
            .mint_to(&mint, &anchor_spl::token::ID, &reward_vault_pda(), amount)
            .await;
    }

    /// The submit_attestation instruction for epoch `index`, paid by `operator`, with
    /// `verifiers` (and their credit accounts) as remaining accounts.
    pub fn attestation_ix(
        &self,
        operator: &Pubkey,
        node: &Pubkey,
        index: u32,
        verifiers: &[Pubkey],
    ) -> Instruction {
        let mut instruction = rewards_ix(
            epoch_rewards::accounts::SubmitAttestation {
                payer: *operator,
                config: rewards_config_pda(),
                epoch: epoch_pda(index),
                node: *node,
                node_rewards: node_rewards_pda(node),
                node_epoch: node_epoch_pda(index, node),
                instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
                system_program: anchor_lang::system_program::ID,
            },
            epoch_rewards::instruction::SubmitAttestation { epoch_index: index },
        );
        for verifier in verifiers {
            instruction
                .accounts
                .push(AccountMeta::new_readonly(*verifier, false));
            instruction
                .accounts
                .push(AccountMeta::new(verifier_epoch_pda(index, verifier), false));
        }
        instruction
    }

    /// The precompile and program instructions of `attestation` signed by the test manager and
    /// `verifiers`, paid by the worker's operator (send with [`RewardsWorld::send_attestation`]).
    pub fn attestation(
        &self,
        worker: &NodeFixture,
        attestation: &PorAttestation,
        verifiers: &[&NodeFixture],
    ) -> Vec<Instruction> {
        let signers: Vec<&Keypair> = verifiers.iter().map(|v| &v.operator).collect();
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        vec![
            co_signed(&attestation.to_signed_bytes(), &signers),
            self.attestation_ix(
                &worker.operator.pubkey(),
                &worker.node,
                attestation.epoch,
                &keys,
            ),
        ]
    }

    /// Sends attestation instructions as the worker's operator does: paying and signing.
    pub async fn send_attestation(
        &mut self,
        worker: &NodeFixture,
        instructions: &[Instruction],
    ) -> TxResult {
        self.s
            .bank
            .send_paid_by(&worker.operator, instructions, &[])
            .await
    }

    /// Attests `cumulative_ibm_micros` for `worker` in the current epoch with `seq`, now, signed
    /// by the first two verifiers.
    pub async fn attest(
        &mut self,
        worker: &NodeFixture,
        seq: u32,
        cumulative_ibm_micros: u64,
    ) -> TxResult {
        let attestation = self
            .attestation_now(worker, seq, cumulative_ibm_micros)
            .await;
        let verifiers: Vec<NodeFixture> = self
            .verifiers
            .iter()
            .take(2)
            .map(|v| v.clone_keys())
            .collect();
        let refs: Vec<&NodeFixture> = verifiers.iter().collect();
        let instructions = self.attestation(worker, &attestation, &refs);
        self.send_attestation(worker, &instructions).await
    }

    /// The attestation a worker would sign now for the current epoch.
    pub async fn attestation_now(
        &mut self,
        worker: &NodeFixture,
        seq: u32,
        cumulative_ibm_micros: u64,
    ) -> PorAttestation {
        let now = self.s.bank.now().await;
        let config = self.config().await;
        let ib_micros = self.s.node(&worker.node).await.ib_micros;
        PorAttestation {
            config: rewards_config_pda(),
            node: worker.node,
            epoch: config.schedule.epoch_at(now).unwrap(),
            seq,
            ib_micros,
            cumulative_ibm_micros,
            jobs_verified: seq,
            work_root: [seq as u8; 32],
            issued_at: now,
        }
    }

    /// The accounts an epoch-0 attestation for `node` writes, as a refused one must leave them.
    pub async fn attestation_state(&mut self, node: &Pubkey) -> Vec<(u64, Vec<u8>)> {
        let mut accounts = vec![
            epoch_pda(0),
            node_epoch_pda(0, node),
            node_rewards_pda(node),
        ];
        accounts.extend(
            self.verifiers
                .iter()
                .map(|v| verifier_epoch_pda(0, &v.node)),
        );
        self.s.bank.snapshot(&accounts).await
    }

    pub async fn finalize(&mut self, index: u32) -> TxResult {
        let finalize = sdk::finalize_epoch(index, &self.s.ifx());
        self.s.bank.send(&[finalize], &[]).await
    }

    /// The payout the programs require for `node`'s reward of epoch `index`, `holder` holding
    /// its license (the seller is paid instead once the node was bought back).
    async fn payout(&mut self, index: u32, node: &Pubkey, holder: &Pubkey) -> sdk::Payout {
        let state = self.s.node(node).await;
        sdk::Payout::of(&self.s.bank.payer().pubkey(), index, node, &state, holder)
    }

    /// Claims `node`'s worker reward of epoch `index` for the wallet holding its license.
    pub async fn claim_worker(
        &mut self,
        index: u32,
        node: &NodeFixture,
        holder: &Pubkey,
    ) -> TxResult {
        // The tally's rent was paid by the operator who submitted the first attestation.
        let rent_payer = node.operator.pubkey();
        let payout = self.payout(index, &node.node, holder).await;
        let claim = sdk::claim_worker_reward(&payout, &rent_payer, &self.s.ifx());
        self.s.bank.send(&[claim], &[]).await
    }

    pub async fn claim_verifier(&mut self, index: u32, verifier: &NodeFixture) -> TxResult {
        let holder = verifier.owner.pubkey();
        let rent_payer = self.s.bank.payer().pubkey();
        let payout = self.payout(index, &verifier.node, &holder).await;
        let claim = sdk::claim_verifier_reward(&payout, &rent_payer, &self.s.ifx());
        self.s.bank.send(&[claim], &[]).await
    }

    pub async fn withdraw_vested(&mut self, beneficiary: &Keypair, index: u32) -> TxResult {
        let vesting: epoch_rewards::state::Vesting = self
            .s
            .bank
            .anchor_account(&vesting_pda(&beneficiary.pubkey(), index))
            .await;
        let withdraw = sdk::withdraw_vested_reward(
            &beneficiary.pubkey(),
            index,
            &vesting.rent_payer,
            &self.s.ifx(),
        );
        self.s.bank.send(&[withdraw], &[beneficiary]).await
    }
}
