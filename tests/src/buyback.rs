//! buyback-vault: a deployment on top of the other three programs (their buyback authority set
//! to its PDA), Pyth ETH prices written into the bank, and the two buyback options.

use crate::bank::{Bank, TxResult};
use crate::rewards::{default_rewards_params, RewardsWorld};
use crate::staking::{pushed_price_pda, NodeFixture};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use buyback_vault::constants::*;
use buyback_vault::instructions::InitializeConfigArgs;
use buyback_vault::state::{BuybackConfig, BuybackParams, IfxPriceSource};
use inferix_common::price::{
    PriceFeedMessage, PriceRules, PriceUpdateV2, VerificationLevel, PYTH_RECEIVER_PROGRAM_ID,
};
use inferix_sdk::instructions as sdk;
use solana_account::Account;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

pub const ETH_FEED: [u8; 32] = [0xe7; 32];
pub const WETH_DECIMALS: u8 = 8;

pub fn buyback_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: buyback_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

// The buyback_vault addresses, from the SDK (one derivation for clients, worker and tests).
pub use inferix_sdk::pda::{
    bought_back as bought_back_pda, buyback_config as buyback_config_pda,
    buyback_ifx_vault as ifx_vault_pda, buyback_vesting as buyback_vesting_pda,
    buyback_weth_vault as weth_vault_pda,
};

/// A Pyth `PriceUpdateV2` account (exponent −8).
pub fn pyth_price_account(
    feed_id: [u8; 32],
    level: VerificationLevel,
    price: i64,
    conf: u64,
    publish_time: i64,
    owner: Pubkey,
) -> Account {
    let update = PriceUpdateV2 {
        write_authority: Pubkey::new_unique(),
        verification_level: level,
        price_message: PriceFeedMessage {
            feed_id,
            price,
            conf,
            exponent: -8,
            publish_time,
            prev_publish_time: publish_time - 1,
            ema_price: price,
            ema_conf: conf,
        },
        posted_slot: 1,
    };
    Account {
        lamports: 1_000_000_000,
        data: update.to_account_data(),
        owner,
        executable: false,
        rent_epoch: 0,
    }
}

/// All four programs, the buyback window opening `window_in` seconds from now.
pub struct BuybackWorld {
    pub r: RewardsWorld,
    pub weth_mint: Pubkey,
    pub eth_price: Pubkey,
    pub treasury: Keypair,
    pub window_start: i64,
}

impl BuybackWorld {
    pub async fn start(window_in: i64) -> Self {
        let mut r = RewardsWorld::start(default_rewards_params(), 2).await;
        let authority = buyback_vault::buyback_authority();
        let admin = r.s.admin.insecure_clone();
        // node-license and node-staking accept the buyback-vault PDA as their buyback authority.
        let license_update = inferix_sdk::admin::license_update_config(
            &admin.pubkey(),
            node_license::instructions::UpdateConfigArgs {
                buyback_authority: Some(authority),
                ..Default::default()
            },
        );
        let staking = r.s.config().await;
        let staking_update = inferix_sdk::admin::staking_update_config(
            &admin.pubkey(),
            node_staking::instructions::UpdateConfigArgs {
                pause_guardian: staking.pause_guardian,
                buyback_authority: authority,
                params: staking.params,
            },
        );
        r.bank()
            .send(&[license_update, staking_update], &[&admin])
            .await
            .expect("naming the buyback authority");

        let weth_mint = r
            .bank()
            .create_mint(&anchor_spl::token::ID, WETH_DECIMALS)
            .await;
        let treasury = Keypair::new();
        let window_start = r.bank().now().await + window_in;
        let weth = sdk::IfxToken {
            mint: weth_mint,
            token_program: anchor_spl::token::ID,
        };
        let init = inferix_sdk::admin::buyback_initialize_config(
            &admin.pubkey(),
            &r.s.ifx(),
            &weth,
            InitializeConfigArgs {
                pause_guardian: admin.pubkey(),
                treasury: treasury.pubkey(),
                params: BuybackParams {
                    window_start,
                    window_secs: DEFAULT_WINDOW_SECS,
                    ifx_payout_bps: DEFAULT_IFX_PAYOUT_BPS,
                    ifx_vesting_secs: DEFAULT_IFX_VESTING_SECS,
                    weth_payout_bps: DEFAULT_WETH_PAYOUT_BPS,
                    ifx_price_source: IfxPriceSource::StakingPushed,
                    eth_feed_id: ETH_FEED,
                    price_rules: PriceRules::default(),
                },
            },
        );
        r.bank()
            .send(&[init], &[&admin])
            .await
            .expect("initializing buyback-vault");
        Self {
            r,
            weth_mint,
            eth_price: Pubkey::new_unique(),
            treasury,
            window_start,
        }
    }

    pub fn bank(&mut self) -> &mut Bank {
        self.r.bank()
    }

    pub async fn config(&mut self) -> BuybackConfig {
        self.bank().anchor_account(&buyback_config_pda()).await
    }

    /// Mints `ifx` IFX and `weth` wETH base units into the vaults.
    pub async fn fund(&mut self, ifx: u64, weth: u64) {
        let (ifx_mint, weth_mint) = (self.r.s.ifx_mint, self.weth_mint);
        for (mint, vault, amount) in [
            (ifx_mint, ifx_vault_pda(), ifx),
            (weth_mint, weth_vault_pda(), weth),
        ] {
            if amount > 0 {
                self.bank()
                    .mint_to(&mint, &anchor_spl::token::ID, &vault, amount)
                    .await;
            }
        }
    }

    /// Publishes IFX at `ifx_price` (pushed) and ETH at `eth_price` (Pyth), both ×10⁻⁸ USD, now.
    pub async fn prices(&mut self, ifx_price: i64, ifx_conf: u64, eth_price: i64, eth_conf: u64) {
        self.r
            .s
            .push_price(ifx_price, ifx_conf, -8)
            .await
            .expect("pushing the IFX price");
        let now = self.bank().now().await;
        let account = pyth_price_account(
            ETH_FEED,
            VerificationLevel::Full,
            eth_price,
            eth_conf,
            now,
            PYTH_RECEIVER_PROGRAM_ID,
        );
        let address = self.eth_price;
        self.bank().put_account(&address, account);
    }

    /// A 1-IB worker that participated in epoch 0 (720 IBM attested 13 h in); the clock ends
    /// 13 h into epoch 0.
    pub async fn participating_workers(&mut self, n: usize) -> Vec<NodeFixture> {
        let mut workers = vec![];
        for _ in 0..n {
            workers.push(self.r.worker(1_000_000).await);
        }
        let start = self.r.epoch_origin;
        self.bank().set_time(start + 13 * 3_600).await;
        for w in &workers {
            self.r.attest(w, 1, 720_000_000).await.expect("attesting");
        }
        workers
    }

    async fn selling(&mut self, holder: &Pubkey, node: &NodeFixture) -> sdk::BuybackLicense {
        sdk::BuybackLicense {
            holder: *holder,
            license_mint: node.license_mint,
        }
    }

    /// Option 1 by `holder` for `node`'s license, held in `holder`'s associated account.
    pub async fn buyback_ifx_ix(
        &mut self,
        holder: &Pubkey,
        node: &NodeFixture,
        min_amount_out: u64,
    ) -> Instruction {
        let selling = self.selling(holder, node).await;
        sdk::buyback_ifx(
            &selling,
            &self.r.s.ifx_mint,
            &pushed_price_pda(),
            min_amount_out,
        )
    }

    pub async fn buyback_weth_ix(
        &mut self,
        holder: &Pubkey,
        node: &NodeFixture,
        min_amount_out: u64,
    ) -> Instruction {
        let selling = self.selling(holder, node).await;
        sdk::buyback_weth(
            &selling,
            &self.weth_mint,
            &anchor_spl::token::ID,
            &self.eth_price,
            min_amount_out,
        )
    }

    pub async fn buyback_ifx(
        &mut self,
        holder: &Keypair,
        node: &NodeFixture,
        min_amount_out: u64,
    ) -> TxResult {
        let ix = self
            .buyback_ifx_ix(&holder.pubkey(), node, min_amount_out)
            .await;
        self.bank().send(&[ix], &[holder]).await
    }

    pub async fn buyback_weth(
        &mut self,
        holder: &Keypair,
        node: &NodeFixture,
        min_amount_out: u64,
    ) -> TxResult {
        let ix = self
            .buyback_weth_ix(&holder.pubkey(), node, min_amount_out)
            .await;
        self.bank().send(&[ix], &[holder]).await
    }

    pub async fn withdraw_vested(&mut self, holder: &Keypair, license_mint: &Pubkey) -> TxResult {
        let mint = self.r.s.ifx_mint;
        self.bank()
            .ata(&holder.pubkey(), &mint, &anchor_spl::token::ID)
            .await;
        let withdraw =
            sdk::withdraw_vested_buyback(&holder.pubkey(), license_mint, &self.r.s.ifx());
        self.bank().send(&[withdraw], &[holder]).await
    }
}

pub use inferix_sdk::admin::custodied;
