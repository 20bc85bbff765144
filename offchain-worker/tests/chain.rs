//! The chain role from the command line: keypair files and dry-run transactions (no network).

mod support;

use support::{failure_message, out_dir, worker_cli};

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    worker_cli().args(args).current_dir(dir).output().unwrap()
}

fn attest_args<'a>(operator: &'a str, cosigner: &'a str) -> Vec<&'a str> {
    vec![
        "chain",
        "attest",
        "--operator-keypair",
        operator,
        "--node",
        "11111111111111111111111111111112",
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
        "--manager-keypair",
        "manager.json",
        "--cosigner",
        cosigner,
        "--dry-run",
    ]
}

#[test]
fn dry_run_prints_a_signed_attestation_with_the_precompile_first() {
    let dir = out_dir("chain-cli");
    for name in ["operator.json", "manager.json", "verifier.json"] {
        std::fs::remove_file(dir.join(name)).ok();
        let made = run(&dir, &["chain", "keygen", "--out", name]);
        assert!(made.status.success(), "{}", failure_message(made));
    }
    let again = run(&dir, &["chain", "keygen", "--out", "operator.json"]);
    assert!(failure_message(again).contains("keypairs are never overwritten"));

    let cosigner = "11111111111111111111111111111113=verifier.json";
    let dry = run(&dir, &attest_args("operator.json", cosigner));
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

    // Mistakes a node operator is likely to make, each named.
    std::fs::write(dir.join("short.json"), "[1, 2, 3]").unwrap();
    let short = run(&dir, &attest_args("short.json", cosigner));
    assert!(failure_message(short).contains("holds 3 numbers; a keypair has 64"));
    let missing = run(&dir, &attest_args("absent.json", cosigner));
    assert!(failure_message(missing).contains("solana-keygen new -o absent.json"));
    let bad_spec = run(&dir, &attest_args("operator.json", "verifier.json"));
    assert!(failure_message(bad_spec).contains("is not NODE=KEYPAIR"));
    let mut other_payer = attest_args("operator.json", cosigner);
    other_payer.extend(["--payer", "verifier.json"]);
    assert!(
        failure_message(run(&dir, &other_payer)).contains("paid and signed by the node's operator")
    );
    // An RPC node that cannot be reached is named, with what to check.
    let mut unreachable = attest_args("operator.json", cosigner);
    unreachable.pop();
    unreachable.extend(["--rpc-url", "http://127.0.0.1:9"]);
    assert!(failure_message(run(&dir, &unreachable)).contains("cannot reach http://127.0.0.1:9"));
    let mut no_target = attest_args("operator.json", cosigner);
    no_target.pop();
    assert!(failure_message(run(&dir, &no_target)).contains("--rpc-url"));
}
