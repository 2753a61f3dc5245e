//! Message writes inside a transaction that holds the chat's lock (see
//! `chats::tx::lock_chat`), and the reads those writes need in the same transaction.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::PgConnection;

use super::{MESSAGE_COLUMNS, MessageRow};
use crate::store::StoreError;

/// Messages already stored for these `(sender, client id)` pairs.
pub async fn by_client_ids(
    conn: &mut PgConnection,
    senders: &[UserId],
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
    chat: ChatId,
    users: &[UserId],
) -> Result<Vec<UserId>, StoreError> {
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
    chat: ChatId,
    names: &[String],
) -> Result<Vec<(String, UserId)>, StoreError> {
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
    chat: ChatId,
    ids: &[MessageId],
) -> Result<Vec<MessageId>, StoreError> {
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
/// the mentions of `mentions` `(message, username)` that name a current member of the
/// message's chat, in one statement (the send path's cost is mostly per statement: round trip,
/// plan, commit). Messages it leaves out are not returned. Returns the rows in
/// (chat, seq) order, and the mentions stored `(message, user)`.
///
/// The chats' rows are locked by the statement's `UPDATE`; the writer sends one chat's
/// messages through one lane only, so two of these statements never wait on each other.
pub async fn insert_messages(
    conn: &mut PgConnection,
    batch: &[NewMessage],
    mentions: &[(MessageId, String)],
) -> Result<(Vec<MessageRow>, Vec<(MessageId, UserId)>), StoreError> {
    let c = Columns::of(batch);
    let mention_messages: Vec<MessageId> = mentions.iter().map(|m| m.0).collect();
    let mention_names: Vec<&str> = mentions.iter().map(|m| m.1.as_str()).collect();
    let mut rows = sqlx::query_as::<_, Inserted>(&format!(
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
              mm AS (INSERT INTO message_mentions (message_id, user_id, chat_id, seq) \
                     SELECT DISTINCT ins.id, u.id, ins.chat_id, ins.seq \
                     FROM unnest($9::uuid[], $10::text[]) AS k(message_id, name) \
                     JOIN ins ON ins.id = k.message_id \
                     JOIN users u ON u.username = k.name \
                     JOIN chat_members cm ON cm.chat_id = ins.chat_id AND cm.user_id = u.id \
                       AND cm.left_at IS NULL \
                     RETURNING message_id, user_id) \
         SELECT {MESSAGE_COLUMNS}, \
           coalesce((SELECT array_agg(mm.user_id) FROM mm WHERE mm.message_id = m.id), \
                    '{{}}') AS mentioned \
         FROM ins m"
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
    .bind(&mention_names)
    .fetch_all(conn)
    .await?;
    rows.sort_by_key(|r| (r.message.chat_id, r.message.seq));
    let stored = rows
        .iter()
        .flat_map(|r| r.mentioned.iter().map(|u| (r.message.id, *u)))
        .collect();
    Ok((rows.into_iter().map(|r| r.message).collect(), stored))
}

/// A stored message and the members its text mentions.
#[derive(sqlx::FromRow)]
struct Inserted {
    #[sqlx(flatten)]
    message: MessageRow,
    mentioned: Vec<UserId>,
}

/// Replaces the mentions of these messages.
pub async fn set_mentions(
    conn: &mut PgConnection,
    pairs: &[(MessageId, UserId)],
    replace_for: &[MessageId],
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
    let messages: Vec<MessageId> = pairs.iter().map(|p| p.0).collect();
    let users: Vec<UserId> = pairs.iter().map(|p| p.1).collect();
    sqlx::query(
        "INSERT INTO message_mentions (message_id, user_id, chat_id, seq) \
         SELECT k.message_id, k.user_id, m.chat_id, m.seq \
         FROM unnest($1::uuid[], $2::uuid[]) AS k(message_id, user_id) \
         JOIN messages m ON m.id = k.message_id ON CONFLICT DO NOTHING",
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
    message: MessageId,
    actor: UserId,
) -> Result<Option<(MessageRow, String, String)>, StoreError> {
    let chat: Option<(ChatId,)> = sqlx::query_as("SELECT chat_id FROM messages WHERE id = $1")
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
    message: MessageId,
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
pub async fn soft_delete(conn: &mut PgConnection, message: MessageId) -> Result<(), StoreError> {
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
    message: MessageId,
    user: UserId,
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
    message: MessageId,
    user: UserId,
    emoji: &str,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
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
    message: MessageId,
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

/// A message to store in a batch.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// Id.
    pub id: MessageId,
    /// The chat it goes to.
    pub chat_id: ChatId,
    /// Author.
    pub sender_id: UserId,
    /// Idempotency key.
    pub client_id: String,
    /// Text.
    pub content: String,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Metadata.
    pub metadata: serde_json::Value,
    /// Reply target.
    pub reply_to_id: Option<MessageId>,
}

/// A batch of new messages as parallel arrays, for `unnest()`.
struct Columns<'a> {
    chats: Vec<ChatId>,
    ids: Vec<MessageId>,
    senders: Vec<UserId>,
    client_ids: Vec<&'a str>,
    contents: Vec<&'a str>,
    types: Vec<&'a str>,
    metadata: Vec<&'a serde_json::Value>,
    replies: Vec<Option<MessageId>>,
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
