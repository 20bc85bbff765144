//! SPEC §11: the standard JavaScript clients (`@solana/web3.js`, `@solana/kit`) against the
//! `inferix-localnet` server — `localnet/js/test/*.test.mjs`, run with Node's test runner.
//! `scripts/setup` installs Node and the packages; without them this test fails saying so.

mod server_harness;

use std::process::Command;

#[test]
fn the_standard_javascript_clients_work_against_the_cluster() {
    let js = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
    assert!(
        js.join("node_modules/@solana/kit").exists()
            && js.join("node_modules/@solana/web3.js").exists(),
        "the JavaScript clients are not installed: run scripts/setup (npm ci in localnet/js)"
    );
    let out = tempfile::tempdir().unwrap();
    let server = server_harness::start(&["--out", &out.path().display().to_string()]);
    let status = Command::new("node")
        // Open WebSocket clients would keep a finished file's process alive: exit once tests end.
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-force-exit",
            "--test-timeout=60000",
            "test/",
        ])
        .current_dir(&js)
        .env("INFERIX_RPC_URL", &server.url)
        .env("INFERIX_WS_URL", &server.ws_url)
        .env("INFERIX_CLUSTER_FILE", &server.cluster_file)
        .env("INFERIX_LICENSE_PROGRAM", node_license::ID.to_string())
        .status()
        .expect("running node (scripts/setup installs it)");
    assert!(
        status.success(),
        "the JavaScript client tests failed (output above)"
    );
}
