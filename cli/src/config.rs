//! Where the CLI connects and who signs: flags first, then the Solana CLI config
//! (`~/.config/solana/cli/config.yml`, as `solana config set` writes it), then Solana's defaults.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The settings of the Solana CLI config the Inferix CLI uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SolanaConfig {
    pub json_rpc_url: Option<String>,
    pub keypair_path: Option<String>,
}

/// The Solana CLI's default config file.
pub fn default_config_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".config/solana/cli/config.yml"))
}

/// Reads the flat `key: value` YAML the Solana CLI writes (quoted or bare values); a missing
/// default file is an empty config, a missing file named by `--config` is an error.
pub fn read_solana_config(path: &Path, required: bool) -> Result<SolanaConfig, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(SolanaConfig::default())
        }
        Err(e) => {
            return Err(CliError::new(
                format!("cannot read the Solana CLI config {}: {e}", path.display()),
                "pass --config with the file `solana config get` shows, or --url and --keypair",
            ))
        }
    };
    let mut config = SolanaConfig::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        match key.trim() {
            "json_rpc_url" if !value.is_empty() => config.json_rpc_url = Some(value),
            "keypair_path" if !value.is_empty() => config.keypair_path = Some(value),
            _ => {}
        }
    }
    Ok(config)
}

/// Solana's default cluster.
pub const DEFAULT_RPC_URL: &str = "https://api.mainnet-beta.solana.com";

/// The RPC URL and keypair path the command uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub rpc_url: String,
    pub keypair_path: PathBuf,
}

pub fn resolve(
    url: Option<&str>,
    keypair: Option<&Path>,
    config: &SolanaConfig,
) -> Result<Resolved, CliError> {
    let rpc_url = url
        .map(str::to_string)
        .or_else(|| config.json_rpc_url.clone())
        .unwrap_or_else(|| DEFAULT_RPC_URL.to_string());
    let keypair_path = match keypair {
        Some(path) => path.to_path_buf(),
        None => match &config.keypair_path {
            Some(path) => PathBuf::from(path),
            None => default_config_path()
                .and_then(|p| p.parent()?.parent().map(|d| d.join("id.json")))
                .ok_or_else(|| {
                    CliError::new(
                        "no keypair: neither --keypair nor the Solana CLI config names one",
                        "pass --keypair FILE (a solana-keygen file)",
                    )
                })?,
        },
    };
    Ok(Resolved {
        rpc_url,
        keypair_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solana_cli_config_is_read_and_flags_override_it() {
        let dir = std::env::temp_dir().join(format!("inferix-cli-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.yml");
        std::fs::write(
            &path,
            "---\njson_rpc_url: \"http://localhost:8899\"\nwebsocket_url: \"\"\nkeypair_path: /home/me/id.json\naddress_labels:\n  \"11111111111111111111111111111111\": System Program\ncommitment: confirmed\n",
        )
        .unwrap();
        let config = read_solana_config(&path, true).unwrap();
        assert_eq!(
            config.json_rpc_url.as_deref(),
            Some("http://localhost:8899")
        );
        assert_eq!(config.keypair_path.as_deref(), Some("/home/me/id.json"));
        let from_config = resolve(None, None, &config).unwrap();
        assert_eq!(from_config.rpc_url, "http://localhost:8899");
        assert_eq!(from_config.keypair_path, PathBuf::from("/home/me/id.json"));
        let flags = resolve(Some("http://x"), Some(Path::new("k.json")), &config).unwrap();
        assert_eq!(
            (flags.rpc_url.as_str(), flags.keypair_path.as_path()),
            ("http://x", Path::new("k.json"))
        );
        assert_eq!(
            resolve(None, None, &SolanaConfig::default())
                .unwrap()
                .rpc_url,
            DEFAULT_RPC_URL
        );
        let missing = read_solana_config(&dir.join("none.yml"), true).unwrap_err();
        assert!(missing
            .message
            .contains("cannot read the Solana CLI config"));
        assert_eq!(
            read_solana_config(&dir.join("none.yml"), false).unwrap(),
            SolanaConfig::default()
        );
    }
}
