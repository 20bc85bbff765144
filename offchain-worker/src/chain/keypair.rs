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
            refuse(path, format!("no such file (create one with `solana-keygen new -o {}`)", path.display()))
        } else {
            refuse(path, e)
        }
    })?;
    let values: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        refuse(path, format!("not a solana-keygen keypair file (a JSON array of 64 numbers): {e}"))
    })?;
    if values.len() != 64 {
        return Err(refuse(
            path,
            format!("holds {} numbers; a keypair has 64 (32 secret + 32 public)", values.len()),
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
    Keypair::try_from(bytes.as_slice())
        .map_err(|_| refuse(path, "its public key does not belong to its secret key (damaged file)"))
}

/// Writes a keypair in the `solana-keygen` format.
pub fn write_keypair_file(keypair: &Keypair, path: &Path) -> Result<(), WorkerError> {
    let text = serde_json::to_string(&keypair.to_bytes().to_vec()).expect("bytes serialize");
    crate::frame::write_file(path, text.as_bytes())
}
