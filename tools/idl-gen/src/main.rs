//! Writes `idl/<program>.json` for every Anchor program under `programs/`, using
//! anchor-lang-idl's `IdlBuilder` (no anchor-cli needed), and `idl/errors.json`: the errors every
//! program may raise besides its own (the shared crate's and Anchor's), which an IDL leaves out.
//! With `--check` it writes nothing and fails when any file in `idl/` differs from what the
//! programs generate now (CI uses this).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn programs(workspace: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(workspace.join("programs"))
        .expect("programs/ exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    found.sort();
    found
}

fn shared_errors_json() -> String {
    let errors: Vec<serde_json::Value> = inferix_sdk::errors::shared_errors()
        .into_iter()
        .map(|e| serde_json::json!({"code": e.code, "name": e.name, "msg": e.msg}))
        .collect();
    let file = serde_json::json!({
        "description": "Errors any Inferix program may raise besides those in its IDL: the shared crate's (9000+) and Anchor's",
        "errors": errors,
    });
    serde_json::to_string_pretty(&file).expect("errors serialize") + "\n"
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    // anchor-lang-idl 0.1.4 passes a literal "+{toolchain}" to cargo when this is set, as it is
    // under `cargo run`.
    unsafe { std::env::remove_var("RUSTUP_TOOLCHAIN") };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let idl_dir = workspace.join("idl");
    std::fs::create_dir_all(&idl_dir).expect("creating idl/");

    let mut stale = vec![];
    let mut outputs = vec![(idl_dir.join("errors.json"), shared_errors_json())];
    for program in programs(&workspace) {
        let idl = match anchor_lang_idl::build::IdlBuilder::new()
            .program_path(program.clone())
            .build()
        {
            Ok(idl) => idl,
            Err(e) => {
                eprintln!("error: building the IDL of {}: {e:#}", program.display());
                return ExitCode::FAILURE;
            }
        };
        let json = serde_json::to_string_pretty(&idl).expect("IDL serializes") + "\n";
        outputs.push((idl_dir.join(format!("{}.json", idl.metadata.name)), json));
    }
    for (path, json) in outputs {
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
                stale.push(path);
            }
        } else {
            std::fs::write(&path, json).expect("writing the IDL");
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        if check {
            println!("idl/ is fresh");
        }
        ExitCode::SUCCESS
    } else {
        for path in stale {
            eprintln!("stale: {} (run `cargo run -p idl-gen`)", path.display());
        }
        ExitCode::FAILURE
    }
}
