//! Chain role (SPEC §5, §7, §10): signs `PorAttestation`, `Benchmark` and `Violation` messages
//! with keypair files, assembles the Ed25519 precompile instruction — the manager's signature
//! first, then each verifier's — plus the program instruction, and hands the signed transaction
//! to an RPC node, or prints it (`--dry-run`). An attestation is paid and signed by the node's
//! operator. Tests and the local demo submit the very same transaction to the embedded bank.

pub mod work;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use inferix_common::messages::{Benchmark, PorAttestation, SignedMessage, Violation};
use inferix_sdk::client::{self, ChainError};
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_sdk::{instructions, pda, signed};
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

fn sign_all(message: &[u8], keys: &[&Keypair]) -> Vec<(Pubkey, [u8; 64])> {
    keys.iter()
        .map(|k| (k.pubkey(), k.sign_message(message).into()))
        .collect()
}

/// The precompile instruction with the manager's signature and then the verifiers' over
/// `message`, and the verifiers' nodes in the same order.
fn vouched(
    message: &[u8],
    manager: &Keypair,
    verifiers: &[Cosigner],
) -> (Instruction, Vec<Pubkey>) {
    let mut keys = vec![manager];
    keys.extend(verifiers.iter().map(|v| v.operator));
    let nodes = verifiers.iter().map(|v| v.node).collect();
    (signed::co_signed(message, &sign_all(message, &keys)), nodes)
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
    let message = Benchmark {
        config: pda::staking_config(),
        node: *node,
        ib_micros: args.ib_micros,
        scene_set_hash: args.scene_set_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes();
    let (precompile, nodes) = vouched(&message, manager, verifiers);
    vec![
        precompile,
        instructions::update_ib(node, price, args, &nodes),
    ]
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
    let message = Violation {
        config: pda::staking_config(),
        node: *node,
        epoch: args.epoch,
        kind: args.kind,
        evidence_hash: args.evidence_hash,
        issued_at: args.issued_at,
    }
    .to_signed_bytes();
    let (precompile, nodes) = vouched(&message, manager, verifiers);
    vec![
        precompile,
        instructions::report_violation(
            payer,
            node,
            &IfxToken {
                mint: *ifx_mint,
                token_program: *ifx_token_program,
            },
            args,
            stake_era.map(|era| pda::stake_era(node, era)),
            &nodes,
        ),
    ]
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
}
