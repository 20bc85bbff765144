//! What the manager and the daemons read from the chain over JSON-RPC: nodes, the cluster's
//! clock and the epoch it falls in, the active verifiers; and the transactions they send.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use inferix_sdk::accounts::{fetch, fetch_all};
use inferix_sdk::client::{Chain, ChainError, RpcChain};
use inferix_sdk::epoch_rewards::state::{NodeEpoch, NodeRewards, RewardsConfig};
use inferix_sdk::node_license::state::LicenseKind;
use inferix_sdk::node_staking::state::{Node, StakingConfig};
use inferix_sdk::pda;
use solana_keypair::Keypair;
use tokio::sync::Mutex;

/// Offset of `Node::kind` in the account (after the discriminator and the licence mint).
const NODE_KIND_OFFSET: usize = 8 + 32;

pub fn kind_name(kind: LicenseKind) -> &'static str {
    match kind {
        LicenseKind::Worker => "worker",
        LicenseKind::Verifier => "verifier",
    }
}

pub struct ChainView {
    rpc: Mutex<RpcChain>,
    pub url: String,
}

impl ChainView {
    pub fn new(url: &str) -> Self {
        Self {
            rpc: Mutex::new(RpcChain::new(url)),
            url: url.to_string(),
        }
    }

    pub async fn node(&self, address: &Pubkey) -> Result<Option<Node>, ChainError> {
        fetch::<Node>(&mut *self.rpc.lock().await, address).await
    }

    /// The cluster's clock, Unix seconds (what the programs compare `issued_at` with).
    pub async fn now(&self) -> Result<i64, ChainError> {
        self.rpc.lock().await.unix_timestamp().await
    }

    pub async fn rewards_config(&self) -> Result<RewardsConfig, ChainError> {
        fetch::<RewardsConfig>(&mut *self.rpc.lock().await, &pda::rewards_config())
            .await?
            .ok_or_else(|| {
                ChainError::Unreachable(format!(
                    "{}: no rewards config (is the network deployed?)",
                    self.url
                ))
            })
    }

    pub async fn staking_config(&self) -> Result<StakingConfig, ChainError> {
        fetch::<StakingConfig>(&mut *self.rpc.lock().await, &pda::staking_config())
            .await?
            .ok_or_else(|| {
                ChainError::Unreachable(format!(
                    "{}: no staking config (is the network deployed?)",
                    self.url
                ))
            })
    }

    /// The cluster's clock and the epoch it falls in.
    pub async fn epoch_now(&self) -> Result<(u32, i64), ChainError> {
        let config = self.rewards_config().await?;
        let now = self.now().await?;
        let epoch = config.schedule.epoch_at(now).map_err(|_| {
            ChainError::Unreachable(format!("{}: the clock is before epoch 0", self.url))
        })?;
        Ok((epoch, now))
    }

    /// Verifier nodes that are active and not blacklisted, in address order.
    pub async fn active_verifiers(&self) -> Result<Vec<Pubkey>, ChainError> {
        let kind = [LicenseKind::Verifier as u8];
        let nodes =
            fetch_all::<Node>(&mut *self.rpc.lock().await, &[(NODE_KIND_OFFSET, &kind)]).await?;
        let mut active: Vec<Pubkey> = nodes
            .into_iter()
            .filter(|(_, n)| n.kind == LicenseKind::Verifier && n.is_active() && !n.blacklisted)
            .map(|(address, _)| address)
            .collect();
        active.sort();
        Ok(active)
    }

    /// A node's tally in an epoch (cumulative IBM credited, jobs) and its last attestation seq.
    pub async fn worker_tally(
        &self,
        node: &Pubkey,
        epoch: u32,
    ) -> Result<(Option<NodeEpoch>, Option<NodeRewards>), ChainError> {
        let mut rpc = self.rpc.lock().await;
        let tally = fetch::<NodeEpoch>(&mut *rpc, &pda::node_epoch(epoch, node)).await?;
        let rewards = fetch::<NodeRewards>(&mut *rpc, &pda::node_rewards(node)).await?;
        Ok((tally, rewards))
    }

    pub async fn lamports(&self, address: &Pubkey) -> Result<u64, ChainError> {
        Ok(self
            .rpc
            .lock()
            .await
            .account(address)
            .await?
            .map_or(0, |a| a.lamports))
    }

    pub async fn exists(&self, address: &Pubkey) -> Result<bool, ChainError> {
        Ok(self.rpc.lock().await.account(address).await?.is_some())
    }

    pub async fn send(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
    ) -> Result<String, ChainError> {
        self.rpc.lock().await.send(instructions, payer, &[]).await
    }
}
