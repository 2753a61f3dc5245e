//! Deleting an account, as the statements of one transaction that `accounts` runs: the
//! account's row locked, its chats and messages listed, a successor for the groups it owns,
//! and the last step (messages kept as from a deleted user, the username quarantined, the
//! row deleted with everything that hangs on it), and the notice that closes its sockets.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::PgConnection;

use super::StoreError;

/// Locks the account's row; its username, or `None` when there is no such account.
pub async fn lock_user(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1 FOR UPDATE")
            .bind(user)
            .fetch_optional(conn)
            .await?,
    )
}

/// The chats the user is a current member of, by id (the order every multi-chat change locks
/// them in).
pub async fn chats_of(conn: &mut PgConnection, user: UserId) -> Result<Vec<ChatId>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
         WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL ORDER BY m.chat_id",
    )
    .bind(user)
    .fetch_all(conn)
    .await?)
}

/// The user's messages in `chat` that are not deleted, by seq.
pub async fn messages_in(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
) -> Result<Vec<MessageId>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM messages WHERE chat_id = $1 AND sender_id = $2 AND deleted_at IS NULL \
         ORDER BY seq",
    )
    .bind(chat)
    .bind(user)
    .fetch_all(conn)
    .await?)
}

/// Makes the group's longest-standing admin (or, with none, member) other than `user` its
/// owner; `None` when nobody else is in it.
pub async fn promote_successor(
    conn: &mut PgConnection,
    chat: ChatId,
    user: UserId,
) -> Result<Option<UserId>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE chat_members SET role = 'owner' WHERE chat_id = $1 AND user_id = \
           (SELECT user_id FROM chat_members WHERE chat_id = $1 AND user_id <> $2 \
              AND left_at IS NULL ORDER BY (role = 'admin') DESC, joined_at LIMIT 1) \
         RETURNING user_id",
    )
    .bind(chat)
    .bind(user)
    .fetch_optional(conn)
    .await?)
}

/// Marks a chat deleted (a group its last member left by deleting the account).
pub async fn mark_chat_deleted(conn: &mut PgConnection, chat: ChatId) -> Result<(), StoreError> {
    sqlx::query("UPDATE chats SET deleted_at = now(), updated_at = now() WHERE id = $1")
        .bind(chat)
        .execute(conn)
        .await?;
    Ok(())
}

/// The last step: the user's messages and events lose their sender and actor (the send
/// path's tables carry no foreign keys, see the migration `send_path_without_foreign_keys`),
/// the username is quarantined for `quarantine_days`, the row goes with everything that
/// references it (sessions, contacts, blocks, memberships, reactions, mentions,
/// notifications, push devices, settings).
pub async fn finish(
    conn: &mut PgConnection,
    user: UserId,
    username: &str,
    quarantine_days: u32,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE messages SET sender_id = NULL WHERE sender_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    // No index on actor_id: it would cost every send, and deleting a user is rare.
    sqlx::query("UPDATE chat_events SET actor_id = NULL WHERE actor_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    if quarantine_days > 0 {
        sqlx::query(
            "INSERT INTO username_quarantine (username, until) \
             VALUES ($1, now() + make_interval(days => $2)) \
             ON CONFLICT (username) DO UPDATE SET until = EXCLUDED.until",
        )
        .bind(username)
        .bind(i32::try_from(quarantine_days).unwrap_or(i32::MAX))
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `NOTIFY channel, text`, sent by PostgreSQL when the transaction commits (and never if it
/// does not).
pub async fn notify_on_commit(
    conn: &mut PgConnection,
    channel: &str,
    text: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(text)
        .execute(conn)
        .await?;
    Ok(())
}
