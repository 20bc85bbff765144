// Written by scripts/generate.mjs from idl/*.json: do not edit.
export type ErrorEntry = { code: number; name: string; msg: string };
export const ERROR_TABLE: {
  programs: Record<string, { program: string; errors: ErrorEntry[] }>;
  shared: ErrorEntry[];
} = {
  "programs": {
    "81PM3XURe6qS5vmwqMutV6gmeExgmByEGxcDHwLHd72J": {
      "program": "node_license",
      "errors": [
        {
          "code": 6000,
          "name": "NotUpgradeAuthority",
          "msg": "Only the program's upgrade authority can initialize the config"
        },
        {
          "code": 6001,
          "name": "NotAdmin",
          "msg": "Signer is not the admin"
        },
        {
          "code": 6002,
          "name": "NotPendingAdmin",
          "msg": "Signer is not the proposed admin"
        },
        {
          "code": 6003,
          "name": "NoPendingAdmin",
          "msg": "No admin handover is pending"
        },
        {
          "code": 6004,
          "name": "NotPauseAuthority",
          "msg": "Signer may not change the pause state this way"
        },
        {
          "code": 6005,
          "name": "Paused",
          "msg": "The license program is paused"
        },
        {
          "code": 6006,
          "name": "InvalidReferralRates",
          "msg": "Basis points above 10,000, or discount plus commission above the price"
        },
        {
          "code": 6007,
          "name": "InvalidLockDuration",
          "msg": "Lock duration must not be negative"
        },
        {
          "code": 6008,
          "name": "InvalidTierCount",
          "msg": "A sale needs between 1 and 30 tiers"
        },
        {
          "code": 6009,
          "name": "InvalidTier",
          "msg": "A tier needs a non-zero price and supply, and a whitelist allocation within its supply"
        },
        {
          "code": 6010,
          "name": "InvalidSchedule",
          "msg": "Sale windows must satisfy whitelist start <= whitelist end <= public start < public end"
        },
        {
          "code": 6011,
          "name": "ScheduleAlreadyStarted",
          "msg": "A window that has already started cannot be changed, nor moved into the past"
        },
        {
          "code": 6012,
          "name": "UriTooLong",
          "msg": "Metadata URI too long"
        },
        {
          "code": 6013,
          "name": "UnknownTier",
          "msg": "No tier with this number in the sale"
        },
        {
          "code": 6014,
          "name": "SaleNotActive",
          "msg": "The sale is in neither its whitelist nor its public window"
        },
        {
          "code": 6015,
          "name": "TierNotOpen",
          "msg": "The tier is not open yet: earlier tiers must sell out first"
        },
        {
          "code": 6016,
          "name": "TierSoldOut",
          "msg": "The tier is sold out"
        },
        {
          "code": 6017,
          "name": "TierWhitelistSoldOut",
          "msg": "The tier's whitelist allocation is sold out"
        },
        {
          "code": 6018,
          "name": "WalletCapExceeded",
          "msg": "This purchase would exceed the per-wallet cap of the tier"
        },
        {
          "code": 6019,
          "name": "WhitelistProofRequired",
          "msg": "The whitelist window requires a whitelist proof"
        },
        {
          "code": 6020,
          "name": "InvalidWhitelistProof",
          "msg": "The whitelist proof does not match this sale, wallet, tier and allocation"
        },
        {
          "code": 6021,
          "name": "WhitelistAllocationExceeded",
          "msg": "The wallet's whitelist allocation in this tier is used up"
        },
        {
          "code": 6022,
          "name": "WhitelistWindowClosed",
          "msg": "Whitelist proofs are only accepted during the whitelist window"
        },
        {
          "code": 6023,
          "name": "InvalidReferralAccounts",
          "msg": "Referral accounts are incomplete or mix a user code with a partner code"
        },
        {
          "code": 6024,
          "name": "SelfReferral",
          "msg": "A buyer cannot refer themselves"
        },
        {
          "code": 6025,
          "name": "ReferrerHoldsNoLicense",
          "msg": "The referrer does not hold the license it presents"
        },
        {
          "code": 6026,
          "name": "LicenseMintMismatch",
          "msg": "The license record belongs to another mint"
        },
        {
          "code": 6027,
          "name": "PartnerCodeDisabled",
          "msg": "The partner code is disabled"
        },
        {
          "code": 6028,
          "name": "InvalidPartnerCode",
          "msg": "Partner code must be 1 to 16 bytes"
        },
        {
          "code": 6029,
          "name": "WrongCommissionAccount",
          "msg": "The commission account is not the referrer's account of the payment mint"
        },
        {
          "code": 6030,
          "name": "WrongPaymentMint",
          "msg": "The payment mint is not the sale's"
        },
        {
          "code": 6031,
          "name": "WrongTreasury",
          "msg": "The treasury account is not the sale's"
        },
        {
          "code": 6032,
          "name": "AirdropAllocationExhausted",
          "msg": "The sale's airdrop allocation is exhausted"
        },
        {
          "code": 6033,
          "name": "LicenseStillLocked",
          "msg": "The license is still within its transfer lock"
        },
        {
          "code": 6034,
          "name": "LicenseNotLocked",
          "msg": "The license is not locked"
        },
        {
          "code": 6035,
          "name": "NotBuybackAuthority",
          "msg": "Signer is not the configured buyback authority"
        },
        {
          "code": 6036,
          "name": "WrongLicenseAccount",
          "msg": "The token account does not hold this license"
        }
      ]
    },
    "fwVNY8RhR7YveMLAAuakeDJHvrUvdRb3EPrfixK3UZv": {
      "program": "node_staking",
      "errors": [
        {
          "code": 6000,
          "name": "NotUpgradeAuthority",
          "msg": "Only the program's upgrade authority can initialize the config"
        },
        {
          "code": 6001,
          "name": "NotAdmin",
          "msg": "Signer is not the admin"
        },
        {
          "code": 6002,
          "name": "NotPendingAdmin",
          "msg": "Signer is not the proposed admin"
        },
        {
          "code": 6003,
          "name": "NoPendingAdmin",
          "msg": "No admin handover is pending"
        },
        {
          "code": 6004,
          "name": "NotPauseAuthority",
          "msg": "Signer may not change the pause state this way"
        },
        {
          "code": 6005,
          "name": "Paused",
          "msg": "The staking program is paused"
        },
        {
          "code": 6006,
          "name": "InvalidParams",
          "msg": "A governance parameter is out of range"
        },
        {
          "code": 6007,
          "name": "NotPriceAuthority",
          "msg": "Signer is not the price authority"
        },
        {
          "code": 6008,
          "name": "WrongPriceAccount",
          "msg": "The price account is not the configured price source"
        },
        {
          "code": 6009,
          "name": "LicenseNotHeld",
          "msg": "The token account does not hold this license"
        },
        {
          "code": 6010,
          "name": "NodeAlreadyRegistered",
          "msg": "This license already has a node"
        },
        {
          "code": 6011,
          "name": "NodeBlacklisted",
          "msg": "The node is blacklisted"
        },
        {
          "code": 6012,
          "name": "NodeRetired",
          "msg": "The node is retired"
        },
        {
          "code": 6013,
          "name": "NotNodeOwner",
          "msg": "Signer is not the node's owner"
        },
        {
          "code": 6014,
          "name": "AlreadyOwner",
          "msg": "The signer already owns this node"
        },
        {
          "code": 6015,
          "name": "ZeroAmount",
          "msg": "Amount must be greater than zero"
        },
        {
          "code": 6016,
          "name": "InsufficientStake",
          "msg": "More than the node's stake"
        },
        {
          "code": 6017,
          "name": "StakeBelowMinimum",
          "msg": "The remaining stake would not cover the node's minimum stake; deactivate the node first"
        },
        {
          "code": 6018,
          "name": "UnbondingTooSmall",
          "msg": "Amount too small to take a share of the unbonding pool"
        },
        {
          "code": 6019,
          "name": "StillUnbonding",
          "msg": "The unbonding period has not ended"
        },
        {
          "code": 6020,
          "name": "NotTicketStaker",
          "msg": "The ticket belongs to another staker"
        },
        {
          "code": 6021,
          "name": "MessageStale",
          "msg": "The signed message is older than the maximum age"
        },
        {
          "code": 6022,
          "name": "MessageFromFuture",
          "msg": "The signed message is dated in the future"
        },
        {
          "code": 6023,
          "name": "BenchmarkReplayed",
          "msg": "The benchmark is not newer than the node's last one"
        },
        {
          "code": 6024,
          "name": "IbUpdateTooLarge",
          "msg": "The IB change exceeds the maximum per update"
        },
        {
          "code": 6025,
          "name": "UnderQuorum",
          "msg": "Fewer distinct verifiers than the quorum"
        },
        {
          "code": 6026,
          "name": "NotActiveVerifier",
          "msg": "A co-signing verifier node is not active"
        },
        {
          "code": 6027,
          "name": "DuplicateVerifier",
          "msg": "The same verifier node co-signs twice"
        },
        {
          "code": 6028,
          "name": "UnknownViolationKind",
          "msg": "Unknown violation kind"
        },
        {
          "code": 6029,
          "name": "EvidenceAlreadyUsed",
          "msg": "This evidence has already been used"
        },
        {
          "code": 6030,
          "name": "AppealWindowClosed",
          "msg": "The appeal window has closed"
        },
        {
          "code": 6031,
          "name": "AppealWindowOpen",
          "msg": "The appeal window is still open"
        },
        {
          "code": 6032,
          "name": "SlashNotPending",
          "msg": "The slash is no longer pending"
        },
        {
          "code": 6033,
          "name": "NodeNotBlacklisted",
          "msg": "The node is not blacklisted"
        },
        {
          "code": 6034,
          "name": "WrongVerifierPool",
          "msg": "The destination is not the configured verifier pool"
        },
        {
          "code": 6035,
          "name": "NotBuybackAuthority",
          "msg": "Signer is not the buyback authority"
        },
        {
          "code": 6036,
          "name": "NotAWorker",
          "msg": "The node is a verifier, which has no price per IBM"
        },
        {
          "code": 6037,
          "name": "InvalidNodePrice",
          "msg": "A worker's price per IBM is below the governance floor"
        },
        {
          "code": 6038,
          "name": "CoSignerNotVerifier",
          "msg": "A co-signer is not a verifier node"
        },
        {
          "code": 6039,
          "name": "CoSignerBlacklisted",
          "msg": "A co-signing verifier node is blacklisted"
        },
        {
          "code": 6040,
          "name": "CoSignerNotIndependent",
          "msg": "A co-signing verifier shares its owner or operator with the node it vouches for"
        },
        {
          "code": 6041,
          "name": "OnlyWorkersBenchmarked",
          "msg": "Only worker nodes are benchmarked"
        },
        {
          "code": 6042,
          "name": "PenaltyDestinationFixed",
          "msg": "The penalty destination is fixed at initialization"
        },
        {
          "code": 6043,
          "name": "PenaltyDestinationNotInflow",
          "msg": "The penalty destination must be epoch-rewards' penalty-inflow vault"
        },
        {
          "code": 6044,
          "name": "StakeEraRequired",
          "msg": "This concerns a sealed stake era: pass its StakeEra account"
        },
        {
          "code": 6045,
          "name": "WrongStakeEra",
          "msg": "The StakeEra account is not the era this concerns"
        },
        {
          "code": 6046,
          "name": "StakerAccountRequired",
          "msg": "The slashed staker has no ticket left: pass their IFX token account"
        }
      ]
    },
    "CQPhMH2tjoJHy3YQN6XM25gXQxWHWP3GYXz5GYBndrSZ": {
      "program": "epoch_rewards",
      "errors": [
        {
          "code": 6000,
          "name": "NotUpgradeAuthority",
          "msg": "Only the program's upgrade authority can initialize the config"
        },
        {
          "code": 6001,
          "name": "NotAdmin",
          "msg": "Signer is not the admin"
        },
        {
          "code": 6002,
          "name": "NotPendingAdmin",
          "msg": "Signer is not the proposed admin"
        },
        {
          "code": 6003,
          "name": "NoPendingAdmin",
          "msg": "No admin handover is pending"
        },
        {
          "code": 6004,
          "name": "NotPauseAuthority",
          "msg": "Signer may not change the pause state this way"
        },
        {
          "code": 6005,
          "name": "Paused",
          "msg": "The rewards program is paused"
        },
        {
          "code": 6006,
          "name": "InvalidParams",
          "msg": "A governance parameter is out of range"
        },
        {
          "code": 6007,
          "name": "EpochClosed",
          "msg": "The attestation is not for the current epoch"
        },
        {
          "code": 6008,
          "name": "WrongConfig",
          "msg": "The signed attestation names another deployment"
        },
        {
          "code": 6009,
          "name": "WrongNode",
          "msg": "The signed attestation is for another node"
        },
        {
          "code": 6010,
          "name": "EpochMismatch",
          "msg": "The signed attestation is for another epoch than the accounts passed"
        },
        {
          "code": 6011,
          "name": "NodeNotActive",
          "msg": "The node is not active"
        },
        {
          "code": 6012,
          "name": "NodeBlacklisted",
          "msg": "The node is blacklisted"
        },
        {
          "code": 6013,
          "name": "IbMismatch",
          "msg": "The attestation's IB differs from the node's benchmarked IB"
        },
        {
          "code": 6014,
          "name": "AttestationStale",
          "msg": "The attestation is older than the maximum age or from before its epoch"
        },
        {
          "code": 6015,
          "name": "AttestationFromFuture",
          "msg": "The attestation is dated in the future"
        },
        {
          "code": 6016,
          "name": "SeqReplayed",
          "msg": "The attestation's sequence number does not increase"
        },
        {
          "code": 6017,
          "name": "IbmDecreased",
          "msg": "Cumulative IBM may not decrease"
        },
        {
          "code": 6018,
          "name": "ImplausibleIbm",
          "msg": "More IBM than the node's IB allows in the time elapsed"
        },
        {
          "code": 6019,
          "name": "TooSoon",
          "msg": "Too soon after the node's previous attestation"
        },
        {
          "code": 6020,
          "name": "VerifierEpochMismatch",
          "msg": "A verifier's epoch account is missing or belongs to another verifier or epoch"
        },
        {
          "code": 6021,
          "name": "EpochNotOver",
          "msg": "The epoch has not ended plus its grace period"
        },
        {
          "code": 6022,
          "name": "EpochAlreadyFinalized",
          "msg": "The epoch is already finalized"
        },
        {
          "code": 6023,
          "name": "EpochNotFinalized",
          "msg": "The epoch is not finalized yet"
        },
        {
          "code": 6024,
          "name": "LicenseNotHeld",
          "msg": "The token account does not hold this node's license"
        },
        {
          "code": 6025,
          "name": "NotAVerifier",
          "msg": "The node is not a verifier"
        },
        {
          "code": 6026,
          "name": "ClawbackOnlyLater",
          "msg": "The clawback date can only be set once and then only moved later"
        },
        {
          "code": 6027,
          "name": "ClaimsClosed",
          "msg": "Claims for this epoch have been clawed back"
        },
        {
          "code": 6028,
          "name": "ClawbackNotReached",
          "msg": "The clawback date has not been reached"
        },
        {
          "code": 6029,
          "name": "OnlyWorkersCredited",
          "msg": "Only worker nodes are credited by attestations"
        },
        {
          "code": 6030,
          "name": "PayerNotOperator",
          "msg": "The attestation's payer must be the node's operator, signing the transaction"
        },
        {
          "code": 6031,
          "name": "RewardVaultUnderfunded",
          "msg": "The reward vault cannot cover this epoch yet: fund it, or finalize after the funding timeout"
        },
        {
          "code": 6032,
          "name": "HolderMustSign",
          "msg": "The reward's recipient is a program address: it must sign the claim"
        },
        {
          "code": 6033,
          "name": "NotTheRecipient",
          "msg": "Rewards go to the license holder, or for a bought-back node to the owner who sold it"
        }
      ]
    },
    "343mbgUHCgdsHog68kYxBYXGE1L1WkCEJarHVtHRRLfA": {
      "program": "buyback_vault",
      "errors": [
        {
          "code": 6000,
          "name": "NotUpgradeAuthority",
          "msg": "Only the program's upgrade authority can initialize the config"
        },
        {
          "code": 6001,
          "name": "NotAdmin",
          "msg": "Signer is not the admin"
        },
        {
          "code": 6002,
          "name": "NotPendingAdmin",
          "msg": "Signer is not the proposed admin"
        },
        {
          "code": 6003,
          "name": "NoPendingAdmin",
          "msg": "No admin handover is pending"
        },
        {
          "code": 6004,
          "name": "NotPauseAuthority",
          "msg": "Signer may not change the pause state this way"
        },
        {
          "code": 6005,
          "name": "Paused",
          "msg": "The buyback program is paused"
        },
        {
          "code": 6006,
          "name": "InvalidParams",
          "msg": "A parameter is out of range, or the window changed after it opened"
        },
        {
          "code": 6007,
          "name": "WindowClosed",
          "msg": "The buyback window is not open"
        },
        {
          "code": 6008,
          "name": "WindowNotEnded",
          "msg": "The buyback window has not ended"
        },
        {
          "code": 6009,
          "name": "LicenseNotHeld",
          "msg": "The signer does not hold this license"
        },
        {
          "code": 6010,
          "name": "Airdropped",
          "msg": "Airdropped licenses are not eligible"
        },
        {
          "code": 6011,
          "name": "Blacklisted",
          "msg": "The license's node is blacklisted"
        },
        {
          "code": 6012,
          "name": "NeverRan",
          "msg": "The license's node never ran"
        },
        {
          "code": 6013,
          "name": "ParticipationTooLow",
          "msg": "Participation is not above 2/3 of the epochs since the node started"
        },
        {
          "code": 6014,
          "name": "AlreadyBoughtBack",
          "msg": "This license was bought back already"
        },
        {
          "code": 6015,
          "name": "SlippageExceeded",
          "msg": "The payout is below the minimum the holder accepts"
        },
        {
          "code": 6016,
          "name": "FundExhausted",
          "msg": "The vault cannot cover this payout"
        },
        {
          "code": 6017,
          "name": "WrongPriceAccount",
          "msg": "The price account is not the configured price source"
        },
        {
          "code": 6018,
          "name": "WrongAccount",
          "msg": "The account is not this program's or another Inferix program's expected account"
        },
        {
          "code": 6019,
          "name": "NotInCustody",
          "msg": "The license is not in custody"
        },
        {
          "code": 6020,
          "name": "NodeNotActive",
          "msg": "The target node is not active"
        },
        {
          "code": 6021,
          "name": "WindowOnlyLater",
          "msg": "The buyback window can only move later, and not at all once it has opened"
        },
        {
          "code": 6022,
          "name": "SellerNotNodeOwner",
          "msg": "The seller does not own the license's node: take it over first"
        }
      ]
    }
  },
  "shared": [
    {
      "code": 9000,
      "msg": "Arithmetic overflow",
      "name": "MathOverflow"
    },
    {
      "code": 9001,
      "msg": "Division by zero",
      "name": "DivisionByZero"
    },
    {
      "code": 9002,
      "msg": "Basis points above 10,000",
      "name": "InvalidBasisPoints"
    },
    {
      "code": 9003,
      "msg": "The instruction before this one is not an Ed25519 precompile instruction",
      "name": "Ed25519InstructionMissing"
    },
    {
      "code": 9004,
      "msg": "The Ed25519 precompile instruction is not immediately before this instruction",
      "name": "Ed25519UnexpectedPosition"
    },
    {
      "code": 9005,
      "msg": "The Ed25519 instruction carries a different number of signatures than required",
      "name": "Ed25519SignatureCount"
    },
    {
      "code": 9006,
      "msg": "The Ed25519 instruction data does not have the canonical layout",
      "name": "Ed25519MalformedData"
    },
    {
      "code": 9007,
      "msg": "An Ed25519 signature offset points outside the canonical position",
      "name": "Ed25519OffsetMismatch"
    },
    {
      "code": 9008,
      "msg": "An Ed25519 instruction index points at another instruction",
      "name": "Ed25519InstructionIndexMismatch"
    },
    {
      "code": 9009,
      "msg": "The Ed25519 instruction was signed by an unexpected key",
      "name": "Ed25519SignerMismatch"
    },
    {
      "code": 9010,
      "msg": "The same key signs twice in one Ed25519 instruction",
      "name": "Ed25519DuplicateSigner"
    },
    {
      "code": 9011,
      "msg": "The Ed25519 instruction signs other bytes than the expected message",
      "name": "Ed25519MessageMismatch"
    },
    {
      "code": 9012,
      "msg": "The signed message has the wrong domain tag or length",
      "name": "MessageMalformed"
    },
    {
      "code": 9013,
      "msg": "The account is not the instructions sysvar",
      "name": "NotInstructionsSysvar"
    },
    {
      "code": 9014,
      "msg": "The price account is not owned by the expected oracle program",
      "name": "PriceWrongOwner"
    },
    {
      "code": 9015,
      "msg": "The price account is not a Pyth PriceUpdateV2 account",
      "name": "PriceMalformed"
    },
    {
      "code": 9016,
      "msg": "The price account is for another feed",
      "name": "PriceWrongFeed"
    },
    {
      "code": 9017,
      "msg": "The price update is only partially verified",
      "name": "PricePartiallyVerified"
    },
    {
      "code": 9018,
      "msg": "The price is older than the maximum age",
      "name": "PriceStale"
    },
    {
      "code": 9019,
      "msg": "The price is dated in the future",
      "name": "PriceFromFuture"
    },
    {
      "code": 9020,
      "msg": "The price's confidence interval is wider than allowed",
      "name": "PriceLowConfidence"
    },
    {
      "code": 9021,
      "msg": "The price is zero or negative",
      "name": "PriceNotPositive"
    },
    {
      "code": 9022,
      "msg": "The time is before the epoch schedule's origin",
      "name": "BeforeEpochOrigin"
    },
    {
      "code": 9023,
      "msg": "The epoch precedes the schedule's known segments",
      "name": "EpochUnknown"
    },
    {
      "code": 9024,
      "msg": "Epoch length must be positive",
      "name": "InvalidEpochLength"
    },
    {
      "code": 9025,
      "msg": "The first signer of the Ed25519 instruction is not one of the deployment's managers",
      "name": "NotAManager"
    },
    {
      "code": 9026,
      "msg": "The manager set is full (4 keys at most)",
      "name": "ManagerSetFull"
    },
    {
      "code": 9027,
      "msg": "The key is already a manager",
      "name": "AlreadyAManager"
    },
    {
      "code": 9028,
      "msg": "The manager set may be empty only while the program is paused",
      "name": "ManagerSetEmpty"
    },
    {
      "code": 9029,
      "msg": "A manager key is the default (all-zero) key",
      "name": "InvalidManager"
    },
    {
      "code": 2000,
      "msg": "A mut constraint was violated",
      "name": "ConstraintMut"
    },
    {
      "code": 2001,
      "msg": "A has one constraint was violated",
      "name": "ConstraintHasOne"
    },
    {
      "code": 2003,
      "msg": "A raw constraint was violated",
      "name": "ConstraintRaw"
    },
    {
      "code": 2006,
      "msg": "A seeds constraint was violated",
      "name": "ConstraintSeeds"
    },
    {
      "code": 2012,
      "msg": "An address constraint was violated",
      "name": "ConstraintAddress"
    },
    {
      "code": 2014,
      "msg": "A token mint constraint was violated",
      "name": "ConstraintTokenMint"
    },
    {
      "code": 2015,
      "msg": "A token owner constraint was violated",
      "name": "ConstraintTokenOwner"
    },
    {
      "code": 3001,
      "msg": "No discriminator was found on the account",
      "name": "AccountDiscriminatorNotFound"
    },
    {
      "code": 3002,
      "msg": "Account discriminator did not match what was expected",
      "name": "AccountDiscriminatorMismatch"
    },
    {
      "code": 3007,
      "msg": "The given account is owned by a different program than expected",
      "name": "AccountOwnedByWrongProgram"
    },
    {
      "code": 3010,
      "msg": "The given account did not sign",
      "name": "AccountNotSigner"
    },
    {
      "code": 3012,
      "msg": "The program expected this account to be already initialized",
      "name": "AccountNotInitialized"
    }
  ]
};
