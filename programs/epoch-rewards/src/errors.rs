use anchor_lang::prelude::*;

#[error_code]
pub enum RewardsError {
    #[msg("Only the program's upgrade authority can initialize the config")]
    NotUpgradeAuthority,
    #[msg("Signer is not the admin")]
    NotAdmin,
    #[msg("Signer is not the proposed admin")]
    NotPendingAdmin,
    #[msg("No admin handover is pending")]
    NoPendingAdmin,
    #[msg("Signer may not change the pause state this way")]
    NotPauseAuthority,
    #[msg("The rewards program is paused")]
    Paused,
    #[msg("A governance parameter is out of range")]
    InvalidParams,
    #[msg("The attestation is not for the current epoch")]
    EpochClosed,
    #[msg("The signed attestation names another deployment")]
    WrongConfig,
    #[msg("The signed attestation is for another node")]
    WrongNode,
    #[msg("The signed attestation is for another epoch than the accounts passed")]
    EpochMismatch,
    #[msg("The node is not active")]
    NodeNotActive,
    #[msg("The node is blacklisted")]
    NodeBlacklisted,
    #[msg("The attestation's IB differs from the node's benchmarked IB")]
    IbMismatch,
    #[msg("The attestation is older than the maximum age or from before its epoch")]
    AttestationStale,
    #[msg("The attestation is dated in the future")]
    AttestationFromFuture,
    #[msg("The attestation's sequence number does not increase")]
    SeqReplayed,
    #[msg("Cumulative IBM may not decrease")]
    IbmDecreased,
    #[msg("More IBM than the node's IB allows in the time elapsed")]
    ImplausibleIbm,
    #[msg("Too soon after the node's previous attestation")]
    TooSoon,
    #[msg("A verifier's epoch account is missing or belongs to another verifier or epoch")]
    VerifierEpochMismatch,
    #[msg("The epoch has not ended plus its grace period")]
    EpochNotOver,
    #[msg("The epoch is already finalized")]
    EpochAlreadyFinalized,
    #[msg("The epoch is not finalized yet")]
    EpochNotFinalized,
    #[msg("The token account does not hold this node's license")]
    LicenseNotHeld,
    #[msg("The node is not a verifier")]
    NotAVerifier,
    #[msg("The clawback date can only be set once and then only moved later")]
    ClawbackOnlyLater,
    #[msg("Claims for this epoch have been clawed back")]
    ClaimsClosed,
    #[msg("The clawback date has not been reached")]
    ClawbackNotReached,
    #[msg("Only worker nodes are credited by attestations")]
    OnlyWorkersCredited,
    #[msg("The attestation's payer must be the node's operator, signing the transaction")]
    PayerNotOperator,
    #[msg("The reward vault cannot cover this epoch yet: fund it, or finalize after the funding timeout")]
    RewardVaultUnderfunded,
    #[msg("The reward's recipient is a program address: it must sign the claim")]
    HolderMustSign,
    #[msg("Rewards go to the license holder, or for a bought-back node to the owner who sold it")]
    NotTheRecipient,
}
