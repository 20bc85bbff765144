use crate::errors::LicenseError;
use crate::events::{LicensePurchased, TierOpened};
use crate::license_nft::{LicenseMetadata, LicenseNft, LicenseTerms};
use crate::state::{
    LicenseConfig, LicenseRecord, PartnerCode, PriceQuote, Sale, SalePhase, WalletPurchases,
};
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};
use inferix_common::emit_event;
use inferix_common::math::{
    checked_add, checked_sub, usd_micros_to_stable_units_ceil, usd_micros_to_stable_units_floor,
};
use inferix_common::{merkle, seeds};

/// A buyer's whitelist leaf: their allocation in the tier and its Merkle proof.
#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct WhitelistProof {
    pub allocation: u16,
    pub proof: Vec<[u8; 32]>,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct PurchaseLicenseArgs {
    /// Tier number (1-based); the buyer names it so the price cannot change under them.
    pub tier: u8,
    /// Required in the whitelist window, refused in the public one.
    pub whitelist: Option<WhitelistProof>,
}

/// Buys one license: pays the tier price (less any referral discount) in the sale's stablecoin,
/// pays the referral commission in the same transaction, and mints the license NFT, locked.
///
/// A user-code referral passes `referrer_license` + `referrer_license_account` (the referrer's
/// license record and the token account holding that license); a partner code passes
/// `partner_code`. Either way `commission_account` is the referrer's account of the payment mint.
#[derive(Accounts)]
pub struct PurchaseLicense<'info> {
    #[account(mut)]
    pub buyer: Signer<'info>,
    #[account(seeds = [seeds::LICENSE_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, LicenseConfig>>,
    #[account(mut, seeds = [seeds::SALE, &sale.sale_id.to_le_bytes()], bump = sale.bump)]
    pub sale: Box<Account<'info, Sale>>,
    #[account(
        init_if_needed,
        payer = buyer,
        space = 8 + WalletPurchases::INIT_SPACE,
        seeds = [seeds::WALLET_PURCHASES, sale.key().as_ref(), buyer.key().as_ref()],
        bump,
    )]
    pub wallet_purchases: Box<Account<'info, WalletPurchases>>,
    #[account(
        init,
        payer = buyer,
        mint::decimals = 0,
        mint::authority = config,
        mint::freeze_authority = config,
        mint::token_program = license_token_program,
        extensions::metadata_pointer::authority = config,
        extensions::metadata_pointer::metadata_address = license_mint,
    )]
    pub license_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = buyer,
        space = 8 + LicenseRecord::INIT_SPACE,
        seeds = [seeds::LICENSE, license_mint.key().as_ref()],
        bump,
    )]
    pub license_record: Box<Account<'info, LicenseRecord>>,
    #[account(
        init,
        payer = buyer,
        associated_token::mint = license_mint,
        associated_token::authority = buyer,
        associated_token::token_program = license_token_program,
    )]
    pub buyer_license_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        address = sale.payment_mint @ LicenseError::WrongPaymentMint,
        mint::token_program = payment_token_program,
    )]
    pub payment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        token::mint = payment_mint,
        token::authority = buyer,
        token::token_program = payment_token_program,
    )]
    pub buyer_payment_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = sale.treasury @ LicenseError::WrongTreasury)]
    pub treasury: Box<InterfaceAccount<'info, TokenAccount>>,
    pub referrer_license: Option<Box<Account<'info, LicenseRecord>>>,
    pub referrer_license_account: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    #[account(mut, seeds = [seeds::PARTNER_CODE, partner_code.code.as_bytes()], bump = partner_code.bump)]
    pub partner_code: Option<Box<Account<'info, PartnerCode>>>,
    #[account(mut)]
    pub commission_account: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub payment_token_program: Interface<'info, TokenInterface>,
    pub license_token_program: Program<'info, Token2022>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

/// The referral a purchase carries, resolved and checked.
struct Referral {
    discount_bps: u16,
    commission_bps: u16,
    /// The referrer wallet (user code) or the partner-code account.
    referral: Pubkey,
    /// Wallet that must own the commission account.
    commission_receiver: Pubkey,
}

impl<'info> PurchaseLicense<'info> {
    fn resolve_referral(&self) -> Result<Option<Referral>> {
        let buyer = self.buyer.key();
        let referral = match (
            &self.referrer_license,
            &self.referrer_license_account,
            &self.partner_code,
        ) {
            (None, None, None) => return Ok(None),
            (Some(record), Some(holding), None) => {
                require_keys_eq!(holding.mint, record.mint, LicenseError::LicenseMintMismatch);
                require!(holding.amount == 1, LicenseError::ReferrerHoldsNoLicense);
                require_keys_neq!(holding.owner, buyer, LicenseError::SelfReferral);
                Referral {
                    discount_bps: self.config.user_code_discount_bps,
                    commission_bps: self.config.user_code_commission_bps,
                    referral: holding.owner,
                    commission_receiver: holding.owner,
                }
            }
            (None, None, Some(code)) => {
                require!(code.enabled, LicenseError::PartnerCodeDisabled);
                require_keys_neq!(code.receiver, buyer, LicenseError::SelfReferral);
                Referral {
                    discount_bps: code.discount_bps,
                    commission_bps: code.commission_bps,
                    referral: code.key(),
                    commission_receiver: code.receiver,
                }
            }
            _ => return err!(LicenseError::InvalidReferralAccounts),
        };
        let commission_account = self
            .commission_account
            .as_ref()
            .ok_or(LicenseError::InvalidReferralAccounts)?;
        require!(
            commission_account.mint == self.payment_mint.key()
                && commission_account.owner == referral.commission_receiver,
            LicenseError::WrongCommissionAccount
        );
        Ok(Some(referral))
    }

    /// Checks the whitelist proof against the tier's root and the wallet's allocation.
    fn check_whitelist(
        &self,
        tier: u8,
        phase: SalePhase,
        proof: Option<&WhitelistProof>,
    ) -> Result<()> {
        let proof = match (phase, proof) {
            (SalePhase::Public, None) => return Ok(()),
            (SalePhase::Public, Some(_)) => return err!(LicenseError::WhitelistWindowClosed),
            (SalePhase::Whitelist, None) => return err!(LicenseError::WhitelistProofRequired),
            (SalePhase::Whitelist, Some(proof)) => proof,
        };
        let root = self.sale.tier(tier)?.whitelist_root;
        let leaf =
            merkle::whitelist_leaf(&self.sale.key(), &self.buyer.key(), tier, proof.allocation);
        require!(
            root != [0; 32] && merkle::verify_proof(leaf, &proof.proof, &root),
            LicenseError::InvalidWhitelistProof
        );
        require!(
            self.wallet_purchases.whitelist_purchased[tier as usize - 1] < proof.allocation,
            LicenseError::WhitelistAllocationExceeded
        );
        Ok(())
    }

    fn pay(&self, to: &InterfaceAccount<'info, TokenAccount>, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        transfer_checked(
            CpiContext::new(
                self.payment_token_program.key(),
                TransferChecked {
                    from: self.buyer_payment_account.to_account_info(),
                    mint: self.payment_mint.to_account_info(),
                    to: to.to_account_info(),
                    authority: self.buyer.to_account_info(),
                },
            ),
            amount,
            self.payment_mint.decimals,
        )
    }
}

pub fn handler(mut ctx: Context<PurchaseLicense>, args: PurchaseLicenseArgs) -> Result<()> {
    let accounts = &ctx.accounts;
    accounts.config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    let phase = accounts
        .sale
        .schedule
        .phase(now)
        .ok_or(LicenseError::SaleNotActive)?;
    let tier = args.tier;
    accounts.sale.check_available(tier, phase)?;
    let tier_index = tier as usize - 1;
    accounts.check_whitelist(tier, phase, args.whitelist.as_ref())?;
    let wallet_cap = accounts.sale.tiers[tier_index].wallet_cap;
    require!(
        wallet_cap == 0 || (accounts.wallet_purchases.purchased[tier_index] as u32) < wallet_cap,
        LicenseError::WalletCapExceeded
    );

    let referral = accounts.resolve_referral()?;
    let (discount_bps, commission_bps) = referral
        .as_ref()
        .map_or((0, 0), |r| (r.discount_bps, r.commission_bps));
    let quote = PriceQuote::new(
        accounts.sale.tiers[tier_index].price_usd,
        discount_bps,
        commission_bps,
    )?;
    let decimals = accounts.payment_mint.decimals;
    let paid_amount = usd_micros_to_stable_units_ceil(quote.price_paid_usd, decimals)?;
    let commission_amount = usd_micros_to_stable_units_floor(quote.commission_usd, decimals)?;
    accounts.pay(
        &accounts.treasury,
        checked_sub(paid_amount, commission_amount)?,
    )?;
    if let Some(commission_account) = &accounts.commission_account {
        accounts.pay(commission_account, commission_amount)?;
    }

    let accounts = &mut ctx.accounts;
    let opened_tier = accounts.sale.record_purchase(tier, phase, &quote)?;
    let serial = accounts.sale.take_serial()?;
    if let Some(code) = accounts.partner_code.as_mut() {
        code.uses = code
            .uses
            .checked_add(1)
            .ok_or(inferix_common::CommonError::MathOverflow)?;
        code.commissions_usd = checked_add(code.commissions_usd, quote.commission_usd)?;
    }
    let wallet = &mut accounts.wallet_purchases;
    wallet.sale = accounts.sale.key();
    wallet.wallet = accounts.buyer.key();
    wallet.bump = ctx.bumps.wallet_purchases;
    wallet.record_purchase(tier_index, phase == SalePhase::Whitelist)?;

    let record = LicenseNft {
        payer: &accounts.buyer.to_account_info(),
        mint: &accounts.license_mint.to_account_info(),
        holder_account: &accounts.buyer_license_account.to_account_info(),
        config: &accounts.config.to_account_info(),
        config_bump: accounts.config.bump,
        token_program: &accounts.license_token_program.to_account_info(),
        system_program: &accounts.system_program.to_account_info(),
    }
    .issue(
        LicenseMetadata::new(&accounts.sale, tier.to_string(), serial),
        LicenseTerms {
            sale: accounts.sale.key(),
            kind: accounts.sale.kind,
            tier,
            serial,
            price_paid_usd: quote.price_paid_usd,
            airdrop: false,
            minted_at: now,
            lock_duration_secs: accounts.config.lock_duration_secs,
        },
        ctx.bumps.license_record,
    )?;
    let unlocks_at = record.unlocks_at;
    accounts.license_record.set_inner(record);

    emit_event!(LicensePurchased {
        sale: accounts.sale.key(),
        mint: accounts.license_mint.key(),
        buyer: accounts.buyer.key(),
        tier,
        serial,
        whitelist: phase == SalePhase::Whitelist,
        list_price_usd: quote.list_price_usd,
        price_paid_usd: quote.price_paid_usd,
        discount_usd: quote.discount_usd,
        commission_usd: quote.commission_usd,
        referral: referral.map(|r| r.referral),
        paid_amount,
        commission_amount,
        unlocks_at,
    });
    if let Some(opened) = opened_tier {
        emit_event!(TierOpened {
            sale: accounts.sale.key(),
            tier: opened,
            by_sell_out: true,
        });
    }
    Ok(())
}
