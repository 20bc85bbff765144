//! Every failure of the CLI says what went wrong and what to do about it.

use inferix_sdk::client::ChainError;
use inferix_sdk::keypair::KeypairFileError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub message: String,
    /// What the user should do next.
    pub hint: String,
}

impl CliError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  what to do: {}", self.message, self.hint)
    }
}

impl std::error::Error for CliError {}

// What to do after the program errors a holder is most likely to meet.
const HINTS: [(&str, &str); 16] = [
    ("NotNodeOwner", "sign with --keypair of the wallet that registered the node; a new license holder runs `inferix node take-over` first"),
    ("LicenseNotHeld", "sign with --keypair of the wallet whose associated account holds the license NFT"),
    ("StakeBelowMinimum", "stake at least S(n) (see `inferix status`), or deactivate the node with `inferix node set --deactivate` before unstaking below it"),
    ("InsufficientStake", "unstake at most the node's stake (see `inferix status`)"),
    ("StillUnbonding", "wait until the ticket's release time shown by `inferix status`"),
    ("EpochNotFinalized", "wait for the epoch's end plus the grace period; anyone may then finalize it"),
    ("EpochNotOver", "wait for the epoch's end plus the grace period (see `inferix status`)"),
    ("WindowClosed", "the buyback window is not open now; `inferix buyback quote` shows when it opens"),
    ("ParticipationTooLow", "a buyback needs the node's participation above the threshold; keep the node working"),
    ("AlreadyBoughtBack", "this license was already sold back; withdraw its vesting with `inferix buyback withdraw`"),
    ("SlippageExceeded", "the price moved; run `inferix buyback quote` again and retry"),
    ("TierNotOpen", "buy from the tier that is open now (`inferix license sale --kind worker|verifier`)"),
    ("TierSoldOut", "buy from the next tier"),
    ("WalletCapExceeded", "this wallet bought its tier's maximum; no more licenses of this tier for it"),
    ("WhitelistProofRequired", "the whitelist window is open: pass --whitelist-proof FILE from the sale's organizer, or wait for the public window"),
    ("InvalidWhitelistProof", "use the proof file issued for this wallet, tier and allocation"),
];

impl From<ChainError> for CliError {
    fn from(e: ChainError) -> Self {
        let hint = match &e {
            ChainError::Unreachable(_) => {
                "check --url (or json_rpc_url in the Solana CLI config) and your network"
                    .to_string()
            }
            ChainError::TooLarge { .. } => "send fewer items per transaction (--batch)".to_string(),
            ChainError::BadAccount { .. } => {
                "check the address you passed: it holds another kind of account".to_string()
            }
            ChainError::Refused { explanation, .. } => HINTS
                .iter()
                .find(|(name, _)| explanation.contains(&format!("({name}, ")))
                .map(|(_, hint)| hint.to_string())
                .unwrap_or_else(|| {
                    "read the program's message above; `inferix status` shows the node's state"
                        .to_string()
                }),
        };
        CliError::new(e.to_string(), hint)
    }
}

impl From<KeypairFileError> for CliError {
    fn from(e: KeypairFileError) -> Self {
        CliError::new(
            e.to_string(),
            "pass --keypair with your wallet's keypair file, or set keypair_path with `solana config set --keypair FILE`",
        )
    }
}

impl CliError {
    /// The same error, its message prefixed with what was being done.
    pub fn with_context(mut self, context: impl std::fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}
