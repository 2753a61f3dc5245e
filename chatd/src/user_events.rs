//! The per-user event log: an event for one user takes the user's next `userSeq` in the
//! transaction of the change it reports, is stored, and is published after the commit.
//! A client that reconnects reads what it missed with `sync` and `userSeq`. Events older
//! than `sync.user_events_retention_days` are pruned; a cursor before them is told to
//! reload from scratch (see `SyncService`).

use std::time::Duration;

use common::ids::UserId;
use common::ws::ServerEvent;
use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::social::tx;
use crate::tasks::Tasks;

/// How often a node prunes; nodes prune independently (deleting is idempotent).
const PRUNE_EVERY: Duration = Duration::from_hours(1);
/// Rows per statement, so that one round never holds many locks for long.
const PRUNE_BATCH: i64 = 10_000;

/// Deletes every user event older than `days` days; returns how many.
pub async fn prune(store: &Store, days: u32) -> Result<u64> {
    let mut total = 0;
    loop {
        let n = store
            .prune_user_events(i64::from(days), PRUNE_BATCH)
            .await?;
        total += n;
        if n < PRUNE_BATCH as u64 {
            return Ok(total);
        }
    }
}

/// Runs [`prune`] every hour, under `tasks`, until their token is cancelled.
pub fn start_pruning(store: Store, days: u32, tasks: &Tasks) {
    tasks.supervise("user-events-pruning", move |token| {
        let store = store.clone();
        async move {
            loop {
                match prune(&store, days).await {
                    Ok(n) if n > 0 => tracing::debug!(removed = n, "user events pruned"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "pruning user events failed"),
                }
                tokio::select! {
                    () = token.cancelled() => return,
                    () = tokio::time::sleep(PRUNE_EVERY) => {}
                }
            }
        }
    });
}

/// Numbers and stores an event for `user`; `make` builds it from its `userSeq`. Publish
/// the returned event after the commit.
pub async fn record(
    txn: &mut PgConnection,
    user: UserId,
    make: impl FnOnce(i64) -> ServerEvent,
) -> Result<ServerEvent> {
    let seq = tx::next_user_seq(txn, user).await?;
    let event = make(seq);
    let payload = serde_json::to_value(&event)
        .map_err(|e| Error::Internal(anyhow::anyhow!("user event: {e}")))?;
    let kind = payload
        .get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    tx::insert_user_event(txn, user, seq, &kind, &payload).await?;
    Ok(event)
}

/// Events recorded in a transaction, each for its user, to publish after the commit.
#[derive(Debug, Default)]
pub struct Outbox {
    events: Vec<(UserId, ServerEvent)>,
}

impl Outbox {
    /// Records an event for `user` in `txn` and keeps it for publishing.
    pub async fn record(
        &mut self,
        txn: &mut PgConnection,
        user: UserId,
        make: impl FnOnce(i64) -> ServerEvent,
    ) -> Result<()> {
        let event = record(txn, user, make).await?;
        self.events.push((user, event));
        Ok(())
    }

    /// Takes what was recorded.
    pub fn drain(&mut self) -> Vec<(UserId, ServerEvent)> {
        std::mem::take(&mut self.events)
    }
}
