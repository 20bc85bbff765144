use anchor_lang::prelude::*;

#[error_code]
pub enum LicenseError {
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
    #[msg("The license program is paused")]
    Paused,
    #[msg("Basis points above 10,000, or discount plus commission above the price")]
    InvalidReferralRates,
    #[msg("Lock duration must not be negative")]
    InvalidLockDuration,
    #[msg("A sale needs between 1 and 30 tiers")]
    InvalidTierCount,
    #[msg(
        "A tier needs a non-zero price and supply, and a whitelist allocation within its supply"
    )]
    InvalidTier,
    #[msg(
        "Sale windows must satisfy whitelist start <= whitelist end <= public start < public end"
    )]
    InvalidSchedule,
    #[msg("A window that has already started cannot be changed, nor moved into the past")]
    ScheduleAlreadyStarted,
    #[msg("Metadata URI too long")]
    UriTooLong,
    #[msg("No tier with this number in the sale")]
    UnknownTier,
    #[msg("The sale is in neither its whitelist nor its public window")]
    SaleNotActive,
    #[msg("The tier is not open yet: earlier tiers must sell out first")]
    TierNotOpen,
    #[msg("The tier is sold out")]
    TierSoldOut,
    #[msg("The tier's whitelist allocation is sold out")]
    TierWhitelistSoldOut,
    #[msg("This purchase would exceed the per-wallet cap of the tier")]
    WalletCapExceeded,
    #[msg("The whitelist window requires a whitelist proof")]
    WhitelistProofRequired,
    #[msg("The whitelist proof does not match this sale, wallet, tier and allocation")]
    InvalidWhitelistProof,
    #[msg("The wallet's whitelist allocation in this tier is used up")]
    WhitelistAllocationExceeded,
    #[msg("Whitelist proofs are only accepted during the whitelist window")]
    WhitelistWindowClosed,
    #[msg("Referral accounts are incomplete or mix a user code with a partner code")]
    InvalidReferralAccounts,
    #[msg("A buyer cannot refer themselves")]
    SelfReferral,
    #[msg("The referrer does not hold the license it presents")]
    ReferrerHoldsNoLicense,
    #[msg("The license record belongs to another mint")]
    LicenseMintMismatch,
    #[msg("The partner code is disabled")]
    PartnerCodeDisabled,
    #[msg("Partner code must be 1 to 16 bytes")]
    InvalidPartnerCode,
    #[msg("The commission account is not the referrer's account of the payment mint")]
    WrongCommissionAccount,
    #[msg("The payment mint is not the sale's")]
    WrongPaymentMint,
    #[msg("The treasury account is not the sale's")]
    WrongTreasury,
    #[msg("The sale's airdrop allocation is exhausted")]
    AirdropAllocationExhausted,
    #[msg("The license is still within its transfer lock")]
    LicenseStillLocked,
    #[msg("The license is not locked")]
    LicenseNotLocked,
    #[msg("Signer is not the configured buyback authority")]
    NotBuybackAuthority,
    #[msg("The token account does not hold this license")]
    WrongLicenseAccount,
}
