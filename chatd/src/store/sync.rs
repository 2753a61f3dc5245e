//! What resync reads, for all of a user's chats at once: their cursors in one cheap query,
//! and the events after each of the client's cursors in one statement (`unnest` of the
//! cursors, a `LATERAL` scan of each chat's log), so that a resync costs the same few
//! round trips whether the user has one chat or a thousand.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::FromRow;

use super::{Store, StoreError};

/// A chat of the user as resync needs it.
#[derive(Clone, Debug, FromRow)]
pub struct SyncChatRow {
    /// The chat.
    pub id: ChatId,
    /// Its newest seq.
    pub last_seq: i64,
    /// The user's read watermark.
    pub last_read_seq: i64,
}

/// An event of some chat's log.
#[derive(Clone, Debug, FromRow)]
pub struct ChatEventRow {
    /// The chat.
    pub chat_id: ChatId,
    /// Its seq.
    pub seq: i64,
    /// Its type, e.g. `message:new`.
    pub kind: String,
    /// The message it concerns.
    pub message_id: Option<MessageId>,
    /// The event as sent (message events are rebuilt from the message's current state).
    pub payload: serde_json::Value,
}

impl Store {
    /// The user's current chats, most recent activity first.
    pub async fn sync_chats(&self, user: UserId) -> Result<Vec<SyncChatRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.last_seq, m.last_read_seq \
             FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL \
             ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?)
    }

    /// For each `(chat, cursor)` of which `user` is a current member, the first `limit`
    /// events after the cursor, ordered by chat then seq.
    pub async fn events_after_each(
        &self,
        user: UserId,
        cursors: &[(ChatId, i64)],
        limit: i64,
    ) -> Result<Vec<ChatEventRow>, StoreError> {
        if cursors.is_empty() {
            return Ok(Vec::new());
        }
        let chats: Vec<ChatId> = cursors.iter().map(|c| c.0).collect();
        let seqs: Vec<i64> = cursors.iter().map(|c| c.1).collect();
        Ok(sqlx::query_as(
            "SELECT v.chat_id, e.seq, e.kind, e.message_id, e.payload \
             FROM unnest($2::uuid[], $3::bigint[]) AS v(chat_id, cursor) \
             JOIN chat_members cm ON cm.chat_id = v.chat_id AND cm.user_id = $1 \
                                 AND cm.left_at IS NULL \
             CROSS JOIN LATERAL (SELECT x.seq, x.kind, x.message_id, x.payload \
                                 FROM chat_events x \
                                 WHERE x.chat_id = v.chat_id AND x.seq > v.cursor \
                                 ORDER BY x.seq LIMIT $4) e \
             ORDER BY v.chat_id, e.seq",
        )
        .bind(user)
        .bind(chats)
        .bind(seqs)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
