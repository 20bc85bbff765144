//! Chain role (SPEC §5, §7, §10): signs `PorAttestation`, `Benchmark` and `Violation` messages,
//! assembles the Ed25519 precompile instruction — the manager's signature first, then each
//! verifier's — plus the program instruction, and hands the signed transaction to an RPC node, or
//! prints it (`--dry-run`). An attestation is paid and signed by the node's operator. Each party
//! signs on its own host ([`Endorsement`]); the submitter assembles what they sent, checking each
//! signature. Tests and the local demo, which hold every key, submit the very same transaction to
//! the embedded bank.

pub mod work;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use inferix_common::messages::{PorAttestation, SignedMessage};
use inferix_sdk::client::{self, ChainError};
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_sdk::signed::{self, benchmark_message, violation_message};
use inferix_sdk::{instructions, pda};
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

use crate::error::WorkerError;

pub use inferix_sdk::client::{wire_bytes, MAX_TRANSACTION_BYTES};

/// A verifier co-signing a message: its staking node (passed to the program) and the operator
/// key the node registered (which signs).
pub struct Cosigner<'a> {
    pub node: Pubkey,
    pub operator: &'a Keypair,
}

/// The precompile with the manager's signature and then the verifiers' over `message`, and the
/// verifiers' nodes in the same order — for a process that holds every key (tests, the demo).
fn vouched(
    message: &[u8],
    manager: &Keypair,
    verifiers: &[Cosigner],
) -> (Instruction, Vec<Pubkey>) {
    let mut endorsements = vec![Endorsement::sign(message, manager, None)];
    endorsements.extend(
        verifiers
            .iter()
            .map(|v| Endorsement::sign(message, v.operator, Some(v.node))),
    );
    assemble(message, &endorsements)
}

/// One party's signature over a message: the manager's (`node` is `None`) or a verifier's (the
/// staking node whose registered operator key signed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endorsement {
    pub signer: Pubkey,
    pub node: Option<Pubkey>,
    pub signature: [u8; 64],
}

impl Endorsement {
    /// `key` signs `message`, as the manager (`node` `None`) or as `node`'s verifier.
    pub fn sign(message: &[u8], key: &Keypair, node: Option<Pubkey>) -> Self {
        Self {
            signer: key.pubkey(),
            node,
            signature: key.sign_message(message).into(),
        }
    }

    pub fn verifies(&self, message: &[u8]) -> bool {
        solana_signature::Signature::from(self.signature).verify(self.signer.as_ref(), message)
    }

    /// The file form: `{"signer", "node", "signature"}`, base58.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "signer": self.signer.to_string(),
            "node": self.node.map(|n| n.to_string()),
            "signature": solana_signature::Signature::from(self.signature).to_string(),
        })
    }

    pub fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        let text = |field: &str| value.get(field).and_then(serde_json::Value::as_str);
        let address = |field: &str, text: &str| {
            text.parse::<Pubkey>()
                .map_err(|_| format!("its {field} '{text}' is not a base58 address"))
        };
        let signer = address("signer", text("signer").ok_or("it names no signer")?)?;
        let node = match text("node") {
            Some(node) => Some(address("node", node)?),
            None => None,
        };
        let signature: solana_signature::Signature = text("signature")
            .ok_or("it holds no signature")?
            .parse()
            .map_err(|_| "its signature is not a base58 Ed25519 signature".to_string())?;
        Ok(Self {
            signer,
            node,
            signature: signature.into(),
        })
    }
}

/// The precompile with `endorsements` over `message` — the manager's first, then the verifiers'
/// — and the verifiers' nodes in the same order; each signature is checked before it is used.
fn endorsed(
    message: &[u8],
    endorsements: &[Endorsement],
) -> Result<(Instruction, Vec<Pubkey>), WorkerError> {
    let Some((manager, verifiers)) = endorsements.split_first() else {
        return Err(WorkerError::Chain(
            "no endorsements: the manager's signature comes first, then the verifiers'".into(),
        ));
    };
    if let Some(node) = manager.node {
        return Err(WorkerError::Chain(format!(
            "the first endorsement must be the manager's, but {} signed as node {node}'s verifier",
            manager.signer
        )));
    }
    if let Some(manager) = verifiers.iter().find(|v| v.node.is_none()) {
        return Err(WorkerError::Chain(format!(
            "{} signed as a manager: only the first endorsement is the manager's",
            manager.signer
        )));
    }
    if let Some(wrong) = endorsements.iter().find(|e| !e.verifies(message)) {
        return Err(WorkerError::Chain(format!(
            "the endorsement of {} does not sign this message: every party must sign the same \
             fields, --issued-at included",
            wrong.signer
        )));
    }
    Ok(assemble(message, endorsements))
}

/// The precompile over `message` with `endorsements` in order, and the verifiers' nodes (the
/// manager's endorsement, first, names none).
fn assemble(message: &[u8], endorsements: &[Endorsement]) -> (Instruction, Vec<Pubkey>) {
    let signatures: Vec<(Pubkey, [u8; 64])> = endorsements
        .iter()
        .map(|e| (e.signer, e.signature))
        .collect();
    let nodes = endorsements.iter().filter_map(|e| e.node).collect();
    (signed::co_signed(message, &signatures), nodes)
}

/// [`attestation_instructions`] from the parties' endorsements.
pub fn endorsed_attestation_instructions(
    operator: &Pubkey,
    attestation: &PorAttestation,
    endorsements: &[Endorsement],
) -> Result<Vec<Instruction>, WorkerError> {
    let (precompile, nodes) = endorsed(&attestation.to_signed_bytes(), endorsements)?;
    Ok(vec![
        precompile,
        instructions::submit_attestation(operator, &attestation.node, attestation.epoch, &nodes),
    ])
}

/// The two instructions of an attestation: the precompile with the manager's signature then
/// each verifier's, and `submit_attestation`, paid and signed by the node's `operator`.
pub fn attestation_instructions(
    operator: &Pubkey,
    attestation: &PorAttestation,
    manager: &Keypair,
    verifiers: &[Cosigner],
) -> Vec<Instruction> {
    let (precompile, nodes) = vouched(&attestation.to_signed_bytes(), manager, verifiers);
    vec![
        precompile,
        instructions::submit_attestation(operator, &attestation.node, attestation.epoch, &nodes),
    ]
}

/// A `PorAttestation` for this deployment (its rewards config PDA).
#[allow(clippy::too_many_arguments)]
pub fn attestation(
    node: Pubkey,
    epoch: u32,
    seq: u32,
    ib_micros: u64,
    cumulative_ibm_micros: u64,
    jobs_verified: u32,
    work_root: [u8; 32],
    issued_at: i64,
) -> PorAttestation {
    PorAttestation {
        config: pda::rewards_config(),
        node,
        epoch,
        seq,
        ib_micros,
        cumulative_ibm_micros,
        jobs_verified,
        work_root,
        issued_at,
    }
}

/// The precompile with the manager's and the verifiers' signatures over a `Benchmark`, and
/// `update_ib`.
pub fn benchmark_instructions(
    node: &Pubkey,
    price: &Pubkey,
    args: BenchmarkArgs,
    manager: &Keypair,
    verifiers: &[Cosigner],
) -> Vec<Instruction> {
    let (precompile, nodes) = vouched(&benchmark_message(node, &args), manager, verifiers);
    vec![
        precompile,
        instructions::update_ib(node, price, args, &nodes),
    ]
}

/// [`benchmark_instructions`] from the parties' endorsements.
pub fn endorsed_benchmark_instructions(
    node: &Pubkey,
    price: &Pubkey,
    args: BenchmarkArgs,
    endorsements: &[Endorsement],
) -> Result<Vec<Instruction>, WorkerError> {
    let (precompile, nodes) = endorsed(&benchmark_message(node, &args), endorsements)?;
    Ok(vec![
        precompile,
        instructions::update_ib(node, price, args, &nodes),
    ])
}

/// The precompile with the manager's and the verifiers' signatures over a `Violation`, and
/// `report_violation`; `stake_era` names the node's sealed era the violation was issued in, when
/// it was issued before the node's last take-over.
#[allow(clippy::too_many_arguments)]
pub fn violation_instructions(
    payer: &Pubkey,
    node: &Pubkey,
    ifx_mint: &Pubkey,
    ifx_token_program: &Pubkey,
    args: ViolationArgs,
    stake_era: Option<u32>,
    manager: &Keypair,
    verifiers: &[Cosigner],
) -> Vec<Instruction> {
    let (precompile, nodes) = vouched(&violation_message(node, &args), manager, verifiers);
    let ifx = IfxToken {
        mint: *ifx_mint,
        token_program: *ifx_token_program,
    };
    vec![
        precompile,
        instructions::report_violation(
            payer,
            node,
            &ifx,
            args,
            stake_era.map(|era| pda::stake_era(node, era)),
            &nodes,
        ),
    ]
}

/// [`violation_instructions`] from the parties' endorsements.
pub fn endorsed_violation_instructions(
    payer: &Pubkey,
    node: &Pubkey,
    ifx: &IfxToken,
    args: ViolationArgs,
    stake_era: Option<u32>,
    endorsements: &[Endorsement],
) -> Result<Vec<Instruction>, WorkerError> {
    let (precompile, nodes) = endorsed(&violation_message(node, &args), endorsements)?;
    Ok(vec![
        precompile,
        instructions::report_violation(
            payer,
            node,
            ifx,
            args,
            stake_era.map(|era| pda::stake_era(node, era)),
            &nodes,
        ),
    ])
}

/// Signs `instructions` into a transaction paid by `payer`, refusing one over the size limit.
pub fn transaction(
    instructions: &[Instruction],
    payer: &Keypair,
    blockhash: Hash,
) -> Result<Transaction, WorkerError> {
    client::transaction(instructions, payer, &[], blockhash).map_err(|e| match e {
        ChainError::TooLarge { .. } => WorkerError::Chain(format!("{e}: use fewer co-signers")),
        other => WorkerError::Chain(other.to_string()),
    })
}

/// What `--dry-run` prints: size, signers, instructions and the base64 wire transaction.
pub fn describe(tx: &Transaction) -> String {
    let bytes = wire_bytes(tx);
    let keys = &tx.message.account_keys;
    let mut out = format!(
        "transaction: {} bytes (limit {MAX_TRANSACTION_BYTES}), fee payer {}, blockhash {}\n",
        bytes.len(),
        keys[0],
        tx.message.recent_blockhash
    );
    for (i, ix) in tx.message.instructions.iter().enumerate() {
        out.push_str(&format!(
            "  instruction {i}: program {}, {} accounts, {} data bytes\n",
            keys[ix.program_id_index as usize],
            ix.accounts.len(),
            ix.data.len()
        ));
    }
    out.push_str(&format!(
        "  base64: {}\n",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ));
    out
}

/// Sends through a JSON-RPC node and waits for confirmation; returns the signature.
pub fn send_rpc(
    rpc_url: &str,
    instructions: &[Instruction],
    payer: &Keypair,
) -> Result<String, WorkerError> {
    let client = solana_rpc_client::rpc_client::RpcClient::new(rpc_url.to_string());
    let blockhash = client.get_latest_blockhash().map_err(|e| {
        WorkerError::Chain(format!(
            "cannot reach {rpc_url} ({e}); check --rpc-url and your network"
        ))
    })?;
    let tx = transaction(instructions, payer, blockhash)?;
    client
        .send_and_confirm_transaction(&tx)
        .map(|s| s.to_string())
        .map_err(|e| WorkerError::Chain(format!("{rpc_url} refused the transaction: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_over_the_packet_size_is_refused_by_name() {
        let operator = Keypair::new();
        let verifiers: Vec<Keypair> = (0..12).map(|_| Keypair::new()).collect();
        let cosigners: Vec<Cosigner> = verifiers
            .iter()
            .map(|k| Cosigner {
                node: Pubkey::new_unique(),
                operator: k,
            })
            .collect();
        let attestation = attestation(Pubkey::new_unique(), 0, 1, 1, 1, 1, [0; 32], 0);
        let manager = Keypair::new();
        let fits =
            attestation_instructions(&operator.pubkey(), &attestation, &manager, &cosigners[..3]);
        assert!(transaction(&fits, &operator, Hash::default()).is_ok());
        let ixs = attestation_instructions(&operator.pubkey(), &attestation, &manager, &cosigners);
        match transaction(&ixs, &operator, Hash::default()) {
            Err(WorkerError::Chain(m)) => assert!(
                m.contains("over Solana's 1232: use fewer co-signers"),
                "{m}"
            ),
            other => panic!(
                "expected a size error, got {:?}",
                other.map(|t| wire_bytes(&t).len())
            ),
        }
    }

    #[test]
    fn an_endorsement_survives_its_file_and_verifies_only_its_message() {
        let key = Keypair::new();
        let node = Pubkey::new_unique();
        let endorsement = Endorsement::sign(b"attestation bytes", &key, Some(node));
        let read = Endorsement::from_json(&endorsement.to_json()).unwrap();
        assert_eq!(read, endorsement);
        assert!(read.verifies(b"attestation bytes"));
        assert!(!read.verifies(b"other bytes"));
        let manager = Endorsement::sign(b"m", &key, None);
        assert_eq!(
            Endorsement::from_json(&manager.to_json()).unwrap().node,
            None
        );
    }
}
