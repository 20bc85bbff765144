use anchor_lang::prelude::*;

#[error_code]
pub enum StakingError {
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
    #[msg("The staking program is paused")]
    Paused,
    #[msg("A governance parameter is out of range")]
    InvalidParams,
    #[msg("Signer is not the price authority")]
    NotPriceAuthority,
    #[msg("The price account is not the configured price source")]
    WrongPriceAccount,
    #[msg("The token account does not hold this license")]
    LicenseNotHeld,
    #[msg("This license already has a node")]
    NodeAlreadyRegistered,
    #[msg("The node is blacklisted")]
    NodeBlacklisted,
    #[msg("The node is retired")]
    NodeRetired,
    #[msg("Signer is not the node's owner")]
    NotNodeOwner,
    #[msg("The signer already owns this node")]
    AlreadyOwner,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("More than the node's stake")]
    InsufficientStake,
    #[msg(
        "The remaining stake would not cover the node's minimum stake; deactivate the node first"
    )]
    StakeBelowMinimum,
    #[msg("Amount too small to take a share of the unbonding pool")]
    UnbondingTooSmall,
    #[msg("The unbonding period has not ended")]
    StillUnbonding,
    #[msg("The ticket belongs to another staker")]
    NotTicketStaker,
    #[msg("The signed message is older than the maximum age")]
    MessageStale,
    #[msg("The signed message is dated in the future")]
    MessageFromFuture,
    #[msg("The benchmark is not newer than the node's last one")]
    BenchmarkReplayed,
    #[msg("The IB change exceeds the maximum per update")]
    IbUpdateTooLarge,
    #[msg("Fewer distinct verifiers than the quorum")]
    UnderQuorum,
    #[msg("A co-signing verifier node is not active")]
    NotActiveVerifier,
    #[msg("The same verifier node co-signs twice")]
    DuplicateVerifier,
    #[msg("Unknown violation kind")]
    UnknownViolationKind,
    #[msg("This evidence has already been used")]
    EvidenceAlreadyUsed,
    #[msg("The appeal window has closed")]
    AppealWindowClosed,
    #[msg("The appeal window is still open")]
    AppealWindowOpen,
    #[msg("The slash is no longer pending")]
    SlashNotPending,
    #[msg("The node is not blacklisted")]
    NodeNotBlacklisted,
    #[msg("The destination is not the configured verifier pool")]
    WrongVerifierPool,
    #[msg("Signer is not the buyback authority")]
    NotBuybackAuthority,
    #[msg("The node is a verifier, which has no price per IBM")]
    NotAWorker,
    #[msg("A worker's price per IBM is below the governance floor")]
    InvalidNodePrice,
    #[msg("A co-signer is not a verifier node")]
    CoSignerNotVerifier,
    #[msg("A co-signing verifier node is blacklisted")]
    CoSignerBlacklisted,
    #[msg("A co-signing verifier shares its owner or operator with the node it vouches for")]
    CoSignerNotIndependent,
    #[msg("Only worker nodes are benchmarked")]
    OnlyWorkersBenchmarked,
    #[msg("The penalty destination is fixed at initialization")]
    PenaltyDestinationFixed,
    #[msg("The penalty destination must be epoch-rewards' penalty-inflow vault")]
    PenaltyDestinationNotInflow,
    #[msg("This concerns a sealed stake era: pass its StakeEra account")]
    StakeEraRequired,
    #[msg("The StakeEra account is not the era this concerns")]
    WrongStakeEra,
    #[msg("The slashed staker has no ticket left: pass their IFX token account")]
    StakerAccountRequired,
}
