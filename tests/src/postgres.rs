//! The PostgreSQL server the manager's tests use: `scripts/postgres start` (which
//! `scripts/setup` runs) starts one on 127.0.0.1:54329, or `INFERIX_TEST_POSTGRES` names
//! another. Each test gets a database of its own, dropped when the test ends.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, PgConnection};

pub const DEFAULT_SERVER: &str = "postgres://inferix@127.0.0.1:54329/postgres";

/// The server's URL (its `postgres` database, where databases are created).
pub fn server_url() -> String {
    std::env::var("INFERIX_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.into())
}

async fn connect_server() -> PgConnection {
    let url = server_url();
    PgConnection::connect(&url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {url} ({e}). Start the test server with \
             `scripts/postgres start` (scripts/setup does it), or point INFERIX_TEST_POSTGRES \
             at a server where this role may create databases."
        )
    })
}

/// A database of this test's own on the test server.
pub struct TestDatabase {
    pub url: String,
    name: String,
}

impl TestDatabase {
    pub async fn create(label: &str) -> TestDatabase {
        static CREATED: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "inferix_{label}_{}_{}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::SeqCst)
        )
        .replace('-', "_");
        let mut server = connect_server().await;
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut server)
            .await
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        let mut url = url::Url::parse(&server_url()).expect("the server URL");
        url.set_path(&name);
        TestDatabase {
            url: url.to_string(),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime: the drop gets a thread and runtime of its own.
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(async {
                    let mut server = connect_server().await;
                    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut server)
                        .await
                })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("the test database {} was not dropped", self.name);
        }
    }
}
