//! The SDK's instruction builders against the programs' IDL (`idl/*.json`, generated from the
//! programs and checked fresh in CI): program id, discriminator, argument bytes, and every
//! account in order with its writable and signer flags, fixed address, and PDA re-derived from
//! the IDL's own seeds — independently of `inferix_sdk::pda`.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_sdk::instructions;
use inferix_sdk::node_license::instructions::WhitelistProof;
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, RegisterNodeArgs, ViolationArgs};
use serde_json::Value;
use std::str::FromStr;

fn idl(program: &str) -> Value {
    let path = format!("{}/../../idl/{program}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("idl/ is generated")).unwrap()
}

/// Advances `pos` over one borsh value of IDL type `ty` in `data`.
fn skip(idl: &Value, ty: &Value, data: &[u8], pos: &mut usize) {
    let fixed = |pos: &mut usize, n: usize| *pos += n;
    match ty {
        Value::String(name) => match name.as_str() {
            "u8" | "bool" => fixed(pos, 1),
            "u16" => fixed(pos, 2),
            "u32" | "i32" => fixed(pos, 4),
            "u64" | "i64" => fixed(pos, 8),
            "u128" => fixed(pos, 16),
            "pubkey" => fixed(pos, 32),
            "string" | "bytes" => {
                let len = u32::from_le_bytes(data[*pos..*pos + 4].try_into().unwrap()) as usize;
                fixed(pos, 4 + len)
            }
            other => panic!("IDL type {other} not handled"),
        },
        Value::Object(o) if o.contains_key("array") => {
            for _ in 0..o["array"][1].as_u64().unwrap() {
                skip(idl, &o["array"][0], data, pos);
            }
        }
        Value::Object(o) if o.contains_key("vec") => {
            let len = u32::from_le_bytes(data[*pos..*pos + 4].try_into().unwrap());
            *pos += 4;
            for _ in 0..len {
                skip(idl, &o["vec"], data, pos);
            }
        }
        Value::Object(o) if o.contains_key("option") => {
            let tag = data[*pos];
            *pos += 1;
            if tag == 1 {
                skip(idl, &o["option"], data, pos);
            }
        }
        Value::Object(o) if o.contains_key("defined") => {
            let ty = &type_def(idl, &o["defined"]["name"])["type"];
            if ty["kind"] == "enum" {
                // Borsh: the variant's index, then its fields (named or tuple).
                let variant = &ty["variants"][usize::from(data[*pos])];
                *pos += 1;
                for f in variant["fields"].as_array().into_iter().flatten() {
                    skip(
                        idl,
                        if f["type"].is_null() { f } else { &f["type"] },
                        data,
                        pos,
                    );
                }
            } else {
                for f in fields(idl, &o["defined"]["name"]) {
                    skip(idl, &f["type"], data, pos);
                }
            }
        }
        other => panic!("IDL type {other} not handled"),
    }
}

fn type_def<'a>(idl: &'a Value, name: &Value) -> &'a Value {
    idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == *name)
        .unwrap_or_else(|| panic!("IDL type {name} not found"))
}

fn fields(idl: &Value, name: &Value) -> Vec<Value> {
    type_def(idl, name)["type"]["fields"]
        .as_array()
        .unwrap()
        .clone()
}

/// The bytes of argument `path` ("epoch_index" or "args.evidence_hash") in the instruction data,
/// as a seed uses them (a string's bytes without Borsh's length prefix).
fn arg_bytes<'a>(idl: &Value, args: &[Value], data: &'a [u8], path: &str) -> &'a [u8] {
    let as_seed = |ty: &Value, bytes: &'a [u8]| match ty.as_str() {
        Some("string" | "bytes") => &bytes[4..],
        _ => bytes,
    };
    let mut pos = 8;
    let mut parts = path.split('.');
    let head = parts.next().unwrap();
    for arg in args {
        if arg["name"] != head {
            skip(idl, &arg["type"], data, &mut pos);
            continue;
        }
        let start = pos;
        let Some(field) = parts.next() else {
            skip(idl, &arg["type"], data, &mut pos);
            return as_seed(&arg["type"], &data[start..pos]);
        };
        for f in fields(idl, &arg["type"]["defined"]["name"]) {
            let start = pos;
            skip(idl, &f["type"], data, &mut pos);
            if f["name"] == field {
                return as_seed(&f["type"], &data[start..pos]);
            }
        }
        panic!("no field {field} in {head}");
    }
    panic!("no argument {path}");
}

const SPL_TOKEN: Pubkey = anchor_spl::token::ID;

/// IFX as a deployment on the classic token program holds it.
fn ifx_token(mint: Pubkey) -> instructions::IfxToken {
    instructions::IfxToken {
        mint,
        token_program: SPL_TOKEN,
    }
}

/// The IDL's accounts in instruction order, nested groups expanded: (path, spec, group prefix).
fn flatten(accounts: &[Value], prefix: &str) -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    for a in accounts {
        let path = format!("{prefix}{}", a["name"].as_str().unwrap());
        match a["accounts"].as_array() {
            Some(inner) => out.extend(flatten(inner, &format!("{path}."))),
            None => out.push((path, a.clone(), prefix.to_string())),
        }
    }
    out
}

/// Checks `ix` against instruction `name` of `program`'s IDL. Accounts after the IDL's list are
/// the instruction's remaining accounts.
fn assert_matches_idl(program: &str, name: &str, ix: &Instruction) {
    let idl = idl(program);
    let program_id = Pubkey::from_str(idl["address"].as_str().unwrap()).unwrap();
    assert_eq!(ix.program_id, program_id, "{name}: program id");
    let spec = idl["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap();
    let discriminator: Vec<u8> = spec["discriminator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(
        &ix.data[..8],
        discriminator.as_slice(),
        "{name}: discriminator"
    );
    let args = spec["args"].as_array().unwrap();
    let mut end = 8;
    for arg in args {
        skip(&idl, &arg["type"], &ix.data, &mut end);
    }
    assert_eq!(ix.data.len(), end, "{name}: argument bytes");
    let accounts = flatten(spec["accounts"].as_array().unwrap(), "");
    assert!(
        ix.accounts.len() >= accounts.len(),
        "{name}: too few accounts"
    );
    let key_of = |path: &str| {
        let i = accounts.iter().position(|(n, _, _)| n == path)?;
        Some(ix.accounts[i].pubkey)
    };
    for (meta, (account, spec, group)) in ix.accounts.iter().zip(&accounts) {
        let what = format!("{name}.{account}");
        // Anchor passes an absent optional account as the program id, read-only.
        if spec["optional"] == true && meta.pubkey == program_id {
            assert!(
                !meta.is_writable && !meta.is_signer,
                "{what}: absent optional account"
            );
            continue;
        }
        assert_eq!(
            meta.is_writable,
            spec["writable"] == true,
            "{what}: writable"
        );
        assert_eq!(meta.is_signer, spec["signer"] == true, "{what}: signer");
        if let Some(address) = spec["address"].as_str() {
            assert_eq!(meta.pubkey.to_string(), address, "{what}: address");
        }
        let Some(seeds) = spec["pda"]["seeds"].as_array() else {
            continue;
        };
        let mut resolved: Vec<Vec<u8>> = Vec::new();
        for seed in seeds {
            match seed["kind"].as_str().unwrap() {
                "const" => resolved.push(
                    seed["value"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|b| b.as_u64().unwrap() as u8)
                        .collect(),
                ),
                "arg" => resolved
                    .push(arg_bytes(&idl, args, &ix.data, seed["path"].as_str().unwrap()).to_vec()),
                "account" => {
                    let path = seed["path"].as_str().unwrap();
                    // An account of this group or of the instruction; otherwise a field of an
                    // account's data, which the instruction alone cannot derive.
                    match key_of(&format!("{group}{path}")).or_else(|| key_of(path)) {
                        Some(key) => resolved.push(key.to_bytes().to_vec()),
                        None => break,
                    }
                }
                other => panic!("{what}: seed kind {other}"),
            }
        }
        if resolved.len() < seeds.len() {
            continue;
        }
        let owner = match spec["pda"]["program"]["value"].as_array() {
            Some(bytes) => Pubkey::try_from(
                bytes
                    .iter()
                    .map(|b| b.as_u64().unwrap() as u8)
                    .collect::<Vec<u8>>()
                    .as_slice(),
            )
            .unwrap(),
            None => program_id,
        };
        let seeds: Vec<&[u8]> = resolved.iter().map(|s| s.as_slice()).collect();
        assert_eq!(
            meta.pubkey,
            Pubkey::find_program_address(&seeds, &owner).0,
            "{what}: PDA"
        );
    }
}

#[test]
fn co_signed_instruction_builders_match_the_idl() {
    let (payer, node, price, mint) = (
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
    );
    let verifiers = [Pubkey::new_unique(), Pubkey::new_unique()];
    let attest = instructions::submit_attestation(&payer, &node, 42, &verifiers);
    assert_matches_idl("epoch_rewards", "submit_attestation", &attest);
    assert_eq!(
        attest.accounts.len(),
        8 + 4,
        "each verifier and its epoch credit account follow"
    );

    let bench = BenchmarkArgs {
        ib_micros: 1_250_000,
        scene_set_hash: [7; 32],
        issued_at: 1_700_000_000,
    };
    assert_matches_idl(
        "node_staking",
        "update_ib",
        &instructions::update_ib(&node, &price, bench, &verifiers),
    );

    let violation = ViolationArgs {
        epoch: 3,
        kind: 0,
        evidence_hash: [9; 32],
        issued_at: 1_700_000_000,
    };
    let report = instructions::report_violation(
        &payer,
        &node,
        &ifx_token(mint),
        violation,
        Some(inferix_sdk::pda::stake_era(&node, 2)),
        &verifiers,
    );
    assert_matches_idl("node_staking", "report_violation", &report);
}

/// One instance of every builder: (program, IDL instruction name, instruction).
fn every_builder() -> Vec<(&'static str, &'static str, Instruction)> {
    use inferix_sdk::admin;
    use inferix_sdk::pda;
    let key = Pubkey::new_unique;
    let (admin, owner, node, mint, holder, payer) = (key(), key(), key(), key(), key(), key());
    let ifx = ifx_token(key());
    let weth = ifx_token(key());
    let price = pda::pushed_price();
    let sale = pda::sale(1);
    let verifiers = [key(), key()];
    let payout = instructions::Payout {
        payer,
        epoch: 4,
        node,
        license_mint: mint,
        recipient: holder,
        holds_license: true,
    };
    let selling = instructions::BuybackLicense {
        holder,
        license_mint: mint,
    };
    let sale_accounts = instructions::SaleAccounts {
        sale,
        payment_mint: key(),
        payment_token_program: SPL_TOKEN,
        treasury: key(),
    };
    let schedule = inferix_sdk::node_license::state::SaleSchedule {
        whitelist_start: 1,
        whitelist_end: 2,
        public_start: 2,
        public_end: 3,
    };
    let staking_params = inferix_sdk::node_staking::state::StakingParams {
        stake_multiplier: 2,
        epoch_minutes: 4_320,
        verifier_min_stake: 1_000,
        worker_min_stake: 2_000,
        min_price_per_ibm_usd_micros: 10_000,
        unbonding_secs: 60,
        max_ib_update_micros: 10_000_000,
        quorum: 2,
        slash_bps: [1_000, 100, 1_000],
        appeal_window_secs: 60,
        max_strikes: 3,
        max_message_age_secs: 60,
        price_source: inferix_sdk::node_staking::state::PriceSource::Pyth { feed_id: [4; 32] },
        price_rules: Default::default(),
        price_authority: key(),
        verifier_pool: key(),
    };
    let rewards_params = inferix_sdk::epoch_rewards::state::RewardsParams {
        emission_per_ibm: 210_000_000,
        worker_epoch_cap: 1,
        verifier_epoch_cap: 2,
        grace_secs: 3,
        quorum: 2,
        max_attestation_age_secs: 600,
        min_attestation_interval_secs: 3_600,
        immediate_bps: 2_500,
        vesting_secs: 5,
        min_participation_minutes: 720,
        funding_timeout_secs: 604_800,
    };
    let buyback_params = inferix_sdk::buyback_vault::state::BuybackParams {
        window_start: 10,
        window_secs: 20,
        ifx_payout_bps: 10_000,
        ifx_vesting_secs: 30,
        weth_payout_bps: 8_000,
        ifx_price_source: inferix_sdk::buyback_vault::state::IfxPriceSource::StakingPushed,
        eth_feed_id: [1; 32],
        price_rules: Default::default(),
    };
    let tier = inferix_sdk::node_license::state::TierParams {
        price_usd: 300_000_000,
        supply: 10,
        whitelist_allocation: 5,
        wallet_cap: 2,
    };
    use inferix_sdk::node_license::instructions as license_ix;
    vec![
        // node-license
        (
            "node_license",
            "initialize_config",
            admin::license_initialize_config(
                &admin,
                license_ix::InitializeConfigArgs {
                    pause_guardian: key(),
                    buyback_authority: key(),
                    lock_duration_secs: 5,
                    user_code_discount_bps: 500,
                    user_code_commission_bps: 500,
                },
            ),
        ),
        (
            "node_license",
            "update_config",
            admin::license_update_config(
                &admin,
                license_ix::UpdateConfigArgs {
                    lock_duration_secs: Some(9),
                    ..Default::default()
                },
            ),
        ),
        (
            "node_license",
            "propose_admin",
            admin::license_propose_admin(&admin, &key()),
        ),
        (
            "node_license",
            "accept_admin",
            admin::license_accept_admin(&admin),
        ),
        (
            "node_license",
            "set_paused",
            admin::license_set_paused(&admin, true),
        ),
        (
            "node_license",
            "initialize_sale",
            admin::initialize_sale(
                &admin,
                1,
                &admin::SalePayment {
                    mint: key(),
                    token_program: SPL_TOKEN,
                    treasury: key(),
                },
                license_ix::InitializeSaleArgs {
                    kind: inferix_sdk::node_license::state::LicenseKind::Worker,
                    schedule,
                    tiers: vec![tier, tier],
                    airdrop_allocation: 3,
                    metadata_uri: "https://inferix.io/l.json".into(),
                },
            ),
        ),
        (
            "node_license",
            "update_sale_schedule",
            admin::update_sale_schedule(&admin, &sale, schedule),
        ),
        (
            "node_license",
            "set_whitelist_root",
            admin::set_whitelist_root(&admin, &sale, 2, [8; 32]),
        ),
        (
            "node_license",
            "open_tier",
            admin::open_tier(&admin, &sale, 2),
        ),
        (
            "node_license",
            "register_partner_code",
            admin::register_partner_code(
                &admin,
                license_ix::RegisterPartnerCodeArgs {
                    code: "KOL10".into(),
                    receiver: key(),
                    discount_bps: 1_000,
                    commission_bps: 500,
                },
            ),
        ),
        (
            "node_license",
            "update_partner_code",
            admin::update_partner_code(
                &admin,
                "KOL10",
                license_ix::UpdatePartnerCodeArgs {
                    receiver: key(),
                    discount_bps: 200,
                    commission_bps: 100,
                    enabled: false,
                },
            ),
        ),
        (
            "node_license",
            "purchase_license",
            instructions::purchase_license(
                &sale_accounts,
                &holder,
                &mint,
                1,
                None,
                &instructions::Referral::None,
            ),
        ),
        (
            "node_license",
            "airdrop_license",
            admin::airdrop_license(&admin, &sale, &holder, &mint),
        ),
        (
            "node_license",
            "unlock_license",
            instructions::unlock_license(&mint, &holder),
        ),
        (
            "node_license",
            "release_for_buyback",
            admin::release_for_buyback(&pda::buyback_authority(), &mint, &holder),
        ),
        // node-staking
        (
            "node_staking",
            "initialize_config",
            admin::staking_initialize_config(
                &admin,
                &ifx,
                inferix_sdk::node_staking::instructions::InitializeConfigArgs {
                    pause_guardian: key(),
                    buyback_authority: key(),
                    managers: vec![key(), key()],
                    params: staking_params,
                },
            ),
        ),
        (
            "node_staking",
            "update_config",
            admin::staking_update_config(
                &admin,
                inferix_sdk::node_staking::instructions::UpdateConfigArgs {
                    pause_guardian: key(),
                    buyback_authority: key(),
                    params: staking_params,
                },
            ),
        ),
        (
            "node_staking",
            "propose_admin",
            admin::staking_propose_admin(&admin, &key()),
        ),
        (
            "node_staking",
            "accept_admin",
            admin::staking_accept_admin(&admin),
        ),
        (
            "node_staking",
            "set_paused",
            admin::staking_set_paused(&admin, true),
        ),
        (
            "node_staking",
            "add_manager",
            admin::staking_add_manager(&admin, &key()),
        ),
        (
            "node_staking",
            "remove_manager",
            admin::staking_remove_manager(&admin, &key()),
        ),
        (
            "node_staking",
            "push_price",
            admin::push_price(&admin, 5_000_000, 10, -8),
        ),
        (
            "node_staking",
            "register_node",
            instructions::register_node(
                &owner,
                &mint,
                &key(),
                &ifx,
                RegisterNodeArgs {
                    operator: Some(key()),
                    price_per_ibm_usd_micros: 40_000,
                },
            ),
        ),
        (
            "node_staking",
            "update_node",
            instructions::update_node(
                &owner,
                &node,
                &price,
                inferix_sdk::node_staking::instructions::UpdateNodeArgs {
                    operator: None,
                    price_per_ibm_usd_micros: Some(50_000),
                    deactivated: Some(true),
                },
            ),
        ),
        (
            "node_staking",
            "stake",
            instructions::stake(&owner, &node, &key(), &ifx, &price, 5),
        ),
        (
            "node_staking",
            "unstake",
            instructions::unstake(&owner, &node, 3, &price, 5),
        ),
        (
            "node_staking",
            "withdraw",
            instructions::withdraw(
                &owner,
                &node,
                &pda::unbonding_ticket(&node, 3),
                &owner,
                Some(pda::stake_era(&node, 0)),
                &key(),
                &ifx,
            ),
        ),
        (
            "node_staking",
            "refresh_node",
            instructions::refresh_node(&node, &price),
        ),
        (
            "node_staking",
            "update_ib",
            instructions::update_ib(
                &node,
                &price,
                BenchmarkArgs {
                    ib_micros: 1,
                    scene_set_hash: [2; 32],
                    issued_at: 3,
                },
                &verifiers,
            ),
        ),
        (
            "node_staking",
            "report_violation",
            instructions::report_violation(
                &payer,
                &node,
                &ifx,
                ViolationArgs {
                    epoch: 1,
                    kind: 1,
                    evidence_hash: [3; 32],
                    issued_at: 4,
                },
                None,
                &verifiers,
            ),
        ),
        (
            "node_staking",
            "reverse_slash",
            admin::reverse_slash(
                &admin,
                &node,
                &[3; 32],
                &ifx,
                Some(pda::stake_era(&node, 1)),
                Some(key()),
            ),
        ),
        (
            "node_staking",
            "release_penalty",
            instructions::release_penalty(&[3; 32], &pda::penalty_inflow(), &ifx),
        ),
        (
            "node_staking",
            "blacklist_node",
            admin::blacklist_node(&admin, &node),
        ),
        (
            "node_staking",
            "reverse_blacklist",
            admin::reverse_blacklist(&admin, &node),
        ),
        (
            "node_staking",
            "take_over",
            instructions::take_over(&owner, &mint, u64::MAX - 1, 0),
        ),
        (
            "node_staking",
            "retire_node",
            admin::retire_node(&pda::buyback_authority(), &payer, &node),
        ),
        // epoch-rewards
        (
            "epoch_rewards",
            "initialize_config",
            admin::rewards_initialize_config(
                &admin,
                &ifx,
                inferix_sdk::epoch_rewards::instructions::InitializeConfigArgs {
                    pause_guardian: key(),
                    epoch_origin_ts: 1,
                    epoch_length_secs: 259_200,
                    managers: vec![key()],
                    params: rewards_params,
                },
            ),
        ),
        (
            "epoch_rewards",
            "update_params",
            admin::rewards_update_params(&admin, rewards_params),
        ),
        (
            "epoch_rewards",
            "change_epoch_length",
            admin::change_epoch_length(&admin, 3_600),
        ),
        (
            "epoch_rewards",
            "set_clawback_date",
            admin::set_clawback_date(&admin, 99),
        ),
        (
            "epoch_rewards",
            "propose_admin",
            admin::rewards_propose_admin(&admin, &key()),
        ),
        (
            "epoch_rewards",
            "accept_admin",
            admin::rewards_accept_admin(&admin),
        ),
        (
            "epoch_rewards",
            "set_paused",
            admin::rewards_set_paused(&admin, true),
        ),
        (
            "epoch_rewards",
            "add_manager",
            admin::rewards_add_manager(&admin, &key()),
        ),
        (
            "epoch_rewards",
            "remove_manager",
            admin::rewards_remove_manager(&admin, &key()),
        ),
        (
            "epoch_rewards",
            "open_verifier_epoch",
            instructions::open_verifier_epoch(&payer, &node, 4),
        ),
        (
            "epoch_rewards",
            "submit_attestation",
            instructions::submit_attestation(&payer, &node, 4, &verifiers),
        ),
        (
            "epoch_rewards",
            "finalize_epoch",
            instructions::finalize_epoch(4, &ifx),
        ),
        // The claims' accounts nest the shared payout group, as the IDL lists them.
        (
            "epoch_rewards",
            "claim_worker_reward",
            instructions::claim_worker_reward(&payout, &payer, &ifx),
        ),
        (
            "epoch_rewards",
            "claim_verifier_reward",
            instructions::claim_verifier_reward(&payout, &payer, &ifx),
        ),
        (
            "epoch_rewards",
            "withdraw_vested",
            instructions::withdraw_vested_reward(&holder, 4, &payer, &ifx),
        ),
        (
            "epoch_rewards",
            "clawback_epoch",
            admin::clawback_epoch(&admin, 4),
        ),
        // buyback-vault
        (
            "buyback_vault",
            "initialize_config",
            admin::buyback_initialize_config(
                &admin,
                &ifx,
                &weth,
                inferix_sdk::buyback_vault::instructions::InitializeConfigArgs {
                    pause_guardian: key(),
                    treasury: key(),
                    params: buyback_params,
                },
            ),
        ),
        (
            "buyback_vault",
            "update_params",
            admin::buyback_update_params(&admin, buyback_params),
        ),
        (
            "buyback_vault",
            "propose_admin",
            admin::buyback_propose_admin(&admin, &key()),
        ),
        (
            "buyback_vault",
            "accept_admin",
            admin::buyback_accept_admin(&admin),
        ),
        (
            "buyback_vault",
            "set_paused",
            admin::buyback_set_paused(&admin, true),
        ),
        (
            "buyback_vault",
            "buyback_ifx",
            instructions::buyback_ifx(&selling, &ifx.mint, &price, 1),
        ),
        (
            "buyback_vault",
            "buyback_weth",
            instructions::buyback_weth(&selling, &weth.mint, &SPL_TOKEN, &key(), 1),
        ),
        (
            "buyback_vault",
            "withdraw_vested",
            instructions::withdraw_vested_buyback(&holder, &mint, &ifx),
        ),
        (
            "buyback_vault",
            "reassign_license",
            admin::reassign_license(&admin, &mint, &node, &holder),
        ),
        (
            "buyback_vault",
            "send_to_treasury",
            admin::send_to_treasury(&admin, &mint, &key()),
        ),
        (
            "buyback_vault",
            "burn_license",
            admin::burn_license(&admin, &mint),
        ),
        (
            "buyback_vault",
            "withdraw_funds",
            admin::withdraw_funds(&admin, &pda::buyback_ifx_vault(), &key(), &ifx, 7),
        ),
    ]
}

#[test]
fn every_instruction_of_the_four_programs_has_a_builder_that_matches_the_idl() {
    let builders = every_builder();
    for (program, name, ix) in &builders {
        assert_matches_idl(program, name, ix);
    }
    let built: std::collections::BTreeSet<(String, String)> = builders
        .iter()
        .map(|(p, n, _)| (p.to_string(), n.to_string()))
        .collect();
    let mut in_idl = std::collections::BTreeSet::new();
    for program in [
        "node_license",
        "node_staking",
        "epoch_rewards",
        "buyback_vault",
    ] {
        for i in idl(program)["instructions"].as_array().unwrap() {
            in_idl.insert((program.to_string(), i["name"].as_str().unwrap().to_string()));
        }
    }
    let missing: Vec<_> = in_idl.difference(&built).collect();
    assert!(
        missing.is_empty(),
        "instructions without a builder: {missing:?}"
    );
    assert_eq!(built.len(), builders.len(), "one builder per instruction");
}

#[test]
fn purchase_builder_matches_the_idl_with_each_referral() {
    let sale = instructions::SaleAccounts {
        sale: inferix_sdk::pda::sale(1),
        payment_mint: Pubkey::new_unique(),
        payment_token_program: SPL_TOKEN,
        treasury: Pubkey::new_unique(),
    };
    let (buyer, mint) = (Pubkey::new_unique(), Pubkey::new_unique());
    let proof = WhitelistProof {
        allocation: 2,
        proof: vec![[4; 32], [5; 32]],
    };
    for referral in [
        instructions::Referral::None,
        instructions::Referral::User {
            referrer: Pubkey::new_unique(),
            license_mint: Pubkey::new_unique(),
        },
        instructions::Referral::Partner {
            code: "GPUFARM".into(),
            receiver: Pubkey::new_unique(),
        },
    ] {
        for whitelist in [None, Some(proof.clone())] {
            let ix = instructions::purchase_license(&sale, &buyer, &mint, 3, whitelist, &referral);
            assert_matches_idl("node_license", "purchase_license", &ix);
        }
    }
}

#[test]
fn the_idl_check_catches_a_wrong_pda_flag_or_argument() {
    let good =
        instructions::submit_attestation(&Pubkey::new_unique(), &Pubkey::new_unique(), 42, &[]);
    let fails = |mutate: &dyn Fn(&mut Instruction)| {
        let mut ix = good.clone();
        mutate(&mut ix);
        std::panic::catch_unwind(|| assert_matches_idl("epoch_rewards", "submit_attestation", &ix))
            .is_err()
    };
    assert!(!fails(&|_| {}));
    assert!(fails(
        &|ix| ix.accounts[2].pubkey = inferix_sdk::pda::epoch(43)
    ));
    assert!(fails(&|ix| ix.accounts[4].is_writable = false));
    assert!(fails(&|ix| ix.data[0] ^= 1));
    assert!(fails(&|ix| ix.data.push(0)));
    assert!(fails(&|ix| ix.accounts.swap(6, 7)));
}
