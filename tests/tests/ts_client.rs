//! SPEC §13: the TypeScript client (`clients/js`) against the Rust SDK and the local cluster.
//! This test deploys the network behind JSON-RPC, writes what the Rust SDK makes of fixed inputs
//! (addresses, instructions, the Ed25519 layout, an account, error names, amounts) to a fixtures
//! file, and runs `clients/js/test/*.test.ts` with Node: they must make the same bytes, then buy,
//! register and stake, claim an ended epoch, and unstake and withdraw over RPC. `scripts/setup` installs Node and the packages.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use inferix_cli::output::{parse_amount, tokens};
use inferix_common::ed25519::build_instruction_data;
use inferix_sdk::client::Chain;
use inferix_sdk::errors::program_error;
use inferix_sdk::instructions::{self, BuybackLicense, IfxToken, Payout, Referral, SaleAccounts};
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, RegisterNodeArgs};
use inferix_sdk::pda;
use inferix_tests::js;
use inferix_tests::localnet::{LocalNet, Participants};
use inferix_tests::rpcnet::RpcNet;
use serde_json::{json, Value};

fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn instruction(name: &str, ix: &Instruction) -> Value {
    json!({
        "name": name,
        "program": ix.program_id.to_string(),
        "accounts": ix.accounts.iter().map(|a| json!({
            "address": a.pubkey.to_string(), "signer": a.is_signer, "writable": a.is_writable,
        })).collect::<Vec<_>>(),
        "data": b64(&ix.data),
    })
}

/// What the Rust SDK makes of fixed inputs; `clients/js/test/fixtures.test.ts` makes the same.
fn encodings() -> Value {
    let (a, b, c, d) = (key(1), key(2), key(3), key(4));
    let pdas = json!([
        ["licenseConfig", [], pda::license_config().to_string()],
        [
            "licenseRecord",
            [a.to_string()],
            pda::license_record(&a).to_string()
        ],
        ["sale", [7], pda::sale(7).to_string()],
        [
            "walletPurchases",
            [a.to_string(), b.to_string()],
            pda::wallet_purchases(&a, &b).to_string()
        ],
        [
            "partnerCode",
            ["STUDIO-7"],
            pda::partner_code("STUDIO-7").to_string()
        ],
        ["stakingConfig", [], pda::staking_config().to_string()],
        ["node", [a.to_string()], pda::node(&a).to_string()],
        [
            "stakeVault",
            [a.to_string()],
            pda::stake_vault(&a).to_string()
        ],
        [
            "unbondingTicket",
            [a.to_string(), "513"],
            pda::unbonding_ticket(&a, 513).to_string()
        ],
        [
            "retirementTicket",
            [a.to_string()],
            pda::retirement_ticket(&a).to_string()
        ],
        [
            "stakeEra",
            [a.to_string(), 3],
            pda::stake_era(&a, 3).to_string()
        ],
        ["pushedPrice", [], pda::pushed_price().to_string()],
        ["penaltyVault", [], pda::penalty_vault().to_string()],
        [
            "slashRecord",
            [b64(&[9; 32])],
            pda::slash_record(&[9; 32]).to_string()
        ],
        ["rewardsConfig", [], pda::rewards_config().to_string()],
        ["epoch", [12], pda::epoch(12).to_string()],
        [
            "nodeEpoch",
            [12, a.to_string()],
            pda::node_epoch(12, &a).to_string()
        ],
        [
            "verifierEpoch",
            [12, a.to_string()],
            pda::verifier_epoch(12, &a).to_string()
        ],
        [
            "nodeRewards",
            [a.to_string()],
            pda::node_rewards(&a).to_string()
        ],
        ["rewardVault", [], pda::reward_vault().to_string()],
        ["penaltyInflow", [], pda::penalty_inflow().to_string()],
        ["vestingVault", [], pda::vesting_vault().to_string()],
        [
            "vesting",
            [a.to_string(), 12],
            pda::vesting(&a, 12).to_string()
        ],
        ["buybackConfig", [], pda::buyback_config().to_string()],
        ["buybackAuthority", [], pda::buyback_authority().to_string()],
        ["buybackIfxVault", [], pda::buyback_ifx_vault().to_string()],
        [
            "buybackWethVault",
            [],
            pda::buyback_weth_vault().to_string()
        ],
        [
            "boughtBack",
            [a.to_string()],
            pda::bought_back(&a).to_string()
        ],
        [
            "buybackVesting",
            [a.to_string()],
            pda::buyback_vesting(&a).to_string()
        ],
        [
            "associatedToken",
            [
                a.to_string(),
                b.to_string(),
                anchor_spl::token_2022::ID.to_string()
            ],
            pda::associated_token(&a, &b, &anchor_spl::token_2022::ID).to_string()
        ],
        [
            "programData",
            [node_staking::ID.to_string()],
            pda::program_data(&node_staking::ID).to_string()
        ],
    ]);

    let ifx = IfxToken {
        mint: c,
        token_program: anchor_spl::token::ID,
    };
    let sale = SaleAccounts {
        sale: pda::sale(1),
        payment_mint: d,
        payment_token_program: anchor_spl::token::ID,
        treasury: key(5),
    };
    let benchmark = BenchmarkArgs {
        ib_micros: 2_500_000,
        scene_set_hash: [6; 32],
        issued_at: 1_800_000_000,
    };
    let payout = |holds_license| Payout {
        payer: a,
        epoch: 12,
        node: pda::node(&b),
        license_mint: b,
        recipient: c,
        holds_license,
    };
    let buyback = BuybackLicense {
        holder: a,
        license_mint: b,
    };
    let instructions = json!([
        instruction(
            "purchaseLicense",
            &instructions::purchase_license(
                &sale,
                &a,
                &b,
                2,
                None,
                &Referral::Partner {
                    code: "STUDIO-7".into(),
                    receiver: key(6)
                }
            )
        ),
        instruction(
            "registerNode",
            &instructions::register_node(
                &a,
                &b,
                &key(7),
                &ifx,
                RegisterNodeArgs {
                    operator: Some(key(8)),
                    price_per_ibm_usd_micros: 40_000
                }
            )
        ),
        instruction(
            "stake",
            &instructions::stake(&a, &pda::node(&b), &key(7), &ifx, &key(9), 1_234_567_890)
        ),
        instruction(
            "unstake",
            &instructions::unstake(&a, &pda::node(&b), 4, &key(9), 55)
        ),
        instruction(
            "withdraw",
            &instructions::withdraw(
                &a,
                &pda::node(&b),
                &pda::unbonding_ticket(&pda::node(&b), 4),
                &key(14),
                Some(pda::stake_era(&pda::node(&b), 1)),
                &key(7),
                &ifx
            )
        ),
        instruction(
            "submitAttestation",
            &instructions::submit_attestation(&a, &pda::node(&b), 12, &[key(10), key(11)])
        ),
        instruction(
            "updateIb",
            &instructions::update_ib(&pda::node(&b), &key(9), benchmark, &[key(10), key(11)])
        ),
        instruction(
            "claimWorkerReward",
            &instructions::claim_worker_reward(&payout(true), &key(14), &ifx)
        ),
        instruction(
            "claimVerifierReward",
            &instructions::claim_verifier_reward(&payout(false), &key(14), &ifx)
        ),
        instruction("finalizeEpoch", &instructions::finalize_epoch(12, &ifx)),
        instruction(
            "withdrawVestedReward",
            &instructions::withdraw_vested_reward(&c, 12, &key(14), &ifx)
        ),
        instruction(
            "buybackIfx",
            &instructions::buyback_ifx(&buyback, &c, &key(9), 77)
        ),
        instruction(
            "buybackWeth",
            &instructions::buyback_weth(&buyback, &key(15), &anchor_spl::token::ID, &key(16), 88)
        ),
        instruction(
            "withdrawVestedBuyback",
            &instructions::withdraw_vested_buyback(&a, &b, &ifx)
        ),
    ]);

    let message = b"IFXBENCH inferix fixture".to_vec();
    let signatures = [(key(12), [0xab; 64]), (key(13), [0xcd; 64])];
    let ed25519 = json!({
        "signatures": signatures.iter().map(|(k, s)| json!({"signer": k.to_string(), "signature": b64(s)})).collect::<Vec<_>>(),
        "message": b64(&message),
        "data": b64(&build_instruction_data(&signatures, &message).expect("the canonical layout")),
    });

    let errors: Vec<Value> = [
        (node_staking::ID, 6016),
        (epoch_rewards::ID, 6000),
        (node_license::ID, 6003),
        (buyback_vault::ID, 6001),
        (node_staking::ID, 9006),
        (epoch_rewards::ID, 3012),
    ]
    .iter()
    .map(|(program, code)| {
        let e = program_error(program, *code).expect("a named error");
        json!({"program": program.to_string(), "code": code, "name": e.name, "msg": e.msg})
    })
    .collect();

    let amounts: Vec<Value> = [("12.5", 9), ("0.000001", 6), ("7", 6), ("18446744073.709551615", 9)]
        .iter()
        .map(|(text, decimals)| {
            let base = parse_amount(text, *decimals, "amount").expect("an amount");
            json!({"text": text, "decimals": decimals, "base": base.to_string(), "formatted": tokens(base, *decimals)})
        })
        .collect();

    json!({"pdas": pdas, "instructions": instructions, "ed25519": ed25519, "errors": errors, "amounts": amounts})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_client_encodes_like_the_rust_sdk_and_works_over_rpc() {
    let js = js::package("clients/js", &["@solana/kit", "tsx", "typescript"]);
    let out = std::env::temp_dir().join(format!("inferix-ts-client-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut local = LocalNet::new(&out, 0, 86_400).await;
    local.verbose = false;
    local.deploy().await;
    let mut net = RpcNet::serve(local).await;
    let whitelist_secs = net.deployment.license.sales[0].whitelist_duration_secs;
    net.set_time(net.start_ts + whitelist_secs).await;
    // A verifier node the Rust side registered: the client decodes its account. With a second
    // verifier they co-sign an hour of a worker's 1-IB rendering (60 IBM) in epoch 0, which the
    // client's holders claim once the epoch has ended.
    let verifiers = vec![
        net.verifier("fixture-verifier").await.expect("a verifier"),
        net.verifier("fixture-verifier-2")
            .await
            .expect("a verifier"),
    ];
    let verifier = &verifiers[0];
    let worker = net
        .worker_credited_in_epoch_0("fixture-worker", &verifiers)
        .await;
    let node_bytes = net
        .chain
        .account(&verifier.node)
        .await
        .expect("RPC")
        .expect("the node exists")
        .data;
    let node: inferix_sdk::node_staking::state::Node = net.anchor_account(&verifier.node).await;

    let mut fixtures = encodings();
    fixtures["cluster"] = json!({
        "rpcUrl": net.url,
        "wsUrl": net.ws_url(),
        "ifxMint": net.ifx_mint.to_string(),
        "verifierMinStake": net.deployment.staking.verifier_min_stake.to_string(),
    });
    // 60 IBM at the deployment's 0.21 IFX per IBM: 12.6 IFX, 25 % paid at the claim.
    fixtures["worker"] = json!({
        "keypair": worker.wallet.keypair.to_bytes().to_vec(),
        "node": worker.node.to_string(),
        "expected": {"immediate": "3150000000", "vesting": "9450000000"},
    });
    fixtures["verifier"] = json!({
        "keypair": verifier.wallet.keypair.to_bytes().to_vec(),
        "node": verifier.node.to_string(),
    });
    fixtures["node"] = json!({
        "address": verifier.node.to_string(),
        "data": b64(&node_bytes),
        "owner": node.owner.to_string(),
        "stake": node.stake.to_string(),
        "status": format!("{:?}", node.status),
    });
    let fixtures_file = out.join("ts-fixtures.json");
    std::fs::write(&fixtures_file, fixtures.to_string()).expect("writing the fixtures");

    js::typecheck_and_test(
        &js,
        &["test/fixtures.test.ts", "test/flows.test.ts"],
        &[("INFERIX_FIXTURES", &fixtures_file)],
    );
    let _ = std::fs::remove_dir_all(&out);
}
