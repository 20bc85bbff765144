//! The chain role from the command line: keypair files and dry-run transactions (no network).

mod support;

use support::{failure_message, out_dir, worker_cli};

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    worker_cli().args(args).current_dir(dir).output().unwrap()
}

const NODE: &str = "11111111111111111111111111111112";
const VERIFIER_NODE: &str = "11111111111111111111111111111113";

/// The attestation's fields as every party signs them, issued at `issued_at`.
fn fields(issued_at: &str) -> Vec<&str> {
    vec![
        "--node",
        NODE,
        "--epoch",
        "0",
        "--seq",
        "1",
        "--ib-micros",
        "1000000",
        "--cumulative-ibm-micros",
        "4200",
        "--jobs-verified",
        "1",
        "--work-root",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "--issued-at",
        issued_at,
    ]
}

/// `chain sign` of the attestation with `keypair`, as `verifier_node`'s verifier or the manager.
fn sign(
    dir: &std::path::Path,
    keypair: &str,
    verifier_node: Option<&str>,
    issued_at: &str,
    out: &str,
) -> std::process::Output {
    let mut args = vec!["chain", "sign", "--keypair", keypair, "--out", out];
    if let Some(node) = verifier_node {
        args.extend(["--verifier-node", node]);
    }
    args.push("attestation");
    args.extend(fields(issued_at));
    run(dir, &args)
}

fn attest_args<'a>(operator: &'a str, endorsements: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["chain", "attest", "--operator-keypair", operator];
    args.extend(fields("1700000000"));
    for file in endorsements {
        args.extend(["--endorsement", file]);
    }
    args.push("--dry-run");
    args
}

#[test]
fn each_party_signs_with_its_own_key_and_the_operator_submits_the_assembled_attestation() {
    let dir = out_dir("chain-cli");
    for name in ["operator.json", "manager.json", "verifier.json"] {
        std::fs::remove_file(dir.join(name)).ok();
        let made = run(&dir, &["chain", "keygen", "--out", name]);
        assert!(made.status.success(), "{}", failure_message(made));
    }
    let again = run(&dir, &["chain", "keygen", "--out", "operator.json"]);
    assert!(failure_message(again).contains("keypairs are never overwritten"));

    // The manager and the verifier each sign on their own, with only their own key.
    let manager = sign(&dir, "manager.json", None, "1700000000", "manager.sig");
    assert!(manager.status.success(), "{}", failure_message(manager));
    assert!(String::from_utf8_lossy(&manager.stdout).contains("signed as manager"));
    let verifier = sign(
        &dir,
        "verifier.json",
        Some(VERIFIER_NODE),
        "1700000000",
        "verifier.sig",
    );
    assert!(verifier.status.success(), "{}", failure_message(verifier));
    let endorsement: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verifier.sig")).unwrap()).unwrap();
    assert_eq!(endorsement["node"], VERIFIER_NODE);

    let both = ["manager.sig", "verifier.sig"];
    let dry = run(&dir, &attest_args("operator.json", &both));
    assert!(dry.status.success(), "{}", failure_message(dry));
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(text.contains("nothing sent"), "{text}");
    // The operator pays: its key is the fee payer (SPEC §10).
    let operator = inferix_sdk::keypair::read_keypair_file(&dir.join("operator.json")).unwrap();
    assert!(
        text.contains(&format!(
            "fee payer {}",
            solana_signer::Signer::pubkey(&operator)
        )),
        "{text}"
    );
    let size: usize = text
        .split("transaction: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a size");
    assert!(size <= 1232, "{size}");
    let ed25519 = text.find("instruction 0: program Ed25519SigVerify111111111111111111111111111");
    let program = text.find(&format!(
        "instruction 1: program {}",
        inferix_sdk::epoch_rewards::ID
    ));
    assert!(ed25519.is_some() && program.is_some(), "{text}");
    assert!(text.contains("base64: "));

    // Endorsements that do not fit the message or the order are named, nothing signed for them.
    let stale = sign(
        &dir,
        "verifier.json",
        Some(VERIFIER_NODE),
        "1699999999",
        "stale.sig",
    );
    assert!(stale.status.success(), "{}", failure_message(stale));
    let mismatch = run(
        &dir,
        &attest_args("operator.json", &["manager.sig", "stale.sig"]),
    );
    assert!(
        failure_message(mismatch).contains("does not sign this message"),
        "a signature over other fields is refused"
    );
    let reversed = run(
        &dir,
        &attest_args("operator.json", &["verifier.sig", "manager.sig"]),
    );
    assert!(failure_message(reversed).contains("the first endorsement must be the manager's"));
    std::fs::write(dir.join("garbled.sig"), "{\"signer\": \"nope\"}").unwrap();
    let garbled = run(
        &dir,
        &attest_args("operator.json", &["manager.sig", "garbled.sig"]),
    );
    assert!(
        failure_message(garbled).contains("garbled.sig: its signer 'nope' is not a base58 address")
    );

    // Mistakes a node operator is likely to make, each named.
    std::fs::write(dir.join("short.json"), "[1, 2, 3]").unwrap();
    let short = run(&dir, &attest_args("short.json", &both));
    assert!(failure_message(short).contains("holds 3 numbers; a keypair has 64"));
    let missing = run(&dir, &attest_args("absent.json", &both));
    assert!(failure_message(missing).contains("solana-keygen new -o absent.json"));
    let mut other_payer = attest_args("operator.json", &both);
    other_payer.extend(["--payer", "verifier.json"]);
    assert!(
        failure_message(run(&dir, &other_payer)).contains("paid and signed by the node's operator")
    );
    // An RPC node that cannot be reached is named, with what to check.
    let mut unreachable = attest_args("operator.json", &both);
    unreachable.pop();
    unreachable.extend(["--rpc-url", "http://127.0.0.1:9"]);
    assert!(failure_message(run(&dir, &unreachable)).contains("cannot reach http://127.0.0.1:9"));
    let mut no_target = attest_args("operator.json", &both);
    no_target.pop();
    assert!(failure_message(run(&dir, &no_target)).contains("--rpc-url"));
}
