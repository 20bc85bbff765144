//! An S3-compatible server for the manager's object-store tests: moto's server (PyPI
//! `moto[server]`, which `scripts/setup` installs), started on a free port of 127.0.0.1 by the
//! test that needs it and stopped when it ends. It keeps objects in memory and speaks the S3
//! REST API the `object_store` crate uses against AWS, MinIO or any other S3-compatible store.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::daemons::free_port;

pub struct TestS3 {
    child: Child,
    pub endpoint: String,
}

impl TestS3 {
    /// Starts the server and creates `bucket` in it.
    pub async fn start(bucket: &str) -> TestS3 {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 is needed for the S3 tests: {e}"));
        let s3 = TestS3 {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(created) = http.put(format!("{}/{bucket}", s3.endpoint)).send().await {
                assert!(
                    created.status().is_success(),
                    "creating bucket {bucket}: {}",
                    created.status()
                );
                return s3;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the S3 test server did not start: install it with `python3 -m pip install \
                 'moto[server]'` (scripts/setup does)"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The environment a manager reads to reach this store (`object_store`'s AWS variables).
    pub fn environment(&self) -> [(&'static str, String); 5] {
        [
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "inferix-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "inferix-test".into()),
        ]
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
