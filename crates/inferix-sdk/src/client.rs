//! Talking to a cluster: the [`Chain`] trait the CLI, the migrations and the main job are written
//! against, its JSON-RPC implementation [`RpcChain`], and signed transactions checked against
//! Solana's size limit. The embedded local bank implements the same trait (in `inferix-tests`),
//! so every command runs unchanged on either.
//!
//! ```no_run
//! use inferix_sdk::accounts::fetch;
//! use inferix_sdk::client::{Chain, RpcChain};
//! use inferix_sdk::node_staking::state::{Node, StakingConfig};
//! use inferix_sdk::{instructions, pda};
//! # async fn example(license_mint: anchor_lang::prelude::Pubkey, owner: solana_keypair::Keypair) -> Result<(), Box<dyn std::error::Error>> {
//! let mut chain = RpcChain::new("https://api.devnet.solana.com");
//! let config: StakingConfig = fetch(&mut chain, &pda::staking_config()).await?.expect("deployed");
//! let node: Node = fetch(&mut chain, &pda::node(&license_mint)).await?.expect("registered");
//! println!("stake {} of S(n) {}", node.stake, node.required_stake);
//! // Top the stake up to S(n) from the owner's associated IFX account.
//! let ifx = instructions::IfxToken { mint: config.ifx_mint, token_program: config.ifx_token_program };
//! let owner_ifx = pda::associated_token(&solana_signer::Signer::pubkey(&owner), &ifx.mint, &ifx.token_program);
//! let missing = node.required_stake.saturating_sub(node.stake);
//! let stake = instructions::stake(&solana_signer::Signer::pubkey(&owner), &pda::node(&license_mint), &owner_ifx, &ifx, &pda::pushed_price(), missing);
//! let signature = chain.send(&[stake], &owner, &[]).await?;
//! # Ok(()) }
//! ```

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_account::Account;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

use crate::errors::describe_transaction_error;

/// Largest transaction Solana accepts, bytes.
pub const MAX_TRANSACTION_BYTES: usize = 1232;

/// Why a chain call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The node could not be reached or did not answer.
    Unreachable(String),
    /// The transaction was executed and refused; `explanation` names the program error.
    Refused {
        error: TransactionError,
        explanation: String,
    },
    /// The transaction does not fit in a packet.
    TooLarge { bytes: usize },
    /// An account exists but is not what its address should hold.
    BadAccount { address: Pubkey, reason: String },
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::Unreachable(reason) => write!(f, "cannot reach the cluster: {reason}"),
            ChainError::Refused { explanation, .. } => write!(f, "{explanation}"),
            ChainError::TooLarge { bytes } => write!(
                f,
                "the transaction is {bytes} bytes, over Solana's {MAX_TRANSACTION_BYTES}"
            ),
            ChainError::BadAccount { address, reason } => write!(f, "account {address}: {reason}"),
        }
    }
}

impl std::error::Error for ChainError {}

impl ChainError {
    /// A refusal, explained from the failing instruction's program IDL.
    pub fn refused(error: TransactionError, instructions: &[Instruction]) -> Self {
        ChainError::Refused {
            explanation: describe_transaction_error(&error, instructions),
            error,
        }
    }
}

/// A cluster: the JSON-RPC node of a real one, or the embedded bank. Clients run on one task,
/// so the futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Chain {
    /// The account at `address`, or `None` when it does not exist.
    async fn account(&mut self, address: &Pubkey) -> Result<Option<Account>, ChainError>;

    /// The accounts at `addresses`, in order (RPC: `getMultipleAccounts`, 100 a call).
    async fn accounts(&mut self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
        let mut found = Vec::with_capacity(addresses.len());
        for address in addresses {
            found.push(self.account(address).await?);
        }
        Ok(found)
    }

    /// Signs `instructions` with `payer` (fee payer) and `signers`, sends and waits for
    /// confirmation; returns the signature in base58.
    async fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<String, ChainError>;

    /// Every account `program` owns whose data holds each `(offset, bytes)` of `filters` (RPC:
    /// `getProgramAccounts` with memcmp filters; the account type's discriminator is one at 0).
    async fn program_accounts(
        &mut self,
        program: &Pubkey,
        filters: &[(usize, &[u8])],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError>;

    /// The cluster's clock, Unix seconds (from the Clock sysvar, as the programs read it).
    async fn unix_timestamp(&mut self) -> Result<i64, ChainError> {
        let clock_id = solana_clock::sysvar::ID;
        let account = self
            .account(&clock_id)
            .await?
            .ok_or_else(|| ChainError::Unreachable("the cluster serves no Clock sysvar".into()))?;
        let clock: solana_clock::Clock =
            bincode::deserialize(&account.data).map_err(|e| ChainError::BadAccount {
                address: clock_id,
                reason: format!("not a Clock: {e}"),
            })?;
        Ok(clock.unix_timestamp)
    }
}

/// Signs `instructions` into a transaction paid by `payer`, refusing one over the size limit.
pub fn transaction(
    instructions: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
    blockhash: Hash,
) -> Result<Transaction, ChainError> {
    let mut all: Vec<&Keypair> = vec![payer];
    all.extend(
        signers
            .iter()
            .filter(|s| s.pubkey() != payer.pubkey())
            .copied(),
    );
    let tx =
        Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &all, blockhash);
    let bytes = wire_bytes(&tx).len();
    if bytes > MAX_TRANSACTION_BYTES {
        return Err(ChainError::TooLarge { bytes });
    }
    Ok(tx)
}

/// The transaction as it travels on the wire.
pub fn wire_bytes(tx: &Transaction) -> Vec<u8> {
    bincode::serialize(tx).expect("transactions serialize")
}

/// Whether `instructions` fit in one transaction paid by `payer` with `signer_count` signatures.
pub fn fits(instructions: &[Instruction], payer: &Pubkey, signer_count: usize) -> bool {
    let message = solana_transaction::Message::new(instructions, Some(payer));
    let tx = Transaction {
        signatures: vec![Default::default(); signer_count.max(1)],
        message,
    };
    wire_bytes(&tx).len() <= MAX_TRANSACTION_BYTES
}

/// A JSON-RPC node (a validator, `solana-test-validator`, or a provider's URL).
pub struct RpcChain {
    client: solana_rpc_client::nonblocking::rpc_client::RpcClient,
    url: String,
}

impl RpcChain {
    pub fn new(url: &str) -> Self {
        Self {
            client: solana_rpc_client::nonblocking::rpc_client::RpcClient::new_with_commitment(
                url.to_string(),
                solana_commitment_config::CommitmentConfig::confirmed(),
            ),
            url: url.to_string(),
        }
    }

    fn unreachable(&self, e: solana_rpc_client_api::client_error::Error) -> ChainError {
        // The transport error alone: the client wraps a failed account read as "AccountNotFound".
        let reason = match e.kind() {
            solana_rpc_client_api::client_error::ErrorKind::Reqwest(r) => r.to_string(),
            other => other.to_string(),
        };
        let reason = reason
            .find("error sending request")
            .map_or(reason.as_str(), |at| &reason[at..]);
        ChainError::Unreachable(format!("{} ({reason})", self.url))
    }
}

impl Chain for RpcChain {
    async fn account(&mut self, address: &Pubkey) -> Result<Option<Account>, ChainError> {
        self.client
            .get_account_with_commitment(address, self.client.commitment())
            .await
            .map(|r| r.value)
            .map_err(|e| self.unreachable(e))
    }

    async fn accounts(&mut self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
        let mut found = Vec::with_capacity(addresses.len());
        // The most one getMultipleAccounts call may ask for.
        for chunk in addresses.chunks(100) {
            let accounts = self
                .client
                .get_multiple_accounts_with_commitment(chunk, self.client.commitment())
                .await
                .map_err(|e| self.unreachable(e))?;
            found.extend(accounts.value);
        }
        Ok(found)
    }

    async fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<String, ChainError> {
        let blockhash = self
            .client
            .get_latest_blockhash()
            .await
            .map_err(|e| self.unreachable(e))?;
        let tx = transaction(instructions, payer, signers, blockhash)?;
        match self.client.send_and_confirm_transaction(&tx).await {
            Ok(signature) => Ok(signature.to_string()),
            Err(e) => match e.get_transaction_error() {
                Some(error) => Err(ChainError::refused(error, instructions)),
                None => Err(self.unreachable(e)),
            },
        }
    }

    async fn program_accounts(
        &mut self,
        program: &Pubkey,
        filters: &[(usize, &[u8])],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
        use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
        let config = RpcProgramAccountsConfig {
            filters: Some(
                filters
                    .iter()
                    .map(|(offset, bytes)| {
                        RpcFilterType::Memcmp(Memcmp::new_base58_encoded(*offset, bytes))
                    })
                    .collect(),
            ),
            account_config: RpcAccountInfoConfig {
                encoding: Some(solana_account_decoder_client_types::UiAccountEncoding::Base64),
                ..Default::default()
            },
            ..Default::default()
        };
        let accounts = self
            .client
            .get_program_ui_accounts_with_config(program, config)
            .await
            .map_err(|e| self.unreachable(e))?;
        accounts
            .into_iter()
            .map(|(address, ui)| {
                ui.decode::<Account>()
                    .map(|account| (address, account))
                    .ok_or_else(|| ChainError::BadAccount {
                        address,
                        reason: "the node returned undecodable account data".into(),
                    })
            })
            .collect()
    }
}
