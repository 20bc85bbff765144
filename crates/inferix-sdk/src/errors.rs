//! Program error codes turned back into names and messages: each program's own errors from its
//! IDL (`idl/*.json`, the same file integrators read), the shared crate's `9000+` errors, and the
//! Anchor framework errors a client most often meets.

use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_common::errors::CommonError;
use solana_instruction::error::InstructionError;
use solana_transaction_error::TransactionError;

/// The IDL JSON of each Inferix program, as `tools/idl-gen` writes it.
pub const IDLS: [(Pubkey, &str); 4] = [
    (
        node_license::ID,
        include_str!("../../../idl/node_license.json"),
    ),
    (
        node_staking::ID,
        include_str!("../../../idl/node_staking.json"),
    ),
    (
        epoch_rewards::ID,
        include_str!("../../../idl/epoch_rewards.json"),
    ),
    (
        buyback_vault::ID,
        include_str!("../../../idl/buyback_vault.json"),
    ),
];

/// A named program error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramError {
    pub code: u32,
    pub name: String,
    pub msg: String,
}

pub(crate) fn parsed_idls() -> &'static [(Pubkey, serde_json::Value)] {
    static PARSED: OnceLock<Vec<(Pubkey, serde_json::Value)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        IDLS.iter()
            .map(|(id, text)| (*id, serde_json::from_str(text).expect("IDL files are JSON")))
            .collect()
    })
}

/// The program's name in its IDL (`node_staking`, …), for messages.
pub fn program_name(program: &Pubkey) -> Option<&'static str> {
    parsed_idls()
        .iter()
        .find(|(id, _)| id == program)
        .and_then(|(_, idl)| idl["metadata"]["name"].as_str())
}

// The framework errors a client meets when it passes a wrong account (anchor-lang's ErrorCode).
const ANCHOR_ERRORS: [(u32, &str, &str); 12] = [
    (2000, "ConstraintMut", "A mut constraint was violated"),
    (
        2001,
        "ConstraintHasOne",
        "A has one constraint was violated",
    ),
    (2003, "ConstraintRaw", "A raw constraint was violated"),
    (2006, "ConstraintSeeds", "A seeds constraint was violated"),
    (
        2012,
        "ConstraintAddress",
        "An address constraint was violated",
    ),
    (
        2014,
        "ConstraintTokenMint",
        "A token mint constraint was violated",
    ),
    (
        2015,
        "ConstraintTokenOwner",
        "A token owner constraint was violated",
    ),
    (
        3001,
        "AccountDiscriminatorNotFound",
        "No discriminator was found on the account",
    ),
    (
        3002,
        "AccountDiscriminatorMismatch",
        "Account discriminator did not match what was expected",
    ),
    (
        3007,
        "AccountOwnedByWrongProgram",
        "The given account is owned by a different program than expected",
    ),
    (3010, "AccountNotSigner", "The given account did not sign"),
    (
        3012,
        "AccountNotInitialized",
        "The program expected this account to be already initialized",
    ),
];

/// The errors any program may raise besides its own: the shared crate's `9000+` errors and the
/// Anchor framework errors above. `tools/idl-gen` writes them to `idl/errors.json` for clients in
/// other languages.
pub fn shared_errors() -> Vec<ProgramError> {
    let common = CommonError::ALL.iter().map(|e| ProgramError {
        code: u32::from(*e),
        name: e.name(),
        msg: e.to_string(),
    });
    let anchor = ANCHOR_ERRORS.iter().map(|(code, name, msg)| ProgramError {
        code: *code,
        name: name.to_string(),
        msg: msg.to_string(),
    });
    common.chain(anchor).collect()
}

/// The name and message of error `code` raised by `program`.
pub fn program_error(program: &Pubkey, code: u32) -> Option<ProgramError> {
    if let Some(e) = shared_errors().into_iter().find(|e| e.code == code) {
        return Some(e);
    }
    let named = |name: &str, msg: &str| ProgramError {
        code,
        name: name.to_string(),
        msg: msg.to_string(),
    };
    let (_, idl) = parsed_idls().iter().find(|(id, _)| id == program)?;
    idl["errors"]
        .as_array()?
        .iter()
        .find(|e| e["code"].as_u64() == Some(u64::from(code)))
        .map(|e| {
            named(
                e["name"].as_str().unwrap_or("?"),
                e["msg"].as_str().unwrap_or(""),
            )
        })
}

/// A refused transaction in words: which instruction, which program, and the error's name.
pub fn describe_transaction_error(
    error: &TransactionError,
    instructions: &[Instruction],
) -> String {
    let TransactionError::InstructionError(index, inner) = error else {
        return format!("the transaction was refused: {error}");
    };
    let program = instructions
        .get(usize::from(*index))
        .map(|ix| ix.program_id);
    let program_label = program
        .as_ref()
        .map(|p| program_name(p).map_or_else(|| p.to_string(), str::to_string))
        .unwrap_or_else(|| "?".into());
    match (inner, program) {
        (InstructionError::Custom(code), Some(program)) => match program_error(&program, *code) {
            Some(e) => format!(
                "{program_label} refused instruction {index}: {} ({}, error {code})",
                e.msg, e.name
            ),
            None => format!("{program_label} refused instruction {index}: custom error {code}"),
        },
        _ => format!("{program_label} refused instruction {index}: {inner}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_named_from_the_idl_the_shared_crate_and_anchor() {
        let staking_first = program_error(&node_staking::ID, 6001).unwrap();
        assert_eq!(staking_first.name, "NotAdmin");
        let license = program_error(&node_license::ID, 6001).unwrap();
        assert_eq!(license.name, "NotAdmin");
        let common = program_error(&epoch_rewards::ID, 9005).unwrap();
        assert_eq!(common.name, "Ed25519SignatureCount");
        let seeds = program_error(&buyback_vault::ID, 2006).unwrap();
        assert_eq!(seeds.name, "ConstraintSeeds");
        assert!(program_error(&Pubkey::new_unique(), 6001).is_none());
        assert_eq!(program_name(&epoch_rewards::ID), Some("epoch_rewards"));
    }

    #[test]
    fn a_refusal_names_instruction_program_and_error() {
        let ix = Instruction {
            program_id: node_staking::ID,
            accounts: vec![],
            data: vec![],
        };
        let error = TransactionError::InstructionError(0, InstructionError::Custom(6001));
        let text = describe_transaction_error(&error, &[ix]);
        assert_eq!(
            text,
            "node_staking refused instruction 0: Signer is not the admin (NotAdmin, error 6001)"
        );
    }
}
