//! node-staking: PDAs, a deployment fixture with nodes backed by real licenses, and the signed
//! messages verifiers co-sign.

use crate::bank::{ata_address, Bank, TxResult, TOKEN_2022_ID};
use crate::license::{license_world, LicenseAuthorities, Referral, SaleFixture};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use inferix_common::ed25519::new_instruction;
use inferix_common::price::PriceRules;
use inferix_sdk::instructions as sdk;
use node_license::state::LicenseKind;
use node_staking::constants::*;
use node_staking::instructions::{
    BenchmarkArgs, InitializeConfigArgs, RegisterNodeArgs, ViolationArgs,
};
use node_staking::state::{Node, PriceSource, StakingConfig, StakingParams};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// IFX has 9 decimals.
pub const IFX: u64 = 1_000_000_000;
pub const IFX_DECIMALS: u8 = 9;

pub fn staking_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: node_staking::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

// The node_staking addresses, from the SDK (one derivation for clients, worker and tests).
pub use inferix_sdk::pda::{
    node as node_pda, penalty_vault as penalty_vault_pda, pushed_price as pushed_price_pda,
    slash_record as slash_pda, stake_vault as stake_vault_pda,
    staking_config as staking_config_pda, unbonding_ticket as ticket_pda,
};

/// The SPEC defaults, with the IFX price pushed by `price_authority` and verifiers needing
/// 1,000 IFX.
pub fn default_staking_params(price_authority: Pubkey, verifier_pool: Pubkey) -> StakingParams {
    StakingParams {
        stake_multiplier: inferix_common::stake::DEFAULT_STAKE_MULTIPLIER,
        epoch_minutes: inferix_common::stake::DEFAULT_EPOCH_MINUTES,
        verifier_min_stake: 1_000 * IFX,
        worker_min_stake: DEFAULT_WORKER_MIN_STAKE,
        min_price_per_ibm_usd_micros: DEFAULT_MIN_PRICE_PER_IBM_USD_MICROS,
        unbonding_secs: DEFAULT_UNBONDING_SECS,
        max_ib_update_micros: DEFAULT_MAX_IB_UPDATE_MICROS,
        quorum: DEFAULT_QUORUM,
        slash_bps: DEFAULT_SLASH_BPS,
        appeal_window_secs: DEFAULT_APPEAL_WINDOW_SECS,
        max_strikes: DEFAULT_MAX_STRIKES,
        max_message_age_secs: DEFAULT_MAX_MESSAGE_AGE_SECS,
        price_source: PriceSource::Pushed,
        price_rules: PriceRules::default(),
        price_authority,
        verifier_pool,
    }
}

/// A node on the bank: its owner, license and accounts.
pub struct NodeFixture {
    pub owner: Keypair,
    pub operator: Keypair,
    pub license_mint: Pubkey,
    pub node: Pubkey,
    pub vault: Pubkey,
}

impl NodeFixture {
    /// Another handle on the same node and keys.
    pub fn clone_keys(&self) -> Self {
        Self {
            owner: self.owner.insecure_clone(),
            operator: self.operator.insecure_clone(),
            license_mint: self.license_mint,
            node: self.node,
            vault: self.vault,
        }
    }
}

/// Both programs deployed, a worker and a verifier sale open, IFX minted by the bank payer.
pub struct StakingWorld {
    pub bank: Bank,
    pub license: LicenseAuthorities,
    pub worker_sale: SaleFixture,
    pub verifier_sale: SaleFixture,
    pub admin: Keypair,
    pub pause_guardian: Keypair,
    pub price_authority: Keypair,
    pub buyback_authority: Keypair,
    pub ifx_mint: Pubkey,
    pub verifier_pool: Pubkey,
}

impl StakingWorld {
    /// A fresh bank with node-license, a worker and a verifier sale in their public windows, and
    /// node-staking deployed.
    pub async fn start() -> Self {
        let (bank, license, worker_sale, verifier_sale) = license_world().await;
        Self::deploy(bank, license, worker_sale, verifier_sale).await
    }

    /// Deploys node-staking on `bank` (whose deployer is its upgrade authority) with the default
    /// parameters, a 9-decimal IFX mint held by the bank payer and IFX pushed at $0.05. Without
    /// epoch-rewards deployed, its penalty-inflow vault is written into the bank as that program
    /// would create it, so released penalties have their only allowed destination.
    pub async fn deploy(
        mut bank: Bank,
        license: LicenseAuthorities,
        worker_sale: SaleFixture,
        verifier_sale: SaleFixture,
    ) -> Self {
        let ifx_mint = bank.create_mint(&anchor_spl::token::ID, IFX_DECIMALS).await;
        let verifier_pool = inferix_sdk::pda::penalty_inflow();
        bank.put_token_account(
            &verifier_pool,
            &ifx_mint,
            &inferix_sdk::pda::rewards_config(),
            &anchor_spl::token::ID,
        );
        Self::deploy_with(
            bank,
            license,
            worker_sale,
            verifier_sale,
            ifx_mint,
            verifier_pool,
        )
        .await
    }

    /// `deploy` with a given IFX mint (held by the bank payer) and verifier pool.
    pub async fn deploy_with(
        mut bank: Bank,
        license: LicenseAuthorities,
        worker_sale: SaleFixture,
        verifier_sale: SaleFixture,
        ifx_mint: Pubkey,
        verifier_pool: Pubkey,
    ) -> Self {
        let admin = bank.deployer.insecure_clone();
        let pause_guardian = bank.new_wallet(1).await;
        let price_authority = bank.new_wallet(1).await;
        let buyback_authority = bank.new_wallet(1).await;
        let ifx = sdk::IfxToken {
            mint: ifx_mint,
            token_program: anchor_spl::token::ID,
        };
        let init = inferix_sdk::admin::staking_initialize_config(
            &admin.pubkey(),
            &ifx,
            InitializeConfigArgs {
                pause_guardian: pause_guardian.pubkey(),
                buyback_authority: buyback_authority.pubkey(),
                managers: vec![test_manager().pubkey()],
                params: default_staking_params(price_authority.pubkey(), verifier_pool),
            },
        );
        bank.send(&[init], &[&admin])
            .await
            .expect("initializing node-staking");
        let mut world = Self {
            bank,
            license,
            worker_sale,
            verifier_sale,
            admin,
            pause_guardian,
            price_authority,
            buyback_authority,
            ifx_mint,
            verifier_pool,
        };
        world
            .push_price(5_000_000, 0, -8)
            .await
            .expect("pushing the IFX price");
        world
    }

    pub async fn push_price(&mut self, price: i64, conf: u64, exponent: i32) -> TxResult {
        let authority = self.price_authority.insecure_clone();
        let push = inferix_sdk::admin::push_price(&authority.pubkey(), price, conf, exponent);
        self.bank.send(&[push], &[&authority]).await
    }

    pub async fn config(&mut self) -> StakingConfig {
        self.bank.anchor_account(&staking_config_pda()).await
    }

    pub async fn node(&mut self, node: &Pubkey) -> Node {
        self.bank.anchor_account(node).await
    }

    pub fn ifx_account(&self, owner: &Pubkey) -> Pubkey {
        ata_address(owner, &self.ifx_mint, &anchor_spl::token::ID)
    }

    /// Mints `amount` IFX base units to `owner`.
    pub async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64) -> Pubkey {
        let mint = self.ifx_mint;
        self.bank
            .fund_tokens(owner, &mint, &anchor_spl::token::ID, amount)
            .await
    }

    /// A wallet that bought a license of `kind`, and that license's mint.
    pub async fn license_holder(&mut self, kind: LicenseKind) -> (Keypair, Pubkey) {
        let owner = self.bank.new_wallet(10).await;
        let mint = self.buy_license(&owner, kind).await;
        (owner, mint)
    }

    /// `owner` buys a license of `kind` (paid with stablecoin minted to it); returns the mint.
    pub async fn buy_license(&mut self, owner: &Keypair, kind: LicenseKind) -> Pubkey {
        let sale = match kind {
            LicenseKind::Worker => self.worker_sale.clone(),
            LicenseKind::Verifier => self.verifier_sale.clone(),
        };
        let usd = 1_000 * 10u64.pow(sale.payment_decimals as u32);
        self.bank
            .fund_tokens(
                &owner.pubkey(),
                &sale.payment_mint,
                &sale.payment_token_program,
                usd,
            )
            .await;
        let (result, mint) = sale
            .buy(&mut self.bank, owner, 1, None, &Referral::None)
            .await;
        result.expect("buying a license");
        mint
    }

    pub fn register_ix(
        &self,
        owner: &Pubkey,
        license_mint: &Pubkey,
        license_account: &Pubkey,
        args: RegisterNodeArgs,
    ) -> Instruction {
        sdk::register_node(owner, license_mint, license_account, &self.ifx(), args)
    }

    /// The deployment's IFX mint and token program, as the SDK takes them.
    pub fn ifx(&self) -> sdk::IfxToken {
        sdk::IfxToken {
            mint: self.ifx_mint,
            token_program: anchor_spl::token::ID,
        }
    }

    /// Buys a license of `kind` and registers its node with a separate operator key.
    pub async fn new_node(
        &mut self,
        kind: LicenseKind,
        price_per_ibm_usd_micros: u64,
    ) -> NodeFixture {
        let owner = self.bank.new_wallet(10).await;
        let operator = self.bank.new_wallet(1).await;
        self.node_of(owner, operator, kind, price_per_ibm_usd_micros)
            .await
    }

    /// An active verifier node bought and staked by `owner`, run by `operator`.
    pub async fn verifier_of(&mut self, owner: &Keypair, operator: &Keypair) -> NodeFixture {
        let verifier = self
            .node_of(
                owner.insecure_clone(),
                operator.insecure_clone(),
                LicenseKind::Verifier,
                0,
            )
            .await;
        let minimum = self.config().await.params.verifier_min_stake;
        self.stake(&verifier, minimum)
            .await
            .expect("staking a verifier");
        verifier
    }

    /// `owner` buys a license of `kind` and registers its node, run by `operator`.
    pub async fn node_of(
        &mut self,
        owner: Keypair,
        operator: Keypair,
        kind: LicenseKind,
        price_per_ibm_usd_micros: u64,
    ) -> NodeFixture {
        let license_mint = self.buy_license(&owner, kind).await;
        let license_account = ata_address(&owner.pubkey(), &license_mint, &TOKEN_2022_ID);
        let args = RegisterNodeArgs {
            operator: Some(operator.pubkey()),
            price_per_ibm_usd_micros,
        };
        let register = self.register_ix(&owner.pubkey(), &license_mint, &license_account, args);
        self.bank
            .send(&[register], &[&owner])
            .await
            .expect("registering a node");
        let node = node_pda(&license_mint);
        NodeFixture {
            owner,
            operator,
            license_mint,
            node,
            vault: stake_vault_pda(&node),
        }
    }

    pub fn stake_ix(&self, node: &NodeFixture, amount: u64) -> Instruction {
        let owner = node.owner.pubkey();
        let owner_ifx = self.ifx_account(&owner);
        sdk::stake(
            &owner,
            &node.node,
            &owner_ifx,
            &self.ifx(),
            &pushed_price_pda(),
            amount,
        )
    }

    /// Funds the owner with `amount` IFX and stakes it.
    pub async fn stake(&mut self, node: &NodeFixture, amount: u64) -> TxResult {
        self.fund_ifx(&node.owner.pubkey(), amount).await;
        let stake = self.stake_ix(node, amount);
        self.bank.send(&[stake], &[&node.owner]).await
    }

    /// An active verifier with the minimum stake.
    pub async fn verifier(&mut self) -> NodeFixture {
        let verifier = self.new_node(LicenseKind::Verifier, 0).await;
        let minimum = self.config().await.params.verifier_min_stake;
        self.stake(&verifier, minimum)
            .await
            .expect("staking a verifier");
        verifier
    }

    /// The admin changes the parameters by `edit`, keeping the other settings.
    pub async fn update_params(&mut self, edit: impl FnOnce(&mut StakingParams)) -> TxResult {
        let config = self.config().await;
        let mut params = config.params;
        edit(&mut params);
        let update = staking_ix(
            node_staking::accounts::ConfigAdmin {
                authority: self.admin.pubkey(),
                config: staking_config_pda(),
            },
            node_staking::instruction::UpdateConfig {
                args: node_staking::instructions::UpdateConfigArgs {
                    pause_guardian: config.pause_guardian,
                    buyback_authority: config.buyback_authority,
                    params,
                },
            },
        );
        let admin = self.admin.insecure_clone();
        self.bank.send(&[update], &[&admin]).await
    }

    /// The admin's reversal of the slash with `evidence_hash`, naming what the program needs to
    /// return it to its staker: the slash's sealed era when the staker no longer owns the node,
    /// and the staker's IFX account when none of their tickets is left.
    pub async fn reverse_slash_ix(&mut self, evidence_hash: &[u8; 32]) -> Instruction {
        let record: node_staking::state::SlashRecord =
            self.bank.anchor_account(&slash_pda(evidence_hash)).await;
        let node = self.node(&record.node).await;
        let (stake_era, tickets_left) = if record.era == node.era {
            let retired = node.status == node_staking::state::NodeStatus::Retired;
            (None, !retired || node.unbonding.shares > 0)
        } else {
            let address = inferix_sdk::pda::stake_era(&record.node, record.era);
            let era: node_staking::state::StakeEra = self.bank.anchor_account(&address).await;
            (Some(address), era.unbonding.shares > 0)
        };
        let staker_ifx = (!tickets_left).then(|| self.ifx_account(&record.staker));
        inferix_sdk::admin::reverse_slash(
            &self.admin.pubkey(),
            &record.node,
            evidence_hash,
            &self.ifx(),
            stake_era,
            staker_ifx,
        )
    }

    /// Sells `node`'s license to a new wallet, the clock moved to when its transfer lock runs out
    /// (at least); returns the buyer, who has not taken the node over yet.
    pub async fn sell_license(&mut self, node: &NodeFixture) -> Keypair {
        let buyer = self.bank.new_wallet(1).await;
        self.transfer_license(node, &buyer.pubkey()).await;
        buyer
    }

    /// Moves `node`'s license to `new_holder` (a wallet or a program address), unlocking it first
    /// if needed, the clock moved to when its transfer lock runs out.
    pub async fn transfer_license(&mut self, node: &NodeFixture, new_holder: &Pubkey) {
        let record: node_license::state::LicenseRecord = self
            .bank
            .anchor_account(&crate::license_record_pda(&node.license_mint))
            .await;
        if record.locked {
            if self.bank.now().await < record.unlocks_at {
                self.bank.set_time(record.unlocks_at).await;
            }
            let unlock = crate::unlock_license_ix(&node.license_mint, &node.owner.pubkey());
            self.bank.send(&[unlock], &[]).await.expect("unlocking");
        }
        let destination = self
            .bank
            .ata(new_holder, &node.license_mint, &TOKEN_2022_ID)
            .await;
        let source = ata_address(&node.owner.pubkey(), &node.license_mint, &TOKEN_2022_ID);
        let sell = spl_token_2022_interface::instruction::transfer_checked(
            &TOKEN_2022_ID,
            &source,
            &node.license_mint,
            &destination,
            &node.owner.pubkey(),
            &[],
            1,
            0,
        )
        .expect("a transfer instruction");
        self.bank
            .send(&[sell], &[&node.owner])
            .await
            .expect("selling");
    }

    /// `new_owner`, holding the license, takes the node over; returns the previous owner's ticket.
    pub async fn take_over(&mut self, node: &Pubkey, new_owner: &Keypair) -> (TxResult, Pubkey) {
        let state = self.node(node).await;
        let ticket = inferix_sdk::pda::take_over_ticket(node, state.next_take_over_ticket_id);
        let take_over = sdk::take_over(
            &new_owner.pubkey(),
            &state.license_mint,
            state.next_take_over_ticket_id,
            state.era,
        );
        (self.bank.send(&[take_over], &[new_owner]).await, ticket)
    }

    pub async fn unstake(&mut self, node: &NodeFixture, amount: u64) -> (TxResult, Pubkey) {
        let next_ticket_id = self.node(&node.node).await.next_ticket_id;
        let ticket = ticket_pda(&node.node, next_ticket_id);
        let owner = node.owner.pubkey();
        let unstake = sdk::unstake(
            &owner,
            &node.node,
            next_ticket_id,
            &pushed_price_pda(),
            amount,
        );
        (self.bank.send(&[unstake], &[&node.owner]).await, ticket)
    }

    pub async fn withdraw(&mut self, node: &Pubkey, ticket: &Pubkey, staker: &Keypair) -> TxResult {
        let state: node_staking::state::UnbondingTicket = self.bank.anchor_account(ticket).await;
        let stake_era = inferix_sdk::pda::ticket_stake_era(node, &self.node(node).await, &state);
        let staker_ifx = self
            .bank
            .ata(
                &staker.pubkey(),
                &self.ifx_mint.clone(),
                &anchor_spl::token::ID,
            )
            .await;
        let withdraw = sdk::withdraw(
            &staker.pubkey(),
            node,
            ticket,
            &state.rent_payer,
            stake_era,
            &staker_ifx,
            &self.ifx(),
        );
        self.bank.send(&[withdraw], &[staker]).await
    }

    /// Releases a matured slash to the configured verifier pool (permissionless).
    pub fn release_penalty_ix(&self, evidence_hash: &[u8; 32]) -> Instruction {
        sdk::release_penalty(evidence_hash, &self.verifier_pool, &self.ifx())
    }

    pub fn refresh_ix(&self, node: &Pubkey) -> Instruction {
        sdk::refresh_node(node, &pushed_price_pda())
    }

    /// The update_ib instruction for `args`, with `verifiers` as remaining accounts.
    pub fn update_ib_ix(
        &self,
        node: &Pubkey,
        args: BenchmarkArgs,
        verifiers: &[Pubkey],
    ) -> Instruction {
        sdk::update_ib(node, &pushed_price_pda(), args, verifiers)
    }

    /// `stake_era`: the sealed era the violation was issued in (before the last take-over).
    pub fn report_violation_ix(
        &self,
        node: &Pubkey,
        args: ViolationArgs,
        stake_era: Option<u32>,
        verifiers: &[Pubkey],
    ) -> Instruction {
        let payer = self.bank.payer().pubkey();
        let stake_era = stake_era.map(|era| inferix_sdk::pda::stake_era(node, era));
        sdk::report_violation(&payer, node, &self.ifx(), args, stake_era, verifiers)
    }

    /// A benchmark of `ib_micros` for `node`, signed by `verifiers`' operators, submitted now.
    pub async fn benchmark(
        &mut self,
        node: &Pubkey,
        ib_micros: u64,
        verifiers: &[&NodeFixture],
    ) -> TxResult {
        let issued_at = self.bank.now().await;
        let args = BenchmarkArgs {
            ib_micros,
            scene_set_hash: [1; 32],
            issued_at,
        };
        let message = benchmark_message(node, &args);
        let signers: Vec<&Keypair> = verifiers.iter().map(|v| &v.operator).collect();
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        let instructions = [
            co_signed(&message, &signers),
            self.update_ib_ix(node, args, &keys),
        ];
        self.bank.send(&instructions, &[]).await
    }

    /// A violation of `kind` by `node` with fresh evidence, signed by `verifiers`' operators.
    pub async fn violation(
        &mut self,
        node: &Pubkey,
        kind: u8,
        evidence_hash: [u8; 32],
        verifiers: &[&NodeFixture],
    ) -> TxResult {
        let issued_at = self.bank.now().await;
        let issued = ViolationIssued {
            issued_at,
            stake_era: None,
        };
        self.violation_issued(node, kind, evidence_hash, issued, verifiers)
            .await
    }

    /// A violation issued at `issued.issued_at`, naming the sealed era it falls into, if any.
    pub async fn violation_issued(
        &mut self,
        node: &Pubkey,
        kind: u8,
        evidence_hash: [u8; 32],
        issued: ViolationIssued,
        verifiers: &[&NodeFixture],
    ) -> TxResult {
        let ViolationIssued {
            issued_at,
            stake_era,
        } = issued;
        let args = ViolationArgs {
            epoch: 1,
            kind,
            evidence_hash,
            issued_at,
        };
        let message = violation_message(node, &args);
        let signers: Vec<&Keypair> = verifiers.iter().map(|v| &v.operator).collect();
        let keys: Vec<Pubkey> = verifiers.iter().map(|v| v.node).collect();
        let instructions = [
            co_signed(&message, &signers),
            self.report_violation_ix(node, args, stake_era, &keys),
        ];
        self.bank.send(&instructions, &[]).await
    }
}

/// When a violation was issued, and the sealed stake era that time falls into (if before the
/// node's last take-over).
#[derive(Clone, Copy, Debug)]
pub struct ViolationIssued {
    pub issued_at: i64,
    pub stake_era: Option<u32>,
}

pub use inferix_sdk::signed::{benchmark_message, violation_message};

/// The manager key every test deployment registers in epoch-rewards and node-staking.
pub fn test_manager() -> Keypair {
    Keypair::new_from_array([0x4d; 32])
}

/// The precompile instruction of `message` vouched for as SPEC §10 requires: signed by the
/// test manager, then by `verifier_operators` in order.
pub fn co_signed(message: &[u8], verifier_operators: &[&Keypair]) -> Instruction {
    let manager = test_manager();
    let mut signers = vec![&manager];
    signers.extend_from_slice(verifier_operators);
    signed_by(message, &signers)
}

/// The Ed25519 precompile instruction carrying exactly `signers`' signatures over `message`.
pub fn signed_by(message: &[u8], signers: &[&Keypair]) -> Instruction {
    let signatures: Vec<(Pubkey, [u8; 64])> = signers
        .iter()
        .map(|k| (k.pubkey(), k.sign_message(message).into()))
        .collect();
    new_instruction(&signatures, message).expect("a valid precompile instruction")
}
