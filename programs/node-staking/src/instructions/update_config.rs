use crate::errors::StakingError;
use crate::events::ConfigUpdated;
use crate::instructions::config_admin::*;
use crate::state::StakingParams;
use anchor_lang::prelude::*;
use inferix_common::emit_event;

#[derive(AnchorSerialize, AnchorDeserialize, Clone)]
pub struct UpdateConfigArgs {
    pub pause_guardian: Pubkey,
    pub buyback_authority: Pubkey,
    pub params: StakingParams,
}

/// Replaces the governance parameters. Nodes are re-evaluated as they are next touched (or by
/// the permissionless `refresh_node`). The penalty destination stays what initialization set
/// (SPEC §10 item 8): an admin cannot redirect slashed stake to an account of their own.
pub fn handler(ctx: Context<ConfigAdmin>, args: UpdateConfigArgs) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.require_admin(&ctx.accounts.authority.key())?;
    args.params.validate()?;
    require_keys_eq!(
        args.params.verifier_pool,
        config.params.verifier_pool,
        StakingError::PenaltyDestinationFixed
    );
    config.pause_guardian = args.pause_guardian;
    config.buyback_authority = args.buyback_authority;
    config.params = args.params;
    emit_event!(ConfigUpdated {
        pause_guardian: args.pause_guardian,
        buyback_authority: args.buyback_authority,
        params: args.params,
    });
    Ok(())
}
