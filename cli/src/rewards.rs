//! Rewards: claim every unclaimed epoch (batched to fit transactions, resumable), withdraw what
//! has vested, and an epoch's leaderboard of verified IBM.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_sdk::accounts::{fetch, fetch_all, fetch_many, token_balance};
use inferix_sdk::client::{fits, Chain};
use inferix_sdk::epoch_rewards::state::{Epoch, NodeEpoch, RewardsConfig, Vesting};
use inferix_sdk::instructions::{self, IfxToken, Payout};
use inferix_sdk::node_license::state::LicenseKind;
use inferix_sdk::node_staking::state::NodeStatus;
use inferix_sdk::{calc, pda};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::error::CliError;
use crate::network::{self, ifx_token};
use crate::output::{tokens, Report};

/// An epoch's claim for the node, once its tally exists.
struct Claimable {
    epoch: u32,
    /// The epoch is past its end and grace but nobody finalized it yet: the claim cranks it.
    needs_finalize: bool,
    instruction: Instruction,
}

fn not_finalized(epoch: u32, e: Option<&Epoch>, config: &RewardsConfig) -> CliError {
    let due = e.map(|e| e.end_ts + config.params.grace_secs);
    CliError::new(
        format!("epoch {epoch} is not finalized yet"),
        match due {
            Some(at) => format!("claim after its end plus the grace period, at {at}"),
            None => "claim once the epoch has ended and been finalized".to_string(),
        },
    )
}

/// Sends `instructions` in as few transactions as fit, printing progress; every transaction
/// stands alone, so an interrupted run is resumed by running the command again.
async fn send_batched(
    chain: &mut impl Chain,
    wallet: &Keypair,
    groups: Vec<(String, Vec<Instruction>)>,
    batch_limit: usize,
    report: &mut Report,
) -> Result<Vec<String>, CliError> {
    let mut batches: Vec<(Vec<String>, Vec<Instruction>)> = vec![];
    for (label, ixs) in groups {
        let start_new = match batches.last() {
            None => true,
            Some((labels, current)) => {
                let mut candidate = current.clone();
                candidate.extend(ixs.iter().cloned());
                labels.len() >= batch_limit || !fits(&candidate, &wallet.pubkey(), 1)
            }
        };
        if start_new {
            batches.push((vec![label], ixs));
        } else {
            let (labels, current) = batches.last_mut().expect("a batch exists");
            labels.push(label);
            current.extend(ixs);
        }
    }
    let total = batches.len();
    let mut signatures = vec![];
    for (i, (labels, ixs)) in batches.into_iter().enumerate() {
        let signature = chain.send(&ixs, wallet, &[]).await.map_err(|e| {
            CliError::from(e).with_context(format!(
                "transaction {} of {total} ({}); the earlier ones went through, run the command again to resume",
                i + 1,
                labels.join(", ")
            ))
        })?;
        eprintln!("  [{}/{total}] {} — {signature}", i + 1, labels.join(", "));
        report.line(format!(
            "transaction {}/{total}: {}",
            i + 1,
            labels.join(", ")
        ));
        signatures.push(signature);
    }
    Ok(signatures)
}

/// `claim`: every epoch of the node that has a tally and can be claimed (finalizing due epochs
/// on the way); `only_epoch` restricts it to one, refusing an unfinalized one by name.
pub async fn claim(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    only_epoch: Option<u32>,
    batch_limit: usize,
) -> Result<Report, CliError> {
    let staking = network::staking_config(chain).await?;
    let config = network::rewards_config(chain).await?;
    let node = network::node(chain, license_mint).await?;
    if node.status == NodeStatus::Retired {
        // A bought-back node's rewards belong to the owner who sold it (SPEC §10 item 3).
        if node.owner != wallet.pubkey() {
            return Err(CliError::new(
                format!(
                    "license {license_mint} was bought back: its node's rewards go to the seller {}",
                    node.owner
                ),
                "run the claim with the seller's wallet (--keypair)",
            ));
        }
    } else {
        network::require_holder(chain, &wallet.pubkey(), license_mint).await?;
    }
    let ifx = ifx_token(&staking);
    let node_address = pda::node(license_mint);
    let now = chain.unix_timestamp().await?;
    let current = config.schedule.epoch_at(now).unwrap_or(0);
    let epochs: Vec<u32> = match only_epoch {
        Some(e) => vec![e],
        None => (0..=current).collect(),
    };
    let tallies = network::epoch_tallies(chain, &node, &node_address, &epochs).await?;
    if let (Some(epoch), true) = (only_epoch, tallies.is_empty()) {
        return Err(CliError::new(
            format!("license {license_mint} has nothing to claim in epoch {epoch}"),
            "it was claimed already, or the node did no verified work then (`inferix status`)",
        ));
    }
    let mut claimable = vec![];
    let mut waiting = vec![];
    for tally in tallies {
        let epoch = tally.epoch;
        let e = tally.state.as_ref();
        let due = e.is_some_and(|e| now >= e.end_ts + config.params.grace_secs);
        let finalized = e.is_some_and(|e| e.finalized);
        if !finalized && !due {
            if only_epoch.is_some() {
                return Err(not_finalized(epoch, e, &config));
            }
            waiting.push(epoch);
            continue;
        }
        let payout = Payout::of(
            &wallet.pubkey(),
            epoch,
            &node_address,
            &node,
            &wallet.pubkey(),
        );
        let instruction = match node.kind {
            LicenseKind::Worker => {
                instructions::claim_worker_reward(&payout, &tally.rent_payer, &ifx)
            }
            LicenseKind::Verifier => {
                instructions::claim_verifier_reward(&payout, &tally.rent_payer, &ifx)
            }
        };
        claimable.push(Claimable {
            epoch,
            needs_finalize: !finalized,
            instruction,
        });
    }
    let mut report = Report::new();
    if claimable.is_empty() {
        let message = if waiting.is_empty() {
            "nothing to claim: every epoch with verified work is claimed".to_string()
        } else {
            format!("nothing to claim yet: epoch(s) {waiting:?} are not finalized")
        };
        report.line(message.clone());
        report.json = json!({"claimed": [], "waiting": waiting, "message": message});
        return Ok(report);
    }
    let holder_ifx = pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program);
    let before = token_balance(chain, &holder_ifx).await?.unwrap_or(0);
    let claimed: Vec<u32> = claimable.iter().map(|c| c.epoch).collect();
    let groups = claimable
        .into_iter()
        .map(|c| {
            let mut ixs = vec![];
            if c.needs_finalize {
                ixs.push(instructions::finalize_epoch(c.epoch, &ifx));
            }
            ixs.push(c.instruction);
            (format!("epoch {}", c.epoch), ixs)
        })
        .collect();
    let signatures = send_batched(chain, wallet, groups, batch_limit, &mut report).await?;
    let after = token_balance(chain, &holder_ifx).await?.unwrap_or(0);
    let vesting_addresses: Vec<Pubkey> = claimed
        .iter()
        .map(|e| pda::vesting(&wallet.pubkey(), *e))
        .collect();
    let vesting: u64 = fetch_many::<Vesting>(chain, &vesting_addresses)
        .await?
        .iter()
        .flatten()
        .map(|v| v.total - v.withdrawn)
        .sum();
    let d = staking.ifx_decimals;
    report.line(format!(
        "claimed epoch(s) {claimed:?}: {} IFX paid now, {} IFX vesting{}",
        tokens(after - before, d),
        tokens(vesting, d),
        if waiting.is_empty() {
            String::new()
        } else {
            format!("; epoch(s) {waiting:?} not finalized yet")
        }
    ));
    report.json = json!({"claimed": claimed, "paid": after - before, "vesting": vesting, "waiting": waiting, "signatures": signatures});
    Ok(report)
}

/// `vesting withdraw`: what has vested of every epoch's rewards vesting to the wallet.
pub async fn withdraw_vested(
    chain: &mut impl Chain,
    wallet: &Keypair,
    batch_limit: usize,
) -> Result<Report, CliError> {
    let staking = network::staking_config(chain).await?;
    let config = network::rewards_config(chain).await?;
    let ifx: IfxToken = ifx_token(&staking);
    let now = chain.unix_timestamp().await?;
    let current = config.schedule.epoch_at(now).unwrap_or(0);
    let groups: Vec<(String, Vec<Instruction>)> =
        network::vestings(chain, &wallet.pubkey(), current)
            .await?
            .into_iter()
            .filter(|(_, v)| v.withdrawable(now).unwrap_or(0) > 0)
            .map(|(epoch, v)| {
                let ix = instructions::withdraw_vested_reward(
                    &wallet.pubkey(),
                    epoch,
                    &v.rent_payer,
                    &ifx,
                );
                (format!("epoch {epoch}"), vec![ix])
            })
            .collect();
    let mut report = Report::new();
    if groups.is_empty() {
        report.line("nothing has vested since your last withdrawal");
        report.json = json!({"withdrawn": 0});
        return Ok(report);
    }
    let holder_ifx = pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program);
    let before = token_balance(chain, &holder_ifx).await?.unwrap_or(0);
    let signatures = send_batched(chain, wallet, groups, batch_limit, &mut report).await?;
    let after = token_balance(chain, &holder_ifx).await?.unwrap_or(0);
    report.line(format!(
        "withdrew {} IFX of vested rewards",
        tokens(after - before, staking.ifx_decimals)
    ));
    report.json = json!({"withdrawn": after - before, "signatures": signatures});
    Ok(report)
}

/// `leaderboard`: an epoch's workers by verified IBM, with each one's share of the reward.
pub async fn leaderboard(
    chain: &mut impl Chain,
    epoch: Option<u32>,
    limit: usize,
) -> Result<Report, CliError> {
    let staking = network::staking_config(chain).await?;
    let config = network::rewards_config(chain).await?;
    let now = chain.unix_timestamp().await?;
    let epoch = match epoch {
        Some(e) => e,
        None => config.schedule.epoch_at(now).unwrap_or(0),
    };
    let e = fetch::<Epoch>(chain, &pda::epoch(epoch)).await?;
    // NodeEpoch's first field is the epoch index, right after the discriminator.
    let epoch_bytes = epoch.to_le_bytes();
    let mut tallies: Vec<(Pubkey, NodeEpoch)> =
        fetch_all::<NodeEpoch>(chain, &[(8, &epoch_bytes)]).await?;
    tallies.sort_by(|a, b| {
        b.1.cumulative_ibm_micros
            .cmp(&a.1.cumulative_ibm_micros)
            .then(a.1.node.cmp(&b.1.node))
    });
    let total = e.as_ref().map_or_else(
        || tallies.iter().map(|(_, t)| t.cumulative_ibm_micros).sum(),
        |e| e.total_ibm_micros,
    );
    let mut report = Report::new();
    report.line(format!(
        "epoch {epoch}: {}.{:06} IBM verified{}",
        total / 1_000_000,
        total % 1_000_000,
        match &e {
            Some(e) if e.finalized => format!(
                ", worker reward {} IFX",
                tokens(e.worker_reward, staking.ifx_decimals)
            ),
            _ => " (not finalized; unclaimed tallies only once it is)".to_string(),
        }
    ));
    let mut rows = vec![];
    for (rank, (_, t)) in tallies.iter().take(limit).enumerate() {
        let share_bps = calc::pro_rata(10_000, t.cumulative_ibm_micros, total).unwrap_or(0);
        report.line(format!(
            "{:>3}. node {}  {:>12}.{:06} IBM  {:>3} jobs  {:>3}.{:02} %",
            rank + 1,
            t.node,
            t.cumulative_ibm_micros / 1_000_000,
            t.cumulative_ibm_micros % 1_000_000,
            t.jobs_verified,
            share_bps / 100,
            share_bps % 100
        ));
        rows.push(json!({"rank": rank + 1, "node": t.node.to_string(), "ibm_micros": t.cumulative_ibm_micros, "jobs": t.jobs_verified, "share_bps": share_bps}));
    }
    if tallies.is_empty() {
        report.line("no node has verified work in this epoch (claimed tallies are closed)");
    }
    report.json = json!({"epoch": epoch, "total_ibm_micros": total, "finalized": e.as_ref().is_some_and(|e| e.finalized), "nodes": rows});
    Ok(report)
}
