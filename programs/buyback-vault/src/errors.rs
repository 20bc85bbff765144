use anchor_lang::prelude::*;

#[error_code]
pub enum BuybackError {
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
    #[msg("The buyback program is paused")]
    Paused,
    #[msg("A parameter is out of range, or the window changed after it opened")]
    InvalidParams,
    #[msg("The buyback window is not open")]
    WindowClosed,
    #[msg("The buyback window has not ended")]
    WindowNotEnded,
    #[msg("The signer does not hold this license")]
    LicenseNotHeld,
    #[msg("Airdropped licenses are not eligible")]
    Airdropped,
    #[msg("The license's node is blacklisted")]
    Blacklisted,
    #[msg("The license's node never ran")]
    NeverRan,
    #[msg("Participation is not above 2/3 of the epochs since the node started")]
    ParticipationTooLow,
    #[msg("This license was bought back already")]
    AlreadyBoughtBack,
    #[msg("The payout is below the minimum the holder accepts")]
    SlippageExceeded,
    #[msg("The vault cannot cover this payout")]
    FundExhausted,
    #[msg("The price account is not the configured price source")]
    WrongPriceAccount,
    #[msg("The account is not this program's or another Inferix program's expected account")]
    WrongAccount,
    #[msg("The license is not in custody")]
    NotInCustody,
    #[msg("The target node is not active")]
    NodeNotActive,
    #[msg("The buyback window can only move later, and not at all once it has opened")]
    WindowOnlyLater,
    #[msg("The seller does not own the license's node: take it over first")]
    SellerNotNodeOwner,
}
