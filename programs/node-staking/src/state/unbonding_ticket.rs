use anchor_lang::prelude::*;

/// A claim on a node's unbonding pool, at `[UNBONDING, node, ticket_id]`. It holds shares, not
/// an amount, so a slash during unbonding reduces every ticket of the node proportionally.
#[account]
#[derive(InitSpace)]
pub struct UnbondingTicket {
    pub node: Pubkey,
    /// Who withdraws it (the node owner when it unstaked, or the previous owner on take-over).
    pub staker: Pubkey,
    /// Paid the ticket's rent and gets it back when the ticket closes.
    pub rent_payer: Pubkey,
    pub ticket_id: u64,
    pub shares: u64,
    pub release_at: i64,
    pub bump: u8,
}
