//! The main job: the Inferix network on the embedded local bank, no validator needed.
//!
//! Deploys node-license and node-staking natively, configures the sales from
//! `migrations/deployment.toml`, and walks through the license sale as SPEC §2 describes —
//! whitelist, public purchases with a user code and a partner code, an airdrop, a later tier, the
//! transfer lock, the on-chain sale report — then through staking and rewards as SPEC §3 and §4
//! do: verifier and worker nodes, S(n), a verifier-signed benchmark, one epoch of attested work,
//! its finalization and claim with vesting, a verifier-signed violation and its slash.

#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use inferix_common::merkle::{whitelist_leaf, MerkleTree};
use inferix_tests::deployment::{Deployment, Kind};
use inferix_tests::*;
use node_license::instructions::{RegisterPartnerCodeArgs, WhitelistProof};
use node_license::state::{LicenseRecord, Sale};
use node_staking::instructions::RegisterNodeArgs;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::process::ExitCode;

fn usd(micros: u64) -> String {
    format!("${}.{:02}", micros / USD, (micros % USD) / 10_000)
}

fn ifx(amount: u64) -> String {
    format!("{}.{:02}", amount / IFX, (amount % IFX) / (IFX / 100))
}

fn short(key: &Pubkey) -> String {
    let s = key.to_string();
    format!("{}…{}", &s[..4], &s[s.len() - 4..])
}

struct Demo {
    bank: Bank,
    sale: SaleFixture,
    admin: Keypair,
    licenses: Vec<(String, Pubkey)>,
}

impl Demo {
    async fn buy(
        &mut self,
        name: &str,
        buyer: &Keypair,
        tier: u8,
        whitelist: Option<WhitelistProof>,
        referral: &Referral,
    ) -> Result<Pubkey, String> {
        let (result, mint) = self
            .sale
            .buy(&mut self.bank, buyer, tier, whitelist, referral)
            .await;
        result.map_err(|e| format!("{name}'s purchase failed: {e}"))?;
        let record: LicenseRecord = self.bank.anchor_account(&license_record_pda(&mint)).await;
        println!(
            "  {name:<6} bought license #{} (tier {}) for {} — NFT {}",
            record.serial,
            record.tier,
            usd(record.price_paid_usd),
            short(&mint)
        );
        self.licenses.push((name.to_string(), mint));
        Ok(mint)
    }

    async fn balance(&mut self, wallet: &Pubkey) -> String {
        let account = self.sale.payment_account(wallet);
        usd(self.bank.token_balance(&account).await)
    }
}

async fn run() -> Result<(), String> {
    println!("Inferix local network — license sale, staking and rewards on the embedded bank\n");
    let deployment = Deployment::load(&Deployment::default_path())?;
    let worker_sale = deployment
        .sale(Kind::Worker)
        .ok_or("deployment has no worker sale")?;

    let mut bank = Bank::start().await;
    let admin = bank.deployer.insecure_clone();
    let guardian = Keypair::new();
    let buyback_authority = Keypair::new();
    let args = deployment
        .license
        .config_args(guardian.pubkey(), buyback_authority.pubkey());
    bank.send(&[initialize_config_ix(&admin.pubkey(), args)], &[&admin])
        .await
        .map_err(|e| format!("initialize_config: {e}"))?;
    println!(
        "deploy: node-license {} configured by its upgrade authority {}",
        node_license::ID,
        short(&admin.pubkey())
    );

    let start = bank.now().await;
    let params = worker_sale.sale_params(start, anchor_spl::token::ID, 6);
    let sale = create_sale(&mut bank, &admin, params).await;
    let state: Sale = bank.anchor_account(&sale.address).await;
    println!(
        "sale:   worker sale {} — {} tiers, {} licenses, tier 1 at {}, paid in a 6-decimal USD stablecoin",
        short(&sale.address),
        state.tier_count,
        state.total_supply(),
        usd(state.tiers[0].price_usd)
    );
    let license_authorities = LicenseAuthorities {
        admin: admin.insecure_clone(),
        pause_guardian: guardian,
        buyback_authority,
    };
    let mut demo = Demo {
        bank,
        sale,
        admin,
        licenses: vec![],
    };

    println!("\nwhitelist window");
    let alice = demo.sale.new_buyer(&mut demo.bank, 2_000).await;
    let bob = demo.sale.new_buyer(&mut demo.bank, 2_000).await;
    let entries = [(alice.pubkey(), 2u16), (bob.pubkey(), 1u16)];
    let leaves = entries
        .iter()
        .map(|(w, a)| whitelist_leaf(&demo.sale.address, w, 1, *a))
        .collect();
    let tree = MerkleTree::new(leaves).ok_or("empty whitelist")?;
    let set_root = ix(
        demo.sale.sale_admin(&demo.admin.pubkey()),
        node_license::instruction::SetWhitelistRoot {
            tier: 1,
            root: tree.root(),
        },
    );
    let admin = demo.admin.insecure_clone();
    demo.bank
        .send(&[set_root], &[&admin])
        .await
        .map_err(|e| format!("set_whitelist_root: {e}"))?;
    println!("  admin published the tier-1 whitelist root (alice: 2, bob: 1)");
    for _ in 0..2 {
        let proof = WhitelistProof {
            allocation: 2,
            proof: tree.proof(0).ok_or("proof")?,
        };
        demo.buy("alice", &alice, 1, Some(proof), &Referral::None)
            .await?;
    }
    let over = WhitelistProof {
        allocation: 2,
        proof: tree.proof(0).ok_or("proof")?,
    };
    let (refused, _) = demo
        .sale
        .buy(&mut demo.bank, &alice, 1, Some(over), &Referral::None)
        .await;
    println!(
        "  alice's third whitelist purchase refused: error {:?} (WhitelistAllocationExceeded)",
        custom_error(&refused)
    );
    let proof = WhitelistProof {
        allocation: 1,
        proof: tree.proof(1).ok_or("proof")?,
    };
    demo.buy("bob", &bob, 1, Some(proof), &Referral::None)
        .await?;

    println!("\npublic window");
    demo.bank
        .set_time(start + worker_sale.whitelist_duration_secs)
        .await;
    let carol = demo.sale.new_buyer(&mut demo.bank, 2_000).await;
    let alice_before = demo.balance(&alice.pubkey()).await;
    let alice_license = demo.licenses[0].1;
    demo.buy(
        "carol",
        &carol,
        1,
        None,
        &Referral::User {
            referrer: alice.pubkey(),
            license_mint: alice_license,
        },
    )
    .await?;
    println!(
        "  carol used alice's user code: 5 % off; alice's stablecoin {} → {}",
        alice_before,
        demo.balance(&alice.pubkey()).await
    );

    let partner = Keypair::new().pubkey();
    demo.bank
        .ata(
            &partner,
            &demo.sale.payment_mint,
            &demo.sale.payment_token_program,
        )
        .await;
    let register = register_partner_code_ix(
        &demo.admin.pubkey(),
        RegisterPartnerCodeArgs {
            code: "KOL10".into(),
            receiver: partner,
            discount_bps: 1_000,
            commission_bps: 500,
        },
    );
    demo.bank
        .send(&[register], &[&admin])
        .await
        .map_err(|e| format!("register_partner_code: {e}"))?;
    let dave = demo.sale.new_buyer(&mut demo.bank, 2_000).await;
    demo.buy(
        "dave",
        &dave,
        1,
        None,
        &Referral::Partner {
            code: "KOL10".into(),
            receiver: partner,
        },
    )
    .await?;
    println!(
        "  dave used partner code KOL10: 10 % off; the partner received {}",
        demo.balance(&partner).await
    );

    let winner = Keypair::new().pubkey();
    let airdrop_mint = Keypair::new();
    let airdrop = demo
        .sale
        .airdrop_ix(&demo.admin.pubkey(), &winner, &airdrop_mint.pubkey());
    demo.bank
        .send(&[airdrop], &[&admin, &airdrop_mint])
        .await
        .map_err(|e| format!("airdrop_license: {e}"))?;
    println!(
        "  admin airdropped license NFT {} to campaign winner {} (flagged airdrop, paid $0)",
        short(&airdrop_mint.pubkey()),
        short(&winner)
    );

    let open = ix(
        demo.sale.sale_admin(&demo.admin.pubkey()),
        node_license::instruction::OpenTier { tier: 2 },
    );
    demo.bank
        .send(&[open], &[&admin])
        .await
        .map_err(|e| format!("open_tier: {e}"))?;
    println!("  admin opened tier 2 early");
    let erin = demo.sale.new_buyer(&mut demo.bank, 2_000).await;
    demo.buy("erin", &erin, 2, None, &Referral::None).await?;

    println!("\ntransfer lock");
    let record: LicenseRecord = demo
        .bank
        .anchor_account(&license_record_pda(&alice_license))
        .await;
    demo.bank.set_time(record.unlocks_at - 1).await;
    let early = demo
        .bank
        .send(&[unlock_license_ix(&alice_license, &alice.pubkey())], &[])
        .await;
    println!(
        "  one second before the lock ends, unlock is refused: error {:?} (LicenseStillLocked)",
        custom_error(&early)
    );
    demo.bank.set_time(record.unlocks_at).await;
    demo.bank
        .send(&[unlock_license_ix(&alice_license, &alice.pubkey())], &[])
        .await
        .map_err(|e| format!("unlock_license: {e}"))?;
    println!(
        "  a year after purchase anyone may unlock: alice's license #{} is now transferable",
        record.serial
    );

    let state: Sale = demo.bank.anchor_account(&demo.sale.address).await;
    let treasury = demo.bank.token_balance(&demo.sale.treasury).await;
    println!("\nsale report (on-chain)");
    println!(
        "  sold {} (+{} airdropped); tier 1 {}/{}, tier 2 {}/{}, highest open tier {}",
        state.sold,
        state.airdropped,
        state.tiers[0].sold,
        state.tiers[0].supply,
        state.tiers[1].sold,
        state.tiers[1].supply,
        state.highest_open_tier
    );
    println!(
        "  list {} − discounts {} = paid {}; commissions {}; treasury received {}",
        usd(state.gross_usd),
        usd(state.discounts_usd),
        usd(state.paid_usd),
        usd(state.commissions_usd),
        usd(treasury)
    );
    if treasury + state.commissions_usd != state.paid_usd {
        return Err("treasury + commissions differ from what buyers paid".into());
    }
    println!("  conservation holds: treasury + commissions = paid");

    let carol_license = demo
        .licenses
        .iter()
        .find(|(name, _)| name == "carol")
        .map(|(_, mint)| *mint)
        .ok_or("carol has a license")?;
    staking(
        demo,
        license_authorities,
        &deployment,
        &carol,
        carol_license,
    )
    .await
}

/// SPEC §3 and §4 on the same bank: verifiers, a worker on carol's license, S(n), a co-signed
/// benchmark, one epoch of attested work, its finalization and claim, then a co-signed
/// violation and its slash.
async fn staking(
    demo: Demo,
    license: LicenseAuthorities,
    deployment: &Deployment,
    carol: &Keypair,
    carol_license: Pubkey,
) -> Result<(), String> {
    println!("\nnode staking and epoch rewards");
    let Demo {
        mut bank,
        sale: worker_sale,
        ..
    } = demo;
    let verifier_deployment = deployment
        .sale(Kind::Verifier)
        .ok_or("deployment has no verifier sale")?;
    let start = bank.now().await - verifier_deployment.whitelist_duration_secs;
    let verifier_sale = create_sale(
        &mut bank,
        &license.admin,
        verifier_deployment.sale_params(start, anchor_spl::token::ID, 6),
    )
    .await;
    let mut w = RewardsWorld::deploy(
        bank,
        license,
        worker_sale,
        verifier_sale,
        default_rewards_params(),
        2,
    )
    .await;
    println!(
        "  deploy: node-staking {} (k = 2, E = 4,320 min, IFX pushed at $0.05)",
        node_staking::ID
    );
    println!("  deploy: epoch-rewards {} (72-h epochs from now, 0.21 IFX per IBM, 25 % now / 75 % over 180 days)", epoch_rewards::ID);
    for (i, v) in w.verifiers.iter().map(|v| v.clone_keys()).enumerate() {
        let node = w.s.node(&v.node).await;
        println!(
            "  verifier {} registered on license {}, staked {} IFX ({:?}) and opened epoch 0",
            i + 1,
            short(&v.license_mint),
            node.stake / IFX,
            node.status
        );
    }

    let price_per_ibm_usd_micros = 40_000; // $2.40 per IB-hour
    let license_account = ata_address(&carol.pubkey(), &carol_license, &TOKEN_2022_ID);
    let args = RegisterNodeArgs {
        operator: None,
        price_per_ibm_usd_micros,
    };
    let register =
        w.s.register_ix(&carol.pubkey(), &carol_license, &license_account, args);
    w.bank()
        .send(&[register], &[carol])
        .await
        .map_err(|e| format!("register_node: {e}"))?;
    let worker = NodeFixture {
        owner: carol.insecure_clone(),
        operator: carol.insecure_clone(),
        license_mint: carol_license,
        node: node_pda(&carol_license),
        vault: stake_vault_pda(&node_pda(&carol_license)),
    };
    println!(
        "  carol registered a worker node on her license at $0.04 per IBM: {:?}",
        w.s.node(&worker.node).await.status
    );

    let quorum: Vec<NodeFixture> = w.verifiers.iter().map(|v| v.clone_keys()).collect();
    let quorum: Vec<&NodeFixture> = quorum.iter().collect();
    w.s.benchmark(&worker.node, 500_000, &quorum)
        .await
        .map_err(|e| format!("update_ib: {e}"))?;
    let node = w.s.node(&worker.node).await;
    println!("  both verifiers co-signed a benchmark of 0.5 IB: S(n) = 2 × 4,320 × 0.5 × $0.04 = $172.80 = {} IFX; {:?}", ifx(node.required_stake), node.status);
    w.s.stake(&worker, node.required_stake)
        .await
        .map_err(|e| format!("stake: {e}"))?;
    println!(
        "  carol staked {} IFX: {:?}",
        ifx(node.required_stake),
        w.s.node(&worker.node).await.status
    );

    w.fund_rewards(1_000_000 * IFX).await;
    w.bank().advance(13 * 3_600).await;
    w.attest(&worker, 1, 360_000_000)
        .await
        .map_err(|e| format!("submit_attestation: {e}"))?;
    let rewards: epoch_rewards::state::NodeRewards = w
        .bank()
        .anchor_account(&node_rewards_pda(&worker.node))
        .await;
    println!(
        "  13 h into epoch 0 carol's operator and both verifiers signed a PoR attestation of 360 IBM (0.5 IB × 720 min): credited; participated epochs {}",
        rewards.participated_epochs
    );
    let end = w.epoch(0).await.end_ts;
    w.bank().set_time(end + 6 * 3_600).await;
    w.finalize(0)
        .await
        .map_err(|e| format!("finalize_epoch: {e}"))?;
    let epoch = w.epoch(0).await;
    println!(
        "  epoch 0 finalized after its end + 6 h grace: R = min(360 IBM × 0.21, 770,000, funds) = {} IFX for workers, {} IFX for verifiers",
        ifx(epoch.worker_reward),
        ifx(epoch.verifier_reward)
    );
    w.claim_worker(0, &worker, &carol.pubkey())
        .await
        .map_err(|e| format!("claim_worker_reward: {e}"))?;
    let vesting: epoch_rewards::state::Vesting = w
        .bank()
        .anchor_account(&vesting_pda(&carol.pubkey(), 0))
        .await;
    println!(
        "  anyone cranked carol's claim: {} IFX paid now, {} IFX vesting until {} days after the epoch",
        ifx(w.ifx_balance(&carol.pubkey()).await),
        ifx(vesting.total),
        vesting.duration_secs / 86_400
    );

    w.s.push_price(5_000_000, 0, -8)
        .await
        .map_err(|e| format!("push_price: {e}"))?;
    w.s.violation(&worker.node, 1, [7; 32], &quorum)
        .await
        .map_err(|e| format!("report_violation: {e}"))?;
    let node = w.s.node(&worker.node).await;
    let pending = w.s.config().await.pending_penalties;
    println!(
        "  the verifiers reported a liveness violation: 1 % slashed ({} IFX) into the penalty pool for its 7-day appeal window; strikes {}, {:?}",
        ifx(pending),
        node.strikes,
        node.status
    );
    let vault = w.bank().token_balance(&worker.vault).await;
    let config = w.config().await;
    let vesting_vault = w.bank().token_balance(&vesting_vault_pda()).await;
    if vault != node.stake + node.unbonding_amount
        || w.bank().token_balance(&penalty_vault_pda()).await != pending
        || vesting_vault != config.vesting_outstanding
    {
        return Err("a vault differs from what the program owes".into());
    }
    println!("  conservation holds: stake vault = stake + unbonding, penalty vault = pending penalties, vesting vault = vesting owed");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
