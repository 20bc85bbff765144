use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlashStatus {
    /// In the penalty vault, within its appeal window.
    Pending,
    /// Returned to its staker by the admin within the window.
    Reversed,
    /// Sent to the verifier pool after the window.
    Released,
}

/// One slash, at `[SLASH, evidence_hash]`: its existence makes each piece of evidence usable once.
#[account]
#[derive(InitSpace)]
pub struct SlashRecord {
    pub node: Pubkey,
    /// Whose stake it took: the node's owner during `era`, to whom a reversal returns it.
    pub staker: Pubkey,
    pub era: u32,
    pub evidence_hash: [u8; 32],
    pub kind: u8,
    pub epoch: u32,
    pub from_stake: u64,
    pub from_unbonding: u64,
    pub slashed_at: i64,
    pub status: SlashStatus,
    /// Whether this slash's strike blacklisted the node (a reversal lifts it).
    pub blacklisted_node: bool,
    pub bump: u8,
}

impl SlashRecord {
    pub fn amount(&self) -> u64 {
        self.from_stake + self.from_unbonding
    }

    pub fn appeal_ends_at(&self, appeal_window_secs: i64) -> i64 {
        self.slashed_at.saturating_add(appeal_window_secs)
    }
}
