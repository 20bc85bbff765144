//! The Solana PubSub API over WebSocket: `signatureSubscribe`, `accountSubscribe` and
//! `slotSubscribe` (with their `…Unsubscribe`), as `@solana/web3.js`' `confirmTransaction`,
//! `@solana/kit`'s subscriptions and `solana-pubsub-client` use them.

use std::collections::HashMap;
use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use solana_account_decoder::UiAccountEncoding;
use solana_rpc_client_types::config::RpcAccountInfoConfig;
use solana_signature::Signature;
use solana_transaction_error::TransactionError;
use tokio::sync::broadcast::error::RecvError;

use crate::rpc::{
    config, encode_account, param, pubkey, signature, Cluster, ClusterEvent, RpcError,
    INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR,
};

pub async fn websocket(ws: WebSocketUpgrade, State(cluster): State<Arc<Cluster>>) -> Response {
    ws.on_upgrade(move |socket| serve(socket, cluster))
}

enum Subscription {
    /// Notified once, when the transaction is processed; then it ends.
    Signature(Signature),
    Account {
        address: Pubkey,
        config: RpcAccountInfoConfig,
    },
    Slot,
}

/// One connection's subscriptions.
#[derive(Default)]
struct Subscriptions {
    next_id: u64,
    active: HashMap<u64, Subscription>,
}

async fn serve(mut socket: WebSocket, cluster: Arc<Cluster>) {
    let mut events = cluster.subscribe();
    let mut subscriptions = Subscriptions::default();
    loop {
        let outgoing = tokio::select! {
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    request(&cluster, &mut subscriptions, text.as_str()).await
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => continue,
            },
            event = events.recv() => match event {
                Ok(event) => subscriptions.notifications(&event),
                // A subscriber too slow for the backlog misses events, as on a real node.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            },
        };
        for message in outgoing {
            if socket
                .send(Message::Text(message.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// Answers one request; a signature already processed is notified at once.
async fn request(cluster: &Cluster, subscriptions: &mut Subscriptions, text: &str) -> Vec<Value> {
    let call: Value = match serde_json::from_str(text) {
        Ok(call) => call,
        Err(e) => {
            let error = RpcError::new(PARSE_ERROR, format!("Parse error: {e}"));
            return vec![json!({"jsonrpc": "2.0", "error": error.to_json(), "id": null})];
        }
    };
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let params = match call.get("params") {
        Some(Value::Array(params)) => params.clone(),
        _ => vec![],
    };
    let method = call.get("method").and_then(Value::as_str).unwrap_or("");
    match subscriptions.handle(cluster, method, &params).await {
        Ok((result, immediate)) => {
            let mut out = vec![json!({"jsonrpc": "2.0", "result": result, "id": id})];
            out.extend(immediate);
            out
        }
        Err(error) => vec![json!({"jsonrpc": "2.0", "error": error.to_json(), "id": id})],
    }
}

fn notification(method: &str, subscription: u64, result: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": method,
        "params": {"result": result, "subscription": subscription},
    })
}

fn signature_notification(id: u64, slot: u64, err: &Option<TransactionError>) -> Value {
    notification(
        "signatureNotification",
        id,
        json!({"context": {"slot": slot}, "value": {"err": err}}),
    )
}

impl Subscriptions {
    fn add(&mut self, subscription: Subscription) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.active.insert(id, subscription);
        id
    }

    async fn handle(
        &mut self,
        cluster: &Cluster,
        method: &str,
        params: &[Value],
    ) -> Result<(Value, Vec<Value>), RpcError> {
        match method {
            "signatureSubscribe" => {
                let signature = signature(&param::<String>(params, 0)?)?;
                let id = self.add(Subscription::Signature(signature));
                let status = cluster
                    .ledger
                    .status(&signature)
                    .await
                    .map_err(|e| RpcError::new(INVALID_REQUEST, e.to_string()))?;
                let immediate = match status {
                    Some((slot, err)) => {
                        self.active.remove(&id);
                        vec![signature_notification(id, slot, &err)]
                    }
                    None => vec![],
                };
                Ok((json!(id), immediate))
            }
            "accountSubscribe" => {
                let address = pubkey(&param::<String>(params, 0)?)?;
                let mut config: RpcAccountInfoConfig = config(params, 1)?;
                config.encoding = config.encoding.or(Some(UiAccountEncoding::Base64));
                Ok((
                    json!(self.add(Subscription::Account { address, config })),
                    vec![],
                ))
            }
            "slotSubscribe" => Ok((json!(self.add(Subscription::Slot)), vec![])),
            "signatureUnsubscribe" | "accountUnsubscribe" | "slotUnsubscribe" => {
                let id: u64 = param(params, 0)?;
                match self.active.remove(&id) {
                    Some(_) => Ok((json!(true), vec![])),
                    None => Err(RpcError::invalid_params("Invalid subscription id.")),
                }
            }
            other => Err(RpcError::new(
                METHOD_NOT_FOUND,
                format!("Method not found: {other}"),
            )),
        }
    }

    /// What `event` means to this connection's subscriptions.
    fn notifications(&mut self, event: &ClusterEvent) -> Vec<Value> {
        let mut out = vec![];
        let mut finished = vec![];
        for (id, subscription) in &self.active {
            match (subscription, event) {
                (Subscription::Slot, ClusterEvent::Slot(slot)) => out.push(notification(
                    "slotNotification",
                    *id,
                    json!({"parent": slot.saturating_sub(1), "root": slot, "slot": slot}),
                )),
                (
                    Subscription::Signature(wanted),
                    ClusterEvent::Processed {
                        signature,
                        slot,
                        err,
                        ..
                    },
                ) if wanted == signature => {
                    out.push(signature_notification(*id, *slot, err));
                    finished.push(*id);
                }
                (
                    Subscription::Account { address, config },
                    ClusterEvent::Processed { slot, accounts, .. },
                ) => {
                    let changed = accounts.iter().find(|(a, _)| a == address);
                    if let Some(Ok(account)) =
                        changed.map(|(a, account)| encode_account(a, account, config))
                    {
                        out.push(notification(
                            "accountNotification",
                            *id,
                            json!({"context": {"slot": slot}, "value": account}),
                        ));
                    }
                }
                _ => {}
            }
        }
        for id in finished {
            self.active.remove(&id);
        }
        out
    }
}
