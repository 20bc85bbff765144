//! The Solana JSON-RPC API over the embedded bank (SPEC §11): what `solana-rpc-client`, the
//! `inferix` CLI's `RpcChain` and the standard JS clients call, with the standard request and
//! response shapes (the types of `solana-rpc-client-types`, accounts encoded by
//! `solana-account-decoder`) and the standard error objects.
//!
//! Slots advance in real time: a ticker moves the bank one slot every `SLOT_MILLIS`, giving a
//! new blockhash, and sets its clock to the wall clock plus the development offset that
//! `inferixWarpClock` moves (tests and demos jump over epochs with it).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use solana_account_decoder::{encode_ui_account, UiAccountEncoding};
use solana_rpc_client_types::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig,
    RpcSignaturesForAddressConfig, RpcSimulateTransactionConfig,
};
use solana_rpc_client_types::filter::RpcFilterType;
use solana_rpc_client_types::response::{
    Response, RpcBlockhash, RpcConfirmedTransactionStatusWithSignature, RpcKeyedAccount,
    RpcResponseContext, RpcSimulateTransactionResult, RpcVersionInfo,
};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, EncodedTransaction,
    EncodedTransactionWithStatusMeta, TransactionBinaryEncoding, TransactionConfirmationStatus,
    TransactionStatus, TransactionStatusMeta, UiCompiledInstruction, UiMessage, UiRawMessage,
    UiTransaction, UiTransactionEncoding,
};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch, Mutex};

use crate::bank::{Bank, LAMPORTS_PER_SOL};
use crate::ledger::{ClusterState, Ledger, LedgerError, TransactionRecord};

/// The target slot time of a Solana cluster.
pub const SLOT_MILLIS: u64 = 400;
/// How many slots a blockhash stays usable, as on a real cluster.
const BLOCKHASH_VALID_SLOTS: u64 = 150;
/// A legacy transaction's wire size limit (one packet).
const MAX_TRANSACTION_BYTES: usize = 1_232;
/// The base fee per signature.
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// The most accounts one `getMultipleAccounts` may ask for, as on a real node.
const MAX_MULTIPLE_ACCOUNTS: usize = 100;

// The standard JSON-RPC 2.0 and Solana error codes.
pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const PREFLIGHT_FAILURE: i64 = -32002;
const SIGNATURE_VERIFICATION_FAILURE: i64 = -32003;
const BLOCK_NOT_AVAILABLE: i64 = -32004;
const INTERNAL_ERROR: i64 = -32603;
/// The most signatures one `getSignaturesForAddress` returns, as on a real node.
const MAX_SIGNATURES_FOR_ADDRESS: usize = 1_000;
/// Events a slow WebSocket subscriber may fall behind before it misses some.
const EVENT_BACKLOG: usize = 4_096;

/// A JSON-RPC error object.
#[derive(Debug)]
pub struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: String,
    data: Option<Value>,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub(crate) fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// What the cluster tells its WebSocket subscribers.
#[derive(Clone, Debug)]
pub enum ClusterEvent {
    Slot(u64),
    /// A committed transaction and the accounts it named, as it left them.
    Processed {
        signature: Signature,
        slot: u64,
        err: Option<TransactionError>,
        accounts: Arc<Vec<(Pubkey, solana_account::Account)>>,
    },
}

/// A mint the faucet (`inferixFaucet`) hands out.
#[derive(Clone, Debug)]
pub struct FaucetMint {
    pub symbol: String,
    pub mint: Pubkey,
    pub decimals: u8,
    /// The most one request may mint, in base units.
    pub max_per_request: u64,
}

/// The bank behind the API, its ledger (history; accounts too with `--ledger`) and its events.
pub struct Cluster {
    bank: Mutex<Bank>,
    pub(crate) ledger: Ledger,
    /// Seconds added to the wall clock (`inferixWarpClock`).
    clock_offset_secs: Mutex<i64>,
    /// The last `BLOCKHASH_VALID_SLOTS` slots and their unix times (`getBlockTime`).
    recent_slots: Mutex<VecDeque<(u64, i64)>>,
    events: broadcast::Sender<ClusterEvent>,
    faucet_mints: std::sync::Mutex<Vec<FaucetMint>>,
}

impl Cluster {
    pub fn new(bank: Bank, ledger: Ledger, clock_offset_secs: i64) -> Arc<Self> {
        Arc::new(Self {
            bank: Mutex::new(bank),
            ledger,
            clock_offset_secs: Mutex::new(clock_offset_secs),
            recent_slots: Mutex::new(VecDeque::new()),
            events: broadcast::channel(EVENT_BACKLOG).0,
            faucet_mints: Default::default(),
        })
    }

    /// A cluster with its history in memory only.
    pub async fn in_memory(bank: Bank) -> Arc<Self> {
        let ledger = Ledger::in_memory(&crate::PROGRAMS)
            .await
            .expect("an in-memory ledger opens");
        Self::new(bank, ledger, 0)
    }

    /// The bank's fee payer (funded at genesis), for faucets and demos.
    pub async fn payer(&self) -> solana_keypair::Keypair {
        self.bank.lock().await.payer()
    }

    /// The blockhash a client signs with now.
    pub async fn latest_blockhash(&self) -> solana_hash::Hash {
        self.bank.lock().await.latest_blockhash().await
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ClusterEvent> {
        self.events.subscribe()
    }

    /// The mints `inferixFaucet` serves.
    pub fn set_faucet_mints(&self, mints: Vec<FaucetMint>) {
        *self.faucet_mints.lock().expect("faucet mints") = mints;
    }

    /// What a restart needs besides the accounts.
    async fn state(&self, bank: &mut Bank) -> ClusterState {
        ClusterState {
            deployer: bank.deployer.to_bytes().to_vec(),
            faucet: bank.faucet.to_bytes().to_vec(),
            slot: bank.slot().await,
            clock_offset_secs: *self.clock_offset_secs.lock().await,
        }
    }

    /// Keeps every account any transaction named, and the cluster state (after the start-up
    /// migrations, which run on the bank directly, and at a clean stop).
    pub async fn checkpoint(&self) -> Result<(), LedgerError> {
        let mut bank = self.bank.lock().await;
        let named = bank.named_accounts();
        let accounts = bank.kept_accounts(named).await;
        let state = self.state(&mut bank).await;
        self.ledger.checkpoint(&accounts, &state).await
    }

    /// One slot: a new blockhash, and the clock at wall time plus the development offset.
    async fn tick(&self) {
        let mut bank = self.bank.lock().await;
        let current = bank.now().await;
        let now = {
            let mut offset = self.clock_offset_secs.lock().await;
            // A clock already ahead of wall time (moved before serving) runs on from there.
            let wall = wall_clock_secs();
            if wall + *offset < current {
                *offset = current - wall;
            }
            wall + *offset
        };
        if now > current {
            bank.set_time(now).await;
        }
        bank.fresh_blockhash().await;
        let (slot, time) = (bank.slot().await, bank.now().await);
        drop(bank);
        let mut recent = self.recent_slots.lock().await;
        recent.push_back((slot, time));
        while recent.len() as u64 > BLOCKHASH_VALID_SLOTS {
            recent.pop_front();
        }
        drop(recent);
        let _ = self.events.send(ClusterEvent::Slot(slot));
    }

    /// Processes `tx` after a preflight simulation (unless skipped), records it in the ledger
    /// with the accounts it left behind, then tells subscribers. A failed preflight is the
    /// standard `-32002` error carrying the simulation and its logs; a transaction the bank
    /// could not even load (unknown blockhash, already processed, fee payer without funds) is
    /// refused the same way, as no fee was charged and nothing was recorded.
    pub async fn submit(
        &self,
        tx: VersionedTransaction,
        skip_preflight: bool,
    ) -> Result<Signature, RpcError> {
        let signature = tx.signatures[0];
        let mut bank = self.bank.lock().await;
        if !skip_preflight {
            let simulated = bank
                .simulate(tx.clone())
                .await
                .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
            if let Some(Err(err)) = simulated.result {
                let (logs, units) = simulated
                    .simulation_details
                    .map_or((vec![], 0), |d| (d.logs, d.units_consumed));
                return Err(preflight_failure(err, logs, units));
            }
        }
        let keys = tx.message.static_account_keys().to_vec();
        let mut pre_balances = Vec::with_capacity(keys.len());
        for key in &keys {
            pre_balances.push(bank.lamports(key).await);
        }
        let processed = bank
            .process(tx.clone())
            .await
            .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
        let Some(metadata) = processed.metadata else {
            let err = processed
                .result
                .err()
                .unwrap_or(TransactionError::AccountNotFound);
            return Err(preflight_failure(err, vec![], 0));
        };
        let mut post_balances = Vec::with_capacity(keys.len());
        for key in &keys {
            post_balances.push(bank.lamports(key).await);
        }
        let accounts = bank.kept_accounts(keys.iter().copied()).await;
        let state = self.state(&mut bank).await;
        let err = processed.result.err();
        let record = TransactionRecord {
            slot: state.slot,
            block_time: bank.now().await,
            err: err.clone(),
            fee: LAMPORTS_PER_SIGNATURE * tx.signatures.len() as u64,
            transaction: tx,
            pre_balances,
            post_balances,
            logs: crate::heap::cluster_logs(metadata.log_messages),
            units_consumed: metadata.compute_units_consumed,
        };
        // Recorded before the bank is released and before the client hears of it.
        self.ledger
            .record(&record, &accounts, &state)
            .await
            .map_err(|e| RpcError::new(INTERNAL_ERROR, e.to_string()))?;
        drop(bank);
        let _ = self.events.send(ClusterEvent::Processed {
            signature,
            slot: record.slot,
            err,
            accounts: Arc::new(accounts),
        });
        Ok(signature)
    }

    /// Mints `amount` base units of the faucet's `symbol` token into `wallet`'s associated
    /// account (created if missing).
    pub async fn faucet(
        &self,
        wallet: &Pubkey,
        symbol: &str,
        amount: u64,
    ) -> Result<Signature, RpcError> {
        let mints = self.faucet_mints.lock().expect("faucet mints").clone();
        let Some(mint) = mints.iter().find(|m| m.symbol.eq_ignore_ascii_case(symbol)) else {
            let known: Vec<&str> = mints.iter().map(|m| m.symbol.as_str()).collect();
            return Err(RpcError::invalid_params(format!(
                "FaucetUnknownToken: the faucet hands out {}, not {symbol}",
                known.join(", ")
            )));
        };
        if amount == 0 || amount > mint.max_per_request {
            return Err(RpcError::invalid_params(format!(
                "FaucetLimitExceeded: one request mints between 1 and {} base units of {}",
                mint.max_per_request, mint.symbol
            )));
        }
        let mut bank = self.bank.lock().await;
        let (payer, faucet) = (bank.payer(), bank.faucet.insecure_clone());
        let blockhash = bank.latest_blockhash().await;
        drop(bank);
        let token_program = anchor_spl::token::ID;
        let account = crate::bank::ata_address(wallet, &mint.mint, &token_program);
        let instructions = [
            spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent(
                &payer.pubkey(),
                wallet,
                &mint.mint,
                &token_program,
            ),
            spl_token_2022_interface::instruction::mint_to(
                &token_program,
                &mint.mint,
                &account,
                &faucet.pubkey(),
                &[],
                amount,
            )
            .map_err(|e| RpcError::new(INTERNAL_ERROR, e.to_string()))?,
        ];
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &instructions,
            Some(&payer.pubkey()),
            &[&payer, &faucet],
            blockhash,
        );
        self.submit(tx.into(), false).await
    }

    /// The token account or mint at `address`, decoded.
    async fn token_state<
        T: solana_program_pack::Pack + spl_token_2022_interface::extension::BaseState,
    >(
        &self,
        address: &Pubkey,
        what: &str,
    ) -> Result<T, RpcError> {
        let account = self.bank.lock().await.account(address).await;
        account
            .filter(|a| is_token_program(&a.owner))
            .and_then(|a| {
                spl_token_2022_interface::extension::StateWithExtensions::<T>::unpack(&a.data)
                    .ok()
                    .map(|state| state.base)
            })
            .ok_or_else(|| RpcError::invalid_params(format!("Invalid param: not a Token {what}")))
    }

    /// `amount` of `mint` as the API shows token amounts.
    async fn token_amount(
        &self,
        amount: u64,
        mint: &Pubkey,
    ) -> Result<solana_account_decoder::parse_token::UiTokenAmount, RpcError> {
        let mint: spl_token_2022_interface::state::Mint = self.token_state(mint, "mint").await?;
        Ok(
            solana_account_decoder::parse_token::token_amount_to_ui_amount_v3(
                amount,
                &solana_account_decoder::parse_account_data::SplTokenAdditionalDataV2 {
                    decimals: mint.decimals,
                    ..Default::default()
                },
            ),
        )
    }

    async fn context(&self) -> RpcResponseContext {
        RpcResponseContext::new(self.bank.lock().await.slot().await)
    }

    async fn with_context<T: serde::Serialize>(&self, value: T) -> Result<Value, RpcError> {
        to_value(Response {
            context: self.context().await,
            value,
        })
    }
}

fn wall_clock_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn to_value<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))
}

/// Browser pages on any origin may call the cluster, as they may call Solana's public RPC nodes:
/// a holder's dashboard is served from its own origin and reaches the RPC URL the holder chose.
async fn cors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue, Method, StatusCode};
    let mut response = if request.method() == Method::OPTIONS {
        let mut preflight = axum::response::Response::new(axum::body::Body::empty());
        *preflight.status_mut() = StatusCode::NO_CONTENT;
        let headers = preflight.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, GET, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, solana-client"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        preflight
    } else {
        next.run(request).await
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// A running API server; dropping it (or `stop`) ends the ticker and the server.
pub struct RpcServer {
    pub address: SocketAddr,
    /// The WebSocket (PubSub) address; WebSocket upgrades are also served on `address`.
    pub ws_address: SocketAddr,
    pub cluster: Arc<Cluster>,
    shutdown: watch::Sender<bool>,
}

impl RpcServer {
    /// Serves `bank`, its history in memory, on `address` (port 0: a free one) and WebSocket
    /// on the next free port, until stopped.
    pub async fn start(bank: Bank, address: SocketAddr) -> std::io::Result<Self> {
        let cluster = Cluster::in_memory(bank).await;
        let ws_address = SocketAddr::new(address.ip(), 0);
        Self::serve(cluster, address, ws_address).await
    }

    /// Serves `cluster` over HTTP on `address` and WebSocket on `ws_address` until stopped.
    pub async fn serve(
        cluster: Arc<Cluster>,
        address: SocketAddr,
        ws_address: SocketAddr,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let ws_listener = TcpListener::bind(ws_address).await?;
        let (address, ws_address) = (listener.local_addr()?, ws_listener.local_addr()?);
        // The first slot is recorded before any client can ask for its time.
        cluster.tick().await;
        let (shutdown, stopped) = watch::channel(false);
        let ticker = cluster.clone();
        let mut ticker_stopped = stopped.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(SLOT_MILLIS));
            loop {
                tokio::select! {
                    _ = interval.tick() => ticker.tick().await,
                    _ = ticker_stopped.changed() => break,
                }
            }
        });
        let app = Router::new()
            .route("/", post(handle).get(crate::ws::websocket))
            .layer(axum::middleware::from_fn(cors))
            .with_state(cluster.clone());
        for listener in [listener, ws_listener] {
            let (app, mut stopped) = (app.clone(), stopped.clone());
            tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.changed().await;
                    })
                    .await;
            });
        }
        Ok(Self {
            address,
            ws_address,
            cluster,
            shutdown,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.ws_address)
    }

    pub fn stop(&self) {
        let _ = self.shutdown.send(true);
    }
}

impl Drop for RpcServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One HTTP request: a JSON-RPC call or a batch of them.
async fn handle(State(cluster): State<Arc<Cluster>>, body: axum::body::Bytes) -> Json<Value> {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            let error = RpcError::new(PARSE_ERROR, format!("Parse error: {e}"));
            return Json(json!({"jsonrpc": "2.0", "error": error.to_json(), "id": null}));
        }
    };
    match request {
        Value::Array(calls) => {
            let mut answers = Vec::with_capacity(calls.len());
            for call in calls {
                answers.push(answer(&cluster, call).await);
            }
            Json(Value::Array(answers))
        }
        call => Json(answer(&cluster, call).await),
    }
}

async fn answer(cluster: &Cluster, call: Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = call.get("method").and_then(Value::as_str) else {
        let error = RpcError::new(INVALID_REQUEST, "Invalid request");
        return json!({"jsonrpc": "2.0", "error": error.to_json(), "id": id});
    };
    let params = match call.get("params") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(params)) => params.clone(),
        Some(_) => {
            let error = RpcError::invalid_params("params must be an array");
            return json!({"jsonrpc": "2.0", "error": error.to_json(), "id": id});
        }
    };
    match dispatch(cluster, method, &params).await {
        Ok(result) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
        Err(error) => json!({"jsonrpc": "2.0", "error": error.to_json(), "id": id}),
    }
}

/// Parameter `index`, or an invalid-params error naming it.
pub(crate) fn param<T: serde::de::DeserializeOwned>(
    params: &[Value],
    index: usize,
) -> Result<T, RpcError> {
    let value = params
        .get(index)
        .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {index}")))?;
    serde_json::from_value(value.clone())
        .map_err(|e| RpcError::invalid_params(format!("parameter {index}: {e}")))
}

/// Optional parameter `index` (a config object), default when absent or null.
pub(crate) fn config<T: serde::de::DeserializeOwned + Default>(
    params: &[Value],
    index: usize,
) -> Result<T, RpcError> {
    match params.get(index) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(_) => param(params, index),
    }
}

pub(crate) fn signature(text: &str) -> Result<Signature, RpcError> {
    Signature::from_str(text)
        .map_err(|_| RpcError::invalid_params(format!("Invalid param: {text} is not a signature")))
}

fn internal(e: LedgerError) -> RpcError {
    RpcError::new(INTERNAL_ERROR, e.to_string())
}

/// A recorded transaction as `getTransaction` serves it, in the encoding the client asked for.
fn encode_transaction(
    record: TransactionRecord,
    encoding: UiTransactionEncoding,
) -> Result<EncodedConfirmedTransactionWithStatusMeta, RpcError> {
    let version = match record.transaction.version() {
        solana_transaction::versioned::TransactionVersion::Legacy(_) => {
            solana_transaction::versioned::TransactionVersion::LEGACY
        }
        number => number,
    };
    let transaction = match encoding {
        UiTransactionEncoding::Json => {
            let message = &record.transaction.message;
            EncodedTransaction::Json(UiTransaction {
                signatures: record
                    .transaction
                    .signatures
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                message: UiMessage::Raw(UiRawMessage {
                    header: *message.header(),
                    account_keys: message
                        .static_account_keys()
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    recent_blockhash: message.recent_blockhash().to_string(),
                    instructions: message
                        .instructions()
                        .iter()
                        .map(|ix| UiCompiledInstruction::from(ix, None))
                        .collect(),
                    address_table_lookups: None,
                }),
            })
        }
        UiTransactionEncoding::Base64 | UiTransactionEncoding::Base58 => {
            let bytes = bincode::serialize(&record.transaction)
                .map_err(|e| RpcError::new(INTERNAL_ERROR, e.to_string()))?;
            match encoding {
                UiTransactionEncoding::Base64 => EncodedTransaction::Binary(
                    base64::engine::general_purpose::STANDARD.encode(bytes),
                    TransactionBinaryEncoding::Base64,
                ),
                _ => EncodedTransaction::Binary(
                    bs58::encode(bytes).into_string(),
                    TransactionBinaryEncoding::Base58,
                ),
            }
        }
        other => {
            return Err(RpcError::invalid_params(format!(
                "unsupported encoding: {other}. Supported encodings: json, base58, base64"
            )))
        }
    };
    let meta = TransactionStatusMeta {
        status: record.err.clone().map_or(Ok(()), Err),
        fee: record.fee,
        pre_balances: record.pre_balances,
        post_balances: record.post_balances,
        inner_instructions: Some(vec![]),
        log_messages: Some(record.logs),
        pre_token_balances: Some(vec![]),
        post_token_balances: Some(vec![]),
        rewards: Some(vec![]),
        compute_units_consumed: Some(record.units_consumed),
        ..Default::default()
    };
    Ok(EncodedConfirmedTransactionWithStatusMeta {
        slot: record.slot,
        transaction: EncodedTransactionWithStatusMeta {
            transaction,
            meta: Some(meta.into()),
            version: Some(version),
        },
        block_time: Some(record.block_time),
    })
}

pub(crate) fn pubkey(text: &str) -> Result<Pubkey, RpcError> {
    Pubkey::from_str(text).map_err(|_| RpcError::invalid_params(format!("Invalid pubkey: {text}")))
}

pub(crate) fn encode_account(
    address: &Pubkey,
    account: &solana_account::Account,
    config: &RpcAccountInfoConfig,
) -> Result<solana_account_decoder::UiAccount, RpcError> {
    let encoding = config.encoding.unwrap_or(UiAccountEncoding::Binary);
    if matches!(
        encoding,
        UiAccountEncoding::Binary | UiAccountEncoding::Base58
    ) && account.data.len() > 128
    {
        return Err(RpcError::invalid_params(
            "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.",
        ));
    }
    Ok(encode_ui_account(
        address,
        account,
        encoding,
        None,
        config.data_slice,
    ))
}

fn is_token_program(owner: &Pubkey) -> bool {
    *owner == anchor_spl::token::ID || *owner == anchor_spl::token_2022::ID
}

/// Accounts as `getProgramAccounts` and `getTokenAccountsByOwner` list them.
fn keyed_accounts(
    accounts: Vec<(Pubkey, solana_account::Account)>,
    config: &RpcAccountInfoConfig,
) -> Result<Vec<RpcKeyedAccount>, RpcError> {
    accounts
        .iter()
        .map(|(address, account)| {
            Ok(RpcKeyedAccount {
                pubkey: address.to_string(),
                account: encode_account(address, account, config)?,
            })
        })
        .collect()
}

/// Decodes a wire transaction as `sendTransaction` and `simulateTransaction` receive it.
fn decode_transaction(
    text: &str,
    encoding: Option<UiTransactionEncoding>,
) -> Result<VersionedTransaction, RpcError> {
    let bytes = match encoding.unwrap_or(UiTransactionEncoding::Base58) {
        UiTransactionEncoding::Base58 | UiTransactionEncoding::Binary => bs58::decode(text)
            .into_vec()
            .map_err(|e| RpcError::invalid_params(format!("invalid base58 encoding: {e}")))?,
        UiTransactionEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| RpcError::invalid_params(format!("invalid base64 encoding: {e}")))?,
        other => {
            return Err(RpcError::invalid_params(format!(
                "unsupported encoding: {other}. Supported encodings: base58, base64"
            )))
        }
    };
    if bytes.len() > MAX_TRANSACTION_BYTES {
        return Err(RpcError::invalid_params(format!(
            "base64 encoded solana_transaction::versioned::VersionedTransaction too large: {} bytes (max: encoded/raw {}/{})",
            bytes.len(),
            MAX_TRANSACTION_BYTES * 4 / 3 + 4,
            MAX_TRANSACTION_BYTES
        )));
    }
    bincode::deserialize(&bytes)
        .map_err(|e| RpcError::invalid_params(format!("failed to deserialize transaction: {e}")))
}

fn simulation_result(
    err: Option<TransactionError>,
    logs: Vec<String>,
    units_consumed: u64,
) -> RpcSimulateTransactionResult {
    RpcSimulateTransactionResult {
        err: err.map(Into::into),
        logs: Some(crate::heap::cluster_logs(logs)),
        accounts: None,
        units_consumed: Some(units_consumed),
        loaded_accounts_data_size: None,
        return_data: None,
        inner_instructions: None,
        replacement_blockhash: None,
        fee: None,
        pre_balances: None,
        post_balances: None,
        pre_token_balances: None,
        post_token_balances: None,
        loaded_addresses: None,
    }
}

async fn dispatch(cluster: &Cluster, method: &str, params: &[Value]) -> Result<Value, RpcError> {
    match method {
        "getHealth" => Ok(json!("ok")),
        "getVersion" => to_value(RpcVersionInfo {
            solana_core: "3.1.12".into(),
            feature_set: None,
        }),
        "getSlot" | "getBlockHeight" => to_value(cluster.bank.lock().await.slot().await),
        "getGenesisHash" => {
            let bank = cluster.bank.lock().await;
            to_value(bank.ctx.genesis_config().hash().to_string())
        }
        "getEpochInfo" => {
            let slot = cluster.bank.lock().await.slot().await;
            let schedule = solana_epoch_schedule::EpochSchedule::without_warmup();
            let (epoch, slot_index) = schedule.get_epoch_and_slot_index(slot);
            Ok(json!({
                "absoluteSlot": slot,
                "blockHeight": slot,
                "epoch": epoch,
                "slotIndex": slot_index,
                "slotsInEpoch": schedule.get_slots_in_epoch(epoch),
                "transactionCount": null,
            }))
        }
        "getMinimumBalanceForRentExemption" => {
            let size: usize = param(params, 0)?;
            to_value(solana_rent::Rent::default().minimum_balance(size))
        }
        "getLatestBlockhash" => {
            let (blockhash, slot) = {
                let mut bank = cluster.bank.lock().await;
                (bank.latest_blockhash().await, bank.slot().await)
            };
            cluster
                .with_context(RpcBlockhash {
                    blockhash: blockhash.to_string(),
                    last_valid_block_height: slot + BLOCKHASH_VALID_SLOTS,
                })
                .await
        }
        "getFeeForMessage" => {
            let text: String = param(params, 0)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&text)
                .map_err(|e| RpcError::invalid_params(format!("invalid base64 message: {e}")))?;
            let message: solana_message::VersionedMessage = bincode::deserialize(&bytes)
                .map_err(|e| RpcError::invalid_params(format!("invalid message: {e}")))?;
            let signatures = u64::from(message.header().num_required_signatures);
            cluster
                .with_context(Some(signatures * LAMPORTS_PER_SIGNATURE))
                .await
        }
        "getBalance" => {
            let address = pubkey(&param::<String>(params, 0)?)?;
            let lamports = cluster.bank.lock().await.lamports(&address).await;
            cluster.with_context(lamports).await
        }
        "getAccountInfo" => {
            let address = pubkey(&param::<String>(params, 0)?)?;
            let config: RpcAccountInfoConfig = config(params, 1)?;
            let account = cluster.bank.lock().await.account(&address).await;
            let value = match account {
                Some(account) => Some(encode_account(&address, &account, &config)?),
                None => None,
            };
            cluster.with_context(value).await
        }
        "getMultipleAccounts" => {
            let addresses: Vec<String> = param(params, 0)?;
            if addresses.len() > MAX_MULTIPLE_ACCOUNTS {
                return Err(RpcError::invalid_params(format!(
                    "Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}"
                )));
            }
            let config: RpcAccountInfoConfig = config(params, 1)?;
            let mut values = Vec::with_capacity(addresses.len());
            let mut bank = cluster.bank.lock().await;
            for text in &addresses {
                let address = pubkey(text)?;
                values.push(match bank.account(&address).await {
                    Some(account) => Some(encode_account(&address, &account, &config)?),
                    None => None,
                });
            }
            drop(bank);
            cluster.with_context(values).await
        }
        "getProgramAccounts" => {
            let program = pubkey(&param::<String>(params, 0)?)?;
            let config: RpcProgramAccountsConfig = config(params, 1)?;
            let filters = config.filters.clone().unwrap_or_default();
            for filter in &filters {
                filter
                    .verify()
                    .map_err(|e| RpcError::invalid_params(format!("invalid filter: {e}")))?;
            }
            let matching = cluster
                .bank
                .lock()
                .await
                .named_accounts_where(|account| {
                    account.owner == program
                        && filters.iter().all(|filter| match filter {
                            RpcFilterType::DataSize(size) => account.data.len() as u64 == *size,
                            RpcFilterType::Memcmp(memcmp) => memcmp.bytes_match(&account.data),
                            RpcFilterType::TokenAccountState => false,
                        })
                })
                .await;
            let found = keyed_accounts(matching, &config.account_config)?;
            if config.with_context.unwrap_or(false) {
                cluster.with_context(found).await
            } else {
                to_value(found)
            }
        }
        "sendTransaction" => {
            let text: String = param(params, 0)?;
            let config: RpcSendTransactionConfig = config(params, 1)?;
            let tx = decode_transaction(&text, config.encoding)?;
            if tx.verify_with_results().iter().any(|ok| !ok) {
                return Err(RpcError::new(
                    SIGNATURE_VERIFICATION_FAILURE,
                    "Transaction signature verification failure",
                ));
            }
            let signature = cluster.submit(tx, config.skip_preflight).await?;
            to_value(signature.to_string())
        }
        "simulateTransaction" => {
            let text: String = param(params, 0)?;
            let config: RpcSimulateTransactionConfig = config(params, 1)?;
            let mut tx = decode_transaction(&text, config.encoding)?;
            let mut bank = cluster.bank.lock().await;
            if config.replace_recent_blockhash {
                let blockhash = bank.latest_blockhash().await;
                tx.message.set_recent_blockhash(blockhash);
            }
            let simulated = bank
                .simulate(tx)
                .await
                .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
            drop(bank);
            let (logs, units) = simulated
                .simulation_details
                .map_or((vec![], 0), |d| (d.logs, d.units_consumed));
            let err = simulated.result.and_then(Result::err);
            cluster
                .with_context(simulation_result(err, logs, units))
                .await
        }
        "getSignatureStatuses" => {
            let texts: Vec<String> = param(params, 0)?;
            let mut statuses = Vec::with_capacity(texts.len());
            for text in &texts {
                let status = cluster
                    .ledger
                    .status(&signature(text)?)
                    .await
                    .map_err(internal)?;
                statuses.push(status.map(|(slot, err)| TransactionStatus {
                    slot,
                    confirmations: None,
                    status: err.clone().map_or(Ok(()), Err),
                    err,
                    confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                }));
            }
            cluster.with_context(statuses).await
        }
        "getTransaction" => {
            let signature = signature(&param::<String>(params, 0)?)?;
            let config: Value = config(params, 1)?;
            let encoding = match config
                .get("encoding")
                .or(params.get(1).filter(|p| p.is_string()))
            {
                None | Some(Value::Null) => UiTransactionEncoding::Json,
                Some(value) => serde_json::from_value(value.clone())
                    .map_err(|e| RpcError::invalid_params(format!("encoding: {e}")))?,
            };
            let record = cluster
                .ledger
                .transaction(&signature)
                .await
                .map_err(internal)?;
            match record {
                Some(record) => to_value(encode_transaction(record, encoding)?),
                None => Ok(Value::Null),
            }
        }
        "getSignaturesForAddress" => {
            let address = pubkey(&param::<String>(params, 0)?)?;
            let config: RpcSignaturesForAddressConfig = config(params, 1)?;
            let limit = config.limit.unwrap_or(MAX_SIGNATURES_FOR_ADDRESS);
            if limit == 0 || limit > MAX_SIGNATURES_FOR_ADDRESS {
                return Err(RpcError::invalid_params(format!(
                    "Invalid limit; max {MAX_SIGNATURES_FOR_ADDRESS}"
                )));
            }
            let before = config.before.as_deref().map(signature).transpose()?;
            let until = config.until.as_deref().map(signature).transpose()?;
            let found = cluster
                .ledger
                .signatures_for_address(&address, before.as_ref(), until.as_ref(), limit)
                .await
                .map_err(internal)?;
            let statuses: Vec<RpcConfirmedTransactionStatusWithSignature> = found
                .into_iter()
                .map(|found| RpcConfirmedTransactionStatusWithSignature {
                    signature: found.signature.to_string(),
                    slot: found.slot,
                    err: found.err.map(Into::into),
                    memo: None,
                    block_time: Some(found.block_time),
                    confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                })
                .collect();
            to_value(statuses)
        }
        "inferixFaucet" => {
            let wallet = pubkey(&param::<String>(params, 0)?)?;
            let symbol: String = param(params, 1)?;
            let amount: u64 = param(params, 2)?;
            let signature = cluster.faucet(&wallet, &symbol, amount).await?;
            to_value(signature.to_string())
        }
        "requestAirdrop" => {
            let address = pubkey(&param::<String>(params, 0)?)?;
            let lamports: u64 = param(params, 1)?;
            if lamports > 1_000 * LAMPORTS_PER_SOL {
                return Err(RpcError::invalid_params(
                    "an airdrop is at most 1,000 SOL on the local cluster",
                ));
            }
            let mut bank = cluster.bank.lock().await;
            let payer = bank.payer();
            let blockhash = bank.latest_blockhash().await;
            let tx = solana_transaction::Transaction::new_signed_with_payer(
                &[anchor_lang::solana_program::system_instruction::transfer(
                    &payer.pubkey(),
                    &address,
                    lamports,
                )],
                Some(&payer.pubkey()),
                &[&payer],
                blockhash,
            );
            drop(bank);
            let signature = cluster.submit(tx.into(), false).await?;
            to_value(signature.to_string())
        }
        "isBlockhashValid" => {
            let text: String = param(params, 0)?;
            let blockhash = solana_hash::Hash::from_str(&text)
                .map_err(|_| RpcError::invalid_params(format!("Invalid blockhash: {text}")))?;
            let valid = cluster
                .bank
                .lock()
                .await
                .is_blockhash_valid(&blockhash)
                .await;
            cluster.with_context(valid).await
        }
        "getBlockTime" => {
            let slot: u64 = param(params, 0)?;
            let recent = cluster.recent_slots.lock().await;
            match recent.iter().find(|(s, _)| *s == slot) {
                Some((_, time)) => to_value(time),
                None => Err(RpcError::new(
                    BLOCK_NOT_AVAILABLE,
                    format!("Block not available for slot {slot}"),
                )),
            }
        }
        "getRecentPrioritizationFees" => {
            // No fee market on a local cluster: every recent slot's fee is 0.
            let slot = cluster.bank.lock().await.slot().await;
            Ok(json!([{"slot": slot, "prioritizationFee": 0}]))
        }
        "getTokenAccountBalance" => {
            let address = pubkey(&param::<String>(params, 0)?)?;
            let account: spl_token_2022_interface::state::Account =
                cluster.token_state(&address, "account").await?;
            let amount = cluster.token_amount(account.amount, &account.mint).await?;
            cluster.with_context(amount).await
        }
        "getTokenSupply" => {
            let mint_address = pubkey(&param::<String>(params, 0)?)?;
            let mint: spl_token_2022_interface::state::Mint =
                cluster.token_state(&mint_address, "mint").await?;
            let supply = cluster.token_amount(mint.supply, &mint_address).await?;
            cluster.with_context(supply).await
        }
        "getTokenAccountsByOwner" => {
            let owner = pubkey(&param::<String>(params, 0)?)?;
            let which: Value = param(params, 1)?;
            let mint = which
                .get("mint")
                .and_then(Value::as_str)
                .map(pubkey)
                .transpose()?;
            let program = which
                .get("programId")
                .and_then(Value::as_str)
                .map(pubkey)
                .transpose()?;
            if mint.is_none() && program.is_none() {
                return Err(RpcError::invalid_params(
                    "Invalid param: the second parameter names a mint or a programId",
                ));
            }
            let config: RpcAccountInfoConfig = config(params, 2)?;
            let matching = cluster
                .bank
                .lock()
                .await
                .named_accounts_where(|account| {
                    let in_program = is_token_program(&account.owner)
                        && program.is_none_or(|p| p == account.owner);
                    in_program
                        && spl_token_2022_interface::extension::StateWithExtensions::<
                            spl_token_2022_interface::state::Account,
                        >::unpack(&account.data)
                        .is_ok_and(|state| {
                            state.base.owner == owner && mint.is_none_or(|m| m == state.base.mint)
                        })
                })
                .await;
            let found = keyed_accounts(matching, &config)?;
            cluster.with_context(found).await
        }
        "inferixWarpClock" => {
            let secs: i64 = param(params, 0)?;
            if secs < 0 {
                return Err(RpcError::invalid_params("the clock only moves forward"));
            }
            // From the cluster's current time, which may run ahead of the wall clock (a bank
            // deployed in-process and moved before serving); slots then follow from there.
            let mut bank = cluster.bank.lock().await;
            let current = bank.now().await;
            let mut offset = cluster.clock_offset_secs.lock().await;
            let target = current.max(wall_clock_secs() + *offset) + secs;
            *offset = target - wall_clock_secs();
            drop(offset);
            bank.set_time(target).await;
            let state = cluster.state(&mut bank).await;
            cluster
                .ledger
                .save_cluster_state(&state)
                .await
                .map_err(internal)?;
            to_value(bank.now().await)
        }
        other => Err(RpcError::new(
            METHOD_NOT_FOUND,
            format!("Method not found: {other}"),
        )),
    }
}

/// The standard `-32002` error: the simulation, its error and its logs.
fn preflight_failure(err: TransactionError, logs: Vec<String>, units: u64) -> RpcError {
    RpcError {
        code: PREFLIGHT_FAILURE,
        message: format!("Transaction simulation failed: {err}"),
        data: to_value(simulation_result(Some(err), logs, units)).ok(),
    }
}
