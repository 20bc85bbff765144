use anchor_lang::prelude::*;

/// The ticket id of a node's retirement (a buyback): fixed, so nobody can make a buyback fail by
/// moving the node's ticket counter first (SPEC §10 item 6).
pub const RETIREMENT_TICKET_ID: u64 = u64::MAX;

/// The ticket id of a node's first take-over; each take-over uses the node's
/// `next_take_over_ticket_id` and counts it down, so only a take-over moves it, and unstaking ids
/// (counted up from 0) never meet it.
pub const FIRST_TAKE_OVER_TICKET_ID: u64 = RETIREMENT_TICKET_ID - 1;

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
    /// The stake era whose pool the shares are of.
    pub era: u32,
    pub shares: u64,
    pub release_at: i64,
    pub bump: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_ticket_ids_sit_at_the_top_of_the_id_space() {
        assert_eq!(FIRST_TAKE_OVER_TICKET_ID, u64::MAX - 1);
        assert!(FIRST_TAKE_OVER_TICKET_ID - u32::MAX as u64 > 1 << 63);
    }
}
