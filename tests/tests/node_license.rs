//! node-license under solana-program-test, following SPEC §2. Every failure asserts the named
//! error and that no balance, supply or sale total moved.

#![allow(deprecated)]

use anchor_lang::error::ErrorCode as AnchorErrorCode;
use anchor_lang::prelude::Pubkey;
use inferix_common::merkle::{whitelist_leaf, MerkleTree};
use inferix_common::CommonError;
use inferix_tests::*;
use node_license::errors::LicenseError;
use node_license::instructions::{
    InitializeConfigArgs, RegisterPartnerCodeArgs, UpdatePartnerCodeArgs, WhitelistProof,
};
use node_license::state::{LicenseConfig, LicenseKind, LicenseRecord, WalletPurchases};
use solana_keypair::Keypair;
use solana_signer::Signer;
use spl_token_2022_interface::extension::metadata_pointer::MetadataPointer;
use spl_token_2022_interface::extension::{BaseStateWithExtensions, StateWithExtensions};
use spl_token_2022_interface::state::{Account as TokenAccountState, AccountState, Mint};
use spl_token_metadata_interface::state::TokenMetadata;

/// A deployed program, a running sale, and its admin keys.
struct World {
    bank: Bank,
    keys: LicenseAuthorities,
    sale: SaleFixture,
    now: i64,
}

async fn world(tiers: Vec<node_license::state::TierParams>, public_now: bool) -> World {
    world_with(tiers, public_now, |_| {}).await
}

/// A sale whose whitelist window starts now; with `public_now` the clock is moved into the
/// public window.
async fn world_with(
    tiers: Vec<node_license::state::TierParams>,
    public_now: bool,
    customize: impl FnOnce(&mut SaleParams),
) -> World {
    let mut bank = Bank::start().await;
    let keys = init_license_program(&mut bank).await;
    let mut now = bank.now().await;
    let mut params = SaleParams::new(now, tiers);
    customize(&mut params);
    let sale = create_sale(&mut bank, &keys.admin, params).await;
    if public_now {
        now += DAY;
        bank.set_time(now).await;
    }
    World {
        bank,
        keys,
        sale,
        now,
    }
}

impl World {
    async fn buyer(&mut self, usd: u64) -> Keypair {
        self.sale.new_buyer(&mut self.bank, usd).await
    }

    async fn buy(&mut self, buyer: &Keypair, tier: u8) -> (TxResult, Pubkey) {
        self.sale
            .buy(&mut self.bank, buyer, tier, None, &Referral::None)
            .await
    }

    /// Everything a failed purchase must leave untouched: the buyer's and treasury's balances,
    /// the sale (supplies and totals) and the buyer's purchase counts.
    async fn watch(&mut self, buyer: &Pubkey, extra: &[Pubkey]) -> Watched {
        let mut accounts = vec![
            *buyer,
            self.sale.payment_account(buyer),
            self.sale.treasury,
            self.sale.address,
            wallet_purchases_pda(&self.sale.address, buyer),
        ];
        accounts.extend_from_slice(extra);
        let before = self.bank.snapshot(&accounts).await;
        Watched { accounts, before }
    }

    async fn admin_send(&mut self, instruction: solana_instruction::Instruction) -> TxResult {
        let admin = self.keys.admin.insecure_clone();
        self.bank.send(&[instruction], &[&admin]).await
    }
}

struct Watched {
    accounts: Vec<Pubkey>,
    before: Vec<(u64, Vec<u8>)>,
}

impl Watched {
    #[track_caller]
    fn assert_unchanged(&self, after: Vec<(u64, Vec<u8>)>) {
        for ((address, before), after) in self.accounts.iter().zip(&self.before).zip(&after) {
            assert_eq!(before, after, "account {address} changed");
        }
    }

    async fn check(&self, bank: &mut Bank) {
        let after = bank.snapshot(&self.accounts).await;
        self.assert_unchanged(after);
    }
}

/// A failing purchase: asserts the error and that nothing moved.
async fn assert_purchase_fails(
    w: &mut World,
    buyer: &Keypair,
    tier: u8,
    whitelist: Option<WhitelistProof>,
    referral: &Referral,
    expected: impl Into<u32> + std::fmt::Debug + Copy,
) {
    let watched = w.watch(&buyer.pubkey(), &[]).await;
    let (result, mint) = w
        .sale
        .buy(&mut w.bank, buyer, tier, whitelist, referral)
        .await;
    assert_error(&result, expected);
    watched.check(&mut w.bank).await;
    assert!(w.bank.account(&mint).await.is_none(), "no license minted");
}

/// A tier-1 purchase whose accounts `alter` tampers with: asserts the error and that neither the
/// usual accounts nor `extra` moved.
async fn assert_altered_purchase_fails(
    w: &mut World,
    buyer: &Keypair,
    referral: &Referral,
    alter: impl FnOnce(&mut node_license::accounts::PurchaseLicense),
    extra: &[Pubkey],
    expected: impl Into<u32> + std::fmt::Debug + Copy,
) {
    let mint = Keypair::new();
    let mut accounts = w
        .sale
        .purchase_accounts(&buyer.pubkey(), &mint.pubkey(), referral);
    alter(&mut accounts);
    let purchase = ix(
        accounts,
        node_license::instruction::PurchaseLicense {
            args: node_license::instructions::PurchaseLicenseArgs {
                tier: 1,
                whitelist: None,
            },
        },
    );
    let watched = w.watch(&buyer.pubkey(), extra).await;
    assert_error(&w.bank.send(&[purchase], &[buyer, &mint]).await, expected);
    watched.check(&mut w.bank).await;
    assert!(
        w.bank.account(&mint.pubkey()).await.is_none(),
        "no license minted"
    );
}

// ---------------------------------------------------------------- tiers and phases

#[tokio::test]
async fn a_sale_crosses_a_tier_boundary_with_tiers_opening_in_order() {
    let mut w = world(
        vec![tier(300 * USD, 2, 0, 0), tier(350 * USD, 2, 0, 0)],
        true,
    )
    .await;
    let buyer = w.buyer(2_000).await;

    // Tier 2 is closed while tier 1 has licenses left.
    assert_purchase_fails(
        &mut w,
        &buyer,
        2,
        None,
        &Referral::None,
        LicenseError::TierNotOpen,
    )
    .await;
    for _ in 0..2 {
        w.buy(&buyer, 1).await.0.unwrap();
    }
    // Tier 1 sold out: it refuses more and tier 2 opened.
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::TierSoldOut,
    )
    .await;
    let (result, mint) = w.buy(&buyer, 2).await;
    result.unwrap();

    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    assert_eq!(
        (record.tier, record.serial, record.price_paid_usd),
        (2, 3, 350 * USD)
    );
    assert_eq!(w.bank.token_balance(&w.sale.treasury).await, 950 * USD);
    assert_eq!(
        w.bank
            .token_balance(&w.sale.payment_account(&buyer.pubkey()))
            .await,
        1_050 * USD
    );
    let sale = w.sale.state(&mut w.bank).await;
    assert_eq!(
        (
            sale.sold,
            sale.gross_usd,
            sale.paid_usd,
            sale.highest_open_tier
        ),
        (3, 950 * USD, 950 * USD, 2)
    );
    assert_eq!((sale.tiers[0].sold, sale.tiers[1].sold), (2, 1));
}

#[tokio::test]
async fn admin_can_open_a_later_tier_early_and_only_the_admin() {
    let mut w = world(
        vec![
            tier(300 * USD, 5, 0, 0),
            tier(350 * USD, 5, 0, 0),
            tier(400 * USD, 5, 0, 0),
        ],
        true,
    )
    .await;
    let stranger = w.bank.new_wallet(1).await;
    let by_stranger = ix(
        w.sale.sale_admin(&stranger.pubkey()),
        node_license::instruction::OpenTier { tier: 3 },
    );
    assert_error(
        &w.bank.send(&[by_stranger], &[&stranger]).await,
        LicenseError::NotAdmin,
    );

    let open = ix(
        w.sale.sale_admin(&w.keys.admin.pubkey()),
        node_license::instruction::OpenTier { tier: 3 },
    );
    w.admin_send(open).await.unwrap();
    assert_eq!(w.sale.state(&mut w.bank).await.highest_open_tier, 3);
    let buyer = w.buyer(1_000).await;
    w.buy(&buyer, 3).await.0.unwrap();
    w.buy(&buyer, 1).await.0.unwrap();
    assert_purchase_fails(
        &mut w,
        &buyer,
        4,
        None,
        &Referral::None,
        LicenseError::UnknownTier,
    )
    .await;
}

#[tokio::test]
async fn purchases_outside_any_phase_fail() {
    let mut w = world(vec![tier(300 * USD, 5, 0, 0)], false).await;
    let buyer = w.buyer(1_000).await;
    let schedule = w.sale.state(&mut w.bank).await.schedule;

    w.bank.set_time(schedule.whitelist_start - 1).await;
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::SaleNotActive,
    )
    .await;
    w.bank.set_time(schedule.public_end).await;
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::SaleNotActive,
    )
    .await;
    w.bank.set_time(schedule.public_end - 1).await;
    w.buy(&buyer, 1).await.0.unwrap();
}

#[tokio::test]
async fn the_whitelist_window_needs_a_proof() {
    let mut w = world(vec![tier(300 * USD, 5, 5, 0)], false).await;
    let buyer = w.buyer(1_000).await;
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::WhitelistProofRequired,
    )
    .await;
}

#[tokio::test]
async fn schedule_changes_only_before_a_window_starts() {
    let mut w = world(vec![tier(300 * USD, 5, 0, 0)], false).await;
    let mut schedule = w.sale.state(&mut w.bank).await.schedule;
    // The whitelist window is running: its start cannot move.
    schedule.whitelist_start += 10;
    let admin = w.keys.admin.pubkey();
    let change = ix(
        w.sale.sale_admin(&admin),
        node_license::instruction::UpdateSaleSchedule { schedule },
    );
    assert_error(
        &w.admin_send(change).await,
        LicenseError::ScheduleAlreadyStarted,
    );
    // The public window has not started: it can be extended.
    schedule.whitelist_start -= 10;
    schedule.public_end += DAY;
    let change = ix(
        w.sale.sale_admin(&admin),
        node_license::instruction::UpdateSaleSchedule { schedule },
    );
    w.admin_send(change).await.unwrap();
    assert_eq!(w.sale.state(&mut w.bank).await.schedule, schedule);
}

#[tokio::test]
async fn sold_out_last_tier_fails_cleanly() {
    let mut w = world(vec![tier(300 * USD, 1, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    w.buy(&buyer, 1).await.0.unwrap();
    let other = w.buyer(1_000).await;
    assert_purchase_fails(
        &mut w,
        &other,
        1,
        None,
        &Referral::None,
        LicenseError::TierSoldOut,
    )
    .await;
}

// ---------------------------------------------------------------- per-wallet caps

#[tokio::test]
async fn wallet_cap_holds_across_many_transactions() {
    let mut w = world(vec![tier(300 * USD, 100, 0, 3)], true).await;
    let buyer = w.buyer(2_000).await;
    for _ in 0..3 {
        w.buy(&buyer, 1).await.0.unwrap();
    }
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::WalletCapExceeded,
    )
    .await;
    let counts: WalletPurchases = w
        .bank
        .anchor_account(&wallet_purchases_pda(&w.sale.address, &buyer.pubkey()))
        .await;
    assert_eq!(counts.purchased[0], 3);
    // Another wallet has its own cap.
    let other = w.buyer(1_000).await;
    w.buy(&other, 1).await.0.unwrap();
}

#[tokio::test]
async fn wallet_cap_holds_within_one_transaction() {
    let mut w = world(vec![tier(300 * USD, 100, 0, 2)], true).await;
    let buyer = w.buyer(2_000).await;
    let mints: Vec<Keypair> = (0..3).map(|_| Keypair::new()).collect();
    let sale = w.sale.clone();
    let purchase = |mint: &Keypair| {
        sale.purchase_ix(&buyer.pubkey(), &mint.pubkey(), 1, None, &Referral::None)
    };

    // Three purchases in one transaction against a cap of 2: the third fails, so all do.
    let watched = w.watch(&buyer.pubkey(), &[]).await;
    let instructions: Vec<_> = mints.iter().map(purchase).collect();
    let result = w
        .bank
        .send(&instructions, &[&buyer, &mints[0], &mints[1], &mints[2]])
        .await;
    assert_error(&result, LicenseError::WalletCapExceeded);
    watched.check(&mut w.bank).await;

    // Two in one transaction succeed and fill the cap.
    let instructions: Vec<_> = mints[..2].iter().map(purchase).collect();
    w.bank
        .send(&instructions, &[&buyer, &mints[0], &mints[1]])
        .await
        .unwrap();
    assert_eq!(w.sale.state(&mut w.bank).await.tiers[0].sold, 2);
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::WalletCapExceeded,
    )
    .await;
}

// ---------------------------------------------------------------- whitelist

struct Whitelist {
    tree: MerkleTree,
    entries: Vec<(Pubkey, u8, u16)>,
}

impl Whitelist {
    fn new(sale: &Pubkey, entries: Vec<(Pubkey, u8, u16)>) -> Self {
        let leaves = entries
            .iter()
            .map(|(w, t, a)| whitelist_leaf(sale, w, *t, *a))
            .collect();
        Self {
            tree: MerkleTree::new(leaves).unwrap(),
            entries,
        }
    }

    fn proof(&self, wallet: &Pubkey, allocation: u16) -> WhitelistProof {
        let index = self
            .entries
            .iter()
            .position(|(w, _, _)| w == wallet)
            .unwrap();
        WhitelistProof {
            allocation,
            proof: self.tree.proof(index).unwrap(),
        }
    }
}

async fn whitelist_world() -> (World, Keypair, Keypair, Whitelist) {
    let mut w = world(
        vec![tier(300 * USD, 10, 3, 0), tier(350 * USD, 10, 3, 0)],
        false,
    )
    .await;
    let alice = w.buyer(2_000).await;
    let bob = w.buyer(2_000).await;
    let list = Whitelist::new(
        &w.sale.address,
        vec![(alice.pubkey(), 1, 2), (bob.pubkey(), 2, 1)],
    );
    let admin = w.keys.admin.pubkey();
    for tier in [1, 2] {
        let set = ix(
            w.sale.sale_admin(&admin),
            node_license::instruction::SetWhitelistRoot {
                tier,
                root: list.tree.root(),
            },
        );
        w.admin_send(set).await.unwrap();
    }
    (w, alice, bob, list)
}

#[tokio::test]
async fn whitelist_proof_buys_up_to_the_allocation() {
    let (mut w, alice, _, list) = whitelist_world().await;
    for _ in 0..2 {
        let proof = Some(list.proof(&alice.pubkey(), 2));
        w.sale
            .buy(&mut w.bank, &alice, 1, proof, &Referral::None)
            .await
            .0
            .unwrap();
    }
    let over = Some(list.proof(&alice.pubkey(), 2));
    assert_purchase_fails(
        &mut w,
        &alice,
        1,
        over,
        &Referral::None,
        LicenseError::WhitelistAllocationExceeded,
    )
    .await;
    let sale = w.sale.state(&mut w.bank).await;
    assert_eq!((sale.tiers[0].sold, sale.tiers[0].whitelist_sold), (2, 2));
}

#[tokio::test]
async fn whitelist_rejects_wrong_allocation_tier_and_wallet() {
    let (mut w, alice, bob, list) = whitelist_world().await;
    // Claiming a larger allocation than the leaf commits to.
    let inflated = Some(list.proof(&alice.pubkey(), 3));
    assert_purchase_fails(
        &mut w,
        &alice,
        1,
        inflated,
        &Referral::None,
        LicenseError::InvalidWhitelistProof,
    )
    .await;
    // Alice's leaf is for tier 1; tier 2 opened by the admin still refuses it.
    let open = ix(
        w.sale.sale_admin(&w.keys.admin.pubkey()),
        node_license::instruction::OpenTier { tier: 2 },
    );
    w.admin_send(open).await.unwrap();
    let wrong_tier = Some(list.proof(&alice.pubkey(), 2));
    assert_purchase_fails(
        &mut w,
        &alice,
        2,
        wrong_tier,
        &Referral::None,
        LicenseError::InvalidWhitelistProof,
    )
    .await;
    // Bob presents Alice's proof.
    let stolen = Some(list.proof(&alice.pubkey(), 2));
    assert_purchase_fails(
        &mut w,
        &bob,
        1,
        stolen,
        &Referral::None,
        LicenseError::InvalidWhitelistProof,
    )
    .await;
    // Bob's own leaf works in its tier.
    let own = Some(list.proof(&bob.pubkey(), 1));
    w.sale
        .buy(&mut w.bank, &bob, 2, own, &Referral::None)
        .await
        .0
        .unwrap();
}

#[tokio::test]
async fn whitelist_proofs_are_refused_outside_the_whitelist_window() {
    let (mut w, alice, _, list) = whitelist_world().await;
    let schedule = w.sale.state(&mut w.bank).await.schedule;
    w.bank.set_time(schedule.whitelist_start - 1).await;
    let proof = Some(list.proof(&alice.pubkey(), 2));
    assert_purchase_fails(
        &mut w,
        &alice,
        1,
        proof.clone(),
        &Referral::None,
        LicenseError::SaleNotActive,
    )
    .await;
    w.bank.set_time(schedule.public_start).await;
    assert_purchase_fails(
        &mut w,
        &alice,
        1,
        proof,
        &Referral::None,
        LicenseError::WhitelistWindowClosed,
    )
    .await;
    // In the public window the same wallet buys without a proof.
    w.buy(&alice, 1).await.0.unwrap();
}

#[tokio::test]
async fn tier_whitelist_allocation_bounds_the_whitelist_window() {
    let mut w = world(vec![tier(300 * USD, 10, 1, 0)], false).await;
    let alice = w.buyer(1_000).await;
    let bob = w.buyer(1_000).await;
    let list = Whitelist::new(
        &w.sale.address,
        vec![(alice.pubkey(), 1, 1), (bob.pubkey(), 1, 1)],
    );
    let set = ix(
        w.sale.sale_admin(&w.keys.admin.pubkey()),
        node_license::instruction::SetWhitelistRoot {
            tier: 1,
            root: list.tree.root(),
        },
    );
    w.admin_send(set).await.unwrap();
    w.sale
        .buy(
            &mut w.bank,
            &alice,
            1,
            Some(list.proof(&alice.pubkey(), 1)),
            &Referral::None,
        )
        .await
        .0
        .unwrap();
    let proof = Some(list.proof(&bob.pubkey(), 1));
    assert_purchase_fails(
        &mut w,
        &bob,
        1,
        proof,
        &Referral::None,
        LicenseError::TierWhitelistSoldOut,
    )
    .await;
}

// ---------------------------------------------------------------- referrals

/// A wallet that bought a license, and that license's mint.
async fn license_holder(w: &mut World) -> (Keypair, Pubkey) {
    let holder = w.buyer(1_000).await;
    let (result, mint) = w.buy(&holder, 1).await;
    result.unwrap();
    (holder, mint)
}

#[tokio::test]
async fn user_code_pays_exactly_five_percent_each_way() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (referrer, referrer_mint) = license_holder(&mut w).await;
    let buyer = w.buyer(1_000).await;
    let treasury_before = w.bank.token_balance(&w.sale.treasury).await;
    let referrer_before = w
        .bank
        .token_balance(&w.sale.payment_account(&referrer.pubkey()))
        .await;

    let referral = Referral::User {
        referrer: referrer.pubkey(),
        license_mint: referrer_mint,
    };
    let (result, mint) = w.sale.buy(&mut w.bank, &buyer, 1, None, &referral).await;
    result.unwrap();

    // $300 list: buyer pays $285, referrer gets $15, treasury $270.
    assert_eq!(
        w.bank
            .token_balance(&w.sale.payment_account(&buyer.pubkey()))
            .await,
        715 * USD
    );
    assert_eq!(
        w.bank
            .token_balance(&w.sale.payment_account(&referrer.pubkey()))
            .await
            - referrer_before,
        15 * USD
    );
    assert_eq!(
        w.bank.token_balance(&w.sale.treasury).await - treasury_before,
        270 * USD
    );
    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    assert_eq!(record.price_paid_usd, 285 * USD);
    let sale = w.sale.state(&mut w.bank).await;
    assert_eq!(
        (
            sale.gross_usd,
            sale.paid_usd,
            sale.discounts_usd,
            sale.commissions_usd
        ),
        (600 * USD, 585 * USD, 15 * USD, 15 * USD)
    );
}

async fn register_partner(
    w: &mut World,
    code: &str,
    receiver: &Pubkey,
    discount_bps: u16,
    commission_bps: u16,
) {
    let args = RegisterPartnerCodeArgs {
        code: code.to_string(),
        receiver: *receiver,
        discount_bps,
        commission_bps,
    };
    let register = register_partner_code_ix(&w.keys.admin.pubkey(), args);
    w.admin_send(register).await.unwrap();
}

#[tokio::test]
async fn partner_code_applies_its_own_rates() {
    let mut w = world(vec![tier(400 * USD, 10, 0, 0)], true).await;
    let partner = w.bank.new_wallet(1).await.pubkey();
    let partner_account = w
        .bank
        .ata(
            &partner,
            &w.sale.payment_mint,
            &w.sale.payment_token_program,
        )
        .await;
    register_partner(&mut w, "KOL10", &partner, 1_000, 750).await;
    let buyer = w.buyer(1_000).await;

    let referral = Referral::Partner {
        code: "KOL10".into(),
        receiver: partner,
    };
    w.sale
        .buy(&mut w.bank, &buyer, 1, None, &referral)
        .await
        .0
        .unwrap();
    // $400 list: 10 % off → $360 paid; 7.5 % commission → $30; treasury $330.
    assert_eq!(
        w.bank
            .token_balance(&w.sale.payment_account(&buyer.pubkey()))
            .await,
        640 * USD
    );
    assert_eq!(w.bank.token_balance(&partner_account).await, 30 * USD);
    assert_eq!(w.bank.token_balance(&w.sale.treasury).await, 330 * USD);
    let code: node_license::state::PartnerCode =
        w.bank.anchor_account(&partner_code_pda("KOL10")).await;
    assert_eq!((code.uses, code.commissions_usd), (1, 30 * USD));
}

#[tokio::test]
async fn partner_code_rates_cannot_exceed_the_price() {
    let mut w = world(vec![tier(400 * USD, 10, 0, 0)], true).await;
    let args = RegisterPartnerCodeArgs {
        code: "GREEDY".into(),
        receiver: Pubkey::new_unique(),
        discount_bps: 6_000,
        commission_bps: 4_001,
    };
    let register = register_partner_code_ix(&w.keys.admin.pubkey(), args);
    assert_error(
        &w.admin_send(register).await,
        LicenseError::InvalidReferralRates,
    );
}

/// A purchase whose commission goes to a second token account of the buyer (so the accounts
/// are distinct and the program itself must see through the self-referral).
async fn assert_self_referral_fails(w: &mut World, buyer: &Keypair, referral: Referral) {
    let second_account = w
        .bank
        .create_token_account(
            &buyer.pubkey(),
            &w.sale.payment_mint,
            &w.sale.payment_token_program,
        )
        .await;
    let alter = |a: &mut node_license::accounts::PurchaseLicense| {
        a.commission_account = Some(second_account)
    };
    assert_altered_purchase_fails(
        w,
        buyer,
        &referral,
        alter,
        &[second_account],
        LicenseError::SelfReferral,
    )
    .await;
}

#[tokio::test]
async fn self_referral_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, mint) = license_holder(&mut w).await;
    let own_code = Referral::User {
        referrer: holder.pubkey(),
        license_mint: mint,
    };
    // Paying the commission to the very account that pays: refused before the program runs.
    assert_purchase_fails(
        &mut w,
        &holder,
        1,
        None,
        &own_code,
        AnchorErrorCode::ConstraintDuplicateMutableAccount,
    )
    .await;
    assert_self_referral_fails(&mut w, &holder, own_code).await;
    // A partner buying through its own code is a self-referral too.
    let partner = w.buyer(1_000).await;
    register_partner(&mut w, "SELF", &partner.pubkey(), 1_000, 1_000).await;
    let own_partner = Referral::Partner {
        code: "SELF".into(),
        receiver: partner.pubkey(),
    };
    assert_self_referral_fails(&mut w, &partner, own_partner).await;
}

#[tokio::test]
async fn user_code_of_a_wallet_holding_no_license_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, mint) = license_holder(&mut w).await;
    let buyer = w.buyer(1_000).await;
    // A wallet without the license claims it: its (empty) token account for that mint.
    let pretender = w.buyer(10).await;
    w.bank.ata(&pretender.pubkey(), &mint, &TOKEN_2022_ID).await;
    let fake = Referral::User {
        referrer: pretender.pubkey(),
        license_mint: mint,
    };
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &fake,
        LicenseError::ReferrerHoldsNoLicense,
    )
    .await;
    // The real holder's code works.
    let real = Referral::User {
        referrer: holder.pubkey(),
        license_mint: mint,
    };
    w.sale
        .buy(&mut w.bank, &buyer, 1, None, &real)
        .await
        .0
        .unwrap();
}

#[tokio::test]
async fn disabled_partner_code_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let partner = w.bank.new_wallet(1).await.pubkey();
    w.bank
        .ata(
            &partner,
            &w.sale.payment_mint,
            &w.sale.payment_token_program,
        )
        .await;
    register_partner(&mut w, "OFF", &partner, 1_000, 500).await;
    let disable = ix(
        node_license::accounts::UpdatePartnerCode {
            admin: w.keys.admin.pubkey(),
            config: config_pda(),
            partner_code: partner_code_pda("OFF"),
        },
        node_license::instruction::UpdatePartnerCode {
            args: UpdatePartnerCodeArgs {
                receiver: partner,
                discount_bps: 1_000,
                commission_bps: 500,
                enabled: false,
            },
        },
    );
    w.admin_send(disable).await.unwrap();
    let buyer = w.buyer(1_000).await;
    let referral = Referral::Partner {
        code: "OFF".into(),
        receiver: partner,
    };
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &referral,
        LicenseError::PartnerCodeDisabled,
    )
    .await;
}

#[tokio::test]
async fn commission_must_go_to_the_referrer() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, mint) = license_holder(&mut w).await;
    let buyer = w.buyer(1_000).await;
    let thief = w.buyer(10).await;
    let thief_account = w.sale.payment_account(&thief.pubkey());
    let referral = Referral::User {
        referrer: holder.pubkey(),
        license_mint: mint,
    };
    let alter = |a: &mut node_license::accounts::PurchaseLicense| {
        a.commission_account = Some(thief_account)
    };
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[thief_account],
        LicenseError::WrongCommissionAccount,
    )
    .await;
}

// ---------------------------------------------------------------- pause

#[tokio::test]
async fn a_paused_sale_refuses_purchases_and_only_the_admin_unpauses() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let guardian = w.keys.pause_guardian.insecure_clone();
    let set_paused = |by: &Pubkey, paused| {
        ix(
            node_license::accounts::SetPaused {
                authority: *by,
                config: config_pda(),
            },
            node_license::instruction::SetPaused { paused },
        )
    };
    w.bank
        .send(&[set_paused(&guardian.pubkey(), true)], &[&guardian])
        .await
        .unwrap();
    let buyer = w.buyer(1_000).await;
    assert_purchase_fails(
        &mut w,
        &buyer,
        1,
        None,
        &Referral::None,
        LicenseError::Paused,
    )
    .await;

    assert_error(
        &w.bank
            .send(&[set_paused(&guardian.pubkey(), false)], &[&guardian])
            .await,
        LicenseError::NotPauseAuthority,
    );
    let stranger = w.bank.new_wallet(1).await;
    assert_error(
        &w.bank
            .send(&[set_paused(&stranger.pubkey(), true)], &[&stranger])
            .await,
        LicenseError::NotPauseAuthority,
    );
    let admin = w.keys.admin.pubkey();
    w.admin_send(set_paused(&admin, false)).await.unwrap();
    w.buy(&buyer, 1).await.0.unwrap();
}

// ---------------------------------------------------------------- the NFT and its lock

#[tokio::test]
async fn the_license_nft_is_a_locked_one_of_one_token_2022_mint_with_metadata() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    let (result, mint) = w.buy(&buyer, 1).await;
    result.unwrap();

    let mint_account = w.bank.account(&mint).await.unwrap();
    assert_eq!(mint_account.owner, TOKEN_2022_ID);
    let state = StateWithExtensions::<Mint>::unpack(&mint_account.data).unwrap();
    assert_eq!((state.base.supply, state.base.decimals), (1, 0));
    assert!(
        state.base.mint_authority.is_none(),
        "mint authority removed"
    );
    assert_eq!(
        Option::<Pubkey>::from(state.base.freeze_authority),
        Some(config_pda())
    );
    let pointer = state.get_extension::<MetadataPointer>().unwrap();
    assert_eq!(Option::<Pubkey>::from(pointer.metadata_address), Some(mint));
    let metadata = state.get_variable_len_extension::<TokenMetadata>().unwrap();
    assert_eq!(metadata.name, "Inferix Worker License #1");
    assert_eq!(metadata.symbol, "IFXNL");
    let fields: Vec<(&str, &str)> = metadata
        .additional_metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![("kind", "worker"), ("tier", "1"), ("serial", "1")]
    );

    let holding = ata_address(&buyer.pubkey(), &mint, &TOKEN_2022_ID);
    let account = w.bank.account(&holding).await.unwrap();
    let token = StateWithExtensions::<TokenAccountState>::unpack(&account.data).unwrap();
    assert_eq!(
        (token.base.amount, token.base.owner, token.base.state),
        (1, buyer.pubkey(), AccountState::Frozen)
    );

    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    assert_eq!(
        (
            record.mint,
            record.sale,
            record.kind,
            record.airdrop,
            record.locked
        ),
        (mint, w.sale.address, LicenseKind::Worker, false, true)
    );
    assert_eq!(record.unlocks_at, w.now + 365 * DAY);
}

#[tokio::test]
async fn a_second_token_of_a_license_can_never_be_minted() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    let (result, mint) = w.buy(&buyer, 1).await;
    result.unwrap();
    // Into a fresh, unfrozen account: there is no mint authority any more, so nobody can.
    let payer = w.bank.payer();
    let other = w.bank.ata(&payer.pubkey(), &mint, &TOKEN_2022_ID).await;
    let mint_again = spl_token_2022_interface::instruction::mint_to(
        &TOKEN_2022_ID,
        &mint,
        &other,
        &payer.pubkey(),
        &[],
        1,
    )
    .unwrap();
    let result = w.bank.send(&[mint_again], &[]).await;
    assert!(result.is_err());
    assert_eq!(
        custom_error(&result),
        Some(spl_token_2022_interface::error::TokenError::FixedSupply as u32)
    );
    assert_eq!(
        StateWithExtensions::<Mint>::unpack(&w.bank.account(&mint).await.unwrap().data)
            .unwrap()
            .base
            .supply,
        1
    );
}

#[tokio::test]
async fn the_license_cannot_move_until_its_lock_ends_then_anyone_unlocks_it() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    let (result, mint) = w.buy(&buyer, 1).await;
    result.unwrap();
    let friend = w.bank.new_wallet(1).await.pubkey();

    let frozen = transfer_license(&mut w.bank, &mint, &buyer, &friend).await;
    assert_eq!(
        custom_error(&frozen),
        Some(spl_token_2022_interface::error::TokenError::AccountFrozen as u32)
    );

    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    // Unlocking needs no signature but the fee payer's (the bank's payer cranks it here).
    w.bank.set_time(record.unlocks_at - 1).await;
    let early = w
        .bank
        .send(&[unlock_license_ix(&mint, &buyer.pubkey())], &[])
        .await;
    assert_error(&early, LicenseError::LicenseStillLocked);

    // Pausing never traps what is already the holder's.
    let pause = ix(
        node_license::accounts::SetPaused {
            authority: w.keys.admin.pubkey(),
            config: config_pda(),
        },
        node_license::instruction::SetPaused { paused: true },
    );
    w.admin_send(pause).await.unwrap();
    w.bank.set_time(record.unlocks_at).await;
    w.bank
        .send(&[unlock_license_ix(&mint, &buyer.pubkey())], &[])
        .await
        .unwrap();
    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    assert!(!record.locked);
    transfer_license(&mut w.bank, &mint, &buyer, &friend)
        .await
        .unwrap();

    // Unlocking twice is refused by name.
    let again = w.bank.send(&[unlock_license_ix(&mint, &friend)], &[]).await;
    assert_error(&again, LicenseError::LicenseNotLocked);
}

#[tokio::test]
async fn only_the_buyback_authority_releases_a_locked_license() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    let (result, mint) = w.buy(&buyer, 1).await;
    result.unwrap();
    let release = |authority: &Pubkey| {
        ix(
            node_license::accounts::ReleaseForBuyback {
                buyback_authority: *authority,
                holding: license_holding(&mint, &buyer.pubkey()),
            },
            node_license::instruction::ReleaseForBuyback {},
        )
    };
    let stranger = w.bank.new_wallet(1).await;
    let refused = w
        .bank
        .send(&[release(&stranger.pubkey())], &[&stranger])
        .await;
    assert_error(&refused, LicenseError::NotBuybackAuthority);
    let authority = w.keys.buyback_authority.insecure_clone();
    w.bank
        .send(&[release(&authority.pubkey())], &[&authority])
        .await
        .unwrap();
    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    assert!(!record.locked, "released long before the lock would end");
    let vault = w.bank.new_wallet(1).await.pubkey();
    transfer_license(&mut w.bank, &mint, &buyer, &vault)
        .await
        .unwrap();
}

// ---------------------------------------------------------------- airdrops

#[tokio::test]
async fn airdrops_are_flagged_free_and_bounded_by_their_allocation() {
    let mut w = world_with(vec![tier(300 * USD, 10, 0, 0)], true, |p| {
        p.airdrop_allocation = 2
    })
    .await;
    let winner = w.bank.new_wallet(1).await.pubkey();
    let admin = w.keys.admin.pubkey();
    let mut mints = vec![];
    for _ in 0..2 {
        let mint = Keypair::new();
        let admin_keys = w.keys.admin.insecure_clone();
        w.bank
            .send(
                &[w.sale.airdrop_ix(&admin, &winner, &mint.pubkey())],
                &[&admin_keys, &mint],
            )
            .await
            .unwrap();
        mints.push(mint.pubkey());
    }
    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mints[0])).await;
    assert_eq!(
        (
            record.airdrop,
            record.price_paid_usd,
            record.tier,
            record.locked
        ),
        (true, 0, 0, true)
    );
    assert_eq!(
        w.bank
            .token_balance(&ata_address(&winner, &mints[1], &TOKEN_2022_ID))
            .await,
        1
    );
    let metadata_tier = {
        let data = w.bank.account(&mints[0]).await.unwrap().data;
        let state = StateWithExtensions::<Mint>::unpack(&data).unwrap();
        state
            .get_variable_len_extension::<TokenMetadata>()
            .unwrap()
            .additional_metadata[1]
            .1
            .clone()
    };
    assert_eq!(metadata_tier, "airdrop");

    let third = Keypair::new();
    let admin_keys = w.keys.admin.insecure_clone();
    let sale_before = w.bank.snapshot(&[w.sale.address, admin]).await;
    let result = w
        .bank
        .send(
            &[w.sale.airdrop_ix(&admin, &winner, &third.pubkey())],
            &[&admin_keys, &third],
        )
        .await;
    assert_error(&result, LicenseError::AirdropAllocationExhausted);
    assert_eq!(w.bank.snapshot(&[w.sale.address, admin]).await, sale_before);
    let sale = w.sale.state(&mut w.bank).await;
    assert_eq!(
        (sale.airdropped, sale.sold, sale.tiers[0].sold),
        (2, 0, 0),
        "airdrops never consume sale supply"
    );
}

#[tokio::test]
async fn only_the_admin_airdrops() {
    let mut w = world_with(vec![tier(300 * USD, 10, 0, 0)], true, |p| {
        p.airdrop_allocation = 5
    })
    .await;
    let stranger = w.bank.new_wallet(1).await;
    let mint = Keypair::new();
    let result = w
        .bank
        .send(
            &[w.sale
                .airdrop_ix(&stranger.pubkey(), &stranger.pubkey(), &mint.pubkey())],
            &[&stranger, &mint],
        )
        .await;
    assert_error(&result, LicenseError::NotAdmin);
    assert_eq!(w.sale.state(&mut w.bank).await.airdropped, 0);
}

// ---------------------------------------------------------------- substituted accounts

async fn assert_substitution_fails(
    w: &mut World,
    alter: impl FnOnce(&mut node_license::accounts::PurchaseLicense),
    expected: impl Into<u32> + std::fmt::Debug + Copy,
) {
    let buyer = w.buyer(1_000).await;
    assert_altered_purchase_fails(w, &buyer, &Referral::None, alter, &[], expected).await;
}

#[tokio::test]
async fn a_fake_token_program_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let impostor = Pubkey::new_unique();
    assert_substitution_fails(
        &mut w,
        |a| a.payment_token_program = impostor,
        AnchorErrorCode::InvalidProgramId,
    )
    .await;
    assert_substitution_fails(
        &mut w,
        |a| a.license_token_program = anchor_spl::token::ID,
        AnchorErrorCode::InvalidProgramId,
    )
    .await;
}

#[tokio::test]
async fn a_fake_payment_mint_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    // A worthless mint of the same program, and the buyer's account of it, well funded.
    let fake_mint = w.bank.create_mint(&anchor_spl::token::ID, 6).await;
    assert_substitution_fails(
        &mut w,
        |a| a.payment_mint = fake_mint,
        LicenseError::WrongPaymentMint,
    )
    .await;
    let other_treasury = w
        .bank
        .ata(
            &Pubkey::new_unique(),
            &w.sale.payment_mint,
            &anchor_spl::token::ID,
        )
        .await;
    assert_substitution_fails(
        &mut w,
        |a| a.treasury = other_treasury,
        LicenseError::WrongTreasury,
    )
    .await;
}

#[tokio::test]
async fn a_fake_license_record_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, mint) = license_holder(&mut w).await;
    let buyer = w.buyer(1_000).await;
    let referral = Referral::User {
        referrer: holder.pubkey(),
        license_mint: mint,
    };
    // The sale account passed where a license record belongs: wrong discriminator.
    let sale_address = w.sale.address;
    let alter =
        |a: &mut node_license::accounts::PurchaseLicense| a.referrer_license = Some(sale_address);
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[],
        AnchorErrorCode::AccountDiscriminatorMismatch,
    )
    .await;
    // A system-owned account posing as a record: wrong owner.
    let alter = |a: &mut node_license::accounts::PurchaseLicense| {
        a.referrer_license = Some(holder.pubkey())
    };
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[],
        AnchorErrorCode::AccountOwnedByWrongProgram,
    )
    .await;
}

#[tokio::test]
async fn a_license_record_of_another_mint_is_rejected() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, held_mint) = license_holder(&mut w).await;
    let (_, other_mint) = license_holder(&mut w).await;
    let buyer = w.buyer(1_000).await;
    // The holder's real token account, with the record of somebody else's license.
    let referral = Referral::User {
        referrer: holder.pubkey(),
        license_mint: held_mint,
    };
    let alter = |a: &mut node_license::accounts::PurchaseLicense| {
        a.referrer_license = Some(license_record_pda(&other_mint))
    };
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[],
        LicenseError::LicenseMintMismatch,
    )
    .await;
}

// ---------------------------------------------------------------- sale in a Token-2022 stablecoin

#[tokio::test]
async fn payment_works_in_a_token_2022_stablecoin_too() {
    let mut w = world_with(vec![tier(300 * USD, 10, 0, 0)], true, |p| {
        p.payment_token_program = TOKEN_2022_ID
    })
    .await;
    let buyer = w.buyer(1_000).await;
    w.buy(&buyer, 1).await.0.unwrap();
    assert_eq!(w.bank.token_balance(&w.sale.treasury).await, 300 * USD);
}

// ---------------------------------------------------------------- administration

#[tokio::test]
async fn only_the_upgrade_authority_initializes_the_config() {
    let mut bank = Bank::start().await;
    let squatter = bank.new_wallet(1).await;
    let args = InitializeConfigArgs {
        pause_guardian: squatter.pubkey(),
        buyback_authority: squatter.pubkey(),
        lock_duration_secs: 0,
        user_code_discount_bps: 500,
        user_code_commission_bps: 500,
    };
    let result = bank
        .send(
            &[initialize_config_ix(&squatter.pubkey(), args)],
            &[&squatter],
        )
        .await;
    assert_error(&result, LicenseError::NotUpgradeAuthority);
    assert!(bank.account(&config_pda()).await.is_none());
}

#[tokio::test]
async fn admin_handover_needs_the_proposed_admin_to_accept() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let old_admin = w.keys.admin.insecure_clone();
    let new_admin = w.bank.new_wallet(1).await;
    let impostor = w.bank.new_wallet(1).await;
    let propose = ix(
        node_license::accounts::ProposeAdmin {
            admin: old_admin.pubkey(),
            config: config_pda(),
        },
        node_license::instruction::ProposeAdmin {
            proposed: new_admin.pubkey(),
        },
    );
    let accept = |by: &Pubkey| {
        ix(
            node_license::accounts::AcceptAdmin {
                new_admin: *by,
                config: config_pda(),
            },
            node_license::instruction::AcceptAdmin {},
        )
    };

    assert_error(
        &w.bank
            .send(&[accept(&new_admin.pubkey())], &[&new_admin])
            .await,
        LicenseError::NoPendingAdmin,
    );
    w.bank.send(&[propose], &[&old_admin]).await.unwrap();
    // Proposed, not yet accepted: the old admin still rules.
    let config: LicenseConfig = w.bank.anchor_account(&config_pda()).await;
    assert_eq!(
        (config.admin, config.pending_admin),
        (old_admin.pubkey(), Some(new_admin.pubkey()))
    );
    assert_error(
        &w.bank
            .send(&[accept(&impostor.pubkey())], &[&impostor])
            .await,
        LicenseError::NotPendingAdmin,
    );
    w.bank
        .send(&[accept(&new_admin.pubkey())], &[&new_admin])
        .await
        .unwrap();

    // The old admin lost its powers; the new one has them.
    let open_by = |admin: &Pubkey| {
        ix(
            w.sale.sale_admin(admin),
            node_license::instruction::OpenTier { tier: 1 },
        )
    };
    assert_error(
        &w.bank
            .send(&[open_by(&old_admin.pubkey())], &[&old_admin])
            .await,
        LicenseError::NotAdmin,
    );
    let update = ix(
        node_license::accounts::UpdateConfig {
            admin: old_admin.pubkey(),
            config: config_pda(),
        },
        node_license::instruction::UpdateConfig {
            args: Default::default(),
        },
    );
    assert_error(
        &w.bank.send(&[update], &[&old_admin]).await,
        LicenseError::NotAdmin,
    );
    w.bank
        .send(&[open_by(&new_admin.pubkey())], &[&new_admin])
        .await
        .unwrap();
    let config: LicenseConfig = w.bank.anchor_account(&config_pda()).await;
    assert_eq!(
        (config.admin, config.pending_admin),
        (new_admin.pubkey(), None)
    );
}

#[tokio::test]
async fn shared_errors_keep_their_own_code_range() {
    assert_eq!(u32::from(CommonError::MathOverflow), 9000);
    assert_eq!(u32::from(LicenseError::NotUpgradeAuthority), 6000);
}

// ---------------------------------------------------------------- transaction size

/// Wire size of a purchase transaction (buyer and mint sign), as a validator would receive it.
fn purchase_tx_size(whitelist_depth: Option<usize>, referral: &Referral) -> usize {
    let sale = SaleFixture {
        address: Pubkey::new_unique(),
        payment_mint: Pubkey::new_unique(),
        payment_token_program: anchor_spl::token::ID,
        payment_decimals: 6,
        treasury: Pubkey::new_unique(),
    };
    let buyer = Pubkey::new_unique();
    let whitelist = whitelist_depth.map(|depth| WhitelistProof {
        allocation: 1,
        proof: vec![[7; 32]; depth],
    });
    let purchase = sale.purchase_ix(&buyer, &Pubkey::new_unique(), 1, whitelist, referral);
    let tx = solana_transaction::Transaction::new_with_payer(&[purchase], Some(&buyer));
    bincode::serialize(&tx).unwrap().len()
}

#[test]
fn purchase_transactions_fit_in_one_packet() {
    const PACKET: usize = 1_232;
    let user_code = || Referral::User {
        referrer: Pubkey::new_unique(),
        license_mint: Pubkey::new_unique(),
    };
    let partner = Referral::Partner {
        code: "KOL10".into(),
        receiver: Pubkey::new_unique(),
    };
    let cases = [
        ("public, no referral", None, Referral::None),
        ("public, user code", None, user_code()),
        ("public, partner code", None, partner),
        ("whitelist of 2^17 wallets", Some(17), Referral::None),
        (
            "whitelist of 2^14 wallets, user code",
            Some(14),
            user_code(),
        ),
    ];
    for (case, depth, referral) in cases {
        let size = purchase_tx_size(depth, &referral);
        println!("{case}: {size} bytes");
        assert!(size <= PACKET, "{case}: {size} bytes exceeds {PACKET}");
    }
    // One level deeper needs an address lookup table (docs/decisions.md).
    assert!(purchase_tx_size(Some(18), &Referral::None) > PACKET);
}

// ---------------------------------------------------------------- remaining refusals

/// Turns valid sale parameters into invalid ones.
type BreakSale = fn(&mut SaleParams);

#[tokio::test]
async fn malformed_sales_lock_durations_and_partner_codes_are_refused_by_name() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let admin = w.keys.admin.insecure_clone();
    let now = w.now;
    let config_before = w.bank.snapshot(&[config_pda()]).await;
    let cases: [(BreakSale, LicenseError); 6] = [
        (|p| p.tiers.clear(), LicenseError::InvalidTierCount),
        (
            |p| p.tiers = vec![tier(300 * USD, 1, 0, 0); 31],
            LicenseError::InvalidTierCount,
        ),
        (|p| p.tiers[0].price_usd = 0, LicenseError::InvalidTier),
        (
            |p| p.tiers[0].whitelist_allocation = 11,
            LicenseError::InvalidTier,
        ),
        (
            |p| p.schedule.public_end = p.schedule.public_start,
            LicenseError::InvalidSchedule,
        ),
        (
            |p| p.metadata_uri = "x".repeat(201),
            LicenseError::UriTooLong,
        ),
    ];
    for (break_it, expected) in cases {
        let mut params = SaleParams::new(now, vec![tier(300 * USD, 10, 0, 0)]);
        break_it(&mut params);
        let (result, sale) = try_create_sale(&mut w.bank, &admin, params).await;
        assert_error(&result, expected);
        assert!(w.bank.account(&sale.address).await.is_none());
    }
    assert_eq!(
        w.bank.snapshot(&[config_pda()]).await,
        config_before,
        "sale count unchanged"
    );

    let update = ix(
        node_license::accounts::UpdateConfig {
            admin: admin.pubkey(),
            config: config_pda(),
        },
        node_license::instruction::UpdateConfig {
            args: node_license::instructions::UpdateConfigArgs {
                lock_duration_secs: Some(-1),
                ..Default::default()
            },
        },
    );
    assert_error(
        &w.admin_send(update).await,
        LicenseError::InvalidLockDuration,
    );
    assert_eq!(w.bank.snapshot(&[config_pda()]).await, config_before);

    for code in ["", "SEVENTEEN-BYTES-X"] {
        let args = RegisterPartnerCodeArgs {
            code: code.into(),
            receiver: Pubkey::new_unique(),
            discount_bps: 500,
            commission_bps: 500,
        };
        let register = register_partner_code_ix(&admin.pubkey(), args);
        let result = w.admin_send(register).await;
        assert_error(&result, LicenseError::InvalidPartnerCode);
    }
}

#[tokio::test]
async fn mixing_a_user_code_with_a_partner_code_is_refused() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let (holder, mint) = license_holder(&mut w).await;
    let partner = w.bank.new_wallet(1).await.pubkey();
    register_partner(&mut w, "BOTH", &partner, 1_000, 500).await;
    let buyer = w.buyer(1_000).await;
    let referral = Referral::User {
        referrer: holder.pubkey(),
        license_mint: mint,
    };
    let alter = |a: &mut node_license::accounts::PurchaseLicense| {
        a.partner_code = Some(partner_code_pda("BOTH"))
    };
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[],
        LicenseError::InvalidReferralAccounts,
    )
    .await;
    // A code's accounts without the commission account are incomplete too.
    let alter = |a: &mut node_license::accounts::PurchaseLicense| a.commission_account = None;
    assert_altered_purchase_fails(
        &mut w,
        &buyer,
        &referral,
        alter,
        &[],
        LicenseError::InvalidReferralAccounts,
    )
    .await;
}

#[tokio::test]
async fn unlocking_needs_the_account_that_holds_the_license() {
    let mut w = world(vec![tier(300 * USD, 10, 0, 0)], true).await;
    let buyer = w.buyer(1_000).await;
    let (result, mint) = w.buy(&buyer, 1).await;
    result.unwrap();
    let record: LicenseRecord = w.bank.anchor_account(&license_record_pda(&mint)).await;
    w.bank.set_time(record.unlocks_at).await;
    // An empty account of the same mint.
    let stranger = w.bank.new_wallet(1).await.pubkey();
    w.bank.ata(&stranger, &mint, &TOKEN_2022_ID).await;
    let before = w.bank.snapshot(&[license_record_pda(&mint)]).await;
    let result = w
        .bank
        .send(&[unlock_license_ix(&mint, &stranger)], &[])
        .await;
    assert_error(&result, LicenseError::WrongLicenseAccount);
    assert_eq!(w.bank.snapshot(&[license_record_pda(&mint)]).await, before);
}
