//! The local cluster's ledger: transaction history (signatures, status, logs) and, with
//! `--ledger DIR`, the accounts every transaction left behind, so a restart keeps the network
//! (SPEC §11). It is one SQLite database: in memory without `--ledger`, `DIR/ledger.sqlite3`
//! with it.
//!
//! A transaction's record and the accounts it wrote are committed together, before the client
//! hears of it: a killed cluster restarts with every transaction it acknowledged and none it
//! did not. WAL with `synchronous = NORMAL` survives a killed process (not a power cut, which a
//! development cluster need not).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

/// The file a ledger folder holds.
pub const LEDGER_FILE: &str = "ledger.sqlite3";
/// What the ledger's `cluster` table says it is; another value is another kind of ledger.
const FORMAT: &str = "inferix-localnet ledger v1";

/// Why a ledger cannot be used. The cluster refuses to start and never writes over it.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("LedgerCorrupt: {path} is not a readable inferix-localnet ledger ({reason}); it is left as it is — move it away to start a fresh network")]
    Corrupt { path: PathBuf, reason: String },
    #[error("LedgerForeign: {path} {reason}; it is left as it is — give --ledger an empty or new folder")]
    Foreign { path: PathBuf, reason: String },
    #[error("LedgerUnavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for LedgerError {
    fn from(e: sqlx::Error) -> Self {
        Self::Unavailable(e.to_string())
    }
}

/// A processed transaction as `getTransaction` and `getSignaturesForAddress` serve it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TransactionRecord {
    pub slot: u64,
    pub block_time: i64,
    pub err: Option<TransactionError>,
    pub fee: u64,
    pub transaction: VersionedTransaction,
    pub pre_balances: Vec<u64>,
    pub post_balances: Vec<u64>,
    pub logs: Vec<String>,
    pub units_consumed: u64,
}

impl TransactionRecord {
    pub fn signature(&self) -> Signature {
        self.transaction.signatures[0]
    }
}

/// What a restart needs besides the accounts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClusterState {
    /// The programs' upgrade authority (a development key: the local cluster's own).
    pub deployer: Vec<u8>,
    /// The test mints' authority, which the faucet signs with.
    pub faucet: Vec<u8>,
    pub slot: u64,
    pub clock_offset_secs: i64,
}

/// One address's transaction, newest first in `signatures_for_address`.
pub struct AddressSignature {
    pub signature: Signature,
    pub slot: u64,
    pub block_time: i64,
    pub err: Option<TransactionError>,
}

pub struct Ledger {
    pool: SqlitePool,
    /// Whether accounts are kept (a ledger folder); in memory only history is.
    pub persistent: bool,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS cluster (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts (address BLOB PRIMARY KEY, account BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS transactions (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
     signature BLOB NOT NULL UNIQUE, record BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS address_signatures (address BLOB NOT NULL, seq INTEGER NOT NULL, \
     PRIMARY KEY (address, seq)) WITHOUT ROWID",
];

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bincode::serialize(value).expect("ledger records serialize")
}

impl Ledger {
    /// History in memory: nothing survives the process.
    pub async fn in_memory(programs: &[Pubkey]) -> Result<Self, LedgerError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        // One connection, never recycled: each in-memory connection is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        let ledger = Self {
            pool,
            persistent: false,
        };
        ledger.create(programs).await?;
        Ok(ledger)
    }

    /// The ledger in `folder`: created when the folder is new or empty, opened when it holds an
    /// inferix-localnet ledger of these `programs`, refused otherwise.
    pub async fn open(folder: &Path, programs: &[Pubkey]) -> Result<(Self, bool), LedgerError> {
        let file = folder.join(LEDGER_FILE);
        let exists = file.exists();
        if !exists && folder.exists() {
            let foreign = std::fs::read_dir(folder)
                .map_err(|e| LedgerError::Unavailable(format!("{}: {e}", folder.display())))?
                .next()
                .is_some();
            if foreign {
                return Err(LedgerError::Foreign {
                    path: folder.to_path_buf(),
                    reason: format!("holds files but no {LEDGER_FILE}"),
                });
            }
        }
        std::fs::create_dir_all(folder)
            .map_err(|e| LedgerError::Unavailable(format!("{}: {e}", folder.display())))?;
        let corrupt = |reason: String| LedgerError::Corrupt {
            path: file.clone(),
            reason,
        };
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(!exists)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
        let ledger = Self {
            pool,
            persistent: true,
        };
        if !exists {
            ledger.create(programs).await?;
            return Ok((ledger, false));
        }
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&ledger.pool)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
        if check != "ok" {
            return Err(corrupt(check));
        }
        let format = ledger
            .value("format")
            .await
            .map_err(|e| corrupt(e.to_string()))?;
        if format.as_deref() != Some(FORMAT.as_bytes()) {
            return Err(LedgerError::Foreign {
                path: file,
                reason: "is not an inferix-localnet ledger (another program's SQLite database)"
                    .into(),
            });
        }
        if ledger.value("programs").await?.as_deref() != Some(&encode(&programs)[..]) {
            return Err(LedgerError::Foreign {
                path: file,
                reason: "is the ledger of a cluster with other programs".into(),
            });
        }
        // No state yet: the first start was stopped before its checkpoint, so nothing of it was
        // kept and the network starts afresh.
        let resumed = ledger.cluster_state().await?.is_some();
        Ok((ledger, resumed))
    }

    async fn create(&self, programs: &[Pubkey]) -> Result<(), LedgerError> {
        let mut tx = self.pool.begin().await?;
        for statement in SCHEMA {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        for (key, value) in [
            ("format", FORMAT.as_bytes().to_vec()),
            ("programs", encode(&programs)),
        ] {
            sqlx::query("INSERT INTO cluster (key, value) VALUES (?, ?)")
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn value(&self, key: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
        sqlx::query_scalar("SELECT value FROM cluster WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn cluster_state(&self) -> Result<Option<ClusterState>, LedgerError> {
        Ok(self
            .value("state")
            .await?
            .and_then(|bytes| bincode::deserialize(&bytes).ok()))
    }

    /// Saves the cluster state alone (a clock warp).
    pub async fn save_cluster_state(&self, state: &ClusterState) -> Result<(), LedgerError> {
        if !self.persistent {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        save_state(&mut tx, state).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every account the ledger keeps, to load into a restarted bank.
    pub async fn accounts(&self) -> Result<Vec<(Pubkey, Account)>, LedgerError> {
        let rows = sqlx::query("SELECT address, account FROM accounts")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let address: Vec<u8> = row.get("address");
                let account: Vec<u8> = row.get("account");
                let address = Pubkey::try_from(address.as_slice()).map_err(|_| {
                    LedgerError::Unavailable("a stored address is malformed".into())
                })?;
                let account = bincode::deserialize(&account)
                    .map_err(|e| LedgerError::Unavailable(format!("a stored account: {e}")))?;
                Ok((address, account))
            })
            .collect()
    }

    /// Saves `accounts` as they are now and the cluster state, together (the checkpoint after
    /// the start-up migrations, and at a clean stop).
    pub async fn checkpoint(
        &self,
        accounts: &[(Pubkey, Account)],
        state: &ClusterState,
    ) -> Result<(), LedgerError> {
        if !self.persistent {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (address, account) in accounts {
            save_account(&mut tx, address, account).await?;
        }
        save_state(&mut tx, state).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a processed transaction, the accounts it left behind and the cluster state, in
    /// one database transaction.
    pub async fn record(
        &self,
        record: &TransactionRecord,
        accounts: &[(Pubkey, Account)],
        state: &ClusterState,
    ) -> Result<(), LedgerError> {
        let mut tx = self.pool.begin().await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO transactions (signature, record) VALUES (?, ?) RETURNING seq",
        )
        .bind(record.signature().as_ref().to_vec())
        .bind(encode(record))
        .fetch_one(&mut *tx)
        .await?;
        for address in record.transaction.message.static_account_keys() {
            sqlx::query("INSERT OR IGNORE INTO address_signatures (address, seq) VALUES (?, ?)")
                .bind(address.to_bytes().to_vec())
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        if self.persistent {
            for (address, account) in accounts {
                save_account(&mut tx, address, account).await?;
            }
            save_state(&mut tx, state).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn transaction(
        &self,
        signature: &Signature,
    ) -> Result<Option<TransactionRecord>, LedgerError> {
        let record: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT record FROM transactions WHERE signature = ?")
                .bind(signature.as_ref().to_vec())
                .fetch_optional(&self.pool)
                .await?;
        record
            .map(|bytes| {
                bincode::deserialize(&bytes)
                    .map_err(|e| LedgerError::Unavailable(format!("a stored transaction: {e}")))
            })
            .transpose()
    }

    /// The transactions that named `address`, newest first, strictly between `until` and
    /// `before` (signatures) when given.
    pub async fn signatures_for_address(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        until: Option<&Signature>,
        limit: usize,
    ) -> Result<Vec<AddressSignature>, LedgerError> {
        let seq_of = |signature: Option<&Signature>| {
            let bytes = signature.map(|s| s.as_ref().to_vec());
            async move {
                match bytes {
                    Some(bytes) => {
                        sqlx::query_scalar::<_, i64>(
                            "SELECT seq FROM transactions WHERE signature = ?",
                        )
                        .bind(bytes)
                        .fetch_optional(&self.pool)
                        .await
                    }
                    None => Ok(None),
                }
            }
        };
        let before = seq_of(before).await?.unwrap_or(i64::MAX);
        let until = seq_of(until).await?.unwrap_or(0);
        let rows = sqlx::query(
            "SELECT t.record FROM address_signatures a JOIN transactions t ON t.seq = a.seq \
             WHERE a.address = ? AND a.seq < ? AND a.seq > ? ORDER BY a.seq DESC LIMIT ?",
        )
        .bind(address.to_bytes().to_vec())
        .bind(before)
        .bind(until)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let record: TransactionRecord = bincode::deserialize(&row.get::<Vec<u8>, _>(0))
                    .map_err(|e| LedgerError::Unavailable(format!("a stored transaction: {e}")))?;
                Ok(AddressSignature {
                    signature: record.signature(),
                    slot: record.slot,
                    block_time: record.block_time,
                    err: record.err,
                })
            })
            .collect()
    }

    /// The status of `signature`, if the cluster processed it: (slot, error).
    pub async fn status(
        &self,
        signature: &Signature,
    ) -> Result<Option<(u64, Option<TransactionError>)>, LedgerError> {
        Ok(self
            .transaction(signature)
            .await?
            .map(|record| (record.slot, record.err)))
    }
}

async fn save_state(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    state: &ClusterState,
) -> Result<(), LedgerError> {
    sqlx::query("INSERT OR REPLACE INTO cluster (key, value) VALUES ('state', ?)")
        .bind(encode(state))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn save_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    address: &Pubkey,
    account: &Account,
) -> Result<(), LedgerError> {
    sqlx::query("INSERT OR REPLACE INTO accounts (address, account) VALUES (?, ?)")
        .bind(address.to_bytes().to_vec())
        .bind(encode(account))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
