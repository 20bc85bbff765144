//! buyback-vault under solana-program-test, following SPEC §6 and the quality bars of §9.

#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use buyback_vault::errors::BuybackError;
use buyback_vault::state::{BoughtBack, BuybackVesting, Custody};
use epoch_rewards::errors::RewardsError;
use inferix_common::price::{VerificationLevel, PYTH_RECEIVER_PROGRAM_ID};
use inferix_common::CommonError;
use inferix_tests::*;
use node_license::errors::LicenseError;
use node_license::state::LicenseKind;
use node_staking::errors::StakingError;
use node_staking::state::NodeStatus;
use solana_keypair::Keypair;
use solana_signer::Signer;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const EPOCH: i64 = 72 * HOUR;
/// IFX $0.05 and ETH $2,500, both exact (conf 0), ×10⁻⁸.
const IFX_PRICE: i64 = 5_000_000;
const ETH_PRICE: i64 = 250_000_000_000;
/// $300 paid → 6,000 IFX (9 decimals) or 80 % = $240 → 0.096 wETH (8 decimals).
const IFX_PAYOUT: u64 = 6_000 * IFX;
const WETH_PAYOUT: u64 = 9_600_000;

/// A world whose window opens 20 h into epoch 0, with `n` workers that participated in epoch 0,
/// funded vaults, the clock at the window's opening and fresh prices.
async fn open_window(n: usize) -> (BuybackWorld, Vec<NodeFixture>) {
    let mut bw = BuybackWorld::start(20 * HOUR).await;
    bw.fund(1_000_000 * IFX, 100_000_000).await;
    let workers = bw.participating_workers(n).await;
    let start = bw.window_start;
    bw.bank().set_time(start).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    (bw, workers)
}

/// Everything a refused buyback must leave untouched.
async fn snapshot(bw: &mut BuybackWorld, worker: &NodeFixture) -> Vec<(u64, Vec<u8>)> {
    let holding = ata_address(&worker.owner.pubkey(), &worker.license_mint, &TOKEN_2022_ID);
    let accounts = [
        holding,
        worker.node,
        license_record_pda(&worker.license_mint),
        ifx_vault_pda(),
        weth_vault_pda(),
        buyback_config_pda(),
        bought_back_pda(&worker.license_mint),
        ata_address(
            &worker.owner.pubkey(),
            &bw.weth_mint,
            &anchor_spl::token::ID,
        ),
    ];
    bw.bank().snapshot(&accounts).await
}

async fn assert_refused(
    bw: &mut BuybackWorld,
    worker: &NodeFixture,
    weth: bool,
    min_out: u64,
    expected: impl Into<u32> + std::fmt::Debug + Copy,
) {
    let before = snapshot(bw, worker).await;
    let result = if weth {
        bw.buyback_weth(&worker.owner, worker, min_out).await
    } else {
        bw.buyback_ifx(&worker.owner, worker, min_out).await
    };
    assert_error(&result, expected);
    assert_eq!(snapshot(bw, worker).await, before, "nothing moved");
}

// ---------------------------------------------------------------- the two options

#[tokio::test]
async fn ifx_option_pays_the_full_price_vesting_over_thirty_days() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    let holder = worker.owner.insecure_clone();
    bw.buyback_ifx(&holder, worker, IFX_PAYOUT).await.unwrap();

    // The license is in custody, its lock released; its node retired with the stake unbonding.
    let custody = ata_address(
        &buyback_vault::buyback_authority(),
        &worker.license_mint,
        &TOKEN_2022_ID,
    );
    assert_eq!(bw.bank().token_balance(&custody).await, 1);
    let record: node_license::state::LicenseRecord = bw
        .bank()
        .anchor_account(&license_record_pda(&worker.license_mint))
        .await;
    assert!(!record.locked);
    let node = bw.r.s.node(&worker.node).await;
    assert_eq!((node.status, node.stake), (NodeStatus::Retired, 0));
    assert!(node.unbonding.amount > 0);
    let bought: BoughtBack = bw
        .bank()
        .anchor_account(&bought_back_pda(&worker.license_mint))
        .await;
    assert_eq!(
        (
            bought.option,
            bought.amount,
            bought.price_paid_usd,
            bought.custody
        ),
        (0, IFX_PAYOUT, 300 * USD, Custody::InCustody)
    );
    assert_eq!(bw.config().await.ifx_reserved, IFX_PAYOUT);

    // Vesting: half at 15 days, the rest at 30, summing exactly.
    let start = bw.bank().now().await;
    bw.bank().set_time(start + 15 * DAY).await;
    bw.withdraw_vested(&holder, &worker.license_mint)
        .await
        .unwrap();
    assert_eq!(bw.r.ifx_balance(&holder.pubkey()).await, IFX_PAYOUT / 2);
    bw.bank().set_time(start + 30 * DAY - 1).await;
    bw.withdraw_vested(&holder, &worker.license_mint)
        .await
        .unwrap();
    let vesting: BuybackVesting = bw
        .bank()
        .anchor_account(&buyback_vesting_pda(&worker.license_mint))
        .await;
    assert_eq!(
        vesting.withdrawn,
        IFX_PAYOUT - IFX_PAYOUT.div_ceil(30 * DAY as u64),
        "floor of total × (D − 1) / D"
    );
    bw.bank().set_time(start + 30 * DAY).await;
    bw.withdraw_vested(&holder, &worker.license_mint)
        .await
        .unwrap();
    assert_eq!(bw.r.ifx_balance(&holder.pubkey()).await, IFX_PAYOUT);
    assert!(bw
        .bank()
        .account(&buyback_vesting_pda(&worker.license_mint))
        .await
        .is_none());
    assert_eq!(bw.config().await.ifx_reserved, 0);
    assert_eq!(
        bw.bank().token_balance(&ifx_vault_pda()).await,
        1_000_000 * IFX - IFX_PAYOUT
    );
}

#[tokio::test]
async fn weth_option_pays_eighty_percent_at_once() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    bw.buyback_weth(&worker.owner, worker, WETH_PAYOUT)
        .await
        .unwrap();
    let weth = ata_address(
        &worker.owner.pubkey(),
        &bw.weth_mint,
        &anchor_spl::token::ID,
    );
    assert_eq!(bw.bank().token_balance(&weth).await, WETH_PAYOUT);
    assert_eq!(
        bw.bank().token_balance(&weth_vault_pda()).await,
        100_000_000 - WETH_PAYOUT
    );
}

#[tokio::test]
async fn payouts_take_the_confidence_side_against_the_holder() {
    let (mut bw, workers) = open_window(2).await;
    // IFX $0.05 ± $0.0001 → $0.0501: 5,988.023952095… IFX, rounded down.
    // ETH $2,500 ± $1 → $2,501: $240 → 0.09596161… wETH, rounded down.
    bw.prices(IFX_PRICE, 10_000, ETH_PRICE, 100_000_000).await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    let vesting: BuybackVesting = bw
        .bank()
        .anchor_account(&buyback_vesting_pda(&workers[0].license_mint))
        .await;
    assert_eq!(vesting.total, 5_988_023_952_095);
    bw.buyback_weth(&workers[1].owner, &workers[1], 0)
        .await
        .unwrap();
    let weth = ata_address(
        &workers[1].owner.pubkey(),
        &bw.weth_mint,
        &anchor_spl::token::ID,
    );
    assert_eq!(bw.bank().token_balance(&weth).await, 9_596_161);
}

// ---------------------------------------------------------------- window

#[tokio::test]
async fn the_window_opens_at_its_start_and_closes_at_its_end() {
    let (mut bw, workers) = open_window(2).await;
    let start = bw.window_start;
    bw.bank().set_time(start - 1).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    assert_refused(&mut bw, &workers[0], false, 0, BuybackError::WindowClosed).await;
    bw.bank().set_time(start).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    bw.bank().set_time(start + 7 * DAY).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    assert_refused(&mut bw, &workers[1], true, 0, BuybackError::WindowClosed).await;
}

// ---------------------------------------------------------------- eligibility

#[tokio::test]
async fn a_license_the_signer_does_not_hold_is_refused() {
    let (mut bw, workers) = open_window(1).await;
    let thief = bw.bank().new_wallet(1).await;
    let mut ix = bw.buyback_ifx_ix(&thief.pubkey(), &workers[0], 0).await;
    // The thief names the holder's token account.
    ix.accounts[5].pubkey = ata_address(
        &workers[0].owner.pubkey(),
        &workers[0].license_mint,
        &TOKEN_2022_ID,
    );
    let before = snapshot(&mut bw, &workers[0]).await;
    assert_error(
        &bw.bank().send(&[ix], &[&thief]).await,
        BuybackError::LicenseNotHeld,
    );
    assert_eq!(snapshot(&mut bw, &workers[0]).await, before);
}

#[tokio::test]
async fn a_node_that_never_ran_is_not_eligible() {
    let (mut bw, _) = open_window(0).await;
    let idle = bw.r.worker(1_000_000).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    assert_refused(&mut bw, &idle, false, 0, BuybackError::NeverRan).await;
}

#[tokio::test]
async fn a_blacklisted_node_is_not_eligible_unless_reversed_in_its_window() {
    let (mut bw, workers) = open_window(1).await;
    let admin = bw.r.s.admin.insecure_clone();
    let node = workers[0].node;
    let blacklist = staking_ix(
        node_staking::accounts::AdminNode {
            admin: admin.pubkey(),
            config: staking_config_pda(),
            node,
        },
        node_staking::instruction::BlacklistNode {},
    );
    bw.bank().send(&[blacklist], &[&admin]).await.unwrap();
    assert_refused(&mut bw, &workers[0], false, 0, BuybackError::Blacklisted).await;
    let reverse = staking_ix(
        node_staking::accounts::AdminNode {
            admin: admin.pubkey(),
            config: staking_config_pda(),
            node,
        },
        node_staking::instruction::ReverseBlacklist {},
    );
    bw.bank().send(&[reverse], &[&admin]).await.unwrap();
    bw.buyback_ifx(&workers[0].owner, &workers[0], IFX_PAYOUT)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_airdropped_license_is_not_eligible() {
    let (mut bw, _) = open_window(0).await;
    // An airdrop sale, a winner who registers, stakes and runs a node.
    let admin = bw.r.s.license.admin.insecure_clone();
    let now = bw.bank().now().await;
    let mut params = SaleParams::new(now - 1, vec![tier(300 * USD, 10, 0, 0)]);
    params.airdrop_allocation = 1;
    let sale = create_sale(bw.bank(), &admin, params).await;
    let winner = bw.bank().new_wallet(5).await;
    let mint = Keypair::new();
    bw.bank()
        .send(
            &[sale.airdrop_ix(&admin.pubkey(), &winner.pubkey(), &mint.pubkey())],
            &[&admin, &mint],
        )
        .await
        .unwrap();
    let holding = ata_address(&winner.pubkey(), &mint.pubkey(), &TOKEN_2022_ID);
    let register = bw.r.s.register_ix(
        &winner.pubkey(),
        &mint.pubkey(),
        &holding,
        node_staking::instructions::RegisterNodeArgs {
            operator: None,
            price_per_ibm_usd_micros: 40_000,
        },
    );
    bw.bank().send(&[register], &[&winner]).await.unwrap();
    let node = NodeFixture {
        owner: winner.insecure_clone(),
        operator: winner.insecure_clone(),
        license_mint: mint.pubkey(),
        node: node_pda(&mint.pubkey()),
        vault: stake_vault_pda(&node_pda(&mint.pubkey())),
    };
    assert_eq!(bw.r.s.node(&node.node).await.kind, LicenseKind::Worker);
    assert_refused(&mut bw, &node, false, 0, BuybackError::Airdropped).await;
}

/// A world whose window opens 20 h into epoch `epochs`, with one worker that participated in
/// the epochs `participated` (verifiers open every epoch).
async fn participation_world(epochs: u32, participated: &[u32]) -> (BuybackWorld, NodeFixture) {
    // Participating: 720 IBM at 1 IB; otherwise a little work, below the threshold.
    worked_world(epochs, |epoch| {
        Some(if participated.contains(&epoch) {
            720_000_000
        } else {
            100_000_000
        })
    })
    .await
}

/// A world whose window opens 20 h into epoch `epochs`, with one 1-IB worker (registered in
/// epoch 0) attesting `work(epoch)` IBM micros 13 h into each epoch where it is `Some`, and the
/// clock at the window's opening.
async fn worked_world(
    epochs: u32,
    work: impl Fn(u32) -> Option<u64>,
) -> (BuybackWorld, NodeFixture) {
    let mut bw = BuybackWorld::start(epochs as i64 * EPOCH + 20 * HOUR).await;
    bw.fund(1_000_000 * IFX, 0).await;
    let worker = bw.r.worker(1_000_000).await;
    let origin = bw.r.epoch_origin;
    let mut seq = 0;
    for epoch in 0..=epochs {
        bw.bank()
            .set_time(origin + epoch as i64 * EPOCH + 13 * HOUR)
            .await;
        if epoch > 0 {
            for v in bw.r.verifiers.iter().map(|v| v.node).collect::<Vec<_>>() {
                bw.r.open_verifier_epoch(&v, epoch).await.unwrap();
            }
        }
        if let Some(ibm) = work(epoch) {
            seq += 1;
            bw.r.attest(&worker, seq, ibm).await.unwrap();
        }
    }
    let start = bw.window_start;
    bw.bank().set_time(start).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    (bw, worker)
}

#[tokio::test]
async fn participation_of_exactly_two_thirds_is_not_enough() {
    // Epochs 0, 1, 2 since the start; participated in 0 and 1.
    let (mut bw, worker) = participation_world(2, &[0, 1]).await;
    assert_refused(
        &mut bw,
        &worker,
        false,
        0,
        BuybackError::ParticipationTooLow,
    )
    .await;
}

#[tokio::test]
async fn participation_just_above_two_thirds_is_eligible() {
    // Epochs 0..=3; participated in 0, 1 and 2: 3/4.
    let (mut bw, worker) = participation_world(3, &[0, 1, 2]).await;
    bw.buyback_ifx(&worker.owner, &worker, IFX_PAYOUT)
        .await
        .unwrap();
}

/// SPEC §10 item 2: participation counts from the node's registration, not its first
/// attestation. A worker registered in epoch 0 that first works in the window's epoch 4 has
/// participated in 1 of 5 epochs, not 1 of 1.
#[tokio::test]
async fn a_node_idle_until_the_window_epoch_is_not_eligible() {
    let (mut bw, worker) = worked_world(4, |epoch| (epoch == 4).then_some(720_000_000)).await;
    let record: epoch_rewards::state::NodeRewards = bw
        .bank()
        .anchor_account(&node_rewards_pda(&worker.node))
        .await;
    assert_eq!((record.started_epoch, record.participated_epochs), (0, 1));
    assert_refused(
        &mut bw,
        &worker,
        false,
        0,
        BuybackError::ParticipationTooLow,
    )
    .await;
}

#[tokio::test]
async fn a_license_is_bought_back_once() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    bw.buyback_weth(&worker.owner, worker, 0).await.unwrap();
    // The admin sends it to the treasury, which then tries to sell it back.
    let admin = bw.r.s.admin.insecure_clone();
    let treasury = bw.treasury.pubkey();
    let send = buyback_ix(
        buyback_vault::accounts::SendToTreasury {
            custodied: custodied(&admin.pubkey(), &worker.license_mint),
            treasury,
            treasury_license_account: ata_address(&treasury, &worker.license_mint, &TOKEN_2022_ID),
            license_token_program: TOKEN_2022_ID,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::SendToTreasury {},
    );
    bw.bank().send(&[send], &[&admin]).await.unwrap();
    let treasury_keys = bw.treasury.insecure_clone();
    let funding = anchor_lang::solana_program::system_instruction::transfer(
        &bw.bank().payer().pubkey(),
        &treasury,
        1_000_000_000,
    );
    bw.bank().send(&[funding], &[]).await.unwrap();
    let again = bw.buyback_weth(&treasury_keys, worker, 0).await;
    assert_error(&again, BuybackError::AlreadyBoughtBack);
    let bought: BoughtBack = bw
        .bank()
        .anchor_account(&bought_back_pda(&worker.license_mint))
        .await;
    assert_eq!(bought.custody, Custody::SentToTreasury);
}

// ---------------------------------------------------------------- slippage, oracles, funds

#[tokio::test]
async fn min_out_above_the_payout_moves_nothing() {
    let (mut bw, workers) = open_window(1).await;
    assert_refused(
        &mut bw,
        &workers[0],
        false,
        IFX_PAYOUT + 1,
        BuybackError::SlippageExceeded,
    )
    .await;
    assert_refused(
        &mut bw,
        &workers[0],
        true,
        WETH_PAYOUT + 1,
        BuybackError::SlippageExceeded,
    )
    .await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], IFX_PAYOUT)
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_oracle_prices_are_refused_each_by_name() {
    let (mut bw, workers) = open_window(1).await;
    let now = bw.bank().now().await;
    let eth = bw.eth_price;
    let cases = [
        (
            pyth_price_account(
                ETH_FEED,
                VerificationLevel::Full,
                ETH_PRICE,
                0,
                now - 61,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceStale,
        ),
        (
            pyth_price_account(
                ETH_FEED,
                VerificationLevel::Full,
                ETH_PRICE,
                ETH_PRICE as u64 / 100 + 1,
                now,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceLowConfidence,
        ),
        (
            pyth_price_account(
                [1; 32],
                VerificationLevel::Full,
                ETH_PRICE,
                0,
                now,
                PYTH_RECEIVER_PROGRAM_ID,
            ),
            CommonError::PriceWrongFeed,
        ),
        (
            pyth_price_account(
                ETH_FEED,
                VerificationLevel::Full,
                ETH_PRICE,
                0,
                now,
                Pubkey::new_unique(),
            ),
            CommonError::PriceWrongOwner,
        ),
    ];
    for (account, expected) in cases {
        bw.bank().put_account(&eth, account);
        assert_refused(&mut bw, &workers[0], true, 0, expected).await;
    }
    // A stale pushed IFX price.
    bw.bank().advance(61).await;
    assert_refused(&mut bw, &workers[0], false, 0, CommonError::PriceStale).await;
}

#[tokio::test]
async fn the_last_buyback_the_fund_covers_succeeds_and_the_next_fails_cleanly() {
    let mut bw = BuybackWorld::start(20 * HOUR).await;
    // Exactly one payout and a base unit short of a second.
    bw.fund(2 * IFX_PAYOUT - 1, 0).await;
    let workers = bw.participating_workers(2).await;
    let start = bw.window_start;
    bw.bank().set_time(start).await;
    bw.prices(IFX_PRICE, 0, ETH_PRICE, 0).await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    assert_refused(&mut bw, &workers[1], false, 0, BuybackError::FundExhausted).await;
    assert_refused(&mut bw, &workers[1], true, 0, BuybackError::FundExhausted).await;
}

// ---------------------------------------------------------------- custody and funds

#[tokio::test]
async fn custody_moves_are_the_admins_and_happen_once() {
    let (mut bw, workers) = open_window(2).await;
    for w in &workers {
        bw.buyback_weth(&w.owner, w, 0).await.unwrap();
    }
    let admin = bw.r.s.admin.insecure_clone();
    let stranger = bw.bank().new_wallet(1).await;
    // Reassign the first to the operator of an active verifier node.
    let target = bw.r.verifiers[0].clone_keys();
    let reassign = |admin: &Pubkey, mint: &Pubkey| {
        buyback_ix(
            buyback_vault::accounts::ReassignLicense {
                custodied: custodied(admin, mint),
                target_node: target.node,
                recipient: target.operator.pubkey(),
                recipient_license_account: ata_address(
                    &target.operator.pubkey(),
                    mint,
                    &TOKEN_2022_ID,
                ),
                license_token_program: TOKEN_2022_ID,
                associated_token_program: anchor_spl::associated_token::ID,
                system_program: anchor_lang::system_program::ID,
            },
            buyback_vault::instruction::ReassignLicense {},
        )
    };
    let first = workers[0].license_mint;
    assert_error(
        &bw.bank()
            .send(&[reassign(&stranger.pubkey(), &first)], &[&stranger])
            .await,
        BuybackError::NotAdmin,
    );
    bw.bank()
        .send(&[reassign(&admin.pubkey(), &first)], &[&admin])
        .await
        .unwrap();
    assert_eq!(
        bw.bank()
            .token_balance(&ata_address(
                &target.operator.pubkey(),
                &first,
                &TOKEN_2022_ID
            ))
            .await,
        1
    );
    assert_error(
        &bw.bank()
            .send(&[reassign(&admin.pubkey(), &first)], &[&admin])
            .await,
        BuybackError::NotInCustody,
    );
    // Burn the second.
    let second = workers[1].license_mint;
    let burn = buyback_ix(
        custodied(&admin.pubkey(), &second),
        buyback_vault::instruction::BurnLicense {},
    );
    bw.bank().send(&[burn], &[&admin]).await.unwrap();
    let mint = bw.bank().account(&second).await.unwrap();
    let supply = spl_token_2022_interface::extension::StateWithExtensions::<
        spl_token_2022_interface::state::Mint,
    >::unpack(&mint.data)
    .unwrap()
    .base
    .supply;
    assert_eq!(supply, 0);
}

#[tokio::test]
async fn unreserved_funds_leave_only_after_the_window() {
    let (mut bw, workers) = open_window(1).await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    let admin = bw.r.s.admin.insecure_clone();
    let ifx_mint = bw.r.s.ifx_mint;
    let destination = bw
        .bank()
        .ata(&admin.pubkey(), &ifx_mint, &anchor_spl::token::ID)
        .await;
    let withdraw = |amount| {
        buyback_ix(
            buyback_vault::accounts::WithdrawFunds {
                admin: admin.pubkey(),
                config: buyback_config_pda(),
                vault: ifx_vault_pda(),
                destination,
                mint: ifx_mint,
                token_program: anchor_spl::token::ID,
            },
            buyback_vault::instruction::WithdrawFunds { amount },
        )
    };
    let unreserved = 1_000_000 * IFX - IFX_PAYOUT;
    assert_error(
        &bw.bank().send(&[withdraw(1)], &[&admin]).await,
        BuybackError::WindowNotEnded,
    );
    let end = bw.window_start + 7 * DAY;
    bw.bank().set_time(end).await;
    assert_error(
        &bw.bank().send(&[withdraw(unreserved + 1)], &[&admin]).await,
        BuybackError::FundExhausted,
    );
    bw.bank()
        .send(&[withdraw(unreserved)], &[&admin])
        .await
        .unwrap();
    assert_eq!(bw.bank().token_balance(&ifx_vault_pda()).await, IFX_PAYOUT);
    // The holder's vesting is still fully covered.
    bw.bank().set_time(end + 30 * DAY).await;
    bw.withdraw_vested(&workers[0].owner, &workers[0].license_mint)
        .await
        .unwrap();
    assert_eq!(bw.bank().token_balance(&ifx_vault_pda()).await, 0);
}

#[tokio::test]
async fn the_quote_matches_what_the_buyback_pays() {
    let (mut bw, workers) = open_window(1).await;
    let config = bw.config().await;
    let record: node_license::state::LicenseRecord = bw
        .bank()
        .anchor_account(&license_record_pda(&workers[0].license_mint))
        .await;
    let node = bw.r.s.node(&workers[0].node).await;
    let rewards: epoch_rewards::state::NodeRewards = bw
        .bank()
        .anchor_account(&node_rewards_pda(&workers[0].node))
        .await;
    let schedule = bw.r.config().await.schedule;
    let now = bw.bank().now().await;
    let ifx = inferix_common::price::check_price(IFX_PRICE, 0, -8, now, &Default::default(), now)
        .unwrap();
    let eth = inferix_common::price::check_price(ETH_PRICE, 0, -8, now, &Default::default(), now)
        .unwrap();
    let quote = buyback_vault::quote::quote(
        &config,
        &record,
        &node,
        Some(&rewards),
        false,
        &schedule,
        (&ifx, &eth),
        (9, WETH_DECIMALS),
        now,
    )
    .unwrap();
    assert_eq!(
        (
            quote.ineligible.clone(),
            quote.window_open,
            quote.ifx_amount,
            quote.weth_amount
        ),
        (None, true, IFX_PAYOUT, WETH_PAYOUT)
    );
    let never_ran = buyback_vault::quote::quote(
        &config,
        &record,
        &node,
        None,
        false,
        &schedule,
        (&ifx, &eth),
        (9, WETH_DECIMALS),
        now,
    )
    .unwrap();
    assert!(never_ran.ineligible.unwrap().contains("never ran"));
    bw.buyback_weth(&workers[0].owner, &workers[0], quote.weth_amount)
        .await
        .unwrap();
}

#[tokio::test]
async fn pausing_stops_buybacks_but_never_vesting_withdrawals() {
    let (mut bw, workers) = open_window(2).await;
    bw.buyback_ifx(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    let admin = bw.r.s.admin.insecure_clone();
    let pause = buyback_ix(
        buyback_vault::accounts::ConfigAdmin {
            authority: admin.pubkey(),
            config: buyback_config_pda(),
        },
        buyback_vault::instruction::SetPaused { paused: true },
    );
    bw.bank().send(&[pause], &[&admin]).await.unwrap();
    assert_refused(&mut bw, &workers[1], true, 0, BuybackError::Paused).await;
    bw.bank().advance(30 * DAY).await;
    bw.withdraw_vested(&workers[0].owner, &workers[0].license_mint)
        .await
        .unwrap();
    assert_eq!(
        bw.r.ifx_balance(&workers[0].owner.pubkey()).await,
        IFX_PAYOUT
    );
}

#[tokio::test]
async fn a_paused_node_license_or_node_staking_stops_the_buyback_it_would_touch() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    let license_guardian = bw.r.s.license.pause_guardian.insecure_clone();
    let license_admin = bw.r.s.license.admin.insecure_clone();
    let pause = inferix_sdk::admin::license_set_paused(&license_guardian.pubkey(), true);
    bw.bank()
        .send(&[pause], &[&license_guardian])
        .await
        .unwrap();
    assert_refused(&mut bw, worker, false, 0, LicenseError::Paused).await;
    let resume = inferix_sdk::admin::license_set_paused(&license_admin.pubkey(), false);
    bw.bank().send(&[resume], &[&license_admin]).await.unwrap();

    let staking_guardian = bw.r.s.pause_guardian.insecure_clone();
    let staking_admin = bw.r.s.admin.insecure_clone();
    let pause = inferix_sdk::admin::staking_set_paused(&staking_guardian.pubkey(), true);
    bw.bank()
        .send(&[pause], &[&staking_guardian])
        .await
        .unwrap();
    assert_refused(&mut bw, worker, true, 0, StakingError::Paused).await;
    let resume = inferix_sdk::admin::staking_set_paused(&staking_admin.pubkey(), false);
    bw.bank().send(&[resume], &[&staking_admin]).await.unwrap();

    bw.buyback_ifx(&worker.owner, worker, 0).await.unwrap();
}

/// SPEC §10 item 3: after a buyback the licence sits in the buyback vault's custody, held by its
/// PDA. The node's epochs earned before it are paid to the seller — the node's owner, frozen by
/// the retirement — not to the custody PDA, where nobody could move the IFX, nor to anyone else.
#[tokio::test]
async fn epochs_earned_before_a_buyback_are_paid_to_the_seller() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    bw.buyback_ifx(&worker.owner, worker, 0).await.unwrap();
    bw.r.fund_rewards(1_000_000 * IFX).await;
    let end = bw.r.epoch(0).await.end_ts;
    bw.bank().set_time(end + 6 * HOUR).await;
    bw.r.finalize(0).await.unwrap();
    let seller = worker.owner.pubkey();
    let custody = buyback_vault::buyback_authority();
    let watched = [
        epoch_pda(0),
        reward_vault_pda(),
        rewards_config_pda(),
        node_epoch_pda(0, &worker.node),
    ];
    let before = bw.bank().snapshot(&watched).await;
    let stranger = Pubkey::new_unique();
    for (recipient, holds_license) in [(custody, true), (stranger, false)] {
        let payout = inferix_sdk::instructions::Payout {
            payer: bw.bank().payer().pubkey(),
            epoch: 0,
            node: worker.node,
            license_mint: worker.license_mint,
            recipient,
            holds_license,
        };
        let claim = inferix_sdk::instructions::claim_worker_reward(
            &payout,
            &worker.operator.pubkey(),
            &bw.r.s.ifx(),
        );
        assert_error(
            &bw.bank().send(&[claim], &[]).await,
            RewardsError::NotTheRecipient,
        );
    }
    assert_eq!(bw.bank().snapshot(&watched).await, before);

    let seller_before = bw.r.ifx_balance(&seller).await;
    bw.r.claim_worker(0, worker, &custody).await.unwrap();
    let share = bw.r.epoch(0).await.worker_claimed;
    assert!(share > 0);
    let immediate = share * u64::from(bw.r.config().await.params.immediate_bps) / 10_000;
    assert_eq!(bw.r.ifx_balance(&seller).await - seller_before, immediate);
    let vesting: epoch_rewards::state::Vesting =
        bw.bank().anchor_account(&vesting_pda(&seller, 0)).await;
    assert_eq!(
        (vesting.beneficiary, vesting.total),
        (seller, share - immediate)
    );
    let custody_ifx = ata_address(&custody, &bw.r.s.ifx_mint, &anchor_spl::token::ID);
    assert!(bw.bank().account(&custody_ifx).await.is_none());
}

#[tokio::test]
async fn only_the_nodes_owner_can_sell_its_license_back() {
    let (mut bw, workers) = open_window(1).await;
    let worker = &workers[0];
    let buyer = bw.r.s.sell_license(worker).await;
    let before = snapshot(&mut bw, worker).await;
    assert_error(
        &bw.buyback_ifx(&buyer, worker, 0).await,
        BuybackError::SellerNotNodeOwner,
    );
    assert_eq!(snapshot(&mut bw, worker).await, before, "nothing moved");
}

#[tokio::test]
async fn buyback_transactions_fit_in_a_packet() {
    let (mut bw, workers) = open_window(1).await;
    let holder = workers[0].owner.pubkey();
    for weth in [false, true] {
        let ix = if weth {
            bw.buyback_weth_ix(&holder, &workers[0], 0).await
        } else {
            bw.buyback_ifx_ix(&holder, &workers[0], 0).await
        };
        let tx = solana_transaction::Transaction::new_with_payer(&[ix], Some(&holder));
        let size = bincode::serialize(&tx).unwrap().len();
        println!(
            "buyback ({}) transaction: {size} bytes",
            if weth { "wETH" } else { "IFX" }
        );
        assert!(size <= 1_232, "{size} bytes");
    }
}

// ---------------------------------------------------------------- remaining refusals

#[tokio::test]
async fn governance_refusals_are_named_and_change_nothing() {
    let (mut bw, _) = open_window(0).await;
    let admin = bw.r.s.admin.insecure_clone();
    let stranger = bw.bank().new_wallet(1).await;
    let config_ix = |who: &Keypair, data: Vec<u8>| solana_instruction::Instruction {
        program_id: buyback_vault::ID,
        accounts: anchor_lang::ToAccountMetas::to_account_metas(
            &buyback_vault::accounts::ConfigAdmin {
                authority: who.pubkey(),
                config: buyback_config_pda(),
            },
            None,
        ),
        data,
    };
    use anchor_lang::InstructionData;
    let before = bw.bank().snapshot(&[buyback_config_pda()]).await;
    // The window has opened: its times are frozen.
    let mut params = bw.config().await.params;
    params.window_secs += DAY;
    let update = buyback_vault::instruction::UpdateParams { params }.data();
    assert_error(
        &bw.bank()
            .send(&[config_ix(&admin, update)], &[&admin])
            .await,
        BuybackError::WindowOnlyLater,
    );
    let accept = buyback_vault::instruction::AcceptAdmin {}.data();
    assert_error(
        &bw.bank()
            .send(&[config_ix(&stranger, accept.clone())], &[&stranger])
            .await,
        BuybackError::NoPendingAdmin,
    );
    let pause = buyback_vault::instruction::SetPaused { paused: true }.data();
    assert_error(
        &bw.bank()
            .send(&[config_ix(&stranger, pause)], &[&stranger])
            .await,
        BuybackError::NotPauseAuthority,
    );
    let propose = buyback_vault::instruction::ProposeAdmin {
        proposed: Pubkey::new_unique(),
    }
    .data();
    assert_error(
        &bw.bank()
            .send(&[config_ix(&stranger, propose.clone())], &[&stranger])
            .await,
        BuybackError::NotAdmin,
    );
    assert_eq!(bw.bank().snapshot(&[buyback_config_pda()]).await, before);
    bw.bank()
        .send(&[config_ix(&admin, propose)], &[&admin])
        .await
        .unwrap();
    assert_error(
        &bw.bank()
            .send(&[config_ix(&stranger, accept)], &[&stranger])
            .await,
        BuybackError::NotPendingAdmin,
    );
}

/// SPEC §10 item 8: before the window opens the admin could move it into the past and then
/// withdraw the fund as if it had closed. The window's times only move later.
#[tokio::test]
async fn the_admin_cannot_move_the_window_into_the_past_to_free_the_fund() {
    let mut bw = BuybackWorld::start(20 * HOUR).await;
    bw.fund(1_000_000 * IFX, 100_000_000).await;
    let admin = bw.r.s.admin.insecure_clone();
    let now = bw.bank().now().await;
    let current = bw.config().await.params;
    let update = |params: buyback_vault::state::BuybackParams| {
        buyback_ix(
            buyback_vault::accounts::ConfigAdmin {
                authority: admin.pubkey(),
                config: buyback_config_pda(),
            },
            buyback_vault::instruction::UpdateParams { params },
        )
    };
    let before = bw
        .bank()
        .snapshot(&[buyback_config_pda(), ifx_vault_pda()])
        .await;
    for (window_start, window_secs) in [
        (now - 2 * DAY, DAY),
        (current.window_start - HOUR, current.window_secs),
        (current.window_start, current.window_secs - 1),
    ] {
        let moved = buyback_vault::state::BuybackParams {
            window_start,
            window_secs,
            ..current
        };
        assert_error(
            &bw.bank().send(&[update(moved)], &[&admin]).await,
            BuybackError::WindowOnlyLater,
        );
    }
    assert_eq!(
        bw.bank()
            .snapshot(&[buyback_config_pda(), ifx_vault_pda()])
            .await,
        before
    );
    // Later is allowed.
    let later = buyback_vault::state::BuybackParams {
        window_start: current.window_start + DAY,
        ..current
    };
    bw.bank().send(&[update(later)], &[&admin]).await.unwrap();
    assert_eq!(
        bw.config().await.params.window_start,
        current.window_start + DAY
    );
}

#[tokio::test]
async fn substituted_price_vault_and_target_accounts_are_refused() {
    let (mut bw, workers) = open_window(2).await;
    // Another account posing as node-staking's pushed IFX price.
    let mut ix = bw
        .buyback_ifx_ix(&workers[0].owner.pubkey(), &workers[0], 0)
        .await;
    let price_at = ix.accounts.len() - 2;
    ix.accounts[price_at].pubkey = bw.eth_price;
    let before = snapshot(&mut bw, &workers[0]).await;
    assert_error(
        &bw.bank().send(&[ix], &[&workers[0].owner]).await,
        BuybackError::WrongPriceAccount,
    );
    assert_eq!(snapshot(&mut bw, &workers[0]).await, before);

    // A license goes into custody; reassigning it to an inactive node is refused.
    bw.buyback_weth(&workers[0].owner, &workers[0], 0)
        .await
        .unwrap();
    let admin = bw.r.s.admin.insecure_clone();
    let idle = bw.r.s.new_node(LicenseKind::Verifier, 0).await;
    let mint = workers[0].license_mint;
    let reassign = buyback_ix(
        buyback_vault::accounts::ReassignLicense {
            custodied: custodied(&admin.pubkey(), &mint),
            target_node: idle.node,
            recipient: idle.operator.pubkey(),
            recipient_license_account: ata_address(&idle.operator.pubkey(), &mint, &TOKEN_2022_ID),
            license_token_program: TOKEN_2022_ID,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::ReassignLicense {},
    );
    let custody = ata_address(&buyback_vault::buyback_authority(), &mint, &TOKEN_2022_ID);
    assert_error(
        &bw.bank().send(&[reassign], &[&admin]).await,
        BuybackError::NodeNotActive,
    );
    assert_eq!(bw.bank().token_balance(&custody).await, 1);

    // After the window, withdrawing from an account that is not one of the vaults.
    let end = bw.window_start + 7 * DAY;
    bw.bank().set_time(end).await;
    let ifx_mint = bw.r.s.ifx_mint;
    let decoy = bw
        .bank()
        .fund_tokens(&admin.pubkey(), &ifx_mint, &anchor_spl::token::ID, IFX)
        .await;
    let destination = bw
        .bank()
        .create_token_account(&admin.pubkey(), &ifx_mint, &anchor_spl::token::ID)
        .await;
    let withdraw = buyback_ix(
        buyback_vault::accounts::WithdrawFunds {
            admin: admin.pubkey(),
            config: buyback_config_pda(),
            vault: decoy,
            destination,
            mint: ifx_mint,
            token_program: anchor_spl::token::ID,
        },
        buyback_vault::instruction::WithdrawFunds { amount: 1 },
    );
    assert_error(
        &bw.bank().send(&[withdraw], &[&admin]).await,
        BuybackError::WrongAccount,
    );
}

#[tokio::test]
async fn only_the_upgrade_authority_initializes_rewards_and_buyback() {
    let mut bank = Bank::start().await;
    let squatter = bank.new_wallet(1).await;
    let mint = bank.create_mint(&anchor_spl::token::ID, 9).await;
    let rewards_init = rewards_ix(
        epoch_rewards::accounts::InitializeConfig {
            admin: squatter.pubkey(),
            config: rewards_config_pda(),
            ifx_mint: mint,
            reward_vault: reward_vault_pda(),
            penalty_inflow: penalty_inflow_pda(),
            vesting_vault: vesting_vault_pda(),
            program_data: program_data_address(&epoch_rewards::ID),
            ifx_token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        epoch_rewards::instruction::InitializeConfig {
            args: epoch_rewards::instructions::InitializeConfigArgs {
                pause_guardian: squatter.pubkey(),
                epoch_origin_ts: 0,
                epoch_length_secs: EPOCH,
                managers: vec![squatter.pubkey()],
                params: default_rewards_params(),
            },
        },
    );
    assert_error(
        &bank.send(&[rewards_init], &[&squatter]).await,
        epoch_rewards::errors::RewardsError::NotUpgradeAuthority,
    );
    let buyback_init = buyback_ix(
        buyback_vault::accounts::InitializeConfig {
            admin: squatter.pubkey(),
            config: buyback_config_pda(),
            authority: buyback_vault::buyback_authority(),
            ifx_mint: mint,
            weth_mint: mint,
            ifx_vault: ifx_vault_pda(),
            weth_vault: weth_vault_pda(),
            program_data: program_data_address(&buyback_vault::ID),
            ifx_token_program: anchor_spl::token::ID,
            weth_token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::InitializeConfig {
            args: buyback_vault::instructions::InitializeConfigArgs {
                pause_guardian: squatter.pubkey(),
                treasury: squatter.pubkey(),
                params: buyback_vault::state::BuybackParams {
                    window_start: 0,
                    window_secs: DAY,
                    ifx_payout_bps: 10_000,
                    ifx_vesting_secs: DAY,
                    weth_payout_bps: 8_000,
                    ifx_price_source: buyback_vault::state::IfxPriceSource::StakingPushed,
                    eth_feed_id: ETH_FEED,
                    price_rules: Default::default(),
                },
            },
        },
    );
    assert_error(
        &bank.send(&[buyback_init], &[&squatter]).await,
        BuybackError::NotUpgradeAuthority,
    );
    assert!(bank.account(&rewards_config_pda()).await.is_none());
    assert!(bank.account(&buyback_config_pda()).await.is_none());
}
