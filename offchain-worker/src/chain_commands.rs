//! `inferix-worker chain …`: each party signs attestations, benchmarks and violations with its
//! own key (`chain sign`); the submitter assembles the endorsements and sends.

use std::path::PathBuf;
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use clap::{Args, Subcommand};
use inferix_common::messages::{PorAttestation, SignedMessage, ViolationKind};
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::keypair::{read_keypair_file, write_keypair_file};
use inferix_sdk::node_staking::instructions::{BenchmarkArgs, ViolationArgs};
use inferix_sdk::signed::{benchmark_message, violation_message};
use inferix_worker::chain::{self, Endorsement};
use inferix_worker::por::job::from_hex;
use inferix_worker::WorkerError;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A `PorAttestation`'s fields, as every party signs them.
#[derive(Args)]
pub struct AttestationFields {
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
    /// Unix time the message is issued at: every party signs the same value.
    #[arg(long)]
    issued_at: i64,
}

impl AttestationFields {
    fn attestation(&self) -> Result<PorAttestation, WorkerError> {
        Ok(chain::attestation(
            pubkey("--node", &self.node)?,
            self.epoch,
            self.seq,
            self.ib_micros,
            self.cumulative_ibm_micros,
            self.jobs_verified,
            hash32("--work-root", &self.work_root)?,
            self.issued_at,
        ))
    }
}

/// A `Benchmark`'s fields, as every party signs them.
#[derive(Args)]
pub struct BenchmarkFields {
    #[arg(long)]
    node: String,
    #[arg(long)]
    ib_micros: u64,
    #[arg(long)]
    scene_set_hash: String,
    /// Unix time the message is issued at: every party signs the same value.
    #[arg(long)]
    issued_at: i64,
}

impl BenchmarkFields {
    fn parts(&self) -> Result<(Pubkey, BenchmarkArgs), WorkerError> {
        Ok((
            pubkey("--node", &self.node)?,
            BenchmarkArgs {
                ib_micros: self.ib_micros,
                scene_set_hash: hash32("--scene-set-hash", &self.scene_set_hash)?,
                issued_at: self.issued_at,
            },
        ))
    }
}

/// A `Violation`'s fields, as every party signs them.
#[derive(Args)]
pub struct ViolationFields {
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
    /// Unix time the message is issued at: every party signs the same value.
    #[arg(long)]
    issued_at: i64,
}

impl ViolationFields {
    fn parts(&self) -> Result<(Pubkey, ViolationArgs), WorkerError> {
        let kind = match self.kind.as_str() {
            "failed-por" => ViolationKind::FailedPoR,
            "liveness" => ViolationKind::Liveness,
            "bad-result" => ViolationKind::BadResult,
            other => {
                return Err(WorkerError::InvalidSettings(format!(
                    "--kind '{other}': choose failed-por, liveness or bad-result"
                )))
            }
        };
        Ok((
            pubkey("--node", &self.node)?,
            ViolationArgs {
                epoch: self.epoch,
                kind: kind as u8,
                evidence_hash: hash32("--evidence-hash", &self.evidence_hash)?,
                issued_at: self.issued_at,
            },
        ))
    }
}

/// The message one party signs.
#[derive(Subcommand)]
pub enum Message {
    Attestation(AttestationFields),
    Benchmark(BenchmarkFields),
    Violation(ViolationFields),
}

impl Message {
    fn signed_bytes(&self) -> Result<Vec<u8>, WorkerError> {
        Ok(match self {
            Message::Attestation(fields) => fields.attestation()?.to_signed_bytes(),
            Message::Benchmark(fields) => {
                let (node, args) = fields.parts()?;
                benchmark_message(&node, &args)
            }
            Message::Violation(fields) => {
                let (node, args) = fields.parts()?;
                violation_message(&node, &args)
            }
        })
    }
}

#[derive(Args)]
pub struct Submission {
    /// An endorsement file written by `chain sign` on its signer's host: the manager's first,
    /// then each verifier's, in the order the program should see them (SPEC §10).
    #[arg(long = "endorsement", value_name = "FILE", required = true)]
    endorsements: Vec<PathBuf>,
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
}

#[derive(Subcommand)]
pub enum ChainCommand {
    /// Write a new keypair file in the solana-keygen format (refuses to overwrite one).
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign one message with one key — on the host that holds it — and write the endorsement
    /// file the submitter assembles. No key ever leaves its host.
    Sign {
        /// The signer's keypair file: a manager's, or a verifier node's registered operator.
        #[arg(long)]
        keypair: PathBuf,
        /// Sign as this node's verifier; without it, as a manager.
        #[arg(long)]
        verifier_node: Option<String>,
        /// Where to write the endorsement (JSON: signer, node, signature).
        #[arg(long)]
        out: PathBuf,
        #[command(subcommand)]
        message: Message,
    },
    /// Submit a PorAttestation endorsed by a manager and the verifiers, paid and signed by the
    /// node's operator.
    Attest {
        #[arg(long)]
        operator_keypair: PathBuf,
        #[command(flatten)]
        fields: AttestationFields,
        #[command(flatten)]
        submission: Submission,
    },
    /// Submit a Benchmark (new IB) endorsed by a manager and the verifiers.
    Benchmark {
        #[command(flatten)]
        fields: BenchmarkFields,
        /// The deployment's IFX price account.
        #[arg(long)]
        price: String,
        #[command(flatten)]
        submission: Submission,
    },
    /// Submit a Violation endorsed by a manager and the verifiers (slashes the node's stake).
    Violation {
        #[command(flatten)]
        fields: ViolationFields,
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

fn read_endorsements(files: &[PathBuf]) -> Result<Vec<Endorsement>, WorkerError> {
    files
        .iter()
        .map(|file| {
            let named = |reason: String| {
                WorkerError::Chain(format!("endorsement file {}: {reason}", file.display()))
            };
            let text = std::fs::read_to_string(file).map_err(|e| named(e.to_string()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| named(format!("not JSON ({e}); `chain sign` writes it")))?;
            Endorsement::from_json(&value).map_err(named)
        })
        .collect()
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
        ChainCommand::Sign {
            keypair,
            verifier_node,
            out,
            message,
        } => {
            let key = read_keypair_file(&keypair)?;
            let node = match verifier_node {
                Some(node) => Some(pubkey("--verifier-node", &node)?),
                None => None,
            };
            let endorsement = Endorsement::sign(&message.signed_bytes()?, &key, node);
            let text = serde_json::to_string_pretty(&endorsement.to_json())
                .expect("an endorsement serializes");
            std::fs::write(&out, text + "\n").map_err(|e| WorkerError::Output {
                path: out.display().to_string(),
                reason: e.to_string(),
            })?;
            let role = node.map_or("manager".to_string(), |n| format!("verifier of {n}"));
            println!(
                "{} signed as {role}: endorsement written to {}",
                endorsement.signer,
                out.display()
            );
            Ok(())
        }
        ChainCommand::Attest {
            operator_keypair,
            fields,
            submission,
        } => {
            if submission.payer.is_some() {
                return Err(WorkerError::InvalidSettings(
                    "an attestation is paid and signed by the node's operator: drop --payer".into(),
                ));
            }
            let operator = read_keypair_file(&operator_keypair)?;
            let endorsements = read_endorsements(&submission.endorsements)?;
            let ixs = chain::endorsed_attestation_instructions(
                &operator.pubkey(),
                &fields.attestation()?,
                &endorsements,
            )?;
            submit(&submission, &operator, &ixs)
        }
        ChainCommand::Benchmark {
            fields,
            price,
            submission,
        } => {
            let (node, args) = fields.parts()?;
            let endorsements = read_endorsements(&submission.endorsements)?;
            let payer = required_payer(&submission)?;
            let ixs = chain::endorsed_benchmark_instructions(
                &node,
                &pubkey("--price", &price)?,
                args,
                &endorsements,
            )?;
            submit(&submission, &payer, &ixs)
        }
        ChainCommand::Violation {
            fields,
            ifx_mint,
            ifx_token_program,
            stake_era,
            submission,
        } => {
            let (node, args) = fields.parts()?;
            let endorsements = read_endorsements(&submission.endorsements)?;
            let payer = required_payer(&submission)?;
            let ifx = IfxToken {
                mint: pubkey("--ifx-mint", &ifx_mint)?,
                token_program: pubkey("--ifx-token-program", &ifx_token_program)?,
            };
            let ixs = chain::endorsed_violation_instructions(
                &payer.pubkey(),
                &node,
                &ifx,
                args,
                stake_era,
                &endorsements,
            )?;
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
