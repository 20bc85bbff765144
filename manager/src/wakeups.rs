//! Long polling: a node asking for work with `wait_secs` is held until there may be some, so an
//! idle network costs the manager one request per node and wait instead of one per poll.
//! Whatever changes a topic's state bumps it; every waiter on it asks its query again. Replicas
//! on one PostgreSQL database also publish each bump (`NOTIFY`) and wake their own waiters on
//! the others' (`LISTEN`), so a node long-polling one replica hears of a job queued at another.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use crate::server::ApiErr;

/// What a waiting node is waiting for.
#[derive(Clone, Copy, Debug)]
pub enum Topic {
    /// A job queued (submitted, a benchmark set, a lease expired, a frame rejected).
    Jobs,
    /// A verification task opened (a frame uploaded).
    Verifications,
    /// A co-signing request opened.
    CosignRequests,
    /// A co-signing answer posted (the relay may have its quorum).
    CosignAnswers,
    /// A job verified (a worker's accepted work grew).
    VerifiedWork,
}

impl Topic {
    pub const ALL: [Topic; 5] = [
        Topic::Jobs,
        Topic::Verifications,
        Topic::CosignRequests,
        Topic::CosignAnswers,
        Topic::VerifiedWork,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Topic::Jobs => "jobs",
            Topic::Verifications => "verifications",
            Topic::CosignRequests => "cosign_requests",
            Topic::CosignAnswers => "cosign_answers",
            Topic::VerifiedWork => "verified_work",
        }
    }

    pub fn from_name(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.name() == name)
    }
}

pub struct Wakeups {
    topics: [watch::Sender<u64>; 5],
    stopping: watch::Sender<bool>,
    /// Where bumps go to reach the other replicas (set when there are replicas).
    published: std::sync::OnceLock<mpsc::UnboundedSender<Topic>>,
}

/// `?wait_secs=N` on the routes that long-poll; absent or 0 answers at once.
#[derive(Debug, Default, Deserialize)]
pub struct LongPoll {
    #[serde(default)]
    pub wait_secs: u64,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self {
            topics: std::array::from_fn(|_| watch::Sender::new(0)),
            stopping: watch::Sender::new(false),
            published: std::sync::OnceLock::new(),
        }
    }
}

impl Wakeups {
    pub fn notify(&self, topic: Topic) {
        self.wake_local(topic);
        if let Some(published) = self.published.get() {
            let _ = published.send(topic);
        }
    }

    /// Wakes this process's waiters only (a bump another replica published).
    pub fn wake_local(&self, topic: Topic) {
        self.topics[topic as usize].send_modify(|generation| *generation += 1);
    }

    /// From now on every bump is also handed to the returned receiver, to publish.
    pub fn publish(&self) -> mpsc::UnboundedReceiver<Topic> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let _ = self.published.set(sender);
        receiver
    }

    /// Ends every wait at once, so a graceful stop does not wait out the long polls.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Asks `query` until it has an answer, `wait` passes or the manager stops (then `None`).
    pub async fn wait_for<T, F, Fut>(
        &self,
        topic: Topic,
        wait: Duration,
        mut query: F,
    ) -> Result<Option<T>, ApiErr>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, ApiErr>>,
    {
        let deadline = tokio::time::Instant::now() + wait;
        // Subscribed before the first query: a change between the query and the wait is seen.
        let mut changes = self.topics[topic as usize].subscribe();
        let mut stopping = self.stopping.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(found) = query().await? {
                return Ok(Some(found));
            }
            if *stopping.borrow_and_update() {
                return Ok(None);
            }
            tokio::select! {
                _ = changes.changed() => {}
                _ = stopping.changed() => return Ok(None),
                _ = tokio::time::sleep_until(deadline) => return Ok(None),
            }
        }
    }

    /// A wait for `topic` to change, at most `wait`, counted from now (the call, not the first
    /// poll): a change while the caller works before awaiting it is not missed.
    pub fn changed(&self, topic: Topic, wait: Duration) -> impl Future<Output = ()> + 'static {
        let mut changes = self.topics[topic as usize].subscribe();
        async move {
            tokio::select! {
                _ = changes.changed() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_waiter_answers_when_its_topic_changes_and_not_before() {
        let wakeups = Arc::new(Wakeups::default());
        let asked = Arc::new(AtomicU32::new(0));
        let waiter = {
            let (wakeups, asked) = (wakeups.clone(), asked.clone());
            tokio::spawn(async move {
                wakeups
                    .wait_for(Topic::Jobs, Duration::from_secs(30), || {
                        let n = asked.fetch_add(1, Ordering::SeqCst);
                        async move { Ok((n >= 1).then_some(n)) }
                    })
                    .await
                    .unwrap()
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        wakeups.notify(Topic::Verifications);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            asked.load(Ordering::SeqCst),
            1,
            "another topic wakes no one"
        );
        wakeups.notify(Topic::Jobs);
        assert_eq!(waiter.await.unwrap(), Some(1));
    }

    #[tokio::test]
    async fn a_wait_ends_empty_at_its_deadline_or_when_the_manager_stops() {
        let wakeups = Arc::new(Wakeups::default());
        let nothing = || async { Ok::<Option<()>, ApiErr>(None) };
        let started = std::time::Instant::now();
        let timed_out = wakeups
            .wait_for(Topic::Jobs, Duration::from_millis(100), nothing)
            .await
            .unwrap();
        assert_eq!(timed_out, None);
        assert!(started.elapsed() >= Duration::from_millis(100));

        let waiter = {
            let wakeups = wakeups.clone();
            tokio::spawn(async move {
                wakeups
                    .wait_for(Topic::Jobs, Duration::from_secs(30), nothing)
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let stopping = std::time::Instant::now();
        wakeups.stop();
        assert_eq!(waiter.await.unwrap().unwrap(), None);
        assert!(stopping.elapsed() < Duration::from_secs(1));
    }
}
