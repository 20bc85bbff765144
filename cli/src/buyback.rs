//! The guaranteed buyback: quote both options, sell a license back, withdraw the IFX that vests.

use anchor_lang::prelude::{AccountInfo, Pubkey};
use inferix_common::price::UsdPrice;
use inferix_sdk::accounts::{fetch, token_balance};
use inferix_sdk::buyback_vault::prices::{eth_price, ifx_price};
use inferix_sdk::buyback_vault::state::{
    check_eligible, ifx_payout, weth_payout, BuybackConfig, BuybackVesting,
};
use inferix_sdk::client::Chain;
use inferix_sdk::epoch_rewards::state::NodeRewards;
use inferix_sdk::instructions::{self, BuybackLicense};
use inferix_sdk::pda;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::error::CliError;
use crate::network::{self, ifx_token};
use crate::output::{tokens, usd, Report};

/// Which payout a holder takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BuybackOption {
    /// 100 % of the price paid, in IFX vesting linearly.
    Ifx,
    /// 80 % of the price paid, in wETH at once.
    Weth,
}

async fn buyback_config(chain: &mut impl Chain) -> Result<BuybackConfig, CliError> {
    fetch(chain, &pda::buyback_config()).await?.ok_or_else(|| {
        CliError::new(
            "buyback-vault is not configured on this cluster",
            "check --url; an operator deploys the configs with `inferix migrate`",
        )
    })
}

/// Reads a price account through the program's own checks (owner, feed, age, confidence).
async fn read_price(
    chain: &mut impl Chain,
    address: &Pubkey,
    now: i64,
    read: impl Fn(&AccountInfo, i64) -> anchor_lang::Result<UsdPrice>,
) -> Result<UsdPrice, CliError> {
    let mut account = chain.account(address).await?.ok_or_else(|| {
        CliError::new(
            format!("the price account {address} does not exist"),
            "pass the price feed's account (--eth-price-account / --ifx-price-account)",
        )
    })?;
    let info = AccountInfo::new(
        address,
        false,
        false,
        &mut account.lamports,
        &mut account.data,
        &account.owner,
        false,
    );
    read(&info, now).map_err(|e| {
        CliError::new(
            format!("the price in {address} cannot be used now: {e}"),
            "wait for a fresh price update, or pass the right feed account",
        )
    })
}

async fn weth_decimals(chain: &mut impl Chain, config: &BuybackConfig) -> Result<u8, CliError> {
    let mint = chain.account(&config.weth_mint).await?;
    mint.and_then(|m| m.data.get(44).copied()).ok_or_else(|| {
        CliError::new(
            format!("the wETH mint {} cannot be read", config.weth_mint),
            "check --url",
        )
    })
}

struct Quote {
    eligible: Result<(), String>,
    window_open: bool,
    window: (i64, i64),
    price_paid_usd: u64,
    ifx: Option<u64>,
    weth: Option<u64>,
}

async fn quote_of(
    chain: &mut impl Chain,
    license_mint: &Pubkey,
    ifx_price_account: Option<Pubkey>,
    eth_price_account: Option<Pubkey>,
) -> Result<(Quote, BuybackConfig), CliError> {
    let config = buyback_config(chain).await?;
    let staking = network::staking_config(chain).await?;
    let rewards_config = network::rewards_config(chain).await?;
    let record = network::license_record(chain, license_mint).await?;
    let node = network::node(chain, license_mint).await?;
    let rewards: Option<NodeRewards> =
        fetch(chain, &pda::node_rewards(&pda::node(license_mint))).await?;
    let now = chain.unix_timestamp().await?;
    let current = rewards_config.schedule.epoch_at(now).unwrap_or(0);
    let eligible = if chain
        .account(&pda::bought_back(license_mint))
        .await?
        .is_some()
    {
        Err("this license was already sold back".to_string())
    } else {
        check_eligible(&record, &node, rewards.as_ref(), current).map_err(|e| e.to_string())
    };
    let params = config.params;
    let ifx_account = network::ifx_price_account(&staking, ifx_price_account)?;
    let ifx_usd = read_price(chain, &ifx_account, now, |a, t| ifx_price(&params, a, t)).await?;
    let ifx = ifx_payout(
        &params,
        record.price_paid_usd,
        &ifx_usd,
        staking.ifx_decimals,
    )
    .ok();
    let weth = match eth_price_account {
        Some(address) => {
            let eth_usd = read_price(chain, &address, now, |a, t| eth_price(&params, a, t)).await?;
            let decimals = weth_decimals(chain, &config).await?;
            weth_payout(&params, record.price_paid_usd, &eth_usd, decimals).ok()
        }
        None => None,
    };
    Ok((
        Quote {
            eligible,
            window_open: params.window_open(now),
            window: (params.window_start, params.window_end()),
            price_paid_usd: record.price_paid_usd,
            ifx,
            weth,
        },
        config,
    ))
}

/// `buyback quote`: eligibility, the window, and what each option pays now.
pub async fn quote(
    chain: &mut impl Chain,
    license_mint: &Pubkey,
    ifx_price_account: Option<Pubkey>,
    eth_price_account: Option<Pubkey>,
) -> Result<Report, CliError> {
    let (q, config) = quote_of(chain, license_mint, ifx_price_account, eth_price_account).await?;
    let staking = network::staking_config(chain).await?;
    let weth_decimals = weth_decimals(chain, &config).await?;
    let mut report = Report::new();
    report.line(format!(
        "license {license_mint}: paid {}; {}",
        usd(q.price_paid_usd),
        match &q.eligible {
            Ok(()) => "eligible for the buyback".to_string(),
            Err(why) => format!("not eligible: {why}"),
        }
    ));
    report.line(format!(
        "window {} → {}: {}",
        q.window.0,
        q.window.1,
        if q.window_open {
            "open now"
        } else {
            "closed now"
        }
    ));
    report.line(match q.ifx {
        Some(a) => format!(
            "option ifx:  {} IFX, vesting over {} days",
            tokens(a, staking.ifx_decimals),
            config.params.ifx_vesting_secs / 86_400
        ),
        None => "option ifx:  no quote".to_string(),
    });
    report.line(match q.weth {
        Some(a) => format!("option weth: {} wETH at once", tokens(a, weth_decimals)),
        None => "option weth: pass --eth-price-account to quote it".to_string(),
    });
    report.json = json!({
        "eligible": q.eligible.is_ok(), "ineligible_reason": q.eligible.err(),
        "window_open": q.window_open, "window_start": q.window.0, "window_end": q.window.1,
        "price_paid_usd_micros": q.price_paid_usd, "ifx_amount": q.ifx, "weth_amount": q.weth,
    });
    Ok(report)
}

/// `buyback sell`: sells the license back for `option`, refusing outside the window or when
/// ineligible before sending; `min_out` defaults to the quote (no worse than quoted).
pub async fn sell(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
    option: BuybackOption,
    min_out: Option<u64>,
    ifx_price_account: Option<Pubkey>,
    eth_price_account: Option<Pubkey>,
) -> Result<Report, CliError> {
    network::require_holder(chain, &wallet.pubkey(), license_mint).await?;
    let (q, config) = quote_of(chain, license_mint, ifx_price_account, eth_price_account).await?;
    if !q.window_open {
        return Err(CliError::new(
            format!(
                "the buyback window is closed: it runs from {} to {}",
                q.window.0, q.window.1
            ),
            "sell during the window; `inferix buyback quote` shows it",
        ));
    }
    if let Err(why) = q.eligible {
        return Err(CliError::new(
            format!("license {license_mint} is not eligible for the buyback: {why}"),
            "only purchased (not airdropped), never-blacklisted licenses whose node participated in over 2/3 of epochs qualify",
        ));
    }
    let staking = network::staking_config(chain).await?;
    let license = BuybackLicense {
        holder: wallet.pubkey(),
        license_mint: *license_mint,
    };
    let ifx_account = network::ifx_price_account(&staking, ifx_price_account)?;
    let (ix, quoted) = match option {
        BuybackOption::Ifx => {
            let quoted = q.ifx.unwrap_or(0);
            (
                instructions::buyback_ifx(
                    &license,
                    &config.ifx_mint,
                    &ifx_account,
                    min_out.unwrap_or(quoted),
                ),
                quoted,
            )
        }
        BuybackOption::Weth => {
            let eth = eth_price_account.ok_or_else(|| {
                CliError::new(
                    "the wETH option needs the ETH/USD price",
                    "pass --eth-price-account",
                )
            })?;
            let quoted = q.weth.unwrap_or(0);
            (
                instructions::buyback_weth(
                    &license,
                    &config.weth_mint,
                    &config.weth_token_program,
                    &eth,
                    min_out.unwrap_or(quoted),
                ),
                quoted,
            )
        }
    };
    let weth_account = pda::associated_token(
        &wallet.pubkey(),
        &config.weth_mint,
        &config.weth_token_program,
    );
    let weth_before = token_balance(chain, &weth_account).await?.unwrap_or(0);
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let mut report = Report::new();
    let paid = match option {
        BuybackOption::Ifx => {
            let vesting: Option<BuybackVesting> =
                fetch(chain, &pda::buyback_vesting(license_mint)).await?;
            let total = vesting.map_or(0, |v| v.total);
            report.line(format!(
                "sold license {license_mint} back for {} IFX, vesting over {} days (`inferix buyback withdraw`)",
                tokens(total, staking.ifx_decimals),
                config.params.ifx_vesting_secs / 86_400
            ));
            total
        }
        BuybackOption::Weth => {
            let received = token_balance(chain, &weth_account).await?.unwrap_or(0) - weth_before;
            report.line(format!(
                "sold license {license_mint} back for {} wETH, paid at once",
                tokens(received, weth_decimals(chain, &config).await?)
            ));
            received
        }
    };
    report.line(
        "the node's stake is unbonding to you; withdraw it with `inferix withdraw` when released",
    );
    report.json = json!({"option": format!("{option:?}").to_lowercase(), "amount": paid, "quoted": quoted, "signature": signature});
    Ok(report)
}

/// `buyback withdraw`: the IFX vested so far of a license sold back for IFX.
pub async fn withdraw(
    chain: &mut impl Chain,
    wallet: &Keypair,
    license_mint: &Pubkey,
) -> Result<Report, CliError> {
    let config = buyback_config(chain).await?;
    let staking = network::staking_config(chain).await?;
    let vesting: BuybackVesting = fetch(chain, &pda::buyback_vesting(license_mint))
        .await?
        .ok_or_else(|| {
            CliError::new(
                format!("license {license_mint} has no IFX buyback vesting"),
                "sell it back first with `inferix buyback sell --option ifx`",
            )
        })?;
    let now = chain.unix_timestamp().await?;
    if vesting.withdrawable(now).unwrap_or(0) == 0 {
        return Err(CliError::new(
            "nothing has vested since your last withdrawal",
            "try again later",
        ));
    }
    let ifx = ifx_token(&staking);
    let account = pda::associated_token(&wallet.pubkey(), &config.ifx_mint, &ifx.token_program);
    let before = token_balance(chain, &account).await?.unwrap_or(0);
    let ix = instructions::withdraw_vested_buyback(&wallet.pubkey(), license_mint, &ifx);
    let signature = chain.send(&[ix], wallet, &[]).await?;
    let after = token_balance(chain, &account).await?.unwrap_or(0);
    let mut report = Report::new();
    report.line(format!(
        "withdrew {} IFX of the buyback",
        tokens(after - before, staking.ifx_decimals)
    ));
    report.json = json!({"withdrawn": after - before, "signature": signature});
    Ok(report)
}
