//! Issue 17: the node software across hosts. Network namespaces put the manager, two verifiers
//! and a worker on addresses of their own (the chain's RPC node and the customer on a fifth);
//! each daemon knows the others only by address. A job flows end to end. Then the worker's link
//! is cut while it holds a lease: the lease lapses and the job goes back to the queue; when the
//! link returns, the worker leases it again and it is verified and credited, once. Needs root
//! and iproute2, as `.ci/run` has.

use std::path::Path;
use std::time::{Duration, Instant};

use inferix_sdk::epoch_rewards::state::NodeEpoch;
use inferix_sdk::pda;
use inferix_tests::daemons::{
    binary, count, deployed_local_profile, free_port, issue_token, node_config, price_pusher,
    sqlite_url, wait_until, write_manager_config, Customer, Daemon, ONE_IB,
};
use inferix_tests::localnet::Participants;
use inferix_tests::netns::Lan;
use inferix_tests::rpcnet::RpcNet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_crosses_hosts_and_a_link_cut_mid_lease_loses_nothing() {
    let lan = Lan::create(&["manager", "verifier-1", "verifier-2", "worker"]);
    let (dir, local) = deployed_local_profile("hosts").await;
    let mut net = RpcNet::serve_at(local, &lan.gateway()).await;
    let verifiers = vec![
        net.verifier("verifier-1").await.expect("a verifier"),
        net.verifier("verifier-2").await.expect("a verifier"),
    ];
    let worker = net
        .worker("worker", ONE_IB, &verifiers)
        .await
        .expect("a worker");
    let pusher = price_pusher(&net);
    net.warp_clock(60).await;

    // The manager listens on its host's address; the nodes reach it and the RPC node by address.
    let config = write_manager_config(
        &dir,
        free_port(),
        &net.url,
        &net.manager.file,
        "manager.sqlite",
        10,
        2,
    );
    let text = std::fs::read_to_string(&config).expect("the manager's config");
    std::fs::write(
        &config,
        text.replace(
            "bind = \"127.0.0.1:",
            &format!("bind = \"{}:", lan.host("manager").ip),
        ),
    )
    .expect("the manager's config");
    let token = issue_token(&config, "studio");
    let on = |host: &str, name: &str, bin: &str, args: &[&str]| {
        let line = lan.host(host).command(&binary(bin), args);
        Daemon::start(name, Path::new("ip"), &line, &dir)
    };
    let config_arg = config.display().to_string();
    let manager = on(
        "manager",
        "manager",
        "inferix-manager",
        &["serve", "--config", &config_arg],
    );
    assert!(
        manager.url.contains(&lan.host("manager").ip),
        "{}",
        manager.url
    );
    let mut nodes = vec![];
    for (i, v) in verifiers.iter().enumerate() {
        let name = format!("verifier-{}", i + 1);
        let file = node_config(
            &dir,
            &name,
            &manager.url,
            &net.url,
            &v.wallet.file,
            &v.node,
            300,
        );
        let file = file.display().to_string();
        nodes.push(on(
            &name,
            &name,
            "inferix-verifier-daemon",
            &["--config", &file],
        ));
    }
    let worker_config = node_config(
        &dir,
        "worker",
        &manager.url,
        &net.url,
        &worker.wallet.file,
        &worker.node,
        300,
    );
    let worker_arg = worker_config.display().to_string();
    nodes.push(on(
        "worker",
        "worker",
        "inferix-worker-daemon",
        &["--config", &worker_arg],
    ));
    let customer = Customer::new(&manager.url, &token);

    // A job across the hosts.
    let first = customer
        .submit("cornell-box", 128, 96, 8)
        .await
        .expect("queued")
        .job_id;
    let verified = wait_verified(&customer, &first, Duration::from_secs(240)).await;
    assert_eq!(verified.worker, Some(worker.node.to_string()));

    // The worker's link is cut while it renders the second job.
    let second = customer
        .submit("cornell-box", 256, 192, 64)
        .await
        .expect("queued")
        .job_id;
    let db = sqlite_url(&dir.join("manager.sqlite"));
    let leased =
        format!("SELECT COUNT(*) FROM attempts WHERE job_id = '{second}' AND status = 'leased'");
    wait_until(
        "the worker leases the second job",
        Duration::from_secs(60),
        || {
            let (db, leased) = (db.clone(), leased.clone());
            async move { count(&db, &leased).await == 1 }
        },
    )
    .await;
    lan.cut("worker");
    let expired =
        format!("SELECT COUNT(*) FROM attempts WHERE job_id = '{second}' AND status = 'expired'");
    wait_until(
        "the cut-off worker's lease lapses",
        Duration::from_secs(300),
        || {
            let (db, expired) = (db.clone(), expired.clone());
            async move { count(&db, &expired).await == 1 }
        },
    )
    .await;
    assert_eq!(
        customer.job(&second).await.status,
        "queued",
        "the job is back in the queue"
    );
    lan.heal("worker");
    let again = wait_verified(&customer, &second, Duration::from_secs(300)).await;
    assert_eq!(again.worker, Some(worker.node.to_string()));
    let attempts = format!("SELECT COUNT(*) FROM attempts WHERE job_id = '{second}'");
    assert_eq!(
        count(&db, &attempts).await,
        2,
        "one lapsed lease, one that finished"
    );

    // Both jobs credited on chain, once.
    let epoch = verified.epoch.expect("an epoch");
    assert_eq!(again.epoch, Some(epoch), "both in one ten-minute epoch");
    let total = verified.ibm_micros + again.ibm_micros;
    let address = pda::node_epoch(epoch, &worker.node);
    let started = Instant::now();
    loop {
        if let Some(account) = inferix_sdk::client::Chain::account(&mut net.chain, &address)
            .await
            .expect("RPC")
        {
            let tally: NodeEpoch =
                anchor_lang::AccountDeserialize::try_deserialize(&mut &account.data[..])
                    .expect("a tally");
            if tally.cumulative_ibm_micros >= total {
                assert_eq!(tally.cumulative_ibm_micros, total, "credited once");
                break;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(240), "not credited");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    drop(nodes);
    drop(manager);
    pusher.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

async fn wait_verified(
    customer: &Customer,
    job: &str,
    timeout: Duration,
) -> inferix_node_api::wire::JobStatus {
    let started = Instant::now();
    loop {
        let status = customer.job(job).await;
        if status.status == "verified" {
            return status;
        }
        assert!(
            started.elapsed() < timeout,
            "job {job} not verified: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
