//! The chat event log (`chat_events`) as services write it: every numbered event that is not
//! a message row of its own. Chats and messages both record here, so neither depends on the
//! other for it.

use common::ids::{ChatId, UserId};
use common::ws::ServerEvent;
use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::store::chats::tx;

/// Records event `seq` of `chat` in the caller's transaction. Message events are rebuilt
/// from the message row on read, so their payload stays empty and a deleted message's
/// content is nowhere in the log.
pub async fn record(
    txn: &mut PgConnection,
    chat: ChatId,
    seq: i64,
    event: &ServerEvent,
    actor: Option<UserId>,
) -> Result<()> {
    let payload = serde_json::to_value(event).map_err(|e| Error::Internal(e.into()))?;
    let kind = payload["type"].as_str().unwrap_or("unknown").to_owned();
    tx::insert_event(txn, chat, seq, &kind, actor, None, &payload).await?;
    Ok(())
}
