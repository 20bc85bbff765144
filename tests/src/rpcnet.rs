//! A deployed network behind the local cluster's JSON-RPC server, reached only through its URL
//! as a holder's machine reaches a cluster: the CLI on `RpcChain`, `requestAirdrop`,
//! `inferixFaucet` for test tokens and `inferixWarpClock` to jump over epochs.

use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use clap::Parser;
use inferix_cli::deployment::Deployment;
use inferix_cli::error::CliError;
use inferix_cli::output::Report;
use inferix_cli::Cli;
use inferix_localnet::rpc::{Cluster, RpcServer};
use inferix_sdk::client::{Chain, ChainError, RpcChain};
use inferix_sdk::node_staking::state::Node;
use inferix_sdk::pda;
use serde_json::json;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_types::request::RpcRequest;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

use crate::localnet::{
    faucet_mints, ifx_price_push, LocalNet, Participants, Verifier, Wallet, Worker,
};
use inferix_worker::chain::work::WorkRecord;

const LAMPORTS_PER_SOL: u64 = 1_000_000_000;

pub struct RpcNet {
    server: RpcServer,
    pub url: String,
    pub chain: RpcChain,
    client: RpcClient,
    pub out: PathBuf,
    pub ifx_mint: Pubkey,
    /// The sales' stablecoin.
    pub usd_mint: Pubkey,
    pub admin: Wallet,
    pub price_authority: Wallet,
    pub manager: Wallet,
    /// Sales open and epoch 0 starts here.
    pub start_ts: i64,
    pub deployment: Deployment,
}

impl RpcNet {
    /// Serves `net` on free ports of 127.0.0.1, its faucet handing out IFX and USDC. From here
    /// on nothing touches the bank but the server.
    pub async fn serve(net: LocalNet) -> Self {
        Self::serve_at(net, "127.0.0.1").await
    }

    /// [`RpcNet::serve`] on free ports of `ip` (an address of this host, e.g. a test bridge's).
    pub async fn serve_at(net: LocalNet, ip: &str) -> Self {
        let LocalNet {
            bank,
            out,
            ifx_mint,
            usd_mint,
            admin,
            price_authority,
            manager,
            start_ts,
            deployment,
            ..
        } = net;
        let cluster = Cluster::in_memory(bank).await;
        cluster.set_faucet_mints(faucet_mints(ifx_mint, usd_mint));
        let any_port = format!("{ip}:0").parse().expect("an address");
        let server = RpcServer::serve(cluster, any_port, any_port)
            .await
            .expect("serving the network");
        let url = server.url();
        Self {
            chain: RpcChain::new(&url),
            client: RpcClient::new(url.clone()),
            url,
            server,
            out,
            ifx_mint,
            usd_mint,
            admin,
            price_authority,
            manager,
            start_ts,
            deployment,
        }
    }

    /// The cluster's WebSocket (PubSub) URL.
    pub fn ws_url(&self) -> String {
        self.server.ws_url()
    }

    /// A development method of the local cluster, by name.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> T {
        self.client
            .send(RpcRequest::Custom { method }, params)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// A worker of IB 1, staked, then two hours into epoch 0 credited with an hour of its
    /// rendering (60 IBM), co-signed by `verifiers`: a holder with a reward to claim once the
    /// epoch ends.
    pub async fn worker_credited_in_epoch_0(
        &mut self,
        name: &'static str,
        verifiers: &[Verifier],
    ) -> Worker {
        const ONE_IB: u64 = 1_000_000;
        let worker = self
            .worker(name, ONE_IB, verifiers)
            .await
            .expect("a staked worker");
        self.warp_clock(2 * 3_600).await;
        let record = WorkRecord {
            job_hash: [1; 32],
            frame_root: [7; 32],
            ibm_micros: 60_000_000,
        };
        self.attest(
            &worker.wallet,
            &worker.node,
            0,
            1,
            ONE_IB,
            &[record],
            verifiers,
        )
        .await
        .expect("attesting");
        worker
    }

    /// Moves the cluster's clock `secs` forward.
    pub async fn warp_clock(&self, secs: i64) -> i64 {
        self.call("inferixWarpClock", json!([secs])).await
    }

    /// Moves the cluster's clock forward to `unix_timestamp`.
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let now = self.now().await;
        assert!(now <= unix_timestamp, "the clock only moves forward");
        self.warp_clock(unix_timestamp - now).await;
    }

    /// Mints `amount` base units of `symbol` (`IFX` or `USDC`) to `owner` with the faucet.
    pub async fn faucet(&self, owner: &Pubkey, symbol: &str, amount: u64) {
        let _: String = self
            .call("inferixFaucet", json!([owner.to_string(), symbol, amount]))
            .await;
    }

    pub async fn anchor_account<T: AccountDeserialize>(&mut self, address: &Pubkey) -> T {
        let account = self
            .chain
            .account(address)
            .await
            .expect("reading over RPC")
            .unwrap_or_else(|| panic!("no account at {address}"));
        T::try_deserialize(&mut account.data.as_slice()).expect("the account's type")
    }

    /// The balance of token account `account`; 0 when it does not exist.
    pub async fn token_balance(&mut self, account: &Pubkey) -> u64 {
        match self.chain.account(account).await.expect("reading over RPC") {
            Some(account) => {
                let data = &account.data[..spl_token_2022_interface::state::Account::LEN];
                spl_token_2022_interface::state::Account::unpack(data)
                    .expect("a token account")
                    .amount
            }
            None => 0,
        }
    }

    pub async fn ifx_balance(&mut self, owner: &Pubkey) -> u64 {
        let account = pda::associated_token(owner, &self.ifx_mint, &anchor_spl::token::ID);
        self.token_balance(&account).await
    }
}

impl Drop for RpcNet {
    fn drop(&mut self) {
        self.server.stop();
    }
}

impl Participants for RpcNet {
    /// `inferix --url URL --keypair FILE ARGS`, exactly as the binary parses and runs it.
    async fn inferix(&mut self, who: &Wallet, args: &[&str]) -> Result<Report, CliError> {
        let keypair = who.file.display().to_string();
        let mut argv = vec!["inferix", "--url", &self.url, "--keypair", &keypair];
        argv.extend_from_slice(args);
        let cli =
            Cli::try_parse_from(argv).map_err(|e| CliError::new(e.to_string(), "see --help"))?;
        inferix_cli::execute(&mut RpcChain::new(&self.url), &cli, &who.file).await
    }

    async fn wallet(&mut self, name: &'static str, ifx: u64) -> Wallet {
        let wallet = Wallet::write(name, Keypair::new(), &self.out);
        let airdrop = self
            .client
            .request_airdrop(&wallet.pubkey(), 10 * LAMPORTS_PER_SOL)
            .await
            .expect("requestAirdrop");
        self.client
            .poll_for_signature(&airdrop)
            .await
            .expect("the airdrop lands");
        self.faucet(&wallet.pubkey(), "USDC", 1_000 * 1_000_000)
            .await;
        if ifx > 0 {
            self.faucet(&wallet.pubkey(), "IFX", ifx).await;
        }
        wallet
    }

    async fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
    ) -> Result<(), CliError> {
        self.chain.send(instructions, payer, &[]).await?;
        Ok(())
    }

    async fn now(&mut self) -> i64 {
        self.chain
            .unix_timestamp()
            .await
            .expect("the cluster's clock")
    }

    async fn push_price(&mut self) {
        let authority = self.price_authority.keypair.insecure_clone();
        let push = ifx_price_push(&authority.pubkey());
        // The cluster's own pusher sends the same transaction every 20 s: when it already
        // landed in this slot (same blockhash, same signature) it may carry a time from before a
        // warp, so the push is sent again in the next slot rather than taken as done.
        for _ in 0..20 {
            match self
                .chain
                .send(std::slice::from_ref(&push), &authority, &[])
                .await
            {
                Ok(_) => return,
                Err(ChainError::Refused {
                    error: TransactionError::AlreadyProcessed,
                    ..
                }) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
                Err(e) => panic!("pushing the IFX price: {e}"),
            }
        }
        panic!("pushing the IFX price: every slot for 4 s already held the same push");
    }

    async fn fund_ifx(&mut self, owner: &Pubkey, amount: u64) {
        self.faucet(owner, "IFX", amount).await;
    }

    async fn required_stake(&mut self, node: &Pubkey) -> u64 {
        self.anchor_account::<Node>(node).await.required_stake
    }

    fn manager(&self) -> &Keypair {
        &self.manager.keypair
    }

    fn deployment(&self) -> &Deployment {
        &self.deployment
    }
}
