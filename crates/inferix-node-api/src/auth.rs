//! Signed node requests. A node signs, with its operator key, the method, the path with its
//! query, the SHA-256 of the body, a timestamp and a random nonce; the manager checks the
//! signature against the operator the node registered on chain, refuses a timestamp more than
//! [`MAX_SKEW_SECS`] from its clock and a nonce it has seen. Nodes open only outbound
//! connections, so this is the whole of their authentication.

use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;

pub const NODE_HEADER: &str = "x-inferix-node";
pub const TIMESTAMP_HEADER: &str = "x-inferix-timestamp";
pub const NONCE_HEADER: &str = "x-inferix-nonce";
pub const SIGNATURE_HEADER: &str = "x-inferix-signature";

/// How far a request's timestamp may be from the manager's clock, either way. Nonces are kept
/// at least this long, so a replay is refused as replayed or as stale.
pub const MAX_SKEW_SECS: i64 = 60;
const REQUEST_TAG: &str = "IFXREQ1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("the request has no {0} header: nodes sign every request")]
    MissingHeader(&'static str),
    #[error("the {0} header is malformed")]
    MalformedHeader(&'static str),
    #[error("the request was signed at {timestamp}, {skew_secs} s from the manager's clock (at most {MAX_SKEW_SECS} s): check the node's clock")]
    StaleRequest { timestamp: i64, skew_secs: i64 },
    #[error("nonce {nonce} was already used: a request is accepted once")]
    ReplayedRequest { nonce: String },
    #[error("the signature is not node {node}'s operator's over this request")]
    ForgedRequest { node: Pubkey },
    #[error("no node is registered at {0}")]
    UnregisteredNode(Pubkey),
    #[error("node {node} is a {found} node; this request is for {expected} nodes")]
    WrongNodeKind {
        node: Pubkey,
        expected: &'static str,
        found: &'static str,
    },
    #[error("node {0} is not active on chain (stake below S(n), deactivated, pending its benchmark or retired)")]
    NodeNotActive(Pubkey),
    #[error("node {0} is blacklisted")]
    NodeBlacklisted(Pubkey),
}

impl AuthError {
    /// The error's name, as API responses carry it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "MissingHeader",
            Self::MalformedHeader(_) => "MalformedHeader",
            Self::StaleRequest { .. } => "StaleRequest",
            Self::ReplayedRequest { .. } => "ReplayedRequest",
            Self::ForgedRequest { .. } => "ForgedRequest",
            Self::UnregisteredNode(_) => "UnregisteredNode",
            Self::WrongNodeKind { .. } => "WrongNodeKind",
            Self::NodeNotActive(_) => "NodeNotActive",
            Self::NodeBlacklisted(_) => "NodeBlacklisted",
        }
    }
}

/// The bytes a node request is signed as.
pub fn request_message(
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: i64,
    nonce: &str,
) -> Vec<u8> {
    format!(
        "{REQUEST_TAG}\n{method}\n{path_and_query}\n{}\n{timestamp}\n{nonce}",
        crate::hex(&crate::sha256(body))
    )
    .into_bytes()
}

/// A node's signature over one request, as its headers carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSignature {
    pub node: Pubkey,
    pub timestamp: i64,
    pub nonce: String,
    pub signature: Signature,
}

impl RequestSignature {
    /// `operator` signs a request of `node` at `timestamp` with a fresh nonce.
    pub fn sign(
        operator: &Keypair,
        node: Pubkey,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: i64,
    ) -> Self {
        let nonce = crate::hex(&crate::random_bytes::<16>());
        let message = request_message(method, path_and_query, body, timestamp, &nonce);
        Self {
            node,
            timestamp,
            signature: operator.sign_message(&message),
            nonce,
        }
    }

    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (NODE_HEADER, self.node.to_string()),
            (TIMESTAMP_HEADER, self.timestamp.to_string()),
            (NONCE_HEADER, self.nonce.clone()),
            (SIGNATURE_HEADER, self.signature.to_string()),
        ]
    }

    /// Reads the four headers through `header` (name → value).
    pub fn from_headers<'a>(
        header: impl Fn(&'static str) -> Option<&'a str>,
    ) -> Result<Self, AuthError> {
        let get = |name| header(name).ok_or(AuthError::MissingHeader(name));
        let node = get(NODE_HEADER)?
            .parse()
            .map_err(|_| AuthError::MalformedHeader(NODE_HEADER))?;
        let timestamp = get(TIMESTAMP_HEADER)?
            .parse()
            .map_err(|_| AuthError::MalformedHeader(TIMESTAMP_HEADER))?;
        let nonce = get(NONCE_HEADER)?;
        if nonce.is_empty() || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthError::MalformedHeader(NONCE_HEADER));
        }
        let signature = get(SIGNATURE_HEADER)?
            .parse()
            .map_err(|_| AuthError::MalformedHeader(SIGNATURE_HEADER))?;
        Ok(Self {
            node,
            timestamp,
            nonce: nonce.to_string(),
            signature,
        })
    }

    /// Refuses a request signed too far from `now` or not by `operator` over exactly this
    /// method, path, body, timestamp and nonce. Replays are the caller's to refuse (it keeps
    /// the nonces).
    pub fn check(
        &self,
        operator: &Pubkey,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        now: i64,
    ) -> Result<(), AuthError> {
        let skew_secs = (now - self.timestamp).abs();
        if skew_secs > MAX_SKEW_SECS {
            return Err(AuthError::StaleRequest {
                timestamp: self.timestamp,
                skew_secs,
            });
        }
        let message = request_message(method, path_and_query, body, self.timestamp, &self.nonce);
        if !self.signature.verify(operator.as_ref(), &message) {
            return Err(AuthError::ForgedRequest { node: self.node });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(operator: &Keypair, node: Pubkey) -> RequestSignature {
        RequestSignature::sign(operator, node, "POST", "/v1/node/lease", b"{}", 1_000)
    }

    #[test]
    fn a_request_verifies_only_for_its_operator_and_its_exact_content() {
        let operator = Keypair::new();
        let node = Pubkey::new_unique();
        let request = signed(&operator, node);
        let ok =
            |path: &str, body: &[u8]| request.check(&operator.pubkey(), "POST", path, body, 1_010);
        assert_eq!(ok("/v1/node/lease", b"{}"), Ok(()));
        assert_eq!(
            ok("/v1/node/lease?x=1", b"{}"),
            Err(AuthError::ForgedRequest { node })
        );
        assert_eq!(
            ok("/v1/node/lease", b"{ }"),
            Err(AuthError::ForgedRequest { node })
        );
        let other = Keypair::new();
        assert_eq!(
            request.check(&other.pubkey(), "POST", "/v1/node/lease", b"{}", 1_000),
            Err(AuthError::ForgedRequest { node })
        );
    }

    #[test]
    fn a_request_from_another_time_is_stale() {
        let operator = Keypair::new();
        let request = signed(&operator, Pubkey::new_unique());
        let at = |now| request.check(&operator.pubkey(), "POST", "/v1/node/lease", b"{}", now);
        assert!(at(1_000 - MAX_SKEW_SECS).is_ok());
        assert_eq!(
            at(1_000 + MAX_SKEW_SECS + 1),
            Err(AuthError::StaleRequest {
                timestamp: 1_000,
                skew_secs: MAX_SKEW_SECS + 1
            })
        );
    }

    #[test]
    fn headers_round_trip_and_missing_ones_are_named() {
        let request = signed(&Keypair::new(), Pubkey::new_unique());
        let headers = request.headers();
        let find = |name: &'static str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(RequestSignature::from_headers(find), Ok(request));
        assert_eq!(
            RequestSignature::from_headers(|name| (name != NONCE_HEADER)
                .then(|| find(name))
                .flatten()),
            Err(AuthError::MissingHeader(NONCE_HEADER))
        );
    }
}
