//! Chat writes inside a transaction the service opens: locking a chat, numbering its events,
//! creating chats, and changing members and roles.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::PgConnection;

use super::LockedChat;
use crate::store::{StoreError, unique_violation};

/// Locks a live chat row for a change, with the actor's role; `None` when the chat is
/// gone or the actor is not a member. Every change of a chat starts here, which
/// serializes changes per chat and so keeps `seq` in commit order.
pub async fn lock_chat(
    conn: &mut PgConnection,
    chat: ChatId,
    actor: UserId,
) -> Result<Option<LockedChat>, StoreError> {
    Ok(sqlx::query_as::<_, LockedChat>(
        "SELECT c.id, c.kind, c.name, c.slug, m.role FROM chats c \
         JOIN chat_members m ON m.chat_id = c.id AND m.user_id = $2 AND m.left_at IS NULL \
         WHERE c.id = $1 AND c.deleted_at IS NULL FOR UPDATE OF c",
    )
    .bind(chat)
    .bind(actor)
    .fetch_optional(conn)
    .await?)
}

/// Locks a live chat row for a batch of sends by several members; false when the chat
/// is gone.
pub async fn lock_chat_row(conn: &mut PgConnection, chat: ChatId) -> Result<bool, StoreError> {
    let found: Option<ChatId> =
        sqlx::query_scalar("SELECT id FROM chats WHERE id = $1 AND deleted_at IS NULL FOR UPDATE")
            .bind(chat)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Takes the next `n` sequence numbers of a locked chat; returns the last one.
pub async fn next_seqs(conn: &mut PgConnection, chat: ChatId, n: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE chats SET last_seq = last_seq + $2, updated_at = now() WHERE id = $1 \
         RETURNING last_seq",
    )
    .bind(chat)
    .bind(n)
    .fetch_one(conn)
    .await?)
}

/// Records a numbered event.
pub async fn insert_event(
    conn: &mut PgConnection,
    chat: ChatId,
    seq: i64,
    kind: &str,
    actor: Option<UserId>,
    message: Option<MessageId>,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO chat_events (chat_id, seq, kind, actor_id, message_id, payload) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(chat)
    .bind(seq)
    .bind(kind)
    .bind(actor)
    .bind(message)
    .bind(payload)
    .execute(conn)
    .await?;
    Ok(())
}

/// The direct chat of a pair, if it exists.
pub async fn find_direct(
    conn: &mut PgConnection,
    lo: UserId,
    hi: UserId,
) -> Result<Option<ChatId>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM chats WHERE kind = 'direct' AND direct_user_lo = $1 \
         AND direct_user_hi = $2",
    )
    .bind(lo)
    .bind(hi)
    .fetch_optional(conn)
    .await?)
}

/// Why a chat could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateChatError {
    /// The slug (or the direct pair, created concurrently) exists.
    #[error("taken")]
    Taken(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Inserts a chat row.
pub async fn insert_chat(
    conn: &mut PgConnection,
    id: ChatId,
    kind: &str,
    name: Option<&str>,
    slug: Option<&str>,
    direct_pair: Option<(UserId, UserId)>,
    created_by: UserId,
) -> Result<(), CreateChatError> {
    sqlx::query(
        "INSERT INTO chats (id, kind, name, slug, direct_user_lo, direct_user_hi, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(kind)
    .bind(name)
    .bind(slug)
    .bind(direct_pair.map(|p| p.0))
    .bind(direct_pair.map(|p| p.1))
    .bind(created_by)
    .execute(conn)
    .await
    .map_err(|e| match unique_violation(&e).as_deref() {
        Some("chats_slug_key") => CreateChatError::Taken("slug"),
        Some("chats_direct_pair_key") => CreateChatError::Taken("direct"),
        _ => CreateChatError::Store(e.into()),
    })?;
    Ok(())
}

/// Adds (or re-adds a former) member at `seq`. Returns false when already a member.
pub async fn upsert_member(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
    role: &str,
    seq: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO chat_members (chat_id, user_id, role, joined_seq, last_read_seq, \
                                   last_delivered_seq) \
         VALUES ($1, $2, $3, $4, $4, $4) \
         ON CONFLICT (chat_id, user_id) DO UPDATE SET role = EXCLUDED.role, \
           joined_at = now(), joined_seq = EXCLUDED.joined_seq, left_at = NULL, \
           left_seq = NULL, last_read_seq = EXCLUDED.last_read_seq, \
           last_delivered_seq = EXCLUDED.last_delivered_seq \
         WHERE chat_members.left_at IS NOT NULL",
    )
    .bind(chat)
    .bind(user)
    .bind(role)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a membership at `seq`; returns the member's role, or `None` if not a member.
pub async fn end_membership(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
    seq: i64,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE chat_members SET left_at = now(), left_seq = $3 \
         WHERE chat_id = $1 AND user_id = $2 AND left_at IS NULL RETURNING role",
    )
    .bind(chat)
    .bind(user)
    .bind(seq)
    .fetch_optional(conn)
    .await?)
}

/// A current member's role.
pub async fn member_role(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT role FROM chat_members WHERE chat_id = $1 AND user_id = $2 \
         AND left_at IS NULL",
    )
    .bind(chat)
    .bind(user)
    .fetch_optional(conn)
    .await?)
}

/// Sets a current member's role.
pub async fn set_role(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
    role: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE chat_members SET role = $3 WHERE chat_id = $1 AND user_id = $2 \
         AND left_at IS NULL",
    )
    .bind(chat)
    .bind(user)
    .bind(role)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many current members a chat has.
pub async fn member_count(conn: &mut PgConnection, chat: ChatId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM chat_members WHERE chat_id = $1 AND left_at IS NULL",
    )
    .bind(chat)
    .fetch_one(conn)
    .await?)
}

/// Renames a group; `Taken("slug")` when the slug is in use.
pub async fn rename(
    conn: &mut PgConnection,
    chat: ChatId,
    name: &str,
    slug: Option<&str>,
) -> Result<(), CreateChatError> {
    sqlx::query("UPDATE chats SET name = $2, slug = $3, updated_at = now() WHERE id = $1")
        .bind(chat)
        .bind(name)
        .bind(slug)
        .execute(conn)
        .await
        .map_err(|e| match unique_violation(&e).as_deref() {
            Some("chats_slug_key") => CreateChatError::Taken("slug"),
            _ => CreateChatError::Store(e.into()),
        })?;
    Ok(())
}

/// Marks a group deleted.
pub async fn mark_deleted(conn: &mut PgConnection, chat: ChatId) -> Result<(), StoreError> {
    sqlx::query("UPDATE chats SET deleted_at = now(), updated_at = now() WHERE id = $1")
        .bind(chat)
        .execute(conn)
        .await?;
    Ok(())
}

/// Which of `users` exist and are enabled.
pub async fn existing_users(
    conn: &mut PgConnection,
    users: &[UserId],
) -> Result<Vec<UserId>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE id = ANY($1) AND disabled_at IS NULL")
            .bind(users)
            .fetch_all(conn)
            .await?,
    )
}
