//! Keypair files in the `solana-keygen` format: a JSON array of the 64 bytes of the secret and
//! public keys.

use std::path::Path;

use solana_keypair::Keypair;

use crate::error::WorkerError;

fn refuse(path: &Path, reason: impl ToString) -> WorkerError {
    WorkerError::Keypair {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Reads and checks a keypair file: present, a JSON array of 64 byte values, and a public half
/// that matches the secret half.
pub fn read_keypair_file(path: &Path) -> Result<Keypair, WorkerError> {
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

/// Writes a keypair in the `solana-keygen` format.
pub fn write_keypair_file(keypair: &Keypair, path: &Path) -> Result<(), WorkerError> {
    let text = serde_json::to_string(&keypair.to_bytes().to_vec()).expect("bytes serialize");
    crate::frame::write_file(path, text.as_bytes())
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
            Err(WorkerError::Keypair { reason, .. }) => reason,
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
        write_keypair_file(&keypair, &path).unwrap();
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
