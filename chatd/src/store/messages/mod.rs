//! Messages, mentions, reactions and the event log that resync reads. `receipts`: the read
//! and delivered watermarks; `tx`: the writes, inside the chat's lock.

mod receipts;
pub use receipts::{DeliveredMove, ReadMove};
pub mod tx;

use common::ids::{ChatId, MessageId, UserId};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{Store, StoreError};

/// A message row.
#[derive(Clone, Debug, FromRow)]
pub struct MessageRow {
    /// Id.
    pub id: MessageId,
    /// Chat.
    pub chat_id: ChatId,
    /// Creation seq.
    pub seq: i64,
    /// Author.
    pub sender_id: Option<UserId>,
    /// Author's idempotency key.
    pub client_id: Option<String>,
    /// Text; `None` once deleted.
    pub content: Option<String>,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Client metadata.
    pub metadata: serde_json::Value,
    /// Replied-to message.
    pub reply_to_id: Option<MessageId>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// Edited.
    pub edited_at: Option<OffsetDateTime>,
    /// Deleted.
    pub deleted_at: Option<OffsetDateTime>,
}

pub use tx::NewMessage;

pub(crate) const MESSAGE_COLUMNS: &str = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.content, \
     m.content_type, m.metadata, m.reply_to_id, m.created_at, m.edited_at, m.deleted_at";

/// Which page of history.
#[derive(Clone, Copy, Debug)]
pub enum PageAnchor {
    /// The newest messages.
    Latest,
    /// Older than this seq.
    Before(i64),
    /// Newer than this seq.
    After(i64),
}

impl Store {
    /// A page of a chat's messages for a member, ascending; one more than `limit` is read
    /// to tell whether more exist (the extra row is returned, the caller trims it).
    pub async fn messages_page(
        &self,
        viewer: UserId,
        chat: ChatId,
        anchor: PageAnchor,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let member = "EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = $1 \
                      AND cm.user_id = $2 AND cm.left_at IS NULL)";
        let (filter, order) = match anchor {
            PageAnchor::Latest => ("TRUE", "DESC"),
            PageAnchor::Before(_) => ("m.seq < $4", "DESC"),
            PageAnchor::After(_) => ("m.seq > $4", "ASC"),
        };
        let bound = match anchor {
            PageAnchor::Latest => 0,
            PageAnchor::Before(s) | PageAnchor::After(s) => s,
        };
        let mut rows = sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m \
             WHERE m.chat_id = $1 AND {member} AND {filter} ORDER BY m.seq {order} LIMIT $3"
        ))
        .bind(chat)
        .bind(viewer)
        .bind(limit)
        .bind(bound)
        .fetch_all(&self.pool)
        .await?;
        if order == "DESC" {
            rows.reverse();
        }
        Ok(rows)
    }

    /// One message, if the viewer is a current member of its chat.
    pub async fn message_for(
        &self,
        viewer: UserId,
        message: MessageId,
    ) -> Result<Option<MessageRow>, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m \
             JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = $2 \
               AND cm.left_at IS NULL \
             JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
             WHERE m.id = $1"
        ))
        .bind(message)
        .bind(viewer)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Messages by id (no access check: callers pass ids they already checked).
    pub async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<MessageRow>, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ANY($1)"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The newest message of each chat.
    pub async fn last_messages(&self, chats: &[ChatId]) -> Result<Vec<MessageRow>, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM unnest($1::uuid[]) AS cid(id) \
             CROSS JOIN LATERAL (SELECT * FROM messages x WHERE x.chat_id = cid.id \
               ORDER BY x.seq DESC LIMIT 1) m"
        ))
        .bind(chats)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(message, user)` pairs of the mentions of these messages.
    pub async fn mentions_of(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<(MessageId, UserId)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT message_id, user_id FROM message_mentions WHERE message_id = ANY($1)",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(message, emoji, user)` of the reactions of these messages, oldest first.
    pub async fn reactions_of(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<(MessageId, String, UserId)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ANY($1) \
             ORDER BY created_at, user_id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }
}
