//! Program-derived addresses, from the shared seeds.

use anchor_lang::prelude::Pubkey;
use inferix_common::seeds;

fn staking(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &node_staking::ID).0
}

fn rewards(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &epoch_rewards::ID).0
}

fn license(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &node_license::ID).0
}

fn buyback(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &buyback_vault::ID).0
}

pub fn license_config() -> Pubkey {
    license(&[seeds::LICENSE_CONFIG])
}

/// A license's record in node-license (kind, tier, price paid, lock).
pub fn license_record(license_mint: &Pubkey) -> Pubkey {
    license(&[seeds::LICENSE, license_mint.as_ref()])
}

pub fn sale(sale_id: u32) -> Pubkey {
    license(&[seeds::SALE, &sale_id.to_le_bytes()])
}

/// How many licenses `wallet` bought in `sale` (per-tier caps and whitelist allocations).
pub fn wallet_purchases(sale: &Pubkey, wallet: &Pubkey) -> Pubkey {
    license(&[seeds::WALLET_PURCHASES, sale.as_ref(), wallet.as_ref()])
}

pub fn partner_code(code: &str) -> Pubkey {
    license(&[seeds::PARTNER_CODE, code.as_bytes()])
}

pub fn staking_config() -> Pubkey {
    staking(&[seeds::STAKING_CONFIG])
}

/// The staking node of a license.
pub fn node(license_mint: &Pubkey) -> Pubkey {
    staking(&[seeds::NODE, license_mint.as_ref()])
}

pub fn stake_vault(node: &Pubkey) -> Pubkey {
    staking(&[seeds::STAKE_VAULT, node.as_ref()])
}

/// An unbonding ticket: `ticket_id` is the node's `next_ticket_id` when unstaking (see
/// `Node::ticket_ids` for every id a node's tickets can have).
pub fn unbonding_ticket(node: &Pubkey, ticket_id: u64) -> Pubkey {
    staking(&[seeds::UNBONDING, node.as_ref(), &ticket_id.to_le_bytes()])
}

/// The ticket of a node's retirement by the buyback (fixed: SPEC §10 item 6).
pub fn retirement_ticket(node: &Pubkey) -> Pubkey {
    unbonding_ticket(node, node_staking::state::RETIREMENT_TICKET_ID)
}

/// The previous owner's ticket at the node's next take-over (`ticket_id` is the node's
/// `next_take_over_ticket_id`).
pub fn take_over_ticket(node: &Pubkey, ticket_id: u64) -> Pubkey {
    unbonding_ticket(node, ticket_id)
}

/// The sealed stake era `era` of a node: one owner's time, ended by a take-over.
pub fn stake_era(node: &Pubkey, era: u32) -> Pubkey {
    staking(&[seeds::STAKE_ERA, node.as_ref(), &era.to_le_bytes()])
}

/// The sealed era a ticket's shares are of, or `None` for a ticket of the node's current era.
pub fn ticket_stake_era(
    node_address: &Pubkey,
    node: &node_staking::state::Node,
    ticket: &node_staking::state::UnbondingTicket,
) -> Option<Pubkey> {
    (ticket.era != node.era).then(|| stake_era(node_address, ticket.era))
}

/// The admin-pushed IFX price account (when the deployment uses one instead of Pyth).
pub fn pushed_price() -> Pubkey {
    staking(&[seeds::PUSHED_PRICE])
}

pub fn penalty_vault() -> Pubkey {
    staking(&[seeds::PENALTY_VAULT])
}

/// The record that makes a violation's evidence usable once.
pub fn slash_record(evidence_hash: &[u8; 32]) -> Pubkey {
    staking(&[seeds::SLASH, evidence_hash.as_ref()])
}

pub fn rewards_config() -> Pubkey {
    rewards(&[seeds::REWARDS_CONFIG])
}

pub fn epoch(index: u32) -> Pubkey {
    rewards(&[seeds::EPOCH, &index.to_le_bytes()])
}

pub fn node_epoch(index: u32, node: &Pubkey) -> Pubkey {
    rewards(&[seeds::NODE_EPOCH, &index.to_le_bytes(), node.as_ref()])
}

pub fn verifier_epoch(index: u32, verifier: &Pubkey) -> Pubkey {
    rewards(&[
        seeds::VERIFIER_EPOCH,
        &index.to_le_bytes(),
        verifier.as_ref(),
    ])
}

pub fn node_rewards(node: &Pubkey) -> Pubkey {
    rewards(&[seeds::NODE_REWARDS, node.as_ref()])
}

pub fn reward_vault() -> Pubkey {
    rewards(&[seeds::REWARD_VAULT])
}

pub fn penalty_inflow() -> Pubkey {
    rewards(&[seeds::PENALTY_INFLOW])
}

pub fn vesting_vault() -> Pubkey {
    rewards(&[seeds::VESTING_VAULT])
}

/// A holder's vesting account for the rewards of epoch `index`.
pub fn vesting(holder: &Pubkey, index: u32) -> Pubkey {
    rewards(&[seeds::VESTING, holder.as_ref(), &index.to_le_bytes()])
}

/// The associated token account of `owner` for `mint` under `token_program` (license NFTs live
/// under Token-2022, IFX under the deployment's IFX token program).
pub fn associated_token(owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
    anchor_spl::associated_token::get_associated_token_address_with_program_id(
        owner,
        mint,
        token_program,
    )
}

pub fn buyback_config() -> Pubkey {
    buyback(&[seeds::BUYBACK_CONFIG])
}

/// The PDA that holds bought-back licenses and signs the buyback vaults' transfers.
pub fn buyback_authority() -> Pubkey {
    buyback(&[seeds::BUYBACK_AUTHORITY])
}

pub fn buyback_ifx_vault() -> Pubkey {
    buyback(&[seeds::BUYBACK_IFX_VAULT])
}

pub fn buyback_weth_vault() -> Pubkey {
    buyback(&[seeds::BUYBACK_WETH_VAULT])
}

/// Exists once a license has been bought back.
pub fn bought_back(license_mint: &Pubkey) -> Pubkey {
    buyback(&[seeds::BOUGHT_BACK, license_mint.as_ref()])
}

/// The IFX vesting of a license bought back for IFX (option 1).
pub fn buyback_vesting(license_mint: &Pubkey) -> Pubkey {
    buyback(&[seeds::BUYBACK_VESTING, license_mint.as_ref()])
}

/// The upgradeable loader's `ProgramData` account of `program`: it names the upgrade authority,
/// the only key allowed to initialize a program's config.
pub fn program_data(program: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[program.as_ref()],
        &anchor_lang::solana_program::bpf_loader_upgradeable::ID,
    )
    .0
}
