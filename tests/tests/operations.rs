//! The operations docs against what ships: every metric the Grafana dashboard plots is one
//! `docs/operations.md` documents (the programs' own tests check that the doc lists every
//! metric they serve), and every systemd unit starts a binary this workspace builds.

use std::collections::BTreeSet;
use std::path::Path;

fn repo(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The `inferix_*` metric names in `text` (histogram series reduced to their metric).
fn metrics_named(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (start, _) in text.match_indices("inferix_") {
        let name: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        let name = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .map_or(name.clone(), str::to_string);
        names.insert(name);
    }
    names
}

#[test]
fn the_grafana_dashboard_plots_only_documented_metrics() {
    let dashboard = repo("deploy/grafana/inferix-network.json");
    let parsed: serde_json::Value =
        serde_json::from_str(&dashboard).expect("the dashboard is JSON");
    assert!(parsed["panels"].as_array().is_some_and(|p| !p.is_empty()));
    let documented = metrics_named(&repo("docs/operations.md"));
    let plotted = metrics_named(&dashboard);
    assert!(plotted.len() >= 20, "{plotted:?}");
    let undocumented: Vec<&String> = plotted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "plotted but not in docs/operations.md: {undocumented:?}"
    );
}

#[test]
fn every_systemd_unit_starts_a_binary_of_the_workspace() {
    for (unit, binary, source) in [
        (
            "inferix-manager.service",
            "inferix-manager",
            "manager/src/main.rs",
        ),
        (
            "inferix-worker-daemon.service",
            "inferix-worker-daemon",
            "node-daemons/src/bin/inferix-worker-daemon.rs",
        ),
        (
            "inferix-verifier-daemon.service",
            "inferix-verifier-daemon",
            "node-daemons/src/bin/inferix-verifier-daemon.rs",
        ),
    ] {
        let text = repo(&format!("deploy/systemd/{unit}"));
        let exec = text
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .unwrap_or_else(|| panic!("{unit} has no ExecStart"));
        assert!(
            exec.starts_with(&format!("/usr/local/bin/{binary} ")),
            "{unit}: {exec}"
        );
        assert!(exec.contains("--config /etc/inferix/"), "{unit}: {exec}");
        assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(source)
            .is_file());
        assert!(
            text.contains("User=inferix") && text.contains("Restart=on-failure"),
            "{unit}"
        );
    }
}
