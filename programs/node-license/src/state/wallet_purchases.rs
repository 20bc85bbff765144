use crate::constants::MAX_TIERS;
use anchor_lang::prelude::*;
use inferix_common::CommonError;

/// What one wallet bought in one sale, at `[WALLET_PURCHASES, sale, wallet]`: the per-wallet
/// caps and whitelist allocations are enforced against it across any number of transactions.
#[account]
#[derive(InitSpace)]
pub struct WalletPurchases {
    pub sale: Pubkey,
    pub wallet: Pubkey,
    /// Licenses bought per tier, in both phases (index = tier − 1).
    pub purchased: [u16; MAX_TIERS],
    /// Of those, bought with a whitelist proof.
    pub whitelist_purchased: [u16; MAX_TIERS],
    pub bump: u8,
}

impl WalletPurchases {
    /// Counts one purchase in tier `tier_index` (0-based).
    pub fn record_purchase(&mut self, tier_index: usize, whitelist: bool) -> Result<()> {
        let bump = |count: &mut u16| -> Result<()> {
            *count = count.checked_add(1).ok_or(CommonError::MathOverflow)?;
            Ok(())
        };
        bump(&mut self.purchased[tier_index])?;
        if whitelist {
            bump(&mut self.whitelist_purchased[tier_index])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_tier_and_refuses_to_wrap() {
        let mut wallet = WalletPurchases {
            sale: Pubkey::default(),
            wallet: Pubkey::default(),
            purchased: [0; MAX_TIERS],
            whitelist_purchased: [0; MAX_TIERS],
            bump: 0,
        };
        wallet.record_purchase(2, true).unwrap();
        wallet.record_purchase(2, false).unwrap();
        assert_eq!((wallet.purchased[2], wallet.whitelist_purchased[2]), (2, 1));
        wallet.purchased[0] = u16::MAX;
        assert!(wallet.record_purchase(0, false).is_err());
        assert_eq!(wallet.purchased[0], u16::MAX);
    }
}
