//! node-license: the Inferix node license sale (SPEC §2).
//!
//! Tiered sales of Worker and Verifier licenses paid in a USD stablecoin, whitelist rounds with
//! per-leaf allocations, user-code and partner-code referrals settled in the purchase, and one
//! Token-2022 NFT per license with a license record that the other programs read.

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod license_nft;
pub mod state;

use instructions::*;
use state::SaleSchedule;

declare_id!("81PM3XURe6qS5vmwqMutV6gmeExgmByEGxcDHwLHd72J");

#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Inferix node-license",
    project_url: "https://inferix.io",
    contacts: "email:security@inferix.io",
    policy: "https://inferix.io/security",
    source_code: "https://github.com/inferix/inferix-solana"
}

#[program]
pub mod node_license {
    use super::*;

    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        instructions::initialize_config::handler(ctx, args)
    }

    pub fn update_config(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
        instructions::update_config::handler(ctx, args)
    }

    pub fn propose_admin(ctx: Context<ProposeAdmin>, proposed: Pubkey) -> Result<()> {
        instructions::propose_admin::handler(ctx, proposed)
    }

    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        instructions::accept_admin::handler(ctx)
    }

    pub fn set_paused(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
        instructions::set_paused::handler(ctx, paused)
    }

    pub fn initialize_sale(ctx: Context<InitializeSale>, args: InitializeSaleArgs) -> Result<()> {
        instructions::initialize_sale::handler(ctx, args)
    }

    pub fn update_sale_schedule(ctx: Context<SaleAdmin>, schedule: SaleSchedule) -> Result<()> {
        instructions::update_sale_schedule::handler(ctx, schedule)
    }

    pub fn set_whitelist_root(ctx: Context<SaleAdmin>, tier: u8, root: [u8; 32]) -> Result<()> {
        instructions::set_whitelist_root::handler(ctx, tier, root)
    }

    pub fn open_tier(ctx: Context<SaleAdmin>, tier: u8) -> Result<()> {
        instructions::open_tier::handler(ctx, tier)
    }

    pub fn register_partner_code(
        ctx: Context<RegisterPartnerCode>,
        args: RegisterPartnerCodeArgs,
    ) -> Result<()> {
        instructions::register_partner_code::handler(ctx, args)
    }

    pub fn update_partner_code(
        ctx: Context<UpdatePartnerCode>,
        args: UpdatePartnerCodeArgs,
    ) -> Result<()> {
        instructions::update_partner_code::handler(ctx, args)
    }

    pub fn purchase_license(
        ctx: Context<PurchaseLicense>,
        args: PurchaseLicenseArgs,
    ) -> Result<()> {
        instructions::purchase_license::handler(ctx, args)
    }

    pub fn airdrop_license(ctx: Context<AirdropLicense>) -> Result<()> {
        instructions::airdrop_license::handler(ctx)
    }

    pub fn unlock_license(ctx: Context<LicenseHolding>) -> Result<()> {
        instructions::unlock_license::handler(ctx)
    }

    pub fn release_for_buyback(ctx: Context<ReleaseForBuyback>) -> Result<()> {
        instructions::release_for_buyback::handler(ctx)
    }
}
