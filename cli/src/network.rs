//! What the commands read first: the deployment's config accounts, a license and its node, and
//! the checks that turn a holder's likely mistakes into clear errors before anything is sent.

use anchor_lang::prelude::Pubkey;
use inferix_sdk::accounts::{fetch, fetch_many, token_balance};
use inferix_sdk::client::Chain;
use inferix_sdk::epoch_rewards::state::{Epoch, NodeEpoch, RewardsConfig, VerifierEpoch, Vesting};
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::node_license::state::LicenseKind;
use inferix_sdk::node_license::state::LicenseRecord;
use inferix_sdk::node_staking::state::{Node, PriceSource, StakingConfig};
use inferix_sdk::pda;
use solana_signer::Signer;

use crate::error::CliError;

fn not_deployed(program: &str) -> CliError {
    CliError::new(
        format!("{program} is not configured on this cluster"),
        "check --url; an operator deploys the configs with `inferix migrate`",
    )
}

pub async fn staking_config(chain: &mut impl Chain) -> Result<StakingConfig, CliError> {
    fetch(chain, &pda::staking_config())
        .await?
        .ok_or_else(|| not_deployed("node-staking"))
}

pub async fn rewards_config(chain: &mut impl Chain) -> Result<RewardsConfig, CliError> {
    fetch(chain, &pda::rewards_config())
        .await?
        .ok_or_else(|| not_deployed("epoch-rewards"))
}

pub fn ifx_token(config: &StakingConfig) -> IfxToken {
    IfxToken {
        mint: config.ifx_mint,
        token_program: config.ifx_token_program,
    }
}

/// The IFX price account the staking program reads: its pushed-price PDA, or the Pyth account
/// the user names.
pub fn ifx_price_account(
    config: &StakingConfig,
    pyth_account: Option<Pubkey>,
) -> Result<Pubkey, CliError> {
    match (config.params.price_source, pyth_account) {
        (PriceSource::Pushed, _) => Ok(pda::pushed_price()),
        (PriceSource::Pyth { .. }, Some(account)) => Ok(account),
        (PriceSource::Pyth { .. }, None) => Err(CliError::new(
            "this deployment prices IFX with a Pyth feed",
            "pass --ifx-price-account with the feed's PriceUpdateV2 account",
        )),
    }
}

pub async fn license_record(
    chain: &mut impl Chain,
    license_mint: &Pubkey,
) -> Result<LicenseRecord, CliError> {
    fetch(chain, &pda::license_record(license_mint))
        .await?
        .ok_or_else(|| {
            CliError::new(
                format!("{license_mint} is not an Inferix license"),
                "pass --license with the mint of your license NFT (shown when you bought it)",
            )
        })
}

pub async fn node(chain: &mut impl Chain, license_mint: &Pubkey) -> Result<Node, CliError> {
    fetch(chain, &pda::node(license_mint))
        .await?
        .ok_or_else(|| {
            CliError::new(
                format!("no node is registered on license {license_mint}"),
                "register one with `inferix node register --license MINT --price-per-ibm USD`",
            )
        })
}

/// Refuses a wallet that does not hold the license NFT in its associated account.
pub async fn require_holder(
    chain: &mut impl Chain,
    wallet: &Pubkey,
    license_mint: &Pubkey,
) -> Result<(), CliError> {
    let account = pda::associated_token(wallet, license_mint, &anchor_spl::token_2022::ID);
    if token_balance(chain, &account).await? != Some(1) {
        return Err(CliError::new(
            format!("wallet {wallet} does not hold license {license_mint}"),
            "sign with --keypair of the wallet that holds the license NFT",
        ));
    }
    Ok(())
}

/// Refuses a wallet that is not the node's owner.
pub fn require_owner(node: &Node, wallet: &impl Signer) -> Result<(), CliError> {
    if node.owner != wallet.pubkey() {
        return Err(CliError::new(
            format!(
                "wallet {} is not the owner of the node on license {} (its owner is {})",
                wallet.pubkey(),
                node.license_mint,
                node.owner
            ),
            "sign with --keypair of the node's owner; a new license holder runs `inferix node take-over` first",
        ));
    }
    Ok(())
}

/// The staking config and the node of `license_mint`, refusing a wallet that does not own it.
pub async fn owned_node(
    chain: &mut impl Chain,
    wallet: &impl Signer,
    license_mint: &Pubkey,
) -> Result<(StakingConfig, Node), CliError> {
    let config = staking_config(chain).await?;
    let node = node(chain, license_mint).await?;
    require_owner(&node, wallet)?;
    Ok((config, node))
}

/// A node's record of one epoch: a worker's verified IBM (`NodeEpoch`) or the IBM a verifier
/// co-signed (`VerifierEpoch`), with who paid its rent and the epoch itself.
pub struct EpochTally {
    pub epoch: u32,
    pub ibm_micros: u64,
    pub rent_payer: Pubkey,
    pub state: Option<Epoch>,
}

/// The node's tallies among `epochs` (claimed ones are closed, so absent), read in batches.
pub async fn epoch_tallies(
    chain: &mut impl Chain,
    node: &Node,
    node_address: &Pubkey,
    epochs: &[u32],
) -> Result<Vec<EpochTally>, CliError> {
    let tallies: Vec<Option<(u64, Pubkey)>> = match node.kind {
        LicenseKind::Worker => {
            let addresses: Vec<Pubkey> = epochs
                .iter()
                .map(|e| pda::node_epoch(*e, node_address))
                .collect();
            fetch_many::<NodeEpoch>(chain, &addresses)
                .await?
                .into_iter()
                .map(|t| t.map(|t| (t.cumulative_ibm_micros, t.rent_payer)))
                .collect()
        }
        LicenseKind::Verifier => {
            let addresses: Vec<Pubkey> = epochs
                .iter()
                .map(|e| pda::verifier_epoch(*e, node_address))
                .collect();
            fetch_many::<VerifierEpoch>(chain, &addresses)
                .await?
                .into_iter()
                .map(|t| t.map(|t| (t.credits_ibm_micros, t.rent_payer)))
                .collect()
        }
    };
    let present: Vec<(u32, (u64, Pubkey))> = epochs
        .iter()
        .zip(tallies)
        .filter_map(|(e, t)| t.map(|t| (*e, t)))
        .collect();
    let epoch_addresses: Vec<Pubkey> = present.iter().map(|(e, _)| pda::epoch(*e)).collect();
    let states = fetch_many::<Epoch>(chain, &epoch_addresses).await?;
    Ok(present
        .into_iter()
        .zip(states)
        .map(|((epoch, (ibm_micros, rent_payer)), state)| EpochTally {
            epoch,
            ibm_micros,
            rent_payer,
            state,
        })
        .collect())
}

/// The wallet's reward vesting accounts among epochs `0..=current`, read in batches.
pub async fn vestings(
    chain: &mut impl Chain,
    wallet: &Pubkey,
    current: u32,
) -> Result<Vec<(u32, Vesting)>, CliError> {
    let addresses: Vec<Pubkey> = (0..=current).map(|e| pda::vesting(wallet, e)).collect();
    Ok(fetch_many::<Vesting>(chain, &addresses)
        .await?
        .into_iter()
        .zip(0..=current)
        .filter_map(|(v, e)| v.map(|v| (e, v)))
        .collect())
}

/// Why a node is or is not in the active set, in words.
/// Whether the current epoch counts towards the node's participation, and if not why (SPEC §10
/// item 2): a worker's epoch counts once its verified IBM is above 0 and reaches IB × the
/// minimum minutes; a verifier's once it co-signed attestations that credited IBM, when that
/// epoch is claimed.
pub fn epoch_participation(
    node: &Node,
    min_participation_minutes: u32,
    tally: Option<&NodeEpoch>,
    credits: Option<&VerifierEpoch>,
    ifx_decimals: u8,
) -> String {
    use inferix_sdk::node_staking::state::NodeStatus;
    let ibm = |micros: u64| format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    if node.status != NodeStatus::Active {
        return format!(
            "this epoch does not count: attestations need an active node ({})",
            activity(node, ifx_decimals)
        );
    }
    match node.kind {
        LicenseKind::Worker => {
            let needed = (node.ib_micros as u128 * min_participation_minutes as u128).max(1);
            let verified = tally.map_or(0, |t| t.cumulative_ibm_micros);
            if tally.is_some_and(|t| t.participated) {
                format!("this epoch counts: {} IBM verified", ibm(verified))
            } else {
                format!(
                    "this epoch does not count yet: {} of {} IBM verified (IB × {min_participation_minutes} min, above 0)",
                    ibm(verified),
                    ibm(u64::try_from(needed).unwrap_or(u64::MAX))
                )
            }
        }
        LicenseKind::Verifier => match credits {
            None => "this epoch does not count: its credit account is not open, so its co-signatures cannot be credited (open_verifier_epoch)".into(),
            Some(c) if c.credits_ibm_micros == 0 => {
                "this epoch does not count yet: no co-signed attestation has credited IBM".into()
            }
            Some(c) => format!(
                "this epoch counts when claimed: co-signed attestations credited {} IBM",
                ibm(c.credits_ibm_micros)
            ),
        },
    }
}

pub fn activity(node: &Node, ifx_decimals: u8) -> String {
    use inferix_sdk::node_staking::state::NodeStatus;
    match node.status {
        NodeStatus::Active => "active: its stake covers S(n)".into(),
        NodeStatus::Pending => "pending: no benchmarked IB yet (verifiers sign a Benchmark)".into(),
        NodeStatus::Retired => "retired: bought back; its stake is unbonding".into(),
        NodeStatus::Inactive if node.blacklisted => "inactive: blacklisted".into(),
        NodeStatus::Inactive if node.deactivated => "inactive: deactivated by its owner".into(),
        NodeStatus::Inactive => format!(
            "inactive: stake below S(n) by {} IFX; stake more to activate",
            crate::output::tokens(node.required_stake.saturating_sub(node.stake), ifx_decimals)
        ),
    }
}
