use crate::state::LicenseKind;
use anchor_lang::prelude::*;

/// One per license NFT, at `[LICENSE, mint]`. Other programs read it (owner and discriminator
/// checked) for the kind, the price actually paid and the airdrop flag.
#[account]
#[derive(InitSpace)]
pub struct LicenseRecord {
    pub mint: Pubkey,
    pub sale: Pubkey,
    pub kind: LicenseKind,
    /// Tier number (1-based); 0 for airdrops, which belong to no tier.
    pub tier: u8,
    /// Serial within the sale, from 1; shared by purchases and airdrops.
    pub serial: u32,
    /// Micro-USD the buyer actually paid, after any discount; 0 for airdrops.
    pub price_paid_usd: u64,
    pub purchased_at: i64,
    /// End of the transfer lock.
    pub unlocks_at: i64,
    pub airdrop: bool,
    /// True while the holder's token account is frozen by the transfer lock.
    pub locked: bool,
    pub bump: u8,
}

impl LicenseRecord {
    pub fn is_unlockable(&self, now: i64) -> bool {
        now >= self.unlocks_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlock_starts_exactly_at_the_end_of_the_lock() {
        let record = LicenseRecord {
            mint: Pubkey::default(),
            sale: Pubkey::default(),
            kind: LicenseKind::Worker,
            tier: 1,
            serial: 1,
            price_paid_usd: 0,
            purchased_at: 100,
            unlocks_at: 200,
            airdrop: false,
            locked: true,
            bump: 0,
        };
        assert!(!record.is_unlockable(199));
        assert!(record.is_unlockable(200));
    }
}
