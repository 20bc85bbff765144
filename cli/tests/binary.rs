//! The `inferix` binary itself: its command line, the Solana CLI config it reads, and the RPC
//! path's errors (no cluster is reachable from the tests; the commands' behaviour on a bank is in
//! `tests/tests/cli.rs`).

use std::path::PathBuf;
use std::process::{Command, Output};

fn inferix(args: &[&str], home: &PathBuf) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inferix"))
        .args(args)
        .env("HOME", home)
        .output()
        .expect("running inferix")
}

fn temp_home(test: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("inferix-bin-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    home
}

#[test]
fn help_lists_every_command() {
    let out = inferix(&["--help"], &temp_home("help"));
    let text = String::from_utf8_lossy(&out.stdout);
    for command in [
        "license",
        "node",
        "stake",
        "unstake",
        "withdraw",
        "claim",
        "vesting",
        "buyback",
        "status",
        "leaderboard",
        "migrate",
    ] {
        assert!(text.contains(command), "{command} missing from:\n{text}");
    }
}

#[test]
fn an_unreachable_cluster_from_the_solana_config_is_named_with_what_to_do() {
    let home = temp_home("unreachable");
    let config_dir = home.join(".config/solana/cli");
    std::fs::create_dir_all(&config_dir).unwrap();
    let keypair = home.join("id.json");
    let secret = solana_keypair::Keypair::new().to_bytes();
    std::fs::write(&keypair, serde_json::to_string(&secret.to_vec()).unwrap()).unwrap();
    std::fs::write(
        config_dir.join("config.yml"),
        format!(
            "---\njson_rpc_url: \"http://127.0.0.1:9\"\nkeypair_path: {}\ncommitment: confirmed\n",
            keypair.display()
        ),
    )
    .unwrap();
    let license = "11111111111111111111111111111111";
    let out = inferix(&["status", "--license", license], &home);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: cannot reach the cluster: http://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(stderr.contains("what to do: check --url"), "{stderr}");

    // --json: the error as a JSON document on stdout as well.
    let out = inferix(&["--json", "leaderboard"], &home);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(json["error"]
        .as_str()
        .unwrap()
        .contains("cannot reach the cluster"));
    assert!(json["what_to_do"].as_str().unwrap().contains("check --url"));

    // A keypair named by the config that does not exist.
    std::fs::remove_file(&keypair).unwrap();
    let out = inferix(&["stake", "--license", license, "--amount", "1"], &home);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("no such file"), "{stderr}");
    assert!(stderr.contains("what to do: pass --keypair"), "{stderr}");

    // A --config that is not there is refused, not silently ignored.
    let out = inferix(
        &["--config", "/nonexistent/config.yml", "leaderboard"],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the Solana CLI config /nonexistent/config.yml"),
        "{stderr}"
    );
}
