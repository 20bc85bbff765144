//! Instruction builders. Each returns the program instruction; signed messages go after the
//! precompile instruction from [`crate::signed::co_signed`].

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use inferix_common::ed25519::INSTRUCTIONS_SYSVAR_ID;
use node_staking::instructions::{BenchmarkArgs, ViolationArgs};

use crate::pda;

fn build(
    program_id: Pubkey,
    accounts: impl ToAccountMetas,
    data: impl InstructionData,
) -> Instruction {
    Instruction {
        program_id,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// `epoch_rewards::submit_attestation`: credits the node's verified IBM of `epoch`. Remaining
/// accounts: each co-signing verifier node and its credit account for the epoch, in signature
/// order.
pub fn submit_attestation(
    payer: &Pubkey,
    node: &Pubkey,
    epoch: u32,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        epoch_rewards::ID,
        epoch_rewards::accounts::SubmitAttestation {
            payer: *payer,
            config: pda::rewards_config(),
            epoch: pda::epoch(epoch),
            node: *node,
            node_rewards: pda::node_rewards(node),
            node_epoch: pda::node_epoch(epoch, node),
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
            system_program: anchor_lang::system_program::ID,
        },
        epoch_rewards::instruction::SubmitAttestation { epoch_index: epoch },
    );
    for verifier in verifiers {
        ix.accounts
            .push(AccountMeta::new_readonly(*verifier, false));
        ix.accounts.push(AccountMeta::new(
            pda::verifier_epoch(epoch, verifier),
            false,
        ));
    }
    ix
}

/// `node_staking::update_ib` from a verifier-signed `Benchmark`. `price` is the deployment's
/// IFX price account (Pyth or pushed), read when the node's minimum stake must be re-checked.
pub fn update_ib(
    node: &Pubkey,
    price: &Pubkey,
    args: BenchmarkArgs,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        node_staking::ID,
        node_staking::accounts::UpdateIb {
            config: pda::staking_config(),
            node: *node,
            price: *price,
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
        },
        node_staking::instruction::UpdateIb { args },
    );
    ix.accounts.extend(
        verifiers
            .iter()
            .map(|v| AccountMeta::new_readonly(*v, false)),
    );
    ix
}

/// `node_staking::report_violation` from a verifier-signed `Violation`.
pub fn report_violation(
    payer: &Pubkey,
    node: &Pubkey,
    ifx_mint: &Pubkey,
    ifx_token_program: &Pubkey,
    args: ViolationArgs,
    verifiers: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        node_staking::ID,
        node_staking::accounts::ReportViolation {
            payer: *payer,
            config: pda::staking_config(),
            node: *node,
            slash_record: pda::slash_record(&args.evidence_hash),
            stake_vault: pda::stake_vault(node),
            penalty_vault: pda::penalty_vault(),
            ifx_mint: *ifx_mint,
            ifx_token_program: *ifx_token_program,
            instructions_sysvar: INSTRUCTIONS_SYSVAR_ID,
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::ReportViolation { args },
    );
    ix.accounts.extend(
        verifiers
            .iter()
            .map(|v| AccountMeta::new_readonly(*v, false)),
    );
    ix
}
