//! The holder's commands: buy a license, register and configure its node, stake, unstake,
//! withdraw, and the node's status.

use anchor_lang::prelude::Pubkey;
use inferix_sdk::accounts::{fetch, fetch_many, token_balance};
use inferix_sdk::client::Chain;
use inferix_sdk::epoch_rewards::state::{NodeEpoch, NodeRewards, VerifierEpoch};
use inferix_sdk::instructions::{self, Referral, SaleAccounts};
use inferix_sdk::node_license::instructions::WhitelistProof;
use inferix_sdk::node_license::state::{LicenseConfig, LicenseKind, Sale};
use inferix_sdk::node_staking::instructions::{RegisterNodeArgs, UpdateNodeArgs};
use inferix_sdk::node_staking::state::{
    Node, UnbondingTicket, FIRST_TAKE_OVER_TICKET_ID, RETIREMENT_TICKET_ID,
};
use inferix_sdk::{calc, pda};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::error::CliError;
use crate::network::{self, activity, ifx_token};
use crate::output::{tokens, usd, Report};

/// The open sale of `kind`.
async fn sale_of_kind(
    chain: &mut impl Chain,
    kind: LicenseKind,
) -> Result<(Pubkey, Sale), CliError> {
    let config: LicenseConfig = fetch(chain, &pda::license_config()).await?.ok_or_else(|| {
        CliError::new(
            "node-license is not configured on this cluster",
            "check --url; an operator deploys the configs with `inferix migrate`",
        )
    })?;
    // The latest sale of that kind.
    let addresses: Vec<Pubkey> = (0..config.sale_count).map(pda::sale).collect();
    let sales = fetch_many::<Sale>(chain, &addresses).await?;
    if let Some((address, Some(sale))) = addresses
        .into_iter()
        .zip(sales)
        .rev()
        .find(|(_, s)| s.as_ref().is_some_and(|s| s.kind == kind))
    {
        return Ok((address, sale));
    }
    Err(CliError::new(
        format!("there is no {kind:?} license sale on this cluster"),
        "check --kind and --url",
    ))
}

/// `license sale`: the sale of `kind` — its windows, the phase now, and each tier's price,
/// supply, sales and wallet cap, the highest open tier marked.
pub async fn sale_info(chain: &mut impl Chain, kind: LicenseKind) -> Result<Report, CliError> {
    let (address, sale) = sale_of_kind(chain, kind).await?;
    let now = chain.unix_timestamp().await?;
    let phase = sale.schedule.phase(now);
    let mut report = Report::new();
    report.line(format!(
        "{kind:?} sale {address}: {} of {} sold (+{} airdropped); {}",
        sale.sold,
        sale.total_supply(),
        sale.airdropped,
        match phase {
            Some(p) => format!("{p:?} window open now"),
            None => "no window open now".to_string(),
        }
    ));
    report.line(format!(
        "whitelist {} → {}, public {} → {}",
        sale.schedule.whitelist_start,
        sale.schedule.whitelist_end,
        sale.schedule.public_start,
        sale.schedule.public_end
    ));
    let mut tiers = vec![];
    for (i, t) in sale.tiers[..usize::from(sale.tier_count)]
        .iter()
        .enumerate()
    {
        let number = i as u8 + 1;
        report.line(format!(
            "tier {number:>2}: {} — {}/{} sold, wallet cap {}{}",
            usd(t.price_usd),
            t.sold,
            t.supply,
            if t.wallet_cap == 0 {
                "none".to_string()
            } else {
                t.wallet_cap.to_string()
            },
            if number == sale.highest_open_tier {
                "  ← open"
            } else {
                ""
            }
        ));
        tiers.push(json!({"tier": number, "price_usd_micros": t.price_usd, "supply": t.supply, "sold": t.sold, "wallet_cap": t.wallet_cap}));
    }
    report.json = json!({"sale": address.to_string(), "phase": phase.map(|p| format!("{p:?}")),
        "highest_open_tier": sale.highest_open_tier, "sold": sale.sold, "tiers": tiers});
    Ok(report)
}

/// `node take-over`: the wallet now holding the license becomes its node's owner; the former
/// owner's stake starts unbonding to them.
pub async fn take_over(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
) -> Result<Report, CliError> {
    let config = network::staking_config(chain).await?;
    let node = network::node(chain, license_mint).await?;
    network::require_holder(chain, &wallet.pubkey(), license_mint).await?;
    if node.owner == wallet.pubkey() {
        return Err(CliError::new(
            format!(
                "wallet {} already owns the node on license {license_mint}",
                wallet.pubkey()
            ),
            "nothing to do; `inferix status` shows the node",
        ));
    }
    let ix = instructions::take_over(
        &wallet.pubkey(),
        license_mint,
        node.next_take_over_ticket_id,
        node.era,
    );
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let after = network::node(chain, license_mint).await?;
    let mut report = Report::new();
    report.line(format!(
        "wallet {} owns node {} now; the former owner's {} IFX unbond to them; {}",
        wallet.pubkey(),
        pda::node(license_mint),
        tokens(node.stake, config.ifx_decimals),
        activity(&after, config.ifx_decimals)
    ));
    report.json = json!({"node": pda::node(license_mint).to_string(), "previous_owner": node.owner.to_string(), "signature": signature});
    Ok(report)
}

/// A whitelist proof file: `{"allocation": 2, "proof": ["<64 hex digits>", …]}`.
pub fn read_whitelist_proof(path: &std::path::Path) -> Result<WhitelistProof, CliError> {
    #[derive(serde::Deserialize)]
    struct File {
        allocation: u16,
        proof: Vec<String>,
    }
    let hint = "use the proof file the sale's organizer issued for your wallet";
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            format!("cannot read the whitelist proof {}: {e}", path.display()),
            hint,
        )
    })?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            format!("the whitelist proof {} is invalid: {e}", path.display()),
            hint,
        )
    })?;
    let proof = file
        .proof
        .iter()
        .map(|h| {
            crate::deployment::parse_feed_id(h).map_err(|_| {
                CliError::new(
                    format!("whitelist proof entry '{h}' is not 32 bytes of hex"),
                    hint,
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(WhitelistProof {
        allocation: file.allocation,
        proof,
    })
}

/// `license buy`: one license of `tier` from the sale of `kind`; the new NFT's mint is a fresh
/// keypair that signs once.
pub async fn buy_license(
    chain: &mut impl Chain,
    wallet: &Keypair,
    kind: LicenseKind,
    tier: u8,
    referral: &Referral,
    whitelist: Option<WhitelistProof>,
) -> Result<Report, CliError> {
    let (address, sale) = sale_of_kind(chain, kind).await?;
    let accounts = SaleAccounts {
        sale: address,
        payment_mint: sale.payment_mint,
        payment_token_program: sale.payment_token_program,
        treasury: sale.treasury,
    };
    let mint = Keypair::new();
    let ix = instructions::purchase_license(
        &accounts,
        &wallet.pubkey(),
        &mint.pubkey(),
        tier,
        whitelist,
        referral,
    );
    let signature = chain.send(&[ix], wallet, &[&mint]).await?;
    let record = network::license_record(chain, &mint.pubkey()).await?;
    let mut report = Report::new();
    report.line(format!(
        "bought {kind:?} license #{} (tier {}) for {}: license NFT {}",
        record.serial,
        record.tier,
        usd(record.price_paid_usd),
        mint.pubkey()
    ));
    report.line(format!("transaction {signature}"));
    report.json = json!({
        "license_mint": mint.pubkey().to_string(), "serial": record.serial, "tier": record.tier,
        "price_paid_usd_micros": record.price_paid_usd, "signature": signature,
    });
    Ok(report)
}

/// `node register`: a node on the wallet's license.
pub async fn register_node(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    operator: Option<Pubkey>,
    price_per_ibm_usd_micros: u64,
) -> Result<Report, CliError> {
    let config = network::staking_config(chain).await?;
    network::require_holder(chain, &wallet.pubkey(), license_mint).await?;
    if chain.account(&pda::node(license_mint)).await?.is_some() {
        return Err(CliError::new(
            format!("a node is already registered on license {license_mint}"),
            "see it with `inferix status`; change it with `inferix node set`",
        ));
    }
    let license_account =
        pda::associated_token(&wallet.pubkey(), license_mint, &anchor_spl::token_2022::ID);
    let ix = instructions::register_node(
        &wallet.pubkey(),
        license_mint,
        &license_account,
        &ifx_token(&config),
        RegisterNodeArgs {
            operator,
            price_per_ibm_usd_micros,
        },
    );
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let node = network::node(chain, license_mint).await?;
    let mut report = Report::new();
    report.line(format!(
        "registered {:?} node {} on license {license_mint}; operator {}, {} per IBM; {}",
        node.kind,
        pda::node(license_mint),
        node.operator,
        usd(node.price_per_ibm_usd_micros),
        activity(&node, config.ifx_decimals)
    ));
    report.json = json!({"node": pda::node(license_mint).to_string(), "status": format!("{:?}", node.status), "signature": signature});
    Ok(report)
}

/// `node set`: operator, price per IBM, or leaving / rejoining the active set.
pub async fn update_node(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    args: UpdateNodeArgs,
    ifx_price_account: Option<Pubkey>,
) -> Result<Report, CliError> {
    let (config, _) = network::owned_node(chain, wallet, license_mint).await?;
    let price = network::ifx_price_account(&config, ifx_price_account)?;
    let node_address = pda::node(license_mint);
    let ix = instructions::update_node(&wallet.pubkey(), &node_address, &price, args);
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let node = network::node(chain, license_mint).await?;
    let mut report = Report::new();
    report.line(format!(
        "node {node_address}: operator {}, {} per IBM, S(n) {} IFX; {}",
        node.operator,
        usd(node.price_per_ibm_usd_micros),
        tokens(node.required_stake, config.ifx_decimals),
        activity(&node, config.ifx_decimals)
    ));
    report.json = json!({"node": node_address.to_string(), "operator": node.operator.to_string(),
        "price_per_ibm_usd_micros": node.price_per_ibm_usd_micros, "required_stake": node.required_stake,
        "status": format!("{:?}", node.status), "signature": signature});
    Ok(report)
}

/// `stake`: `amount` IFX from the wallet's associated IFX account into the node's vault.
pub async fn stake(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    amount: u64,
    ifx_price_account: Option<Pubkey>,
) -> Result<Report, CliError> {
    let (config, _) = network::owned_node(chain, wallet, license_mint).await?;
    let ifx = ifx_token(&config);
    let source = pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program);
    let balance = token_balance(chain, &source).await?.unwrap_or(0);
    if balance < amount {
        return Err(CliError::new(
            format!(
                "wallet {} holds {} IFX, less than the {} IFX to stake",
                wallet.pubkey(),
                tokens(balance, config.ifx_decimals),
                tokens(amount, config.ifx_decimals)
            ),
            "fund the wallet's IFX account or stake less",
        ));
    }
    let price = network::ifx_price_account(&config, ifx_price_account)?;
    let node_address = pda::node(license_mint);
    let ix = instructions::stake(
        &wallet.pubkey(),
        &node_address,
        &source,
        &ifx,
        &price,
        amount,
    );
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let node = network::node(chain, license_mint).await?;
    let mut report = Report::new();
    report.line(format!(
        "staked {} IFX: stake {} IFX vs S(n) {} IFX; {}",
        tokens(amount, config.ifx_decimals),
        tokens(node.stake, config.ifx_decimals),
        tokens(node.required_stake, config.ifx_decimals),
        activity(&node, config.ifx_decimals)
    ));
    report.json = json!({"stake": node.stake, "required_stake": node.required_stake,
        "status": format!("{:?}", node.status), "signature": signature});
    Ok(report)
}

/// `unstake`: starts unbonding `amount` (withdrawable after the unbonding period).
pub async fn unstake(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    amount: u64,
    ifx_price_account: Option<Pubkey>,
) -> Result<Report, CliError> {
    let (config, node) = network::owned_node(chain, wallet, license_mint).await?;
    let d = config.ifx_decimals;
    if amount > node.stake {
        return Err(CliError::new(
            format!(
                "insufficient stake: the node has {} IFX staked, less than the {} IFX to unstake",
                tokens(node.stake, d),
                tokens(amount, d)
            ),
            "unstake at most the node's stake (see `inferix status`)",
        ));
    }
    if node.is_active() && !node.deactivated && node.stake - amount < node.required_stake {
        return Err(CliError::new(
            format!(
                "insufficient stake: unstaking {} IFX leaves {} IFX, below S(n) = {} IFX",
                tokens(amount, d),
                tokens(node.stake - amount, d),
                tokens(node.required_stake, d)
            ),
            "unstake less, or leave the active set first with `inferix node set --deactivate`",
        ));
    }
    let price = network::ifx_price_account(&config, ifx_price_account)?;
    let node_address = pda::node(license_mint);
    let ix = instructions::unstake(
        &wallet.pubkey(),
        &node_address,
        node.next_ticket_id,
        &price,
        amount,
    );
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let ticket_address = pda::unbonding_ticket(&node_address, node.next_ticket_id);
    let ticket: UnbondingTicket = fetch(chain, &ticket_address).await?.ok_or_else(|| {
        CliError::new(
            "the unbonding ticket was not created",
            "run `inferix status`",
        )
    })?;
    let mut report = Report::new();
    report.line(format!(
        "unbonding {} IFX (ticket {}), withdrawable from {}",
        tokens(amount, d),
        node.next_ticket_id,
        ticket.release_at
    ));
    report.json = json!({"ticket": node.next_ticket_id, "release_at": ticket.release_at, "signature": signature});
    Ok(report)
}

/// How a ticket is named to a holder: the retirement and take-over tickets by what made them.
fn ticket_label(id: u64) -> String {
    if id == RETIREMENT_TICKET_ID {
        "retirement ticket".to_string()
    } else if id > 1 << 63 {
        format!("take-over ticket {}", FIRST_TAKE_OVER_TICKET_ID - id + 1)
    } else {
        format!("ticket {id}")
    }
}

/// Every open unbonding ticket of the node: unstaking, take-over and retirement tickets.
async fn tickets(
    chain: &mut impl Chain,
    node_address: &Pubkey,
    node: &Node,
) -> Result<Vec<(Pubkey, UnbondingTicket)>, CliError> {
    let addresses: Vec<Pubkey> = node
        .ticket_ids()
        .map(|id| pda::unbonding_ticket(node_address, id))
        .collect();
    let tickets = fetch_many::<UnbondingTicket>(chain, &addresses).await?;
    Ok(addresses
        .into_iter()
        .zip(tickets)
        .filter_map(|(address, t)| t.map(|t| (address, t)))
        .collect())
}

/// `withdraw`: every unbonded ticket of the wallet's, paid into its IFX account.
pub async fn withdraw(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
) -> Result<Report, CliError> {
    let config = network::staking_config(chain).await?;
    let node = network::node(chain, license_mint).await?;
    let node_address = pda::node(license_mint);
    let now = chain.unix_timestamp().await?;
    let ifx = ifx_token(&config);
    let mine: Vec<_> = tickets(chain, &node_address, &node)
        .await?
        .into_iter()
        .filter(|(_, t)| t.staker == wallet.pubkey())
        .collect();
    let (ready, waiting): (Vec<_>, Vec<_>) =
        mine.into_iter().partition(|(_, t)| t.release_at <= now);
    if ready.is_empty() {
        let hint = match waiting.iter().map(|(_, t)| t.release_at).min() {
            Some(at) => format!("wait: the next ticket is released at {at} (now {now})"),
            None => "start unbonding with `inferix unstake` first".to_string(),
        };
        return Err(CliError::new("no unbonded stake to withdraw", hint));
    }
    let mut report = Report::new();
    let before = token_balance(
        chain,
        &pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program),
    )
    .await?
    .unwrap_or(0);
    let mut signatures = vec![];
    for (address, ticket) in &ready {
        let staker_ifx = pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program);
        let ix = instructions::withdraw(
            &wallet.pubkey(),
            &node_address,
            address,
            &ticket.rent_payer,
            pda::ticket_stake_era(&node_address, &node, ticket),
            &staker_ifx,
            &ifx,
        );
        signatures.push(chain.send(&[ix], wallet, &[]).await?);
        report.line(format!("withdrew {}", ticket_label(ticket.ticket_id)));
    }
    let after = token_balance(
        chain,
        &pda::associated_token(&wallet.pubkey(), &ifx.mint, &ifx.token_program),
    )
    .await?
    .unwrap_or(0);
    report.line(format!(
        "received {} IFX; {} ticket(s) still unbonding",
        tokens(after - before, config.ifx_decimals),
        waiting.len()
    ));
    report.json = json!({"received": after - before, "tickets": ready.len(), "still_unbonding": waiting.len(), "signatures": signatures});
    Ok(report)
}

/// `status`: the node, its stake against S(n), whether it is active and why, participation,
/// unbonding, and rewards pending and vesting.
pub async fn status(
    chain: &mut impl Chain,
    wallet: &Pubkey,
    license_mint: &Pubkey,
) -> Result<Report, CliError> {
    let config = network::staking_config(chain).await?;
    let rewards_config = network::rewards_config(chain).await?;
    let record = network::license_record(chain, license_mint).await?;
    let node = network::node(chain, license_mint).await?;
    let node_address = pda::node(license_mint);
    let d = config.ifx_decimals;
    let now = chain.unix_timestamp().await?;
    let current = rewards_config.schedule.epoch_at(now).unwrap_or(0);
    let mut report = Report::new();
    report.line(format!(
        "license #{} ({:?}, tier {}, paid {}), node {node_address}",
        record.serial,
        record.kind,
        record.tier,
        usd(record.price_paid_usd)
    ));
    report.line(format!(
        "owner {}, operator {}, IB {}.{:06}, {} per IBM",
        node.owner,
        node.operator,
        node.ib_micros / 1_000_000,
        node.ib_micros % 1_000_000,
        usd(node.price_per_ibm_usd_micros)
    ));
    report.line(format!(
        "stake {} IFX vs S(n) {} IFX — {}",
        tokens(node.stake, d),
        tokens(node.required_stake, d),
        activity(&node, config.ifx_decimals)
    ));
    let rewards: Option<NodeRewards> = fetch(chain, &pda::node_rewards(&node_address)).await?;
    let participation = rewards
        .as_ref()
        .map(|r| (r.participated_epochs, r.epochs_since_start(current)));
    match participation {
        Some((done, of)) => report.line(format!(
            "participation {done} of {of} epochs since it started (epoch {current} now)"
        )),
        None => report.line(format!(
            "participation: no verified work yet (epoch {current} now)"
        )),
    }
    let tally: Option<NodeEpoch> = fetch(chain, &pda::node_epoch(current, &node_address)).await?;
    let credits: Option<VerifierEpoch> =
        fetch(chain, &pda::verifier_epoch(current, &node_address)).await?;
    let this_epoch = network::epoch_participation(
        &node,
        rewards_config.params.min_participation_minutes,
        tally.as_ref(),
        credits.as_ref(),
        d,
    );
    report.line(this_epoch.clone());
    let unbonding = tickets(chain, &node_address, &node).await?;
    for (_, t) in &unbonding {
        report.line(format!(
            "unbonding {}: released at {}{}",
            ticket_label(t.ticket_id),
            t.release_at,
            if t.release_at <= now {
                " (withdrawable now)"
            } else {
                ""
            }
        ));
    }
    let mut pending = vec![];
    let epochs: Vec<u32> = (0..=current).collect();
    for tally in network::epoch_tallies(chain, &node, &node_address, &epochs).await? {
        let share = match (&tally.state, node.kind) {
            (Some(e), LicenseKind::Worker) if e.finalized => Some(
                calc::pro_rata(e.worker_reward, tally.ibm_micros, e.total_ibm_micros).unwrap_or(0),
            ),
            (Some(e), LicenseKind::Verifier) if e.finalized => Some(
                calc::pro_rata(
                    e.verifier_reward,
                    tally.ibm_micros,
                    e.total_verifier_credits,
                )
                .unwrap_or(0),
            ),
            _ => None,
        };
        report.line(format!(
            "epoch {}: {}.{:06} IBM {}, {}",
            tally.epoch,
            tally.ibm_micros / 1_000_000,
            tally.ibm_micros % 1_000_000,
            match node.kind {
                LicenseKind::Worker => "verified",
                LicenseKind::Verifier => "co-signed",
            },
            match share {
                Some(s) => format!("reward {} IFX unclaimed (`inferix claim`)", tokens(s, d)),
                None => "epoch not finalized yet".into(),
            }
        ));
        pending
            .push(json!({"epoch": tally.epoch, "ibm_micros": tally.ibm_micros, "reward": share}));
    }
    let mut vesting_total = 0;
    let mut withdrawable = 0;
    for (_, v) in network::vestings(chain, wallet, current).await? {
        vesting_total += v.total - v.withdrawn;
        withdrawable += v.withdrawable(now).unwrap_or(0);
    }
    report.line(format!(
        "vesting {} IFX, of which {} IFX withdrawable now",
        tokens(vesting_total, d),
        tokens(withdrawable, d)
    ));
    report.json = json!({
        "license_mint": license_mint.to_string(), "node": node_address.to_string(),
        "kind": format!("{:?}", node.kind), "status": format!("{:?}", node.status), "why": activity(&node, config.ifx_decimals), "this_epoch": this_epoch,
        "stake": node.stake, "required_stake": node.required_stake, "ib_micros": node.ib_micros,
        "participated_epochs": participation.map(|p| p.0), "epochs_since_start": participation.map(|p| p.1),
        "current_epoch": current, "unbonding": unbonding.iter().map(|(_, t)| json!({"ticket": t.ticket_id, "release_at": t.release_at})).collect::<Vec<_>>(),
        "pending_rewards": pending, "vesting": vesting_total, "vesting_withdrawable": withdrawable,
    });
    Ok(report)
}
