//! The Solana JSON-RPC API over the embedded bank (SPEC §11): what `solana-rpc-client`, the
//! `inferix` CLI's `RpcChain` and the standard JS clients call, with the standard request and
//! response shapes (the types of `solana-rpc-client-types`, accounts encoded by
//! `solana-account-decoder`) and the standard error objects.
//!
//! Slots advance in real time: a ticker moves the bank one slot every `SLOT_MILLIS`, giving a
//! new blockhash, and sets its clock to the wall clock plus the development offset that
//! `inferixWarpClock` moves (tests and demos jump over epochs with it).

use std::collections::{HashMap, VecDeque};
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
    RpcSimulateTransactionConfig,
};
use solana_rpc_client_types::filter::RpcFilterType;
use solana_rpc_client_types::response::{
    Response, RpcBlockhash, RpcKeyedAccount, RpcResponseContext, RpcSimulateTransactionResult,
    RpcVersionInfo,
};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{
    TransactionConfirmationStatus, TransactionStatus, UiTransactionEncoding,
};
use tokio::net::TcpListener;
use tokio::sync::{watch, Mutex};

use crate::bank::{Bank, LAMPORTS_PER_SOL};

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
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const PREFLIGHT_FAILURE: i64 = -32002;
const SIGNATURE_VERIFICATION_FAILURE: i64 = -32003;
const BLOCK_NOT_AVAILABLE: i64 = -32004;

/// A JSON-RPC error object.
#[derive(Debug)]
pub struct RpcError {
    code: i64,
    message: String,
    data: Option<Value>,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    fn to_json(&self) -> Value {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// What became of a transaction the cluster processed.
#[derive(Clone, Debug)]
struct ProcessedTransaction {
    slot: u64,
    err: Option<TransactionError>,
}

/// The bank behind the API, with the history it keeps for status queries.
pub struct Cluster {
    bank: Mutex<Bank>,
    signatures: Mutex<HashMap<Signature, ProcessedTransaction>>,
    /// Seconds added to the wall clock (`inferixWarpClock`).
    clock_offset_secs: Mutex<i64>,
    /// The last `BLOCKHASH_VALID_SLOTS` slots and their unix times (`getBlockTime`).
    recent_slots: Mutex<VecDeque<(u64, i64)>>,
}

impl Cluster {
    pub fn new(bank: Bank) -> Arc<Self> {
        Arc::new(Self {
            bank: Mutex::new(bank),
            signatures: Mutex::new(HashMap::new()),
            clock_offset_secs: Mutex::new(0),
            recent_slots: Mutex::new(VecDeque::new()),
        })
    }

    /// The bank's fee payer (funded at genesis), for faucets and demos.
    pub async fn payer(&self) -> solana_keypair::Keypair {
        self.bank.lock().await.payer()
    }

    /// One slot: a new blockhash, and the clock at wall time plus the development offset.
    async fn tick(&self) {
        let offset = *self.clock_offset_secs.lock().await;
        let mut bank = self.bank.lock().await;
        let now = wall_clock_secs() + offset;
        if now > bank.now().await {
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

/// A running API server; dropping it (or `stop`) ends the ticker and the server.
pub struct RpcServer {
    pub address: SocketAddr,
    pub cluster: Arc<Cluster>,
    shutdown: watch::Sender<bool>,
}

impl RpcServer {
    /// Serves `bank` on `address` (port 0: a free one) until stopped.
    pub async fn start(bank: Bank, address: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let cluster = Cluster::new(bank);
        // The first slot is recorded before any client can ask for its time.
        cluster.tick().await;
        let (shutdown, mut stopped) = watch::channel(false);
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
            .route("/", post(handle))
            .with_state(cluster.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.changed().await;
                })
                .await;
        });
        Ok(Self {
            address,
            cluster,
            shutdown,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
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
fn param<T: serde::de::DeserializeOwned>(params: &[Value], index: usize) -> Result<T, RpcError> {
    let value = params
        .get(index)
        .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {index}")))?;
    serde_json::from_value(value.clone())
        .map_err(|e| RpcError::invalid_params(format!("parameter {index}: {e}")))
}

/// Optional parameter `index` (a config object), default when absent or null.
fn config<T: serde::de::DeserializeOwned + Default>(
    params: &[Value],
    index: usize,
) -> Result<T, RpcError> {
    match params.get(index) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(_) => param(params, index),
    }
}

fn pubkey(text: &str) -> Result<Pubkey, RpcError> {
    Pubkey::from_str(text).map_err(|_| RpcError::invalid_params(format!("Invalid pubkey: {text}")))
}

fn encode_account(
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
            send(cluster, tx, config.skip_preflight).await
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
            let signatures = cluster.signatures.lock().await;
            let mut statuses = Vec::with_capacity(texts.len());
            for text in &texts {
                let signature = Signature::from_str(text)
                    .map_err(|_| RpcError::invalid_params(format!("Invalid signature: {text}")))?;
                statuses.push(signatures.get(&signature).map(|t| TransactionStatus {
                    slot: t.slot,
                    confirmations: None,
                    status: t.err.clone().map_or(Ok(()), Err),
                    err: t.err.clone(),
                    confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                }));
            }
            drop(signatures);
            cluster.with_context(statuses).await
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
            send(cluster, tx.into(), false).await
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
            let now = {
                let mut offset = cluster.clock_offset_secs.lock().await;
                *offset += secs;
                wall_clock_secs() + *offset
            };
            let mut bank = cluster.bank.lock().await;
            let current = bank.now().await;
            bank.set_time(now.max(current)).await;
            to_value(bank.now().await)
        }
        other => Err(RpcError::new(
            METHOD_NOT_FOUND,
            format!("Method not found: {other}"),
        )),
    }
}

/// Processes `tx` after a preflight simulation (unless skipped), recording its status; a failed
/// preflight is the standard `-32002` error carrying the simulation and its logs.
async fn send(
    cluster: &Cluster,
    tx: VersionedTransaction,
    skip_preflight: bool,
) -> Result<Value, RpcError> {
    let signature = tx.signatures[0];
    let mut bank = cluster.bank.lock().await;
    if !skip_preflight {
        let simulated = bank
            .simulate(tx.clone())
            .await
            .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
        if let Some(Err(err)) = simulated.result {
            let (logs, units) = simulated
                .simulation_details
                .map_or((vec![], 0), |d| (d.logs, d.units_consumed));
            return Err(RpcError {
                code: PREFLIGHT_FAILURE,
                message: format!("Transaction simulation failed: {err}"),
                data: Some(to_value(simulation_result(Some(err), logs, units))?),
            });
        }
    }
    let processed = bank
        .process(tx)
        .await
        .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
    let slot = bank.slot().await;
    drop(bank);
    cluster.signatures.lock().await.insert(
        signature,
        ProcessedTransaction {
            slot,
            err: processed.result.err(),
        },
    );
    to_value(signature.to_string())
}
