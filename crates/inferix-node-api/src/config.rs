//! A daemon's configuration: a TOML file whose top-level keys an environment variable
//! `<PREFIX>_<KEY>` (upper case) overrides — `INFERIX_WORKER_MANAGER_URL=http://…` for the
//! worker's `manager_url`. Relative paths in the file are relative to the file's folder.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("invalid config {path}: {reason}")]
    Invalid { path: String, reason: String },
}

/// Reads `path`, applies the `<prefix>_*` environment overrides and deserializes.
pub fn load<T: DeserializeOwned>(path: &Path, env_prefix: &str) -> Result<T, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let mut table: toml::Table =
        text.parse()
            .map_err(|e: toml::de::Error| ConfigError::Invalid {
                path: shown.clone(),
                reason: e.message().to_string(),
            })?;
    let prefix = format!("{env_prefix}_");
    for (name, value) in std::env::vars() {
        let Some(key) = name.strip_prefix(&prefix) else {
            continue;
        };
        // A TOML literal when the text is one (numbers, booleans, quoted strings), else text.
        let parsed = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(toml::Value::String(value));
        table.insert(key.to_ascii_lowercase(), parsed);
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Invalid {
            path: shown,
            reason: e.message().to_string(),
        })
}

/// `path` as written in the config at `config_file`: relative paths from the file's folder.
pub fn resolve(config_file: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        config_file.parent().unwrap_or(Path::new(".")).join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        url: String,
        interval_secs: u64,
    }

    #[test]
    fn environment_overrides_the_file_and_unknown_keys_are_named() {
        let dir = std::env::temp_dir().join(format!("ifx-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sample.toml");
        std::fs::write(&file, "url = \"http://a\"\ninterval_secs = 5\n").unwrap();
        std::env::set_var("IFXCONFIGTEST_INTERVAL_SECS", "9");
        let sample: Sample = load(&file, "IFXCONFIGTEST").unwrap();
        assert_eq!(sample.interval_secs, 9);
        assert_eq!(sample.url, "http://a");
        std::env::set_var("IFXCONFIGTEST_COLOUR", "blue");
        let error = load::<Sample>(&file, "IFXCONFIGTEST")
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `colour`"), "{error}");
        std::env::remove_var("IFXCONFIGTEST_COLOUR");
        std::env::remove_var("IFXCONFIGTEST_INTERVAL_SECS");
        assert_eq!(
            resolve(&file, Path::new("db.sqlite")),
            dir.join("db.sqlite")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
