//! node-license: PDAs, instruction builders and a sale fixture.

use crate::bank::{ata_address, Bank, TxResult, TOKEN_2022_ID};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use node_license::constants::{
    DEFAULT_LOCK_DURATION_SECS, DEFAULT_USER_CODE_COMMISSION_BPS, DEFAULT_USER_CODE_DISCOUNT_BPS,
};
use node_license::instructions::{InitializeConfigArgs, InitializeSaleArgs, WhitelistProof};
use node_license::state::{LicenseKind, Sale, SaleSchedule, TierParams};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

pub fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: node_license::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

// The node_license addresses, from the SDK (one derivation for clients, worker and tests).
pub use inferix_sdk::pda::{
    license_config as config_pda, license_record as license_record_pda,
    partner_code as partner_code_pda, sale as sale_pda, wallet_purchases as wallet_purchases_pda,
};

/// The keys that govern a deployment of node-license.
pub struct LicenseAuthorities {
    pub admin: Keypair,
    pub pause_guardian: Keypair,
    pub buyback_authority: Keypair,
}

pub use inferix_sdk::admin::license_initialize_config as initialize_config_ix;

/// Initializes the config with the SPEC defaults; the deployer (upgrade authority) is admin.
pub async fn init_license_program(bank: &mut Bank) -> LicenseAuthorities {
    let authorities = LicenseAuthorities {
        admin: bank.deployer.insecure_clone(),
        pause_guardian: bank.new_wallet(1).await,
        buyback_authority: Keypair::new(),
    };
    let args = InitializeConfigArgs {
        pause_guardian: authorities.pause_guardian.pubkey(),
        buyback_authority: authorities.buyback_authority.pubkey(),
        lock_duration_secs: DEFAULT_LOCK_DURATION_SECS,
        user_code_discount_bps: DEFAULT_USER_CODE_DISCOUNT_BPS,
        user_code_commission_bps: DEFAULT_USER_CODE_COMMISSION_BPS,
    };
    let admin = authorities.admin.insecure_clone();
    bank.send(&[initialize_config_ix(&admin.pubkey(), args)], &[&admin])
        .await
        .expect("initializing node-license");
    authorities
}

/// What a test sale looks like; `new` gives a one-tier public sale running now.
pub struct SaleParams {
    pub kind: LicenseKind,
    pub schedule: SaleSchedule,
    pub tiers: Vec<TierParams>,
    pub airdrop_allocation: u32,
    pub payment_token_program: Pubkey,
    pub payment_decimals: u8,
    pub metadata_uri: String,
}

pub fn tier(price_usd: u64, supply: u32, whitelist_allocation: u32, wallet_cap: u32) -> TierParams {
    TierParams {
        price_usd,
        supply,
        whitelist_allocation,
        wallet_cap,
    }
}

pub const USD: u64 = 1_000_000;
pub const DAY: i64 = 86_400;

impl SaleParams {
    /// A sale whose whitelist window is `[now, now + 1 day)` and public window the next 30 days.
    pub fn new(now: i64, tiers: Vec<TierParams>) -> Self {
        Self {
            kind: LicenseKind::Worker,
            schedule: SaleSchedule {
                whitelist_start: now,
                whitelist_end: now + DAY,
                public_start: now + DAY,
                public_end: now + 31 * DAY,
            },
            tiers,
            airdrop_allocation: 0,
            payment_token_program: anchor_spl::token::ID,
            payment_decimals: 6,
            metadata_uri: "https://inferix.io/licenses/worker.json".to_string(),
        }
    }
}

/// A sale on the bank with its payment mint (controlled by the bank payer) and treasury.
#[derive(Clone)]
pub struct SaleFixture {
    pub address: Pubkey,
    pub payment_mint: Pubkey,
    pub payment_token_program: Pubkey,
    pub payment_decimals: u8,
    pub treasury: Pubkey,
}

pub async fn create_sale(bank: &mut Bank, admin: &Keypair, params: SaleParams) -> SaleFixture {
    let (result, sale) = try_create_sale(bank, admin, params).await;
    result.expect("creating a sale");
    sale
}

/// Submits `initialize_sale` for `params` (with a fresh payment mint and treasury); the sale
/// fixture is meaningful only when it succeeded.
pub async fn try_create_sale(
    bank: &mut Bank,
    admin: &Keypair,
    params: SaleParams,
) -> (TxResult, SaleFixture) {
    let payment_mint = bank
        .create_mint(&params.payment_token_program, params.payment_decimals)
        .await;
    let treasury_owner = Keypair::new().pubkey();
    let treasury = bank
        .ata(
            &treasury_owner,
            &payment_mint,
            &params.payment_token_program,
        )
        .await;
    let config: node_license::state::LicenseConfig = bank.anchor_account(&config_pda()).await;
    let address = sale_pda(config.sale_count);
    let payment = inferix_sdk::admin::SalePayment {
        mint: payment_mint,
        token_program: params.payment_token_program,
        treasury,
    };
    let instruction = inferix_sdk::admin::initialize_sale(
        &admin.pubkey(),
        config.sale_count,
        &payment,
        InitializeSaleArgs {
            kind: params.kind,
            schedule: params.schedule,
            tiers: params.tiers,
            airdrop_allocation: params.airdrop_allocation,
            metadata_uri: params.metadata_uri,
        },
    );
    let result = bank.send(&[instruction], &[admin]).await;
    let sale = SaleFixture {
        address,
        payment_mint,
        payment_token_program: params.payment_token_program,
        payment_decimals: params.payment_decimals,
        treasury,
    };
    (result, sale)
}

pub use inferix_sdk::instructions::Referral;

impl SaleFixture {
    pub async fn state(&self, bank: &mut Bank) -> Sale {
        bank.anchor_account(&self.address).await
    }

    /// A funded wallet holding `usd` whole dollars of the payment stablecoin.
    pub async fn new_buyer(&self, bank: &mut Bank, usd: u64) -> Keypair {
        let buyer = bank.new_wallet(10).await;
        let amount = usd * 10u64.pow(self.payment_decimals as u32);
        bank.fund_tokens(
            &buyer.pubkey(),
            &self.payment_mint,
            &self.payment_token_program,
            amount,
        )
        .await;
        buyer
    }

    pub fn payment_account(&self, wallet: &Pubkey) -> Pubkey {
        ata_address(wallet, &self.payment_mint, &self.payment_token_program)
    }

    /// The accounts of a purchase of license `mint` by `buyer`, for tests to alter.
    pub fn purchase_accounts(
        &self,
        buyer: &Pubkey,
        mint: &Pubkey,
        referral: &Referral,
    ) -> node_license::accounts::PurchaseLicense {
        inferix_sdk::instructions::purchase_license_accounts(
            &self.accounts(),
            buyer,
            mint,
            referral,
        )
    }

    /// The sale as the SDK takes it.
    pub fn accounts(&self) -> inferix_sdk::instructions::SaleAccounts {
        inferix_sdk::instructions::SaleAccounts {
            sale: self.address,
            payment_mint: self.payment_mint,
            payment_token_program: self.payment_token_program,
            treasury: self.treasury,
        }
    }

    pub fn purchase_ix(
        &self,
        buyer: &Pubkey,
        mint: &Pubkey,
        tier: u8,
        whitelist: Option<WhitelistProof>,
        referral: &Referral,
    ) -> Instruction {
        inferix_sdk::instructions::purchase_license(
            &self.accounts(),
            buyer,
            mint,
            tier,
            whitelist,
            referral,
        )
    }

    pub async fn buy(
        &self,
        bank: &mut Bank,
        buyer: &Keypair,
        tier: u8,
        whitelist: Option<WhitelistProof>,
        referral: &Referral,
    ) -> (TxResult, Pubkey) {
        let mint = Keypair::new();
        let instruction =
            self.purchase_ix(&buyer.pubkey(), &mint.pubkey(), tier, whitelist, referral);
        (
            bank.send(&[instruction], &[buyer, &mint]).await,
            mint.pubkey(),
        )
    }

    /// Accounts of an admin change to this sale.
    pub fn sale_admin(&self, admin: &Pubkey) -> node_license::accounts::SaleAdmin {
        node_license::accounts::SaleAdmin {
            admin: *admin,
            config: config_pda(),
            sale: self.address,
        }
    }

    pub fn airdrop_ix(&self, admin: &Pubkey, recipient: &Pubkey, mint: &Pubkey) -> Instruction {
        inferix_sdk::admin::airdrop_license(admin, &self.address, recipient, mint)
    }
}

/// A fresh bank with node-license deployed and a worker and a verifier sale in their public
/// windows.
pub async fn license_world() -> (Bank, LicenseAuthorities, SaleFixture, SaleFixture) {
    let mut bank = Bank::start().await;
    let license = init_license_program(&mut bank).await;
    let now = bank.now().await;
    let public_now = |kind| {
        let mut params = SaleParams::new(now - 1, vec![tier(300 * USD, 1_000, 0, 0)]);
        params.kind = kind;
        params.schedule.whitelist_end = now - 1;
        params.schedule.public_start = now - 1;
        params
    };
    let worker_sale = create_sale(&mut bank, &license.admin, public_now(LicenseKind::Worker)).await;
    let verifier_sale =
        create_sale(&mut bank, &license.admin, public_now(LicenseKind::Verifier)).await;
    (bank, license, worker_sale, verifier_sale)
}

// The governance and holding builders, from the SDK.
pub use inferix_sdk::admin::{license_holding, register_partner_code as register_partner_code_ix};
pub use inferix_sdk::instructions::unlock_license as unlock_license_ix;

/// Moves license `mint` from `from`'s associated account to `to`'s (Token-2022 transfer).
pub async fn transfer_license(
    bank: &mut Bank,
    mint: &Pubkey,
    from: &Keypair,
    to: &Pubkey,
) -> TxResult {
    let destination = bank.ata(to, mint, &TOKEN_2022_ID).await;
    let source = ata_address(&from.pubkey(), mint, &TOKEN_2022_ID);
    let transfer = spl_token_2022_interface::instruction::transfer_checked(
        &TOKEN_2022_ID,
        &source,
        mint,
        &destination,
        &from.pubkey(),
        &[],
        1,
        0,
    )
    .unwrap();
    bank.send(&[transfer], &[from]).await
}
