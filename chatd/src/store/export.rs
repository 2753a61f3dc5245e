//! Messages for an operator's export (`chatctl export`): one query streamed row by row, so
//! that a chat of a million messages never sits in memory.

use common::ids::{ChatId, MessageId, UserId};
use futures_util::stream::{BoxStream, StreamExt};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{Store, StoreError};

/// A chat as the export names it; deleted chats and direct chats included.
#[derive(Clone, Debug, FromRow)]
pub struct ExportChat {
    /// Id.
    pub id: ChatId,
    /// `direct` or `group`.
    pub kind: String,
    /// Group name.
    pub name: Option<String>,
    /// Group slug.
    pub slug: Option<String>,
    /// When the group was deleted.
    pub deleted_at: Option<OffsetDateTime>,
}

/// One message with what belongs to it. For a deleted message the store keeps no content;
/// the exporter leaves out the rest of what was said too.
#[derive(Clone, Debug, FromRow)]
pub struct ExportRow {
    /// Id.
    pub id: MessageId,
    /// The chat.
    pub chat_id: ChatId,
    /// `direct` or `group`.
    pub chat_kind: String,
    /// Group name.
    pub chat_name: Option<String>,
    /// Seq within the chat.
    pub seq: i64,
    /// The author; `None` once the account was deleted.
    pub sender_id: Option<UserId>,
    /// The author's username.
    pub sender_username: Option<String>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// Last edited.
    pub edited_at: Option<OffsetDateTime>,
    /// Deleted.
    pub deleted_at: Option<OffsetDateTime>,
    /// Text; `None` once deleted.
    pub content: Option<String>,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Client metadata.
    pub metadata: serde_json::Value,
    /// The message replied to.
    pub reply_to_id: Option<MessageId>,
    /// `[{"userId", "username"}]` of the mentioned users.
    pub mentions: serde_json::Value,
    /// `[{"emoji", "userId", "username", "createdAt"}]`, oldest first.
    pub reactions: serde_json::Value,
    /// `[{"id", "fileName", "contentType", "sizeBytes", "width", "height", "sha256",
    /// "createdAt"}]` of the attachments not deleted.
    pub attachments: serde_json::Value,
}

/// Whose messages.
#[derive(Clone, Copy, Debug)]
pub enum ExportScope {
    /// Every message of a chat, by seq.
    Chat(ChatId),
    /// Every message a user sent, in any chat, by time.
    Sender(UserId),
}

const EXPORT_COLUMNS: &str = "SELECT m.id, m.chat_id, c.kind AS chat_kind, c.name AS chat_name, \
       m.seq, m.sender_id, u.username AS sender_username, m.created_at, m.edited_at, \
       m.deleted_at, m.content, m.content_type, m.metadata, m.reply_to_id, \
       (SELECT coalesce(jsonb_agg(jsonb_build_object('userId', mm.user_id, \
                 'username', mu.username) ORDER BY mu.username), '[]'::jsonb) \
          FROM message_mentions mm JOIN users mu ON mu.id = mm.user_id \
          WHERE mm.message_id = m.id) AS mentions, \
       (SELECT coalesce(jsonb_agg(jsonb_build_object('emoji', r.emoji, 'userId', r.user_id, \
                 'username', ru.username, \
                 'createdAt', to_char(r.created_at AT TIME ZONE 'UTC', \
                                      'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) \
                 ORDER BY r.created_at, r.emoji), '[]'::jsonb) \
          FROM reactions r JOIN users ru ON ru.id = r.user_id \
          WHERE r.message_id = m.id) AS reactions, \
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'fileName', a.file_name, \
                 'contentType', a.content_type, 'sizeBytes', a.size_bytes, \
                 'width', a.width, 'height', a.height, 'sha256', encode(a.sha256, 'hex'), \
                 'createdAt', to_char(a.created_at AT TIME ZONE 'UTC', \
                                      'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) \
                 ORDER BY a.created_at, a.id), '[]'::jsonb) \
          FROM attachments a WHERE a.message_id = m.id AND a.deleted_at IS NULL) AS attachments \
     FROM messages m JOIN chats c ON c.id = m.chat_id \
     LEFT JOIN users u ON u.id = m.sender_id";

const BY_CHAT: &str = "WHERE m.chat_id = $1 \
       AND ($2::timestamptz IS NULL OR m.created_at >= $2) \
       AND ($3::timestamptz IS NULL OR m.created_at < $3) \
     ORDER BY m.seq";

const BY_SENDER: &str = "WHERE m.sender_id = $1 \
       AND ($2::timestamptz IS NULL OR m.created_at >= $2) \
       AND ($3::timestamptz IS NULL OR m.created_at < $3) \
     ORDER BY m.created_at, m.id";

impl Store {
    /// Any chat by id, deleted or not, direct or group.
    pub async fn export_chat(&self, id: ChatId) -> Result<Option<ExportChat>, StoreError> {
        Ok(sqlx::query_as::<_, ExportChat>(
            "SELECT id, kind, name, slug, deleted_at FROM chats WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The messages of `scope` created in `[since, until)`, streamed from one query: rows
    /// arrive as the consumer reads them (one connection is held until the stream ends).
    pub fn export_messages(
        &self,
        scope: ExportScope,
        since: Option<OffsetDateTime>,
        until: Option<OffsetDateTime>,
    ) -> BoxStream<'_, Result<ExportRow, StoreError>> {
        // `$1` is a chat or a user by scope: the one place an id binds untyped.
        let (sql, id) = match scope {
            ExportScope::Chat(chat) => (&*BY_CHAT_SQL, chat.as_uuid()),
            ExportScope::Sender(user) => (&*BY_SENDER_SQL, user.as_uuid()),
        };
        sqlx::query_as::<_, ExportRow>(sql)
            .bind(id)
            .bind(since)
            .bind(until)
            .fetch(&self.pool)
            .map(|row| row.map_err(StoreError::from))
            .boxed()
    }
}

static BY_CHAT_SQL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{EXPORT_COLUMNS} {BY_CHAT}"));
static BY_SENDER_SQL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{EXPORT_COLUMNS} {BY_SENDER}"));
