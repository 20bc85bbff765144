//! Instruction builders of a deployment: each program's config, signed by its upgrade authority
//! (the program checks it against the `ProgramData` account), and the license sales.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;

use crate::instructions::{build, IfxToken};
use crate::pda;

/// `node_license::initialize_config`.
pub fn license_initialize_config(
    admin: &Pubkey,
    args: node_license::instructions::InitializeConfigArgs,
) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::InitializeConfig {
            admin: *admin,
            config: pda::license_config(),
            program_data: pda::program_data(&node_license::ID),
            system_program: anchor_lang::system_program::ID,
        },
        node_license::instruction::InitializeConfig { args },
    )
}

/// The payment side of a sale: its stablecoin and the treasury token account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SalePayment {
    pub mint: Pubkey,
    pub token_program: Pubkey,
    pub treasury: Pubkey,
}

/// `node_license::initialize_sale` of the config's next sale, `sale_id` (its `sale_count`).
pub fn initialize_sale(
    admin: &Pubkey,
    sale_id: u32,
    payment: &SalePayment,
    args: node_license::instructions::InitializeSaleArgs,
) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::InitializeSale {
            admin: *admin,
            config: pda::license_config(),
            sale: pda::sale(sale_id),
            payment_mint: payment.mint,
            treasury: payment.treasury,
            payment_token_program: payment.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        node_license::instruction::InitializeSale { args },
    )
}

/// `node_staking::initialize_config` with the deployment's IFX mint.
pub fn staking_initialize_config(
    admin: &Pubkey,
    ifx: &IfxToken,
    args: node_staking::instructions::InitializeConfigArgs,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::InitializeConfig {
            admin: *admin,
            config: pda::staking_config(),
            pushed_price: pda::pushed_price(),
            ifx_mint: ifx.mint,
            penalty_vault: pda::penalty_vault(),
            program_data: pda::program_data(&node_staking::ID),
            ifx_token_program: ifx.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::InitializeConfig { args },
    )
}

/// `epoch_rewards::initialize_config` with the deployment's IFX mint.
pub fn rewards_initialize_config(
    admin: &Pubkey,
    ifx: &IfxToken,
    args: epoch_rewards::instructions::InitializeConfigArgs,
) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::InitializeConfig {
            admin: *admin,
            config: pda::rewards_config(),
            ifx_mint: ifx.mint,
            reward_vault: pda::reward_vault(),
            penalty_inflow: pda::penalty_inflow(),
            vesting_vault: pda::vesting_vault(),
            program_data: pda::program_data(&epoch_rewards::ID),
            ifx_token_program: ifx.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        epoch_rewards::instruction::InitializeConfig { args },
    )
}

/// `buyback_vault::initialize_config` with the IFX and wETH mints it pays in.
pub fn buyback_initialize_config(
    admin: &Pubkey,
    ifx: &IfxToken,
    weth: &IfxToken,
    args: buyback_vault::instructions::InitializeConfigArgs,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_vault::accounts::InitializeConfig {
            admin: *admin,
            config: pda::buyback_config(),
            authority: pda::buyback_authority(),
            ifx_mint: ifx.mint,
            weth_mint: weth.mint,
            ifx_vault: pda::buyback_ifx_vault(),
            weth_vault: pda::buyback_weth_vault(),
            program_data: pda::program_data(&buyback_vault::ID),
            ifx_token_program: ifx.token_program,
            weth_token_program: weth.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::InitializeConfig { args },
    )
}

/// `node_staking::push_price`: the price authority's IFX/USD price (`price × 10^exponent` USD,
/// ± `conf`), read by staking and the buyback when the deployment has no Pyth IFX feed.
pub fn push_price(price_authority: &Pubkey, price: i64, conf: u64, exponent: i32) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::PushPrice {
            price_authority: *price_authority,
            config: pda::staking_config(),
            pushed_price: pda::pushed_price(),
        },
        node_staking::instruction::PushPrice {
            price,
            conf,
            exponent,
        },
    )
}
