//! The per-user event log: an event for one user takes the user's next `userSeq` in the
//! transaction of the change it reports, is stored, and is published after the commit.
//! A client that reconnects reads what it missed with `sync` and `userSeq`.

use common::ws::ServerEvent;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::social::tx;

/// Numbers and stores an event for `user`; `make` builds it from its `userSeq`. Publish
/// the returned event after the commit.
pub async fn record(
    txn: &mut PgConnection,
    user: Uuid,
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
    events: Vec<(Uuid, ServerEvent)>,
}

impl Outbox {
    /// Records an event for `user` in `txn` and keeps it for publishing.
    pub async fn record(
        &mut self,
        txn: &mut PgConnection,
        user: Uuid,
        make: impl FnOnce(i64) -> ServerEvent,
    ) -> Result<()> {
        let event = record(txn, user, make).await?;
        self.events.push((user, event));
        Ok(())
    }

    /// Takes what was recorded.
    pub fn drain(&mut self) -> Vec<(Uuid, ServerEvent)> {
        std::mem::take(&mut self.events)
    }
}
