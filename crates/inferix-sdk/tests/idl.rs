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
            for f in fields(idl, &o["defined"]["name"]) {
                skip(idl, &f["type"], data, pos);
            }
        }
        other => panic!("IDL type {other} not handled"),
    }
}

fn fields(idl: &Value, name: &Value) -> Vec<Value> {
    let ty = idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == *name)
        .unwrap();
    ty["type"]["fields"].as_array().unwrap().clone()
}

/// The bytes of argument `path` ("epoch_index" or "args.evidence_hash") in the instruction data.
fn arg_bytes<'a>(idl: &Value, args: &[Value], data: &'a [u8], path: &str) -> &'a [u8] {
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
            return &data[start..pos];
        };
        for f in fields(idl, &arg["type"]["defined"]["name"]) {
            let start = pos;
            skip(idl, &f["type"], data, &mut pos);
            if f["name"] == field {
                return &data[start..pos];
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
    let token_program = SPL_TOKEN;
    let report =
        instructions::report_violation(&payer, &node, &mint, &token_program, violation, &verifiers);
    assert_matches_idl("node_staking", "report_violation", &report);
}

#[test]
fn staking_holder_builders_match_the_idl() {
    let (owner, mint, account, node) = (
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
    );
    let ifx = ifx_token(Pubkey::new_unique());
    let price = inferix_sdk::pda::pushed_price();
    let args = RegisterNodeArgs {
        operator: Some(Pubkey::new_unique()),
        price_per_ibm_usd_micros: 40_000,
    };
    assert_matches_idl(
        "node_staking",
        "register_node",
        &instructions::register_node(&owner, &mint, &account, &ifx, args),
    );
    assert_matches_idl(
        "node_staking",
        "stake",
        &instructions::stake(&owner, &node, &account, &ifx, &price, 5),
    );
    assert_matches_idl(
        "node_staking",
        "unstake",
        &instructions::unstake(&owner, &node, 3, &price, 5),
    );
    let ticket = inferix_sdk::pda::unbonding_ticket(&node, 3);
    assert_matches_idl(
        "node_staking",
        "withdraw",
        &instructions::withdraw(&owner, &node, &ticket, &owner, &account, &ifx),
    );
}

#[test]
fn rewards_builders_match_the_idl() {
    let (payer, node, mint, holder) = (
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
    );
    let ifx = ifx_token(Pubkey::new_unique());
    assert_matches_idl(
        "epoch_rewards",
        "open_verifier_epoch",
        &instructions::open_verifier_epoch(&payer, &node, 4),
    );
    assert_matches_idl(
        "epoch_rewards",
        "finalize_epoch",
        &instructions::finalize_epoch(4, &ifx),
    );
    let payout = instructions::Payout {
        payer,
        epoch: 4,
        node,
        license_mint: mint,
        holder,
    };
    let worker = instructions::claim_worker_reward(&payout, &payer, &ifx);
    let verifier = instructions::claim_verifier_reward(&payout, &payer, &ifx);
    // The claims' accounts nest the shared payout group, as the IDL lists them.
    assert_matches_idl("epoch_rewards", "claim_worker_reward", &worker);
    assert_matches_idl("epoch_rewards", "claim_verifier_reward", &verifier);
    assert_matches_idl(
        "epoch_rewards",
        "withdraw_vested",
        &instructions::withdraw_vested_reward(&holder, 4, &payer, &ifx),
    );
}

#[test]
fn buyback_builders_match_the_idl() {
    let selling = instructions::BuybackLicense {
        holder: Pubkey::new_unique(),
        license_mint: Pubkey::new_unique(),
        next_ticket_id: 2,
    };
    let (ifx_mint, weth_mint, price) = (
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
    );
    assert_matches_idl(
        "buyback_vault",
        "buyback_ifx",
        &instructions::buyback_ifx(&selling, &ifx_mint, &price, 1),
    );
    assert_matches_idl(
        "buyback_vault",
        "buyback_weth",
        &instructions::buyback_weth(&selling, &weth_mint, &SPL_TOKEN, &price, 1),
    );
    let ifx = ifx_token(ifx_mint);
    assert_matches_idl(
        "buyback_vault",
        "withdraw_vested",
        &instructions::withdraw_vested_buyback(&selling.holder, &selling.license_mint, &ifx),
    );
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
