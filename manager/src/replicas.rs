//! Manager replicas on one PostgreSQL database share their long-poll wakeups: each bump is
//! published on a channel with `NOTIFY` (after the change that caused it committed), and each
//! replica `LISTEN`s and wakes its own waiters. A lost notification costs latency, never work:
//! waiters ask again at the end of their wait anyway.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::server::Manager;
use crate::wakeups::Topic;

const CHANNEL: &str = "inferix_manager_wakeups";

/// Publishes this replica's bumps and wakes it on the others'. Runs until the manager stops.
pub async fn share_wakeups(m: Arc<Manager>, database_url: String) {
    let published = m.wakeups.publish();
    tokio::spawn(publish_forever(m.clone(), published));
    loop {
        if let Err(e) = listen(&m, &database_url).await {
            tracing::warn!(error = %e, "listening for other replicas' wakeups failed; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn publish_forever(m: Arc<Manager>, mut published: mpsc::UnboundedReceiver<Topic>) {
    while let Some(topic) = published.recv().await {
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(topic.name())
            .execute(&m.db.pool)
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, topic = topic.name(), "publishing a wakeup failed");
        }
    }
}

async fn listen(m: &Manager, database_url: &str) -> sqlx::Result<()> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    loop {
        let notification = listener.recv().await?;
        if let Some(topic) = Topic::from_name(notification.payload()) {
            m.wakeups.wake_local(topic);
        }
    }
}
