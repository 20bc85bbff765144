//! Running the project's Node packages (`clients/js`, `web`) from Rust tests: their packages
//! must be installed (`scripts/setup`), their TypeScript must type-check, and their tests run
//! with Node's test runner, `tsx` compiling them on the fly.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The package folder `relative` to the workspace root, once its `node_modules` hold `needs`.
pub fn package(relative: &str, needs: &[&str]) -> PathBuf {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    for need in needs {
        assert!(
            folder.join("node_modules").join(need).exists(),
            "{relative}: the Node package {need} is not installed: run scripts/setup (npm ci in {relative})"
        );
    }
    folder
}

/// `node ARGS` in `folder`; panics with `what` when it fails.
pub fn node(folder: &Path, args: &[&str], env: &[(&str, &Path)], what: &str) {
    let status = Command::new("node")
        .args(args)
        .current_dir(folder)
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .status()
        .expect("running node (scripts/setup installs it)");
    assert!(status.success(), "{what} failed (output above)");
}

/// Type-checks `folder` with its `tsconfig.json`.
pub fn typecheck(folder: &Path) {
    node(
        folder,
        &["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"],
        &[],
        "type-checking",
    );
}

/// Runs the given test files with Node's test runner.
pub fn run_tests(folder: &Path, tests: &[&str], env: &[(&str, &Path)]) {
    let mut args = vec![
        "--import",
        "tsx",
        "--test",
        "--test-concurrency=1",
        "--test-force-exit",
        "--test-timeout=300000",
    ];
    args.extend_from_slice(tests);
    node(folder, &args, env, "the Node tests");
}

/// [`typecheck`], then [`run_tests`].
pub fn typecheck_and_test(folder: &Path, tests: &[&str], env: &[(&str, &Path)]) {
    typecheck(folder);
    run_tests(folder, tests, env);
}
