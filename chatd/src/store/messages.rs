//! Messages, mentions, reactions, read and delivered watermarks, and the event log that
//! resync reads.

use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError};

/// A message row.
#[derive(Clone, Debug, FromRow)]
pub struct MessageRow {
    /// Id.
    pub id: Uuid,
    /// Chat.
    pub chat_id: Uuid,
    /// Creation seq.
    pub seq: i64,
    /// Author.
    pub sender_id: Option<Uuid>,
    /// Author's idempotency key.
    pub client_id: Option<String>,
    /// Text; `None` once deleted.
    pub content: Option<String>,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Client metadata.
    pub metadata: serde_json::Value,
    /// Replied-to message.
    pub reply_to_id: Option<Uuid>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// Edited.
    pub edited_at: Option<OffsetDateTime>,
    /// Deleted.
    pub deleted_at: Option<OffsetDateTime>,
}

/// A stored event of the chat log.
#[derive(Clone, Debug, FromRow)]
pub struct EventRow {
    /// Its seq.
    pub seq: i64,
    /// Its type, e.g. `message:new`.
    pub kind: String,
    /// The message it concerns.
    pub message_id: Option<Uuid>,
    /// The event as sent (message events are rebuilt from the message's current state).
    pub payload: serde_json::Value,
}

/// A message to store in a batch.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// Id.
    pub id: Uuid,
    /// The chat it goes to.
    pub chat_id: Uuid,
    /// Author.
    pub sender_id: Uuid,
    /// Idempotency key.
    pub client_id: String,
    /// Text.
    pub content: String,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Metadata.
    pub metadata: serde_json::Value,
    /// Reply target.
    pub reply_to_id: Option<Uuid>,
}

/// A batch of new messages as parallel arrays, for `unnest()`.
struct Columns<'a> {
    chats: Vec<Uuid>,
    ids: Vec<Uuid>,
    senders: Vec<Uuid>,
    client_ids: Vec<&'a str>,
    contents: Vec<&'a str>,
    types: Vec<&'a str>,
    metadata: Vec<&'a serde_json::Value>,
    replies: Vec<Option<Uuid>>,
}

impl<'a> Columns<'a> {
    fn of(batch: &'a [NewMessage]) -> Self {
        Self {
            chats: batch.iter().map(|m| m.chat_id).collect(),
            ids: batch.iter().map(|m| m.id).collect(),
            senders: batch.iter().map(|m| m.sender_id).collect(),
            client_ids: batch.iter().map(|m| m.client_id.as_str()).collect(),
            contents: batch.iter().map(|m| m.content.as_str()).collect(),
            types: batch.iter().map(|m| m.content_type.as_str()).collect(),
            metadata: batch.iter().map(|m| &m.metadata).collect(),
            replies: batch.iter().map(|m| m.reply_to_id).collect(),
        }
    }
}

const MESSAGE_COLUMNS: &str = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.content, \
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
        viewer: Uuid,
        chat: Uuid,
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
        viewer: Uuid,
        message: Uuid,
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
    pub async fn messages_by_ids(&self, ids: &[Uuid]) -> Result<Vec<MessageRow>, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ANY($1)"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The newest message of each chat.
    pub async fn last_messages(&self, chats: &[Uuid]) -> Result<Vec<MessageRow>, StoreError> {
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
    pub async fn mentions_of(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
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
        ids: &[Uuid],
    ) -> Result<Vec<(Uuid, String, Uuid)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ANY($1) \
             ORDER BY created_at, user_id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The log of a chat after `seq`, for a current member, at most `limit` events.
    pub async fn events_after(
        &self,
        viewer: Uuid,
        chat: Uuid,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        Ok(sqlx::query_as::<_, EventRow>(
            "SELECT e.seq, e.kind, e.message_id, e.payload FROM chat_events e \
             WHERE e.chat_id = $1 AND e.seq > $3 AND EXISTS (SELECT 1 FROM chat_members cm \
               WHERE cm.chat_id = $1 AND cm.user_id = $2 AND cm.left_at IS NULL) \
             ORDER BY e.seq LIMIT $4",
        )
        .bind(chat)
        .bind(viewer)
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Moves a member's read watermark forward (never past the chat's last seq); returns
    /// the old and new watermark when it moved.
    pub async fn advance_read(
        &self,
        chat: Uuid,
        user: Uuid,
        seq: i64,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "WITH old AS (SELECT m.last_read_seq FROM chat_members m \
                 WHERE m.chat_id = $1 AND m.user_id = $2 AND m.left_at IS NULL FOR UPDATE) \
             UPDATE chat_members m \
             SET last_read_seq = LEAST($3, c.last_seq), \
                 last_delivered_seq = GREATEST(m.last_delivered_seq, LEAST($3, c.last_seq)) \
             FROM old, chats c \
             WHERE m.chat_id = $1 AND m.user_id = $2 AND c.id = $1 \
               AND LEAST($3, c.last_seq) > old.last_read_seq \
             RETURNING old.last_read_seq, m.last_read_seq",
        )
        .bind(chat)
        .bind(user)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Moves many delivered watermarks forward at once; returns `(chat, user, old, new)` for
    /// those that moved.
    pub async fn advance_delivered(
        &self,
        entries: &[(Uuid, Uuid, i64)],
    ) -> Result<Vec<(Uuid, Uuid, i64, i64)>, StoreError> {
        let chats: Vec<Uuid> = entries.iter().map(|e| e.0).collect();
        let users: Vec<Uuid> = entries.iter().map(|e| e.1).collect();
        let seqs: Vec<i64> = entries.iter().map(|e| e.2).collect();
        Ok(sqlx::query_as(
            "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) \
                          AS v(chat_id, user_id, seq)), \
                  old AS (SELECT m.chat_id, m.user_id, m.last_delivered_seq FROM chat_members m \
                          JOIN v ON v.chat_id = m.chat_id AND v.user_id = m.user_id \
                          WHERE m.last_delivered_seq < v.seq AND m.left_at IS NULL \
                          ORDER BY m.chat_id, m.user_id FOR UPDATE OF m) \
             UPDATE chat_members m SET last_delivered_seq = v.seq FROM v, old \
             WHERE m.chat_id = v.chat_id AND m.user_id = v.user_id \
               AND old.chat_id = m.chat_id AND old.user_id = m.user_id \
             RETURNING m.chat_id, m.user_id, old.last_delivered_seq, m.last_delivered_seq",
        )
        .bind(chats)
        .bind(users)
        .bind(seqs)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(seq, author)` of the messages with `lo < seq <= hi` whose authors are still
    /// members (who a receipt concerns: one who left hears nothing more of the chat).
    pub async fn senders_between(
        &self,
        chat: Uuid,
        lo: i64,
        hi: i64,
    ) -> Result<Vec<(i64, Uuid)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.seq, m.sender_id FROM messages m WHERE m.chat_id = $1 AND m.seq > $2 \
             AND m.seq <= $3 AND m.sender_id IS NOT NULL AND EXISTS (SELECT 1 FROM \
             chat_members cm WHERE cm.chat_id = m.chat_id AND cm.user_id = m.sender_id \
             AND cm.left_at IS NULL)",
        )
        .bind(chat)
        .bind(lo)
        .bind(hi)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// Current members of `chat` with these usernames (lower case): `(name, id)`.
    pub async fn members_named(
        &self,
        chat: Uuid,
        names: &[String],
    ) -> Result<Vec<(String, Uuid)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        tx::members_named(&mut conn, chat, names).await
    }
}

/// Writes inside a transaction that holds the chat's lock (see `chats::tx::lock_chat`).
pub mod tx {
    use super::{Columns, MESSAGE_COLUMNS, MessageRow, NewMessage, PgConnection, StoreError, Uuid};

    /// Messages already stored for these `(sender, client id)` pairs.
    pub async fn by_client_ids(
        conn: &mut PgConnection,
        senders: &[Uuid],
        client_ids: &[String],
    ) -> Result<Vec<MessageRow>, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            // One index probe per key (messages_client_id_key): a join against unnest() can
            // get a plan that scans the whole table, which grows with every message.
            "SELECT {MESSAGE_COLUMNS} FROM unnest($1::uuid[], $2::text[]) AS k(sender_id, client_id) \
             CROSS JOIN LATERAL (SELECT * FROM messages x WHERE x.sender_id = k.sender_id \
               AND x.client_id = k.client_id) m"
        ))
        .bind(senders)
        .bind(client_ids)
        .fetch_all(conn)
        .await?)
    }

    /// Which of `users` are current members of `chat`.
    pub async fn members_among(
        conn: &mut PgConnection,
        chat: Uuid,
        users: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM chat_members WHERE chat_id = $1 AND user_id = ANY($2) \
             AND left_at IS NULL",
        )
        .bind(chat)
        .bind(users)
        .fetch_all(conn)
        .await?)
    }

    /// Current members of `chat` with these usernames (lower case): `(name, id)`.
    pub async fn members_named(
        conn: &mut PgConnection,
        chat: Uuid,
        names: &[String],
    ) -> Result<Vec<(String, Uuid)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT u.username, u.id FROM users u JOIN chat_members m ON m.user_id = u.id \
             WHERE m.chat_id = $1 AND m.left_at IS NULL AND u.username = ANY($2)",
        )
        .bind(chat)
        .bind(names)
        .fetch_all(conn)
        .await?)
    }

    /// Which of `ids` are messages of `chat`.
    pub async fn messages_in_chat(
        conn: &mut PgConnection,
        chat: Uuid,
        ids: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM messages WHERE chat_id = $1 AND id = ANY($2)")
                .bind(chat)
                .bind(ids)
                .fetch_all(conn)
                .await?,
        )
    }

    /// Stores every message of `batch` (any number of chats) whose sender is a current
    /// member, whose `(sender, client id)` is new and whose reply target is in its chat, at
    /// its chat's next sequence numbers (in batch order), with their `message:new` events and
    /// `mentions`, in one statement (the send path's cost is mostly per statement: round trip,
    /// plan, commit). Messages it leaves out are not returned. Returns the rows in
    /// (chat, seq) order.
    ///
    /// The chats' rows are locked by the statement's `UPDATE`; the writer sends one chat's
    /// messages through one lane only, so two of these statements never wait on each other.
    pub async fn insert_messages(
        conn: &mut PgConnection,
        batch: &[NewMessage],
        mentions: &[(Uuid, Uuid)],
    ) -> Result<Vec<MessageRow>, StoreError> {
        let c = Columns::of(batch);
        let mention_messages: Vec<Uuid> = mentions.iter().map(|m| m.0).collect();
        let mention_users: Vec<Uuid> = mentions.iter().map(|m| m.1).collect();
        let mut rows = sqlx::query_as::<_, MessageRow>(&format!(
            "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], \
                          $5::text[], $6::text[], $7::jsonb[], $8::uuid[]) WITH ORDINALITY \
                        AS v(chat_id, id, sender_id, client_id, content, content_type, metadata, \
                             reply, ord)), \
                  ok AS (SELECT v.*, row_number() OVER (PARTITION BY v.chat_id ORDER BY v.ord) AS n \
                         FROM v \
                         WHERE EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = v.chat_id \
                                         AND cm.user_id = v.sender_id AND cm.left_at IS NULL) \
                           AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.sender_id = v.sender_id \
                                             AND x.client_id = v.client_id) \
                           AND (v.reply IS NULL OR EXISTS (SELECT 1 FROM messages r \
                                  WHERE r.id = v.reply AND r.chat_id = v.chat_id))), \
                  counts AS (SELECT chat_id, count(*) AS k FROM ok GROUP BY chat_id), \
                  s AS (UPDATE chats c SET last_seq = c.last_seq + counts.k, \
                          updated_at = now(), last_message_at = now() \
                        FROM counts WHERE c.id = counts.chat_id AND c.deleted_at IS NULL \
                        RETURNING c.id AS chat_id, c.last_seq - counts.k AS base), \
                  ins AS (INSERT INTO messages AS m (id, chat_id, seq, sender_id, client_id, \
                            content, content_type, metadata, reply_to_id) \
                          SELECT ok.id, ok.chat_id, s.base + ok.n, ok.sender_id, ok.client_id, \
                                 ok.content, ok.content_type, ok.metadata, ok.reply \
                          FROM ok JOIN s ON s.chat_id = ok.chat_id \
                          RETURNING {MESSAGE_COLUMNS}), \
                  ev AS (INSERT INTO chat_events (chat_id, seq, kind, actor_id, message_id) \
                         SELECT chat_id, seq, 'message:new', sender_id, id FROM ins), \
                  mm AS (INSERT INTO message_mentions (message_id, user_id) \
                         SELECT k.message_id, k.user_id \
                         FROM unnest($9::uuid[], $10::uuid[]) AS k(message_id, user_id) \
                         WHERE k.message_id IN (SELECT id FROM ins)) \
             SELECT {MESSAGE_COLUMNS} FROM ins m"
        ))
        .bind(&c.chats)
        .bind(&c.ids)
        .bind(&c.senders)
        .bind(&c.client_ids)
        .bind(&c.contents)
        .bind(&c.types)
        .bind(&c.metadata)
        .bind(&c.replies)
        .bind(&mention_messages)
        .bind(&mention_users)
        .fetch_all(conn)
        .await?;
        rows.sort_by_key(|r| (r.chat_id, r.seq));
        Ok(rows)
    }

    /// Replaces the mentions of these messages.
    pub async fn set_mentions(
        conn: &mut PgConnection,
        pairs: &[(Uuid, Uuid)],
        replace_for: &[Uuid],
    ) -> Result<(), StoreError> {
        if !replace_for.is_empty() {
            sqlx::query("DELETE FROM message_mentions WHERE message_id = ANY($1)")
                .bind(replace_for)
                .execute(&mut *conn)
                .await?;
        }
        if pairs.is_empty() {
            return Ok(());
        }
        let messages: Vec<Uuid> = pairs.iter().map(|p| p.0).collect();
        let users: Vec<Uuid> = pairs.iter().map(|p| p.1).collect();
        sqlx::query(
            "INSERT INTO message_mentions (message_id, user_id) \
             SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING",
        )
        .bind(messages)
        .bind(users)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// A message with its chat locked, for an edit, delete or reaction by `actor`:
    /// `(message, actor's role)`; `None` when it does not exist or the actor is not a member.
    pub async fn lock_message(
        conn: &mut PgConnection,
        message: Uuid,
        actor: Uuid,
    ) -> Result<Option<(MessageRow, String, String)>, StoreError> {
        let chat: Option<(Uuid,)> = sqlx::query_as("SELECT chat_id FROM messages WHERE id = $1")
            .bind(message)
            .fetch_optional(&mut *conn)
            .await?;
        let Some((chat,)) = chat else { return Ok(None) };
        let Some(locked) = super::super::chats::tx::lock_chat(conn, chat, actor).await? else {
            return Ok(None);
        };
        let row = sqlx::query_as::<_, MessageRow>(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = $1"
        ))
        .bind(message)
        .fetch_one(&mut *conn)
        .await?;
        Ok(Some((row, locked.role, locked.kind)))
    }

    /// Replaces a message's content and metadata.
    pub async fn edit(
        conn: &mut PgConnection,
        message: Uuid,
        content: &str,
        metadata: &serde_json::Value,
    ) -> Result<MessageRow, StoreError> {
        Ok(sqlx::query_as::<_, MessageRow>(&format!(
            "UPDATE messages AS m SET content = $2, metadata = $3, edited_at = now() \
             WHERE m.id = $1 RETURNING {MESSAGE_COLUMNS}"
        ))
        .bind(message)
        .bind(content)
        .bind(metadata)
        .fetch_one(conn)
        .await?)
    }

    /// Soft-deletes a message: the slot stays, its content, mentions and reactions go.
    pub async fn soft_delete(conn: &mut PgConnection, message: Uuid) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE messages SET content = NULL, metadata = '{}'::jsonb, deleted_at = now() \
             WHERE id = $1",
        )
        .bind(message)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM message_mentions WHERE message_id = $1")
            .bind(message)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM reactions WHERE message_id = $1")
            .bind(message)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Adds a reaction; false when the user already reacted with this emoji.
    pub async fn add_reaction(
        conn: &mut PgConnection,
        message: Uuid,
        user: Uuid,
        emoji: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reactions (message_id, user_id, emoji) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(message)
        .bind(user)
        .bind(emoji)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a reaction; false when there was none.
    pub async fn remove_reaction(
        conn: &mut PgConnection,
        message: Uuid,
        user: Uuid,
        emoji: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
        )
        .bind(message)
        .bind(user)
        .bind(emoji)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many distinct emoji a message has, and whether `emoji` is among them.
    pub async fn emoji_count(
        conn: &mut PgConnection,
        message: Uuid,
        emoji: &str,
    ) -> Result<(i64, bool), StoreError> {
        Ok(sqlx::query_as(
            "SELECT count(DISTINCT emoji), coalesce(bool_or(emoji = $2), false) \
             FROM reactions WHERE message_id = $1",
        )
        .bind(message)
        .bind(emoji)
        .fetch_one(conn)
        .await?)
    }
}
