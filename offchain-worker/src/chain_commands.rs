//! `inferix-worker chain …`: sign and submit attestations, benchmarks and violations.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use clap::{Args, Subcommand};
use inferix_common::messages::ViolationKind;
use inferix_sdk::keypair::{read_keypair_file, write_keypair_file};
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_worker::chain::{self, Cosigner};
use inferix_worker::por::job::from_hex;
use inferix_worker::WorkerError;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[derive(Args)]
pub struct Submission {
    /// Keypair file of one of the deployment's managers, who signs first (SPEC §10; the
    /// manager daemon will hold this key and co-sign through its relay).
    #[arg(long)]
    manager_keypair: PathBuf,
    /// A co-signing verifier: its node address and its operator keypair file, NODE=KEYPAIR
    /// (repeat for each verifier, in the order the program should see them).
    #[arg(long = "cosigner", value_name = "NODE=KEYPAIR")]
    cosigners: Vec<String>,
    /// Keypair file paying the fees of a benchmark or violation (an attestation is always paid
    /// by the node's operator).
    #[arg(long)]
    payer: Option<PathBuf>,
    /// JSON-RPC URL to send to (e.g. https://api.devnet.solana.com).
    #[arg(long, required_unless_present = "dry_run")]
    rpc_url: Option<String>,
    /// Print the signed transaction instead of sending it (no network needed).
    #[arg(long)]
    dry_run: bool,
    /// Unix time the message is issued at (default: now).
    #[arg(long)]
    issued_at: Option<i64>,
}

#[derive(Subcommand)]
pub enum ChainCommand {
    /// Write a new keypair file in the solana-keygen format (refuses to overwrite one).
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Submit a PorAttestation signed by a manager and the verifiers, paid and signed by the
    /// node's operator.
    Attest {
        #[arg(long)]
        operator_keypair: PathBuf,
        #[arg(long)]
        node: String,
        #[arg(long)]
        epoch: u32,
        #[arg(long)]
        seq: u32,
        #[arg(long)]
        ib_micros: u64,
        #[arg(long)]
        cumulative_ibm_micros: u64,
        #[arg(long)]
        jobs_verified: u32,
        /// Merkle root over the verified job records, 64 hex digits.
        #[arg(long)]
        work_root: String,
        #[command(flatten)]
        submission: Submission,
    },
    /// Submit a Benchmark (new IB) signed by a manager and the verifiers.
    Benchmark {
        #[arg(long)]
        node: String,
        #[arg(long)]
        ib_micros: u64,
        #[arg(long)]
        scene_set_hash: String,
        /// The deployment's IFX price account.
        #[arg(long)]
        price: String,
        #[command(flatten)]
        submission: Submission,
    },
    /// Submit a Violation signed by a manager and the verifiers (slashes the node's stake).
    Violation {
        #[arg(long)]
        node: String,
        #[arg(long)]
        epoch: u32,
        /// failed-por, liveness or bad-result.
        #[arg(long)]
        kind: String,
        /// The verdict's evidence hash, 64 hex digits.
        #[arg(long)]
        evidence_hash: String,
        #[arg(long)]
        ifx_mint: String,
        /// Token program of the IFX mint.
        #[arg(long, default_value_t = anchor_spl_token_id())]
        ifx_token_program: String,
        /// The node's sealed stake era the violation was issued in, when it was issued before
        /// the node's last take-over (only that era's previous owner's stake is slashed then).
        #[arg(long)]
        stake_era: Option<u32>,
        #[command(flatten)]
        submission: Submission,
    },
}

fn anchor_spl_token_id() -> String {
    "TokenkegQfeZyiNwAJbNbGqPFXCQuWwRn1pPJRTBTh1".to_string()
}

fn pubkey(what: &str, text: &str) -> Result<Pubkey, WorkerError> {
    Pubkey::from_str(text).map_err(|_| {
        WorkerError::InvalidSettings(format!("{what} '{text}' is not a base58 address"))
    })
}

fn hash32(what: &str, text: &str) -> Result<[u8; 32], WorkerError> {
    from_hex::<32>(text).ok_or_else(|| {
        WorkerError::InvalidSettings(format!("{what} must be 64 hex digits, got '{text}'"))
    })
}

fn cosigners(specs: &[String]) -> Result<Vec<(Pubkey, Keypair)>, WorkerError> {
    specs
        .iter()
        .map(|spec| {
            let (node, path) = spec.split_once('=').ok_or_else(|| {
                WorkerError::InvalidSettings(format!("--cosigner '{spec}' is not NODE=KEYPAIR"))
            })?;
            Ok((
                pubkey("cosigner node", node)?,
                read_keypair_file(Path::new(path))?,
            ))
        })
        .collect()
}

fn as_cosigners(verifiers: &[(Pubkey, Keypair)]) -> Vec<Cosigner<'_>> {
    verifiers
        .iter()
        .map(|(node, operator)| Cosigner {
            node: *node,
            operator,
        })
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn submit(
    submission: &Submission,
    payer: &Keypair,
    instructions: &[Instruction],
) -> Result<(), WorkerError> {
    if submission.dry_run {
        let tx = chain::transaction(instructions, payer, solana_hash::Hash::default())?;
        println!("dry run: nothing sent (placeholder blockhash: no RPC contacted)");
        print!("{}", chain::describe(&tx));
        return Ok(());
    }
    let url = submission
        .rpc_url
        .as_deref()
        .expect("clap requires --rpc-url without --dry-run");
    let signature = chain::send_rpc(url, instructions, payer)?;
    println!("confirmed: {signature}");
    Ok(())
}

pub fn run(command: ChainCommand) -> Result<(), WorkerError> {
    match command {
        ChainCommand::Keygen { out } => {
            let keypair = Keypair::new();
            write_keypair_file(&keypair, &out)?;
            println!("{} written to {}", keypair.pubkey(), out.display());
            Ok(())
        }
        ChainCommand::Attest {
            operator_keypair,
            node,
            epoch,
            seq,
            ib_micros,
            cumulative_ibm_micros,
            jobs_verified,
            work_root,
            submission,
        } => {
            if submission.payer.is_some() {
                return Err(WorkerError::InvalidSettings(
                    "an attestation is paid and signed by the node's operator: drop --payer".into(),
                ));
            }
            let operator = read_keypair_file(&operator_keypair)?;
            let manager = read_keypair_file(&submission.manager_keypair)?;
            let verifiers = cosigners(&submission.cosigners)?;
            let attestation = chain::attestation(
                pubkey("--node", &node)?,
                epoch,
                seq,
                ib_micros,
                cumulative_ibm_micros,
                jobs_verified,
                hash32("--work-root", &work_root)?,
                submission.issued_at.unwrap_or_else(now),
            );
            let cosigners = as_cosigners(&verifiers);
            let ixs = chain::attestation_instructions(
                &operator.pubkey(),
                &attestation,
                &manager,
                &cosigners,
            );
            submit(&submission, &operator, &ixs)
        }
        ChainCommand::Benchmark {
            node,
            ib_micros,
            scene_set_hash,
            price,
            submission,
        } => {
            let manager = read_keypair_file(&submission.manager_keypair)?;
            let verifiers = cosigners(&submission.cosigners)?;
            let payer = required_payer(&submission)?;
            let args = BenchmarkArgs {
                ib_micros,
                scene_set_hash: hash32("--scene-set-hash", &scene_set_hash)?,
                issued_at: submission.issued_at.unwrap_or_else(now),
            };
            let cosigners = as_cosigners(&verifiers);
            let ixs = chain::benchmark_instructions(
                &pubkey("--node", &node)?,
                &pubkey("--price", &price)?,
                args,
                &manager,
                &cosigners,
            );
            submit(&submission, &payer, &ixs)
        }
        ChainCommand::Violation {
            node,
            epoch,
            kind,
            evidence_hash,
            ifx_mint,
            ifx_token_program,
            stake_era,
            submission,
        } => {
            let kind = match kind.as_str() {
                "failed-por" => ViolationKind::FailedPoR,
                "liveness" => ViolationKind::Liveness,
                "bad-result" => ViolationKind::BadResult,
                other => {
                    return Err(WorkerError::InvalidSettings(format!(
                        "--kind '{other}': choose failed-por, liveness or bad-result"
                    )))
                }
            };
            let manager = read_keypair_file(&submission.manager_keypair)?;
            let verifiers = cosigners(&submission.cosigners)?;
            let payer = required_payer(&submission)?;
            let args = ViolationArgs {
                epoch,
                kind: kind as u8,
                evidence_hash: hash32("--evidence-hash", &evidence_hash)?,
                issued_at: submission.issued_at.unwrap_or_else(now),
            };
            let cosigners = as_cosigners(&verifiers);
            let ixs = chain::violation_instructions(
                &payer.pubkey(),
                &pubkey("--node", &node)?,
                &pubkey("--ifx-mint", &ifx_mint)?,
                &pubkey("--ifx-token-program", &ifx_token_program)?,
                args,
                stake_era,
                &manager,
                &cosigners,
            );
            submit(&submission, &payer, &ixs)
        }
    }
}

fn required_payer(submission: &Submission) -> Result<Keypair, WorkerError> {
    let path = submission.payer.as_ref().ok_or_else(|| {
        WorkerError::InvalidSettings(
            "--payer KEYPAIR is required: the fee payer's keypair file".into(),
        )
    })?;
    Ok(read_keypair_file(path)?)
}
