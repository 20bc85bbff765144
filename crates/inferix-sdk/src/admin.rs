//! Instruction builders of the programs' governance: each config's initialization, signed by the
//! program's upgrade authority (checked against its `ProgramData` account); the license sales;
//! and every instruction the admin, the pause guardian, the price authority or the buyback
//! authority signs. Holders' and permissionless instructions are in [`crate::instructions`].

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

// ---- node-license governance ----------------------------------------------------------------

fn license_admin(admin: &Pubkey) -> node_license::accounts::UpdateConfig {
    node_license::accounts::UpdateConfig {
        admin: *admin,
        config: pda::license_config(),
    }
}

/// `node_license::update_config`: fields set in `args` change, `None` ones stay.
pub fn license_update_config(
    admin: &Pubkey,
    args: node_license::instructions::UpdateConfigArgs,
) -> Instruction {
    build(
        node_license::ID,
        license_admin(admin),
        node_license::instruction::UpdateConfig { args },
    )
}

/// `node_license::propose_admin`: the first step of a two-step admin handover.
pub fn license_propose_admin(admin: &Pubkey, proposed: &Pubkey) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::ProposeAdmin {
            admin: *admin,
            config: pda::license_config(),
        },
        node_license::instruction::ProposeAdmin {
            proposed: *proposed,
        },
    )
}

/// `node_license::accept_admin`, signed by the proposed admin.
pub fn license_accept_admin(new_admin: &Pubkey) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::AcceptAdmin {
            new_admin: *new_admin,
            config: pda::license_config(),
        },
        node_license::instruction::AcceptAdmin {},
    )
}

/// `node_license::set_paused`, signed by the admin or the pause guardian.
pub fn license_set_paused(authority: &Pubkey, paused: bool) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::SetPaused {
            authority: *authority,
            config: pda::license_config(),
        },
        node_license::instruction::SetPaused { paused },
    )
}

fn sale_admin(admin: &Pubkey, sale: &Pubkey) -> node_license::accounts::SaleAdmin {
    node_license::accounts::SaleAdmin {
        admin: *admin,
        config: pda::license_config(),
        sale: *sale,
    }
}

/// `node_license::update_sale_schedule` of a sale that has not started.
pub fn update_sale_schedule(
    admin: &Pubkey,
    sale: &Pubkey,
    schedule: node_license::state::SaleSchedule,
) -> Instruction {
    build(
        node_license::ID,
        sale_admin(admin, sale),
        node_license::instruction::UpdateSaleSchedule { schedule },
    )
}

/// `node_license::set_whitelist_root`: the Merkle root of (wallet, allocation) leaves of `tier`.
pub fn set_whitelist_root(admin: &Pubkey, sale: &Pubkey, tier: u8, root: [u8; 32]) -> Instruction {
    build(
        node_license::ID,
        sale_admin(admin, sale),
        node_license::instruction::SetWhitelistRoot { tier, root },
    )
}

/// `node_license::open_tier`: opens `tier` before the one below sells out.
pub fn open_tier(admin: &Pubkey, sale: &Pubkey, tier: u8) -> Instruction {
    build(
        node_license::ID,
        sale_admin(admin, sale),
        node_license::instruction::OpenTier { tier },
    )
}

/// `node_license::register_partner_code` (a KOL code with its own discount and commission).
pub fn register_partner_code(
    admin: &Pubkey,
    args: node_license::instructions::RegisterPartnerCodeArgs,
) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::RegisterPartnerCode {
            admin: *admin,
            config: pda::license_config(),
            partner_code: pda::partner_code(&args.code),
            system_program: anchor_lang::system_program::ID,
        },
        node_license::instruction::RegisterPartnerCode { args },
    )
}

/// `node_license::update_partner_code` of the code `code`.
pub fn update_partner_code(
    admin: &Pubkey,
    code: &str,
    args: node_license::instructions::UpdatePartnerCodeArgs,
) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::UpdatePartnerCode {
            admin: *admin,
            config: pda::license_config(),
            partner_code: pda::partner_code(code),
        },
        node_license::instruction::UpdatePartnerCode { args },
    )
}

/// `node_license::airdrop_license`: a free license from the sale's airdrop allocation to
/// `recipient`; `license_mint` is a fresh keypair that signs.
pub fn airdrop_license(
    admin: &Pubkey,
    sale: &Pubkey,
    recipient: &Pubkey,
    license_mint: &Pubkey,
) -> Instruction {
    let token_2022 = anchor_spl::token_2022::ID;
    build(
        node_license::ID,
        node_license::accounts::AirdropLicense {
            admin: *admin,
            config: pda::license_config(),
            sale: *sale,
            recipient: *recipient,
            license_mint: *license_mint,
            license_record: pda::license_record(license_mint),
            recipient_license_account: pda::associated_token(recipient, license_mint, &token_2022),
            license_token_program: token_2022,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        node_license::instruction::AirdropLicense {},
    )
}

/// The license NFT in `holder`'s associated account.
pub fn license_holding(
    license_mint: &Pubkey,
    holder: &Pubkey,
) -> node_license::accounts::LicenseHolding {
    let token_2022 = anchor_spl::token_2022::ID;
    node_license::accounts::LicenseHolding {
        config: pda::license_config(),
        license_record: pda::license_record(license_mint),
        license_mint: *license_mint,
        holder_account: pda::associated_token(holder, license_mint, &token_2022),
        license_token_program: token_2022,
    }
}

/// `node_license::release_for_buyback`, signed by the buyback authority (the buyback program
/// makes this call itself; exposed for completeness of the IDL).
pub fn release_for_buyback(
    buyback_authority: &Pubkey,
    license_mint: &Pubkey,
    holder: &Pubkey,
) -> Instruction {
    build(
        node_license::ID,
        node_license::accounts::ReleaseForBuyback {
            buyback_authority: *buyback_authority,
            holding: license_holding(license_mint, holder),
        },
        node_license::instruction::ReleaseForBuyback {},
    )
}

// ---- node-staking governance ----------------------------------------------------------------

fn staking_admin(authority: &Pubkey) -> node_staking::accounts::ConfigAdmin {
    node_staking::accounts::ConfigAdmin {
        authority: *authority,
        config: pda::staking_config(),
    }
}

/// `node_staking::update_config` (guardian, buyback authority and parameters at once).
pub fn staking_update_config(
    admin: &Pubkey,
    args: node_staking::instructions::UpdateConfigArgs,
) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(admin),
        node_staking::instruction::UpdateConfig { args },
    )
}

pub fn staking_propose_admin(admin: &Pubkey, proposed: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(admin),
        node_staking::instruction::ProposeAdmin {
            proposed: *proposed,
        },
    )
}

pub fn staking_accept_admin(new_admin: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(new_admin),
        node_staking::instruction::AcceptAdmin {},
    )
}

pub fn staking_set_paused(authority: &Pubkey, paused: bool) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(authority),
        node_staking::instruction::SetPaused { paused },
    )
}

/// `node_staking::add_manager`: one more key that may co-sign benchmarks and violations.
pub fn staking_add_manager(admin: &Pubkey, manager: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(admin),
        node_staking::instruction::AddManager { manager: *manager },
    )
}

/// `node_staking::remove_manager`: the last one only while node-staking is paused.
pub fn staking_remove_manager(admin: &Pubkey, manager: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        staking_admin(admin),
        node_staking::instruction::RemoveManager { manager: *manager },
    )
}

/// `node_staking::reverse_slash`: an upheld appeal returns a pending slash to the staker it
/// took from: `stake_era` is the slash's era when it is sealed, `staker_ifx` the staker's IFX
/// account when none of their tickets is left (see `ReverseSlash`).
pub fn reverse_slash(
    admin: &Pubkey,
    node: &Pubkey,
    evidence_hash: &[u8; 32],
    ifx: &IfxToken,
    stake_era: Option<Pubkey>,
    staker_ifx: Option<Pubkey>,
) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::ReverseSlash {
            admin: *admin,
            config: pda::staking_config(),
            node: *node,
            slash_record: pda::slash_record(evidence_hash),
            stake_era,
            staker_ifx,
            stake_vault: pda::stake_vault(node),
            penalty_vault: pda::penalty_vault(),
            ifx_mint: ifx.mint,
            ifx_token_program: ifx.token_program,
        },
        node_staking::instruction::ReverseSlash {},
    )
}

fn admin_node(admin: &Pubkey, node: &Pubkey) -> node_staking::accounts::AdminNode {
    node_staking::accounts::AdminNode {
        admin: *admin,
        config: pda::staking_config(),
        node: *node,
    }
}

pub fn blacklist_node(admin: &Pubkey, node: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        admin_node(admin, node),
        node_staking::instruction::BlacklistNode {},
    )
}

pub fn reverse_blacklist(admin: &Pubkey, node: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        admin_node(admin, node),
        node_staking::instruction::ReverseBlacklist {},
    )
}

/// `node_staking::retire_node`, signed by the buyback authority (the buyback program's CPI);
/// the stake starts unbonding under the node's retirement ticket.
pub fn retire_node(buyback_authority: &Pubkey, payer: &Pubkey, node: &Pubkey) -> Instruction {
    build(
        node_staking::ID,
        node_staking::accounts::RetireNode {
            buyback_authority: *buyback_authority,
            payer: *payer,
            config: pda::staking_config(),
            node: *node,
            ticket: pda::retirement_ticket(node),
            system_program: anchor_lang::system_program::ID,
        },
        node_staking::instruction::RetireNode {},
    )
}

// ---- epoch-rewards governance ---------------------------------------------------------------

fn rewards_admin(authority: &Pubkey) -> epoch_rewards::accounts::ConfigAdmin {
    epoch_rewards::accounts::ConfigAdmin {
        authority: *authority,
        config: pda::rewards_config(),
    }
}

pub fn rewards_update_params(
    admin: &Pubkey,
    params: epoch_rewards::state::RewardsParams,
) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::UpdateParams { params },
    )
}

/// `epoch_rewards::change_epoch_length`: takes effect from the next epoch boundary.
pub fn change_epoch_length(admin: &Pubkey, length_secs: i64) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::ChangeEpochLength { length_secs },
    )
}

pub fn set_clawback_date(admin: &Pubkey, clawback_at: i64) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::SetClawbackDate { clawback_at },
    )
}

pub fn rewards_propose_admin(admin: &Pubkey, proposed: &Pubkey) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::ProposeAdmin {
            proposed: *proposed,
        },
    )
}

pub fn rewards_accept_admin(new_admin: &Pubkey) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(new_admin),
        epoch_rewards::instruction::AcceptAdmin {},
    )
}

pub fn rewards_set_paused(authority: &Pubkey, paused: bool) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(authority),
        epoch_rewards::instruction::SetPaused { paused },
    )
}

/// `epoch_rewards::add_manager`: one more key that may co-sign attestations.
pub fn rewards_add_manager(admin: &Pubkey, manager: &Pubkey) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::AddManager { manager: *manager },
    )
}

/// `epoch_rewards::remove_manager`: the last one only while epoch-rewards is paused.
pub fn rewards_remove_manager(admin: &Pubkey, manager: &Pubkey) -> Instruction {
    build(
        epoch_rewards::ID,
        rewards_admin(admin),
        epoch_rewards::instruction::RemoveManager { manager: *manager },
    )
}

/// `epoch_rewards::clawback_epoch`: after the clawback date, an epoch's unclaimed rewards
/// return to the reward vault's free balance.
pub fn clawback_epoch(admin: &Pubkey, epoch: u32) -> Instruction {
    build(
        epoch_rewards::ID,
        epoch_rewards::accounts::ClawbackEpoch {
            admin: *admin,
            config: pda::rewards_config(),
            epoch: pda::epoch(epoch),
        },
        epoch_rewards::instruction::ClawbackEpoch {},
    )
}

// ---- buyback-vault governance ---------------------------------------------------------------

fn buyback_admin(authority: &Pubkey) -> buyback_vault::accounts::ConfigAdmin {
    buyback_vault::accounts::ConfigAdmin {
        authority: *authority,
        config: pda::buyback_config(),
    }
}

pub fn buyback_update_params(
    admin: &Pubkey,
    params: buyback_vault::state::BuybackParams,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_admin(admin),
        buyback_vault::instruction::UpdateParams { params },
    )
}

pub fn buyback_propose_admin(admin: &Pubkey, proposed: &Pubkey) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_admin(admin),
        buyback_vault::instruction::ProposeAdmin {
            proposed: *proposed,
        },
    )
}

pub fn buyback_accept_admin(new_admin: &Pubkey) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_admin(new_admin),
        buyback_vault::instruction::AcceptAdmin {},
    )
}

pub fn buyback_set_paused(authority: &Pubkey, paused: bool) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_admin(authority),
        buyback_vault::instruction::SetPaused { paused },
    )
}

/// A license the buyback vault holds in custody.
pub fn custodied(admin: &Pubkey, license_mint: &Pubkey) -> buyback_vault::accounts::Custodied {
    let authority = pda::buyback_authority();
    let token_2022 = anchor_spl::token_2022::ID;
    buyback_vault::accounts::Custodied {
        admin: *admin,
        config: pda::buyback_config(),
        authority,
        license_mint: *license_mint,
        custody_account: pda::associated_token(&authority, license_mint, &token_2022),
        bought_back: pda::bought_back(license_mint),
        license_token_program: token_2022,
    }
}

/// `buyback_vault::reassign_license`: a custodied license to `recipient`, the holder of
/// `target_node`'s license.
pub fn reassign_license(
    admin: &Pubkey,
    license_mint: &Pubkey,
    target_node: &Pubkey,
    recipient: &Pubkey,
) -> Instruction {
    let token_2022 = anchor_spl::token_2022::ID;
    build(
        buyback_vault::ID,
        buyback_vault::accounts::ReassignLicense {
            custodied: custodied(admin, license_mint),
            target_node: *target_node,
            recipient: *recipient,
            recipient_license_account: pda::associated_token(recipient, license_mint, &token_2022),
            license_token_program: token_2022,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::ReassignLicense {},
    )
}

/// `buyback_vault::send_to_treasury`: a custodied license to the treasury wallet.
pub fn send_to_treasury(admin: &Pubkey, license_mint: &Pubkey, treasury: &Pubkey) -> Instruction {
    let token_2022 = anchor_spl::token_2022::ID;
    build(
        buyback_vault::ID,
        buyback_vault::accounts::SendToTreasury {
            custodied: custodied(admin, license_mint),
            treasury: *treasury,
            treasury_license_account: pda::associated_token(treasury, license_mint, &token_2022),
            license_token_program: token_2022,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        buyback_vault::instruction::SendToTreasury {},
    )
}

/// `buyback_vault::burn_license`: burns a custodied license.
pub fn burn_license(admin: &Pubkey, license_mint: &Pubkey) -> Instruction {
    build(
        buyback_vault::ID,
        custodied(admin, license_mint),
        buyback_vault::instruction::BurnLicense {},
    )
}

/// `buyback_vault::withdraw_funds`: unreserved funds of `vault` (the IFX or wETH vault) to
/// `destination`.
pub fn withdraw_funds(
    admin: &Pubkey,
    vault: &Pubkey,
    destination: &Pubkey,
    token: &IfxToken,
    amount: u64,
) -> Instruction {
    build(
        buyback_vault::ID,
        buyback_vault::accounts::WithdrawFunds {
            admin: *admin,
            config: pda::buyback_config(),
            vault: *vault,
            destination: *destination,
            mint: token.mint,
            token_program: token.token_program,
        },
        buyback_vault::instruction::WithdrawFunds { amount },
    )
}
