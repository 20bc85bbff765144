//! Instruction builders. Each returns the program instruction; signed messages go after the
//! precompile instruction from [`crate::signed::co_signed`].

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use node_license::instructions::{PurchaseLicenseArgs, WhitelistProof};
use node_staking::instructions::{BenchmarkArgs, RegisterNodeArgs, ViolationArgs};

use crate::pda;

pub(crate) fn build(
    program_id: Pubkey,
    accounts: impl ToAccountMetas,
    data: impl InstructionData,
) -> Instruction {
    Instruction {
        program_id,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// A mint and its token program: the deployment's IFX (from the staking config), or wETH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IfxToken {
    pub mint: Pubkey,
    pub token_program: Pubkey,
}

/// `node_staking::register_node`: binds a node to a license `owner` holds in `license_account`.
pub fn register_node(
    owner: &Pubkey,
    license_mint: &Pubkey,
    license_account: &Pubkey,
    ifx: &IfxToken,
    args: RegisterNodeArgs,
) -> Instruction {
    let node = pda::node(license_mint);
    build(
        node_staking::ID,
        node_staking::accounts::RegisterNode {
            owner: *owner,
            config: pda::staking_config(),
            license_record: pda::license_record(license_mint),
            license_mint: *license_mint,
            license_account: *license_account,
            node,
            stake_vault: pda::stake_vault(&node),
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::RegisterNode { args },
    )
}

/// `node_staking::stake`: moves `amount` IFX from the owner's `owner_ifx` account into the
/// node's vault; `price` is the deployment's IFX price account.
pub fn stake(
    owner: &Pubkey,
    node: &Pubkey,
    owner_ifx: &Pubkey,
    ifx: &IfxToken,
    price: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::Stake {
            owner: *owner,
            config: pda::staking_config(),
            node: *node,
            stake_vault: pda::stake_vault(node),
            owner_ifx: *owner_ifx,
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
            price: *price,
        },
        node_staking::instruction::Stake { amount },
    )
}

/// `node_staking::unstake`: starts unbonding `amount`; `next_ticket_id` is the node's counter,
/// which names the new ticket.
pub fn unstake(
    owner: &Pubkey,
    node: &Pubkey,
    next_ticket_id: u64,
    price: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::Unstake {
            owner: *owner,
            config: pda::staking_config(),
            node: *node,
            ticket: pda::unbonding_ticket(node, next_ticket_id),
            price: *price,
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::Unstake { amount },
    )
}

/// `node_staking::withdraw`: pays out an unbonded ticket to its staker and returns the ticket's
/// rent to whoever paid it. `stake_era`: the ticket's sealed era (`pda::ticket_stake_era`).
pub fn withdraw(
    staker: &Pubkey,
    node: &Pubkey,
    ticket: &Pubkey,
    rent_payer: &Pubkey,
    stake_era: Option<Pubkey>,
    staker_ifx: &Pubkey,
    ifx: &IfxToken,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::Withdraw {
            staker: *staker,
            config: pda::staking_config(),
            node: *node,
            ticket: *ticket,
            rent_payer: *rent_payer,
            stake_era,
            stake_vault: pda::stake_vault(node),
            staker_ifx: *staker_ifx,
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        node_staking::instruction::Withdraw {},
    )
}

/// `node_staking::update_node`: the owner sets the operator key, the price per IBM (which moves
/// S(n)) or leaves/rejoins the active set; `price` is the deployment's IFX price account.
pub fn update_node(
    owner: &Pubkey,
    node: &Pubkey,
    price: &Pubkey,
    args: node_staking::instructions::UpdateNodeArgs,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::NodeOwner {
            owner: *owner,
            config: pda::staking_config(),
            node: *node,
            price: *price,
        },
        node_staking::instruction::UpdateNode { args },
    )
}

/// `node_staking::refresh_node` (permissionless): re-checks a node's stake against S(n) at the
/// current IFX price.
pub fn refresh_node(node: &Pubkey, price: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::RefreshNode {
            config: pda::staking_config(),
            node: *node,
            price: *price,
        },
        node_staking::instruction::RefreshNode {},
    )
}

/// `node_staking::release_penalty` (permissionless, after the appeal window): a slash's IFX to
/// the verifier pool.
pub fn release_penalty(
    evidence_hash: &[u8; 32],
    verifier_pool: &Pubkey,
    ifx: &IfxToken,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::ReleasePenalty {
            config: pda::staking_config(),
            slash_record: pda::slash_record(evidence_hash),
            penalty_vault: pda::penalty_vault(),
            verifier_pool: *verifier_pool,
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        node_staking::instruction::ReleasePenalty {},
    )
}

/// `node_staking::take_over`: the new holder of a license becomes its node's owner; the former
/// owner's stake starts unbonding under the node's `next_take_over_ticket_id`, and their pool is
/// sealed into the node's current `era`.
pub fn take_over(
    new_owner: &Pubkey,
    license_mint: &Pubkey,
    ticket_id: u64,
    era: u32,
) -> Instruction {
    let node = pda::node(license_mint);
    build(
        node_staking::ID,
        node_staking::accounts::TakeOver {
            new_owner: *new_owner,
            config: pda::staking_config(),
            node,
            license_account: pda::associated_token(
                new_owner,
                license_mint,
                &anchor_spl::token_2022::ID,
            ),
            ticket: pda::take_over_ticket(&node, ticket_id),
            stake_era: pda::stake_era(&node, era),
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::TakeOver {},
    )
}

/// `node_license::unlock_license` (permissionless, once the transfer lock has run out).
pub fn unlock_license(license_mint: &Pubkey, holder: &Pubkey) -> Instruction {
    build(
        node_license::ID,
        crate::admin::license_holding(license_mint, holder),
        node_license::instruction::UnlockLicense {},
    )
}

/// `epoch_rewards::submit_attestation`: credits the node's verified IBM of `epoch`. The node's
/// `operator` pays and signs the transaction (SPEC §10). Remaining accounts: each co-signing
/// verifier node and its credit account for the epoch, in signature order after the manager.
pub fn submit_attestation(
    operator: &Pubkey,
    node: &Pubkey,
    epoch: u32,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        epoch_rewards::ID,
        epoch_rewards::accounts::SubmitAttestation {
            payer: *operator,
            config: pda::rewards_config(),
            epoch: pda::epoch(epoch),
            node: *node,
            node_rewards: pda::node_rewards(node),
            node_epoch: pda::node_epoch(epoch, node),
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
            system_program: anchor_lang::system_program::ID,
        },
        epoch_rewards::instruction::SubmitAttestation { epoch_index: epoch },
    );
    for verifier in verifiers {
        ix.accounts
            .push(AccountMeta::new_readonly(*verifier, false));
        ix.accounts.push(AccountMeta::new(
            pda::verifier_epoch(epoch, verifier),
            false,
        ));
    }
    ix
}

/// `node_staking::update_ib` from a `Benchmark` signed by a manager and verifiers. `price` is the deployment's
/// IFX price account (Pyth or pushed), read when the node's minimum stake must be re-checked.
pub fn update_ib(
    node: &Pubkey,
    price: &Pubkey,
    args: BenchmarkArgs,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        node_staking::ID,
        node_staking::accounts::UpdateIb {
            config: pda::staking_config(),
            node: *node,
            price: *price,
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
        },
        node_staking::instruction::UpdateIb { args },
    );
    ix.accounts.extend(
        verifiers
            .iter()
            .map(|v| AccountMeta::new_readonly(*v, false)),
    );
    ix
}

/// `node_staking::report_violation` from a `Violation` signed by a manager and verifiers;
/// `stake_era` is the sealed era the violation was issued in, when it was issued before the node's
/// last take-over.
pub fn report_violation(
    payer: &Pubkey,
    node: &Pubkey,
    ifx: &IfxToken,
    args: ViolationArgs,
    stake_era: Option<Pubkey>,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        node_staking::ID,
        node_staking::accounts::ReportViolation {
            payer: *payer,
            config: pda::staking_config(),
            node: *node,
            slash_record: pda::slash_record(&args.evidence_hash),
            stake_era,
            stake_vault: pda::stake_vault(node),
            penalty_vault: pda::penalty_vault(),
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::ReportViolation { args },
    );
    ix.accounts.extend(
        verifiers
            .iter()
            .map(|v| AccountMeta::new_readonly(*v, false)),
    );
    ix
}

/// `epoch_rewards::open_verifier_epoch`: opens a verifier's credit account for epoch `epoch`.
pub fn open_verifier_epoch(payer: &Pubkey, verifier: &Pubkey, epoch: u32) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::OpenVerifierEpoch {
            payer: *payer,
            config: pda::rewards_config(),
            epoch: pda::epoch(epoch),
            verifier: *verifier,
            verifier_rewards: pda::node_rewards(verifier),
            verifier_epoch: pda::verifier_epoch(epoch, verifier),
            system_program: anchor_lang::system_program::ID,
        },
        epoch_rewards::instruction::OpenVerifierEpoch { epoch_index: epoch },
    )
}

/// `epoch_rewards::finalize_epoch` (permissionless, after the epoch's end plus the grace).
pub fn finalize_epoch(epoch: u32, ifx: &IfxToken) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::FinalizeEpoch {
            config: pda::rewards_config(),
            epoch: pda::epoch(epoch),
            reward_vault: pda::reward_vault(),
            penalty_inflow: pda::penalty_inflow(),
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        epoch_rewards::instruction::FinalizeEpoch {},
    )
}

/// Who is paid for which node's reward of `epoch`: the license holder (whose license NFT is in
/// their associated Token-2022 account), or for a bought-back node the owner who sold it (no
/// license account then); `payer` funds the recipient's vesting account if needed.
#[derive(Clone, Copy, Debug)]
pub struct Payout {
    pub payer: Pubkey,
    pub epoch: u32,
    pub node: Pubkey,
    pub license_mint: Pubkey,
    pub recipient: Pubkey,
    pub holds_license: bool,
}

impl Payout {
    /// The payout of `node`'s reward of `epoch` as the programs require it: to `holder` of its
    /// license, unless the node is retired (bought back), when its owner, the seller, is paid.
    pub fn of(
        payer: &Pubkey,
        epoch: u32,
        node_address: &Pubkey,
        node: &node_staking::state::Node,
        holder: &Pubkey,
    ) -> Self {
        let retired = node.status == node_staking::state::NodeStatus::Retired;
        Self {
            payer: *payer,
            epoch,
            node: *node_address,
            license_mint: node.license_mint,
            recipient: if retired { node.owner } else { *holder },
            holds_license: !retired,
        }
    }
}

fn payout_accounts(p: &Payout, ifx: &IfxToken) -> epoch_rewards::accounts::RewardPayout {
    epoch_rewards::accounts::RewardPayout {
        payer: p.payer,
        config: pda::rewards_config(),
        epoch: pda::epoch(p.epoch),
        node: p.node,
        license_account: p.holds_license.then(|| {
            pda::associated_token(&p.recipient, &p.license_mint, &anchor_spl::token_2022::ID)
        }),
        recipient: p.recipient,
        recipient_ifx: pda::associated_token(&p.recipient, &ifx.mint, &ifx.token_program),
        vesting: pda::vesting(&p.recipient, p.epoch),
        reward_vault: pda::reward_vault(),
        vesting_vault: pda::vesting_vault(),
        ifx_mint: ifx.mint,
        ifx_token_program: ifx.token_program,
        associated_token_program: anchor_spl::associated_token::ID,
        system_program: anchor_lang::system_program::ID,
    }
}

/// `epoch_rewards::claim_worker_reward` (permissionless): `rent_payer` is who opened the node's
/// epoch tally, refunded as it closes.
pub fn claim_worker_reward(payout: &Payout, rent_payer: &Pubkey, ifx: &IfxToken) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::ClaimWorkerReward {
            payout: payout_accounts(payout, ifx),
            node_epoch: pda::node_epoch(payout.epoch, &payout.node),
            rent_payer: *rent_payer,
        },
        epoch_rewards::instruction::ClaimWorkerReward {},
    )
}

/// `epoch_rewards::claim_verifier_reward` (permissionless); `rent_payer` opened the verifier's
/// epoch credit account.
pub fn claim_verifier_reward(payout: &Payout, rent_payer: &Pubkey, ifx: &IfxToken) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::ClaimVerifierReward {
            payout: payout_accounts(payout, ifx),
            verifier_epoch: pda::verifier_epoch(payout.epoch, &payout.node),
            verifier_rewards: pda::node_rewards(&payout.node),
            rent_payer: *rent_payer,
        },
        epoch_rewards::instruction::ClaimVerifierReward {},
    )
}

/// `epoch_rewards::withdraw_vested`: the beneficiary takes what has vested of epoch `epoch`'s
/// rewards; `rent_payer` funded the vesting account (refunded when it empties).
pub fn withdraw_vested_reward(
    beneficiary: &Pubkey,
    epoch: u32,
    rent_payer: &Pubkey,
    ifx: &IfxToken,
) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::WithdrawVested {
            beneficiary: *beneficiary,
            config: pda::rewards_config(),
            vesting: pda::vesting(beneficiary, epoch),
            vesting_vault: pda::vesting_vault(),
            beneficiary_ifx: pda::associated_token(beneficiary, &ifx.mint, &ifx.token_program),
            rent_payer: *rent_payer,
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        epoch_rewards::instruction::WithdrawVested {},
    )
}

/// A holder selling a license back (the buyback starts the stake's unbonding under the node's
/// retirement ticket).
#[derive(Clone, Copy, Debug)]
pub struct BuybackLicense {
    pub holder: Pubkey,
    pub license_mint: Pubkey,
}

fn buyback_common(b: &BuybackLicense) -> buyback_vault::accounts::BuybackCommon {
    let authority = pda::buyback_authority();
    let token_2022 = anchor_spl::token_2022::ID;
    let node = pda::node(&b.license_mint);
    buyback_vault::accounts::BuybackCommon {
        holder: b.holder,
        config: pda::buyback_config(),
        authority,
        license_mint: b.license_mint,
        license_record: pda::license_record(&b.license_mint),
        holder_license_account: pda::associated_token(&b.holder, &b.license_mint, &token_2022),
        custody_account: pda::associated_token(&authority, &b.license_mint, &token_2022),
        license_config: pda::license_config(),
        node,
        staking_config: pda::staking_config(),
        ticket: pda::retirement_ticket(&node),
        rewards_config: pda::rewards_config(),
        node_rewards: pda::node_rewards(&node),
        bought_back: pda::bought_back(&b.license_mint),
        license_token_program: token_2022,
        node_license_program: node_license::ID,
        node_staking_program: node_staking::ID,
        associated_token_program: anchor_spl::associated_token::ID,
        system_program: anchor_lang::system_program::ID,
    }
}

/// `buyback_vault::buyback_ifx` (option 1: 100 % of the price paid in IFX, vesting); refuses to
/// pay less than `min_amount_out`. `ifx_price` is the deployment's IFX price account.
pub fn buyback_ifx(
    b: &BuybackLicense,
    ifx_mint: &Pubkey,
    ifx_price: &Pubkey,
    min_amount_out: u64,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_vault::accounts::BuybackIfx {
            common: buyback_common(b),
            vesting: pda::buyback_vesting(&b.license_mint),
            ifx_vault: pda::buyback_ifx_vault(),
            ifx_mint: *ifx_mint,
            ifx_price: *ifx_price,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::BuybackIfx { min_amount_out },
    )
}

/// `buyback_vault::buyback_weth` (option 2: 80 % of the price paid in wETH, at once) into the
/// holder's associated wETH account; refuses to pay less than `min_amount_out`.
pub fn buyback_weth(
    b: &BuybackLicense,
    weth_mint: &Pubkey,
    weth_token_program: &Pubkey,
    eth_price: &Pubkey,
    min_amount_out: u64,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_vault::accounts::BuybackWeth {
            common: buyback_common(b),
            weth_vault: pda::buyback_weth_vault(),
            holder_weth: pda::associated_token(&b.holder, weth_mint, weth_token_program),
            weth_mint: *weth_mint,
            weth_token_program: *weth_token_program,
            eth_price: *eth_price,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::BuybackWeth { min_amount_out },
    )
}

/// `buyback_vault::withdraw_vested`: the holder takes what has vested of a license's IFX buyback.
pub fn withdraw_vested_buyback(
    beneficiary: &Pubkey,
    license_mint: &Pubkey,
    ifx: &IfxToken,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_vault::accounts::WithdrawVested {
            beneficiary: *beneficiary,
            config: pda::buyback_config(),
            vesting: pda::buyback_vesting(license_mint),
            ifx_vault: pda::buyback_ifx_vault(),
            beneficiary_ifx: pda::associated_token(beneficiary, &ifx.mint, &ifx.token_program),
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        buyback_vault::instruction::WithdrawVested {},
    )
}

/// A license sale as a buyer's transaction needs it (from the sale account).
#[derive(Clone, Copy, Debug)]
pub struct SaleAccounts {
    pub sale: Pubkey,
    pub payment_mint: Pubkey,
    pub payment_token_program: Pubkey,
    pub treasury: Pubkey,
}

/// The referral a purchase presents.
#[derive(Clone, Debug)]
pub enum Referral {
    None,
    /// A user code: the referrer's wallet and the mint of the license it holds (the referrer
    /// earns its commission in the sale's payment token).
    User {
        referrer: Pubkey,
        license_mint: Pubkey,
    },
    /// A partner code and the wallet that receives its commission.
    Partner {
        code: String,
        receiver: Pubkey,
    },
}

/// The accounts of `node_license::purchase_license` of the new license `license_mint` (a fresh
/// keypair that signs) by `buyer`, paying from and earning commission into associated accounts.
pub fn purchase_license_accounts(
    sale: &SaleAccounts,
    buyer: &Pubkey,
    license_mint: &Pubkey,
    referral: &Referral,
) -> node_license::accounts::PurchaseLicense {
    let token_2022 = anchor_spl::token_2022::ID;
    let payment_account = |wallet: &Pubkey| {
        pda::associated_token(wallet, &sale.payment_mint, &sale.payment_token_program)
    };
    let mut accounts = node_license::accounts::PurchaseLicense {
        buyer: *buyer,
        config: pda::license_config(),
        sale: sale.sale,
        wallet_purchases: pda::wallet_purchases(&sale.sale, buyer),
        license_mint: *license_mint,
        license_record: pda::license_record(license_mint),
        buyer_license_account: pda::associated_token(buyer, license_mint, &token_2022),
        payment_mint: sale.payment_mint,
        buyer_payment_account: payment_account(buyer),
        treasury: sale.treasury,
        referrer_license: None,
        referrer_license_account: None,
        partner_code: None,
        commission_account: None,
        payment_token_program: sale.payment_token_program,
        license_token_program: token_2022,
        associated_token_program: anchor_spl::associated_token::ID,
        system_program: anchor_lang::system_program::ID,
    };
    match referral {
        Referral::None => {}
        Referral::User {
            referrer,
            license_mint,
        } => {
            accounts.referrer_license = Some(pda::license_record(license_mint));
            accounts.referrer_license_account =
                Some(pda::associated_token(referrer, license_mint, &token_2022));
            accounts.commission_account = Some(payment_account(referrer));
        }
        Referral::Partner { code, receiver } => {
            accounts.partner_code = Some(pda::partner_code(code));
            accounts.commission_account = Some(payment_account(receiver));
        }
    }
    accounts
}

/// `node_license::purchase_license` of one license of `tier`, with a whitelist proof during the
/// whitelist window.
pub fn purchase_license(
    sale: &SaleAccounts,
    buyer: &Pubkey,
    license_mint: &Pubkey,
    tier: u8,
    whitelist: Option<WhitelistProof>,
    referral: &Referral,
) -> Instruction {
    build(
        node_license::ID,
        purchase_license_accounts(sale, buyer, license_mint, referral),
        node_license::instruction::PurchaseLicense {
            args: PurchaseLicenseArgs { tier, whitelist },
        },
    )
}
