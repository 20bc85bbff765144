//! Issue 17: the load test, small (`load-manager` prints the figures at scale). Ten simulated
//! workers lease 200 jobs as fast as they can from two manager replicas on one PostgreSQL
//! database, upload a frame for each, and six simulated verifiers accept them; then each worker's
//! attestation goes round the co-signing relay. No job is leased twice, none is lost, and the
//! database holds exactly one attempt per job and one verification per committee seat.

use inferix_tests::load::LoadNet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_under_load_lease_each_job_once_and_lose_none() {
    let load = LoadNet::start(10, 6).await;
    let figures = load.run(10, 2, 200, None).await;
    let [jobs, attempts, verifications, _nonces] = figures.rows;
    assert_eq!((jobs, attempts, verifications), (200, 200, 600));
    assert!(figures.leases_per_s > 0.0 && figures.verdicts_per_s > 0.0);
    assert!(
        figures.relay_p50_ms > 0.0,
        "every worker's attestation was co-signed"
    );
    assert_eq!(figures.peak_mib.len(), 2, "both replicas ran");
}
