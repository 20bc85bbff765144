//! The node software as separate processes: `inferix-manager`, three `inferix-verifier-daemon`s
//! and an `inferix-worker-daemon` against a network served over JSON-RPC, each with its own
//! config file, database and key, on ports of 127.0.0.1. Every process is killed when its
//! [`Daemon`] is dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use inferix_localnet::bank::Bank;
use inferix_localnet::network::{LocalNet, Profile};
use inferix_node_api::wire::{ApiError, JobRequest, JobStatus, SceneUploaded};
use solana_signer::Signer;

use crate::localnet::{Participants, Verifier, Worker};
use crate::postgres::TestDatabase;
use crate::rpcnet::RpcNet;
use crate::s3::TestS3;

pub const ONE_IB: u64 = 1_000_000;

/// The workspace's binaries, built once per test process (a no-op when they are fresh).
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let profile: &[&str] = if cfg!(debug_assertions) {
            &[]
        } else {
            &["--release"]
        };
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--workspace", "--bins"])
            .args(profile)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .status()
            .expect("running cargo build for the daemons");
        assert!(status.success(), "building the daemons failed");
        // Tests run from target/<profile>/deps, binaries (the main job) from target/<profile>.
        let exe = std::env::current_exe().expect("this executable's path");
        let dir = exe.parent().expect("target/<profile>").to_path_buf();
        match dir.file_name().is_some_and(|n| n == "deps") {
            true => dir.parent().expect("target/<profile>").to_path_buf(),
            false => dir,
        }
    });
    dir.join(name)
}

/// A free port on 127.0.0.1 (bound, then released for the daemon to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// One running daemon: its process, the URL it announced, its log.
pub struct Daemon {
    pub name: String,
    bin: PathBuf,
    args: Vec<String>,
    child: Option<Child>,
    pub url: String,
    pub log: PathBuf,
}

impl Daemon {
    /// Starts `bin args…` and waits for it to announce `http://…` on stdout.
    pub fn start(name: &str, bin: &Path, args: &[String], dir: &Path) -> Daemon {
        let mut daemon = Daemon {
            name: name.to_string(),
            bin: bin.to_path_buf(),
            args: args.to_vec(),
            child: None,
            url: String::new(),
            log: dir.join(format!("{name}.log")),
        };
        daemon.spawn();
        daemon
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("a log file");
        let mut child = Command::new(&self.bin)
            .args(&self.args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let _ = tx.send(line[at..].trim().to_string());
                }
            }
        });
        self.url = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| {
                panic!("{} did not start; its log:\n{}", self.name, self.log_text())
            });
        self.child = Some(child);
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the running process: a benchmark keeps the nodes
    /// still while it measures the manager alone.
    pub fn freeze(&self, frozen: bool) {
        if let Some(pid) = self.pid() {
            let signal = if frozen { libc::SIGSTOP } else { libc::SIGCONT };
            // SAFETY: kill has no memory preconditions; the pid is our own child's.
            unsafe { libc::kill(pid as i32, signal) };
        }
    }

    /// CPU seconds (user + system) the running process has used, from /proc.
    pub fn cpu_seconds(&self) -> f64 {
        let Some(pid) = self.pid() else { return 0.0 };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name (which may hold spaces) in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        // SAFETY: sysconf has no preconditions.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (field(11) + field(12)) / ticks
    }

    /// Peak resident memory of the running process, MiB (VmHWM).
    pub fn peak_rss_mib(&self) -> f64 {
        let Some(pid) = self.pid() else { return 0.0 };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("a running daemon");
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        child.wait().expect("waiting for the daemon")
    }

    /// The same command again (same config, database and port).
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    pub async fn get(&self, path: &str) -> String {
        reqwest::get(format!("{}{path}", self.url))
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("{} {path}: {e}", self.name))
            .text()
            .await
            .expect("a body")
    }

    /// A metric's value from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.get("/metrics").await;
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{} exposes no metric {name}", self.name))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub struct Options {
    pub verifiers: usize,
    /// The manager's `lease_slack_secs` (a killed worker's job returns after about this).
    pub lease_slack_secs: i64,
    /// Start the worker daemon with the network.
    pub worker_daemon: bool,
    /// The worker reaches the RPC node through a [`TcpProxy`] the test can take down.
    pub worker_rpc_proxy: bool,
    /// Benchmark and stake the worker before the daemons start (otherwise it is only
    /// registered, and its daemon asks the manager for its benchmark).
    pub worker_benchmarked: bool,
    /// How often the daemons ask the manager for work (the product's default is 1,000 ms;
    /// tests ask more often to run faster).
    pub poll_interval_ms: u64,
    /// How long the manager trusts an on-chain node lookup (the product's default is 10 s;
    /// tests see a blacklisting sooner).
    pub node_cache_secs: u64,
    /// Where the manager keeps its state.
    pub manager_database: ManagerDatabase,
    /// Manager processes on the one database (more than one needs PostgreSQL): the customer
    /// talks to the first, the worker and verifier daemons to the last.
    pub manager_replicas: usize,
    /// Keep scenes and frames in an S3-compatible store (a [`TestS3`] of the test's own)
    /// instead of the manager's folder.
    pub manager_objects_in_s3: bool,
}

/// The manager's backend in a test: its SQLite file, or a database of the test's own on the
/// test PostgreSQL server. `INFERIX_TEST_MANAGER_DATABASE=postgres` makes PostgreSQL the
/// default, so that the daemon suite runs on both (CI runs it twice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagerDatabase {
    Sqlite,
    Postgres,
}

impl ManagerDatabase {
    pub fn from_env() -> ManagerDatabase {
        match std::env::var("INFERIX_TEST_MANAGER_DATABASE").as_deref() {
            Ok("postgres") => ManagerDatabase::Postgres,
            Ok("sqlite") | Err(_) => ManagerDatabase::Sqlite,
            Ok(other) => panic!("INFERIX_TEST_MANAGER_DATABASE={other}: say sqlite or postgres"),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            verifiers: 3,
            lease_slack_secs: 60,
            worker_daemon: true,
            worker_rpc_proxy: false,
            worker_benchmarked: true,
            poll_interval_ms: 300,
            node_cache_secs: 2,
            manager_database: ManagerDatabase::from_env(),
            manager_replicas: 1,
            manager_objects_in_s3: false,
        }
    }
}

/// A customer of the manager's API, with the token its operator issued.
pub struct Customer {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Customer {
    pub fn new(manager_url: &str, token: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: manager_url.to_string(),
            token: token.to_string(),
        }
    }

    /// The same customer at another manager replica.
    pub fn at(&self, manager_url: &str) -> Self {
        Self::new(manager_url, &self.token)
    }

    async fn call(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, (u16, ApiError)> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("the manager answers");
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Err((
            status,
            serde_json::from_str(&text).unwrap_or(ApiError {
                error: "HttpError".into(),
                message: text,
            }),
        ))
    }

    /// `POST /v1/jobs`.
    pub async fn submit(
        &self,
        scene: &str,
        width: u32,
        height: u32,
        samples_per_pixel: u32,
    ) -> Result<JobStatus, (u16, ApiError)> {
        let body = JobRequest {
            scene: scene.into(),
            width,
            height,
            samples_per_pixel,
        };
        let response = self
            .call(self.http.post(format!("{}/v1/jobs", self.url)).json(&body))
            .await?;
        Ok(response.json().await.expect("a job status"))
    }

    /// `POST /v1/scenes`.
    pub async fn upload(&self, bytes: Vec<u8>) -> Result<SceneUploaded, (u16, ApiError)> {
        let response = self
            .call(
                self.http
                    .post(format!("{}/v1/scenes", self.url))
                    .body(bytes),
            )
            .await?;
        Ok(response.json().await.expect("an upload answer"))
    }

    pub async fn job(&self, id: &str) -> JobStatus {
        let response = self
            .call(self.http.get(format!("{}/v1/jobs/{id}", self.url)))
            .await
            .expect("the job");
        response.json().await.expect("a job status")
    }

    pub async fn frame(&self, id: &str) -> Result<Vec<u8>, (u16, ApiError)> {
        let response = self
            .call(self.http.get(format!("{}/v1/jobs/{id}/frame", self.url)))
            .await?;
        Ok(response.bytes().await.expect("frame bytes").to_vec())
    }
}

/// A network with its node software running as processes.
pub struct DaemonNet {
    pub net: RpcNet,
    pub dir: PathBuf,
    pub manager: Daemon,
    /// Further manager replicas on the same database ([`Options::manager_replicas`]).
    pub replicas: Vec<Daemon>,
    /// The manager's database as a URL ([`connect`] opens either backend).
    pub manager_db: String,
    /// The test's PostgreSQL database, dropped after the manager stops.
    manager_postgres: Option<TestDatabase>,
    /// The test's S3 store, stopped after the manager.
    manager_s3: Option<TestS3>,
    pub verifiers: Vec<Verifier>,
    pub verifier_daemons: Vec<Daemon>,
    pub worker: Worker,
    pub worker_daemon: Option<Daemon>,
    pub worker_config: PathBuf,
    pub worker_rpc: Option<TcpProxy>,
    pusher: tokio::task::JoinHandle<()>,
    pub customer: Customer,
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path.to_path_buf()
}

impl DaemonNet {
    /// Deploys with the local profile (10-minute epochs), registers and stakes the verifiers and
    /// a worker (IB 1) through the CLI, and starts the manager and the daemons.
    pub async fn start(test: &str, options: Options) -> DaemonNet {
        let (dir, local) = deployed_local_profile(&format!("daemons-{test}")).await;
        let mut net = RpcNet::serve(local).await;
        let names = ["verifier-1", "verifier-2", "verifier-3", "verifier-4"];
        let mut verifiers = vec![];
        for name in names.iter().take(options.verifiers) {
            verifiers.push(net.verifier(name).await.expect("a verifier"));
        }
        let worker = match options.worker_benchmarked {
            true => net
                .worker("worker", ONE_IB, &verifiers)
                .await
                .expect("a worker"),
            false => registered_worker(&mut net).await,
        };
        let pusher = price_pusher(&net);
        // Sixty seconds into the epoch, so a minute of work is plausible on chain.
        net.warp_clock(60).await;

        let manager_postgres = match options.manager_database {
            ManagerDatabase::Sqlite => None,
            ManagerDatabase::Postgres => Some(TestDatabase::create(test).await),
        };
        let manager_db = match &manager_postgres {
            Some(database) => database.url.clone(),
            None => sqlite_url(&dir.join("manager.sqlite")),
        };
        let manager_port = free_port();
        let manager_config = write_manager_config(
            &dir,
            manager_port,
            &net.url,
            &net.manager.file,
            &manager_db,
            options.lease_slack_secs,
            options.node_cache_secs,
        );
        let manager_s3 = match options.manager_objects_in_s3 {
            true => Some(TestS3::start("inferix").await),
            false => None,
        };
        if let Some(s3) = &manager_s3 {
            // The managers (child processes) read the store's address and keys from here.
            for (name, value) in s3.environment() {
                std::env::set_var(name, value);
            }
            let config = std::fs::read_to_string(&manager_config).expect("the manager's config");
            write(
                &manager_config,
                &config.replace(
                    "objects = \"objects\"",
                    "objects = \"s3://inferix/objects\"",
                ),
            );
        }
        let token = issue_token(&manager_config, "studio");
        let manager = Daemon::start(
            "manager",
            &binary("inferix-manager"),
            &[
                "serve".into(),
                "--config".into(),
                manager_config.display().to_string(),
            ],
            &dir,
        );
        assert!(
            options.manager_replicas == 1 || manager_postgres.is_some(),
            "manager replicas share a PostgreSQL database"
        );
        let replicas: Vec<Daemon> = (2..=options.manager_replicas)
            .map(|n| {
                let config = replica_config(&manager_config, n);
                Daemon::start(
                    &format!("manager-{n}"),
                    &binary("inferix-manager"),
                    &[
                        "serve".into(),
                        "--config".into(),
                        config.display().to_string(),
                    ],
                    &dir,
                )
            })
            .collect();
        let node_manager_url = replicas.last().unwrap_or(&manager).url.clone();
        let mut verifier_daemons = vec![];
        for (i, v) in verifiers.iter().enumerate() {
            let config = node_config(
                &dir,
                &format!("verifier-{}", i + 1),
                &node_manager_url,
                &net.url,
                &v.wallet.file,
                &v.node,
                options.poll_interval_ms,
            );
            verifier_daemons.push(Daemon::start(
                &format!("verifier-{}", i + 1),
                &binary("inferix-verifier-daemon"),
                &["--config".into(), config.display().to_string()],
                &dir,
            ));
        }
        let worker_rpc = match options.worker_rpc_proxy {
            true => Some(TcpProxy::start(&net.url).await),
            false => None,
        };
        let rpc = worker_rpc
            .as_ref()
            .map_or(net.url.clone(), |p| p.url.clone());
        let worker_config = node_config(
            &dir,
            "worker",
            &node_manager_url,
            &rpc,
            &worker.wallet.file,
            &worker.node,
            options.poll_interval_ms,
        );
        let mut this = DaemonNet {
            manager_db,
            manager_postgres,
            manager_s3,
            customer: Customer::new(&manager.url, &token),
            net,
            dir,
            manager,
            replicas,
            verifiers,
            verifier_daemons,
            worker,
            worker_daemon: None,
            worker_config,
            worker_rpc,
            pusher,
        };
        if options.worker_daemon {
            this.start_worker();
        }
        this
    }

    /// The manager replica the node daemons talk to.
    pub fn node_manager_url(&self) -> String {
        self.replicas.last().unwrap_or(&self.manager).url.clone()
    }

    pub fn start_worker(&mut self) {
        self.worker_daemon = Some(Daemon::start(
            "worker",
            &binary("inferix-worker-daemon"),
            &["--config".into(), self.worker_config.display().to_string()],
            &self.dir,
        ));
    }

    pub fn worker_daemon(&mut self) -> &mut Daemon {
        self.worker_daemon.as_mut().expect("the worker daemon runs")
    }

    pub async fn submit(
        &self,
        scene: &str,
        width: u32,
        height: u32,
        samples_per_pixel: u32,
    ) -> Result<JobStatus, (u16, ApiError)> {
        self.customer
            .submit(scene, width, height, samples_per_pixel)
            .await
    }

    pub async fn upload(&self, bytes: Vec<u8>) -> Result<SceneUploaded, (u16, ApiError)> {
        self.customer.upload(bytes).await
    }

    pub async fn job(&self, id: &str) -> JobStatus {
        self.customer.job(id).await
    }

    pub async fn frame(&self, id: &str) -> Result<Vec<u8>, (u16, ApiError)> {
        self.customer.frame(id).await
    }

    /// Waits until every job in `ids` is verified; panics with the daemons' logs otherwise.
    pub async fn wait_verified(&self, ids: &[String], timeout: Duration) -> Vec<JobStatus> {
        let started = Instant::now();
        loop {
            let mut statuses = vec![];
            for id in ids {
                statuses.push(self.job(id).await);
            }
            if statuses.iter().all(|s| s.status == "verified") {
                return statuses;
            }
            if started.elapsed() > timeout {
                panic!(
                    "jobs not verified in {timeout:?}: {statuses:?}\n{}",
                    self.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Waits until `node`'s tally in `epoch` on chain reaches `ibm_micros`.
    pub async fn wait_credited(
        &mut self,
        node: &Pubkey,
        epoch: u32,
        ibm_micros: u64,
        timeout: Duration,
    ) -> inferix_sdk::epoch_rewards::state::NodeEpoch {
        let started = Instant::now();
        let address = inferix_sdk::pda::node_epoch(epoch, node);
        loop {
            let account = inferix_sdk::client::Chain::account(&mut self.net.chain, &address)
                .await
                .expect("RPC");
            if let Some(account) = account {
                let tally: inferix_sdk::epoch_rewards::state::NodeEpoch =
                    anchor_lang::AccountDeserialize::try_deserialize(&mut account.data.as_slice())
                        .expect("a tally");
                if tally.cumulative_ibm_micros >= ibm_micros {
                    return tally;
                }
            }
            if started.elapsed() > timeout {
                panic!(
                    "{ibm_micros} IBM micros not credited in {timeout:?}\n{}",
                    self.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Every daemon's log, for a failure message.
    pub fn logs(&self) -> String {
        let mut all = vec![&self.manager];
        all.extend(self.verifier_daemons.iter());
        all.extend(self.worker_daemon.iter());
        all.iter()
            .map(|d| {
                let log = d.log_text();
                let tail: Vec<&str> = log.lines().rev().take(25).collect();
                format!(
                    "--- {} ---\n{}",
                    d.name,
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The worker's operator key (the test plays its node when it needs to misbehave).
    pub fn worker_operator(&self) -> solana_keypair::Keypair {
        self.worker.wallet.keypair.insecure_clone()
    }

    pub fn worker_pubkey(&self) -> Pubkey {
        self.worker.wallet.keypair.pubkey()
    }
}

impl Drop for DaemonNet {
    fn drop(&mut self) {
        // Daemons first (their Drop kills them), then the folder.
        self.worker_daemon.take();
        self.verifier_daemons.clear();
        self.manager.kill9();
        self.replicas.clear();
        self.manager_postgres.take();
        self.manager_s3.take();
        self.pusher.abort();
        if std::thread::panicking() {
            eprintln!(
                "the daemons' folder is kept for inspection: {}",
                self.dir.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A fresh folder `$TMPDIR/inferix-<name>-<pid>` and a network deployed in it with the local
/// profile (ten-minute epochs), not yet served: what every test of processes starts from.
pub async fn deployed_local_profile(name: &str) -> (PathBuf, LocalNet) {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let dir = std::env::temp_dir().join(format!("inferix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test folder");
    let profile = Profile::load(&Profile::local_path()).expect("the local profile");
    let mut local = LocalNet::with_profile(Bank::start().await, &dir, &profile).await;
    local.verbose = false;
    local.deploy().await;
    (dir, local)
}

/// A worker that bought its licence and registered, with no IB and no stake yet.
async fn registered_worker(net: &mut RpcNet) -> Worker {
    let wallet = net.wallet("worker", 0).await;
    let license = net
        .buy_license(&wallet, "worker", &[])
        .await
        .expect("a worker licence");
    let mint = license.to_string();
    net.inferix(
        &wallet,
        &[
            "node",
            "register",
            "--license",
            &mint,
            "--price-per-ibm",
            "0.04",
        ],
    )
    .await
    .expect("registering the worker");
    Worker {
        wallet,
        license,
        node: inferix_sdk::pda::node(&license),
    }
}

/// Pushes the IFX price every 15 s, as the local cluster's price authority does (programs
/// refuse a price older than 60 s).
pub fn price_pusher(net: &RpcNet) -> tokio::task::JoinHandle<()> {
    let authority = net.price_authority.keypair.insecure_clone();
    let mut chain = inferix_sdk::client::RpcChain::new(&net.url);
    tokio::spawn(async move {
        loop {
            let push = inferix_localnet::network::ifx_price_push(&authority.pubkey());
            let _ = inferix_sdk::client::Chain::send(&mut chain, &[push], &authority, &[]).await;
            tokio::time::sleep(Duration::from_secs(15)).await;
        }
    })
}

impl DaemonNet {
    /// Stakes the worker's S(n) through the CLI (after its benchmark).
    pub async fn stake_worker(&mut self) {
        let required = self.net.required_stake(&self.worker.node).await;
        self.net
            .fund_ifx(&self.worker.wallet.pubkey(), required)
            .await;
        let amount = crate::localnet::ifx_text(required);
        let mint = self.worker.license.to_string();
        let wallet = crate::localnet::Wallet {
            name: "worker",
            keypair: self.worker.wallet.keypair.insecure_clone(),
            file: self.worker.wallet.file.clone(),
        };
        self.net
            .inferix(&wallet, &["stake", "--license", &mint, "--amount", &amount])
            .await
            .expect("staking S(n)");
    }
}

/// The manager's config in `dir` (secret file included) for a cluster at `rpc_url`.
pub fn write_manager_config(
    dir: &Path,
    port: u16,
    rpc_url: &str,
    keypair: &Path,
    database: &str,
    lease_slack_secs: i64,
    node_cache_secs: u64,
) -> PathBuf {
    std::fs::write(
        dir.join("manager-secret.bin"),
        inferix_node_api::random_bytes::<32>(),
    )
    .expect("the manager's secret");
    write(
        &dir.join("manager.toml"),
        &format!(
            "bind = \"127.0.0.1:{port}\"\nrpc_url = \"{rpc_url}\"\nkeypair = \"{}\"\nsecret_file = \"manager-secret.bin\"\n\
             database = \"{database}\"\nobjects = \"objects\"\nlease_slack_secs = {lease_slack_secs}\nlease_cost_factor = 3.0\n\
             verification_deadline_secs = 60\nnode_cache_secs = {node_cache_secs}\n",
            keypair.display(),
        ),
    )
}

/// Replica `n`'s config: the first replica's (same database, secret and objects) on a port of
/// its own.
pub fn replica_config(first: &Path, n: usize) -> PathBuf {
    let config = std::fs::read_to_string(first).expect("the manager's config");
    let bind = config
        .lines()
        .find(|l| l.starts_with("bind = "))
        .expect("a bind line");
    write(
        &first.with_file_name(format!("manager-{n}.toml")),
        &config.replace(bind, &format!("bind = \"127.0.0.1:{}\"", free_port())),
    )
}

/// `inferix-manager issue-token`: a customer's API token.
pub fn issue_token(manager_config: &Path, customer: &str) -> String {
    let output = Command::new(binary("inferix-manager"))
        .args([
            "issue-token",
            "--config",
            &manager_config.display().to_string(),
            "--customer",
            customer,
        ])
        .output()
        .expect("issuing a token");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

/// A worker's or verifier's config in `dir`.
pub fn node_config(
    dir: &Path,
    name: &str,
    manager_url: &str,
    rpc_url: &str,
    keypair: &Path,
    node: &Pubkey,
    poll_interval_ms: u64,
) -> PathBuf {
    write(
        &dir.join(format!("{name}.toml")),
        &format!(
            "manager_url = \"{manager_url}\"\nrpc_url = \"{rpc_url}\"\nkeypair = \"{}\"\nnode = \"{node}\"\n\
             database = \"{name}.sqlite\"\ncache = \"{name}-cache\"\nops_bind = \"127.0.0.1:0\"\npoll_interval_ms = {poll_interval_ms}\n",
            keypair.display()
        ),
    )
}

/// A TCP forwarder in front of the RPC node that a test can take down: while down, open
/// connections are cut and new ones closed at once, as a node that went away would.
pub struct TcpProxy {
    pub url: String,
    down: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(target_url: &str) -> TcpProxy {
        let target = target_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a proxy port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let (down, watch) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if *watch.borrow() {
                    continue;
                }
                let target = target.clone();
                let mut cut = watch.clone();
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            _ = cut.wait_for(|down| *down) => {}
                        }
                    }
                });
            }
        });
        TcpProxy { url, down, task }
    }

    pub fn set_down(&self, down: bool) {
        self.down.send_replace(down);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A daemon's SQLite file as a database URL.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A connection to a daemon's database, SQLite or PostgreSQL (what an operator would open to
/// look); queries use `$n` parameters, which both understand.
pub async fn connect(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// One number from a daemon's database.
pub async fn count(db: &str, sql: &str) -> i64 {
    let mut conn = connect(db).await;
    sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Polls `check` every half second until it holds; panics after `timeout` with `what`.
pub async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < timeout,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

impl DaemonNet {
    /// What a compromised manager could do: put an attestation for the worker before its
    /// committee without any of the manager's checks (straight into the relay's table).
    pub async fn relay_unchecked(
        &self,
        proposal: inferix_node_api::wire::AttestationProposal,
    ) -> String {
        let request_id = inferix_node_api::hex(&inferix_node_api::random_bytes::<16>());
        let task = inferix_node_api::wire::CosignTask {
            request_id: request_id.clone(),
            subject: self.worker.node,
            attestation: Some(proposal),
            violation: None,
            benchmark: None,
        };
        let committee: Vec<String> = self.verifiers.iter().map(|v| v.node.to_string()).collect();
        let manager_key = &self.net.manager.keypair;
        let endorsement = inferix_worker::chain::Endorsement::sign(b"unchecked", manager_key, None);
        let mut conn = connect(&self.manager_db).await;
        sqlx::query(
            "INSERT INTO cosign_requests (id, kind, subject, task_json, message_hex, committee, manager_endorsement, status, created_at)
             VALUES ($1, 'attestation', $2, $3, '', $4, $5, 'open', 0)",
        )
        .bind(&request_id)
        .bind(self.worker.node.to_string())
        .bind(serde_json::to_string(&task).expect("a task"))
        .bind(committee.join(","))
        .bind(endorsement.to_json().to_string())
        .execute(&mut conn)
        .await
        .expect("inserting into the relay");
        request_id
    }

    /// The worker's signed client for the manager (the test plays the worker's node).
    pub fn worker_client(&self) -> inferix_node_api::client::NodeClient {
        inferix_node_api::client::NodeClient::new(
            &self.node_manager_url(),
            self.worker.node,
            self.worker_operator(),
        )
    }

    /// Waits until every committee member answered relay request `id` (read from the manager's
    /// database); asserts none signed and returns the refusals.
    pub async fn refusals(&self, id: &str) -> Vec<inferix_node_api::wire::Refusal> {
        let started = Instant::now();
        loop {
            let mut conn = connect(&self.manager_db).await;
            let answers: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT verifier, endorsement, refusal FROM cosign_answers WHERE request_id = $1",
            )
            .bind(id)
            .fetch_all(&mut conn)
            .await
            .expect("the relay's answers");
            if answers.len() >= self.verifiers.len() {
                assert!(
                    answers.iter().all(|a| a.1.is_none()),
                    "a verifier signed: {answers:?}"
                );
                return answers
                    .into_iter()
                    .map(|(verifier, _, reason)| inferix_node_api::wire::Refusal {
                        verifier,
                        reason: reason.unwrap_or_default(),
                    })
                    .collect();
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the committee did not answer\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
