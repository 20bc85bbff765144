//! A node's HTTP client for the manager: every request signed by the operator key.

use anchor_lang::prelude::Pubkey;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use solana_keypair::Keypair;

use crate::auth::RequestSignature;
use crate::wire::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the manager at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the manager refused ({status}): {name}: {message}")]
    Refused {
        status: u16,
        name: String,
        message: String,
    },
    #[error("unexpected answer from the manager to {path}: {reason}")]
    BadAnswer { path: String, reason: String },
}

impl ClientError {
    /// The refusal's error name, if the manager refused.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Refused { name, .. } => Some(name),
            _ => None,
        }
    }
}

pub struct NodeClient {
    http: reqwest::Client,
    base_url: String,
    pub node: Pubkey,
    operator: Keypair,
}

impl NodeClient {
    pub fn new(base_url: &str, node: Pubkey, operator: Keypair) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .expect("an HTTP client"),
            base_url: base_url.trim_end_matches('/').to_string(),
            node,
            operator,
        }
    }

    pub fn operator(&self) -> &Keypair {
        &self.operator
    }

    /// Sends a signed request; `None` when the manager answers 204 (nothing to do).
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Option<R>, ClientError> {
        let response = self.send(method, path, body).await?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        response
            .json::<R>()
            .await
            .map(Some)
            .map_err(|e| ClientError::BadAnswer {
                path: path.to_string(),
                reason: e.to_string(),
            })
    }

    /// A signed `GET` of raw bytes (scene assets).
    pub async fn bytes(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let response = self.send(Method::GET, path, None::<&()>).await?;
        response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| ClientError::BadAnswer {
                path: path.to_string(),
                reason: e.to_string(),
            })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<reqwest::Response, ClientError> {
        let body = match body {
            Some(b) => serde_json::to_vec(b).expect("request bodies serialize"),
            None => Vec::new(),
        };
        let signature = RequestSignature::sign(
            &self.operator,
            self.node,
            method.as_str(),
            path,
            &body,
            crate::unix_now(),
        );
        let url = format!("{}{path}", self.base_url);
        let mut request = self.http.request(method, &url);
        for (name, value) in signature.headers() {
            request = request.header(name, value);
        }
        if !body.is_empty() {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().await.map_err(|e| ClientError::Unreachable {
            url: self.base_url.clone(),
            reason: e.to_string(),
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Err(match serde_json::from_str::<ApiError>(&text) {
            Ok(e) => ClientError::Refused {
                status,
                name: e.error,
                message: e.message,
            },
            Err(_) => ClientError::Refused {
                status,
                name: "HttpError".into(),
                message: text,
            },
        })
    }
}
