//! `inferix migrate`: the deployment TOML and a cluster file → every config account. Each step
//! reads what is on chain first: an account that is missing is created, one that matches is
//! left alone, one that differs is reported (never overwritten: changing a live config is an
//! admin decision, made with the programs' update instructions). Running it twice changes
//! nothing and says so; `--dry-run` prints the plan and sends nothing.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_sdk::accounts::fetch;
use inferix_sdk::admin::{self, SalePayment};
use inferix_sdk::client::Chain;
use inferix_sdk::instructions::IfxToken;
use inferix_sdk::{buyback_vault, epoch_rewards, node_license, node_staking, pda};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::deployment::{Cluster, Deployment};
use crate::error::CliError;
use crate::output::Report;

/// What a step found on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    /// Missing: created (or, in a dry run, would be).
    Create,
    Unchanged,
    /// Present with other values: reported, not changed.
    Differs(String),
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub address: Pubkey,
    pub state: StepState,
    instruction: Option<Instruction>,
}

fn step(name: impl Into<String>, address: Pubkey, state: StepState) -> Step {
    Step {
        name: name.into(),
        address,
        state,
        instruction: None,
    }
}

fn compare<T: PartialEq + std::fmt::Debug>(what: &str, on_chain: T, wanted: T) -> StepState {
    if on_chain == wanted {
        StepState::Unchanged
    } else {
        StepState::Differs(format!(
            "{what} on chain {on_chain:?}, deployment {wanted:?}"
        ))
    }
}

async fn mint_decimals(chain: &mut impl Chain, mint: &Pubkey) -> Result<u8, CliError> {
    let account = chain.account(mint).await?.ok_or_else(|| {
        CliError::new(
            format!("the mint {mint} does not exist on this cluster"),
            "check the mint addresses in the cluster file and --url",
        )
    })?;
    account.data.get(44).copied().ok_or_else(|| {
        CliError::new(
            format!("{mint} is not a token mint"),
            "check the mint addresses in the cluster file",
        )
    })
}

/// What `migrate` would do, step by step, from what the chain holds now.
pub async fn plan(
    chain: &mut impl Chain,
    deployment: &Deployment,
    cluster: &Cluster,
    admin: &Pubkey,
) -> Result<Vec<Step>, CliError> {
    let decimals = mint_decimals(chain, &cluster.ifx_mint).await?;
    if decimals != cluster.ifx_decimals {
        return Err(CliError::new(
            format!(
                "the IFX mint {} has {decimals} decimals, the cluster file says {}",
                cluster.ifx_mint, cluster.ifx_decimals
            ),
            "fix ifx_mint or ifx_decimals in the cluster file (the deployment's IFX amounts assume 9)",
        ));
    }
    let ifx = IfxToken {
        mint: cluster.ifx_mint,
        token_program: cluster.ifx_token_program,
    };
    let weth = IfxToken {
        mint: cluster.weth_mint,
        token_program: cluster.weth_token_program,
    };
    let buyback_authority = pda::buyback_authority();
    let mut steps = vec![];

    let license_args = deployment
        .license
        .config_args(cluster.pause_guardian, buyback_authority);
    let license_config =
        fetch::<node_license::state::LicenseConfig>(chain, &pda::license_config()).await?;
    let mut next_sale_id = license_config.as_ref().map_or(0, |c| c.sale_count);
    steps.push(match &license_config {
        None => Step {
            instruction: Some(admin::license_initialize_config(
                admin,
                license_args.clone(),
            )),
            ..step(
                "node-license config",
                pda::license_config(),
                StepState::Create,
            )
        },
        Some(c) => step(
            "node-license config",
            pda::license_config(),
            compare(
                "(lock, user discount, user commission)",
                (
                    c.lock_duration_secs,
                    c.user_code_discount_bps,
                    c.user_code_commission_bps,
                ),
                (
                    license_args.lock_duration_secs,
                    license_args.user_code_discount_bps,
                    license_args.user_code_commission_bps,
                ),
            ),
        ),
    });

    for sale in &deployment.license.sales {
        let name = format!("{:?} license sale", sale.kind).to_lowercase();
        let args = sale.sale_args(cluster.start_ts);
        let mut existing = None;
        for id in 0..license_config.as_ref().map_or(0, |c| c.sale_count) {
            if let Some(s) = fetch::<node_license::state::Sale>(chain, &pda::sale(id)).await? {
                if s.kind == args.kind {
                    existing = Some((id, s));
                    break;
                }
            }
        }
        steps.push(match existing {
            Some((id, s)) => {
                let on_chain: Vec<(u64, u32, u32, u32)> = s.tiers[..usize::from(s.tier_count)]
                    .iter()
                    .map(|t| (t.price_usd, t.supply, t.whitelist_allocation, t.wallet_cap))
                    .collect();
                let wanted: Vec<(u64, u32, u32, u32)> = args
                    .tiers
                    .iter()
                    .map(|t| (t.price_usd, t.supply, t.whitelist_allocation, t.wallet_cap))
                    .collect();
                let state = if on_chain == wanted {
                    StepState::Unchanged
                } else {
                    StepState::Differs("its tiers differ from the deployment's".into())
                };
                step(name, pda::sale(id), state)
            }
            None => {
                let payment = cluster.sale(sale.kind).ok_or_else(|| {
                    CliError::new(
                        format!(
                            "the cluster file has no [[sales]] entry of kind {:?}",
                            sale.kind
                        ),
                        "add its payment mint, token program and treasury to the cluster file",
                    )
                })?;
                let payment = SalePayment {
                    mint: payment.payment_mint,
                    token_program: payment.payment_token_program,
                    treasury: payment.treasury,
                };
                let id = next_sale_id;
                next_sale_id += 1;
                Step {
                    instruction: Some(admin::initialize_sale(admin, id, &payment, args)),
                    ..step(name, pda::sale(id), StepState::Create)
                }
            }
        });
    }

    // Rewards before staking: staking releases penalties into the rewards program's inflow.
    let rewards_params = deployment.rewards.params();
    let rewards_args = epoch_rewards::instructions::InitializeConfigArgs {
        pause_guardian: cluster.pause_guardian,
        epoch_origin_ts: cluster.start_ts,
        epoch_length_secs: deployment.rewards.epoch_length_secs,
        managers: cluster.managers.clone(),
        params: rewards_params,
    };
    steps.push(
        match fetch::<epoch_rewards::state::RewardsConfig>(chain, &pda::rewards_config()).await? {
            None => Step {
                instruction: Some(admin::rewards_initialize_config(admin, &ifx, rewards_args)),
                ..step(
                    "epoch-rewards config",
                    pda::rewards_config(),
                    StepState::Create,
                )
            },
            Some(c) => step(
                "epoch-rewards config",
                pda::rewards_config(),
                compare(
                    "params and managers",
                    (c.params, c.managers),
                    (rewards_params, cluster.managers.clone()),
                ),
            ),
        },
    );

    let staking_params = deployment.staking.params(cluster)?;
    let staking_args = node_staking::instructions::InitializeConfigArgs {
        pause_guardian: cluster.pause_guardian,
        buyback_authority,
        managers: cluster.managers.clone(),
        params: staking_params,
    };
    steps.push(
        match fetch::<node_staking::state::StakingConfig>(chain, &pda::staking_config()).await? {
            None => Step {
                instruction: Some(admin::staking_initialize_config(admin, &ifx, staking_args)),
                ..step(
                    "node-staking config",
                    pda::staking_config(),
                    StepState::Create,
                )
            },
            Some(c) => step(
                "node-staking config",
                pda::staking_config(),
                compare(
                    "params and managers",
                    (c.params, c.managers),
                    (staking_params, cluster.managers.clone()),
                ),
            ),
        },
    );

    let buyback_params = deployment.buyback.params(cluster)?;
    let buyback_args = buyback_vault::instructions::InitializeConfigArgs {
        pause_guardian: cluster.pause_guardian,
        treasury: cluster.buyback_treasury,
        params: buyback_params,
    };
    steps.push(
        match fetch::<buyback_vault::state::BuybackConfig>(chain, &pda::buyback_config()).await? {
            None => Step {
                instruction: Some(admin::buyback_initialize_config(
                    admin,
                    &ifx,
                    &weth,
                    buyback_args,
                )),
                ..step(
                    "buyback-vault config",
                    pda::buyback_config(),
                    StepState::Create,
                )
            },
            Some(c) => step(
                "buyback-vault config",
                pda::buyback_config(),
                compare("params", c.params, buyback_params),
            ),
        },
    );
    Ok(steps)
}

/// Plans, then (unless `dry_run`) creates what is missing, one transaction per account, signed
/// by `admin` (each program's upgrade authority).
pub async fn migrate(
    chain: &mut impl Chain,
    deployment: &Deployment,
    cluster: &Cluster,
    admin: &Keypair,
    dry_run: bool,
) -> Result<Report, CliError> {
    let steps = plan(chain, deployment, cluster, &admin.pubkey()).await?;
    let mut report = Report::new();
    let mut rows = vec![];
    let mut created = 0;
    for s in &steps {
        let (state, detail) = match (&s.state, &s.instruction) {
            (StepState::Create, Some(ix)) if !dry_run => {
                let signature = chain
                    .send(std::slice::from_ref(ix), admin, &[])
                    .await
                    .map_err(|e| {
                        CliError::from(e).with_context(format!("creating the {}", s.name))
                    })?;
                created += 1;
                ("created", signature)
            }
            (StepState::Create, _) => ("would create", String::new()),
            (StepState::Unchanged, _) => ("unchanged", String::new()),
            (StepState::Differs(d), _) => ("differs", d.clone()),
        };
        report.line(format!(
            "{:<24} {:<13} {}{}",
            s.name,
            state,
            s.address,
            if detail.is_empty() {
                String::new()
            } else {
                format!("  {detail}")
            }
        ));
        rows.push(json!({"step": s.name, "address": s.address.to_string(), "state": state, "detail": detail}));
    }
    let differs = steps
        .iter()
        .filter(|s| matches!(s.state, StepState::Differs(_)))
        .count();
    let summary = if dry_run {
        let pending = steps
            .iter()
            .filter(|s| s.state == StepState::Create)
            .count();
        format!("dry run: {pending} account(s) would be created; nothing was sent")
    } else if created == 0 {
        "nothing to do: every config account already exists; nothing changed".to_string()
    } else {
        format!("{created} account(s) created")
    };
    report.line(summary.clone());
    if differs > 0 {
        report.line(format!(
            "{differs} account(s) differ from the deployment and were left as they are; change them with the programs' admin update instructions"
        ));
    }
    report.json = json!({"dry_run": dry_run, "created": created, "differs": differs, "steps": rows, "summary": summary});
    Ok(report)
}
