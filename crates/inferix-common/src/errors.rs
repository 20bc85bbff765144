use anchor_lang::prelude::*;

/// Errors raised by the shared checks. The offset keeps them apart from every program's own
/// `6000+` codes, so a client decodes a code to exactly one name whichever program raised it.
#[error_code(offset = 9000)]
pub enum CommonError {
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("Division by zero")]
    DivisionByZero,
    #[msg("Basis points above 10,000")]
    InvalidBasisPoints,
    #[msg("The instruction before this one is not an Ed25519 precompile instruction")]
    Ed25519InstructionMissing,
    #[msg("The Ed25519 precompile instruction is not immediately before this instruction")]
    Ed25519UnexpectedPosition,
    #[msg("The Ed25519 instruction carries a different number of signatures than required")]
    Ed25519SignatureCount,
    #[msg("The Ed25519 instruction data does not have the canonical layout")]
    Ed25519MalformedData,
    #[msg("An Ed25519 signature offset points outside the canonical position")]
    Ed25519OffsetMismatch,
    #[msg("An Ed25519 instruction index points at another instruction")]
    Ed25519InstructionIndexMismatch,
    #[msg("The Ed25519 instruction was signed by an unexpected key")]
    Ed25519SignerMismatch,
    #[msg("The same key signs twice in one Ed25519 instruction")]
    Ed25519DuplicateSigner,
    #[msg("The Ed25519 instruction signs other bytes than the expected message")]
    Ed25519MessageMismatch,
    #[msg("The signed message has the wrong domain tag or length")]
    MessageMalformed,
    #[msg("The account is not the instructions sysvar")]
    NotInstructionsSysvar,
    #[msg("The price account is not owned by the expected oracle program")]
    PriceWrongOwner,
    #[msg("The price account is not a Pyth PriceUpdateV2 account")]
    PriceMalformed,
    #[msg("The price account is for another feed")]
    PriceWrongFeed,
    #[msg("The price update is only partially verified")]
    PricePartiallyVerified,
    #[msg("The price is older than the maximum age")]
    PriceStale,
    #[msg("The price is dated in the future")]
    PriceFromFuture,
    #[msg("The price's confidence interval is wider than allowed")]
    PriceLowConfidence,
    #[msg("The price is zero or negative")]
    PriceNotPositive,
    #[msg("The time is before the epoch schedule's origin")]
    BeforeEpochOrigin,
    #[msg("The epoch precedes the schedule's known segments")]
    EpochUnknown,
    #[msg("Epoch length must be positive")]
    InvalidEpochLength,
    #[msg("The first signer of the Ed25519 instruction is not one of the deployment's managers")]
    NotAManager,
    #[msg("The manager set is full (4 keys at most)")]
    ManagerSetFull,
    #[msg("The key is already a manager")]
    AlreadyAManager,
    #[msg("The manager set may be empty only while the program is paused")]
    ManagerSetEmpty,
    #[msg("A manager key is the default (all-zero) key")]
    InvalidManager,
}

impl CommonError {
    /// Every variant in code order, for clients that turn a code back into its name.
    pub const ALL: [CommonError; 30] = [
        CommonError::MathOverflow,
        CommonError::DivisionByZero,
        CommonError::InvalidBasisPoints,
        CommonError::Ed25519InstructionMissing,
        CommonError::Ed25519UnexpectedPosition,
        CommonError::Ed25519SignatureCount,
        CommonError::Ed25519MalformedData,
        CommonError::Ed25519OffsetMismatch,
        CommonError::Ed25519InstructionIndexMismatch,
        CommonError::Ed25519SignerMismatch,
        CommonError::Ed25519DuplicateSigner,
        CommonError::Ed25519MessageMismatch,
        CommonError::MessageMalformed,
        CommonError::NotInstructionsSysvar,
        CommonError::PriceWrongOwner,
        CommonError::PriceMalformed,
        CommonError::PriceWrongFeed,
        CommonError::PricePartiallyVerified,
        CommonError::PriceStale,
        CommonError::PriceFromFuture,
        CommonError::PriceLowConfidence,
        CommonError::PriceNotPositive,
        CommonError::BeforeEpochOrigin,
        CommonError::EpochUnknown,
        CommonError::InvalidEpochLength,
        CommonError::NotAManager,
        CommonError::ManagerSetFull,
        CommonError::AlreadyAManager,
        CommonError::ManagerSetEmpty,
        CommonError::InvalidManager,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_variant_in_code_order() {
        for (i, e) in CommonError::ALL.iter().enumerate() {
            assert_eq!(u32::from(*e), 9000 + i as u32);
        }
        assert_eq!(
            CommonError::ALL.len(),
            CommonError::InvalidManager as usize + 1
        );
    }
}
