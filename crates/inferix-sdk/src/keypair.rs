//! Keypair files in the `solana-keygen` format: a JSON array of the 64 bytes of the secret and
//! public keys.

use std::path::Path;

use solana_keypair::Keypair;

/// A keypair file that cannot be used, and why (the reason says what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeypairFileError {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for KeypairFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "keypair file {}: {}", self.path, self.reason)
    }
}

impl std::error::Error for KeypairFileError {}

fn refuse(path: &Path, reason: impl ToString) -> KeypairFileError {
    KeypairFileError {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Reads and checks a keypair file: present, a JSON array of 64 byte values, and a public half
/// that matches the secret half.
pub fn read_keypair_file(path: &Path) -> Result<Keypair, KeypairFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            refuse(
                path,
                format!(
                    "no such file (create one with `solana-keygen new -o {}`)",
                    path.display()
                ),
            )
        } else {
            refuse(path, e)
        }
    })?;
    let values: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        refuse(
            path,
            format!("not a solana-keygen keypair file (a JSON array of 64 numbers): {e}"),
        )
    })?;
    if values.len() != 64 {
        return Err(refuse(
            path,
            format!(
                "holds {} numbers; a keypair has 64 (32 secret + 32 public)",
                values.len()
            ),
        ));
    }
    let bytes: Vec<u8> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or_else(|| refuse(path, format!("entry {i} is {v}, not a byte (0–255)")))
        })
        .collect::<Result<_, _>>()?;
    Keypair::try_from(bytes.as_slice()).map_err(|_| {
        refuse(
            path,
            "its public key does not belong to its secret key (damaged file)",
        )
    })
}

/// Writes a keypair in the `solana-keygen` format (creating the folder), never over an existing
/// file: a lost keypair is lost funds.
pub fn write_keypair_file(keypair: &Keypair, path: &Path) -> Result<(), KeypairFileError> {
    use std::io::Write;
    let text = serde_json::to_string(&keypair.to_bytes().to_vec()).expect("bytes serialize");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| refuse(path, e))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                refuse(
                    path,
                    "a file is already there; keypairs are never overwritten",
                )
            } else {
                refuse(path, e)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_signer::Signer;

    fn file(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("inferix-keypair-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn reason(path: &Path) -> String {
        match read_keypair_file(path) {
            Err(KeypairFileError { reason, .. }) => reason,
            other => panic!(
                "expected a keypair error, got {:?}",
                other.map(|k| k.pubkey())
            ),
        }
    }

    #[test]
    fn a_solana_keygen_file_round_trips() {
        let keypair = Keypair::new();
        let path = file("valid.json", "");
        std::fs::remove_file(&path).unwrap();
        write_keypair_file(&keypair, &path).unwrap();
        let again = write_keypair_file(&Keypair::new(), &path).unwrap_err();
        assert!(again.reason.contains("never overwritten"));
        assert_eq!(read_keypair_file(&path).unwrap().pubkey(), keypair.pubkey());
        // The format solana-keygen writes: one JSON array of 64 numbers.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with('[') && text.matches(',').count() == 63);
    }

    #[test]
    fn malformed_wrong_length_and_damaged_files_are_refused_by_name() {
        assert!(reason(&file("text.json", "not json")).contains("not a solana-keygen keypair file"));
        assert!(
            reason(&file("object.json", "{\"a\": 1}")).contains("not a solana-keygen keypair file")
        );
        assert!(
            reason(&file("short.json", "[1,2,3]")).contains("holds 3 numbers; a keypair has 64")
        );
        let big: Vec<u16> = (0..64).map(|i| if i == 5 { 256 } else { 1 }).collect();
        let big = serde_json::to_string(&big).unwrap();
        assert!(reason(&file("big.json", &big)).contains("entry 5 is 256, not a byte"));
        let mut damaged = Keypair::new().to_bytes();
        damaged[40] ^= 1;
        let damaged = serde_json::to_string(&damaged.to_vec()).unwrap();
        assert!(
            reason(&file("damaged.json", &damaged)).contains("does not belong to its secret key")
        );
        let missing = std::env::temp_dir().join("inferix-no-such-keypair.json");
        assert!(reason(&missing).contains("solana-keygen new -o"));
    }
}
