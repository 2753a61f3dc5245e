//! What the retention job reads and writes: the next chat with expired messages (found
//! through each chat's prune floor and the `(chat_id, seq)` key, never a table scan), one
//! batch's prune in the caller's short transaction, and the operator's status figures.
//!
//! A chat's policy is the shorter of the server's days and, when owners may set one, the
//! chat's own (`LEAST` ignores a NULL). "Now" is the database's clock plus the configured
//! offset, so that tests and drills move time by configuration.

use common::ids::{AttachmentId, ChatId, MessageId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

use super::{Store, StoreError};

/// The policy and clock the queries apply.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// The server's days (`retention.message_days`).
    pub server_days: Option<i32>,
    /// Whether a chat's own `retention_days` counts.
    pub chat_override: bool,
    /// Seconds the job's clock runs ahead.
    pub offset_secs: i64,
}

/// The files of an attachment that a prune detached, to remove after the commit.
#[derive(Clone, Debug, FromRow)]
pub struct PrunedFile {
    /// The attachment.
    pub id: AttachmentId,
    /// Its file.
    pub storage_key: String,
    /// Its thumbnail.
    pub thumbnail_key: Option<String>,
}

/// The operator's view (`chatctl retention status`).
#[derive(Clone, Debug, FromRow)]
pub struct RetentionFigures {
    /// The oldest message that still has content.
    pub oldest: Option<OffsetDateTime>,
    /// Messages with content that the policy has expired.
    pub due: i64,
    /// Chats with a policy of their own.
    pub chats_with_policy: i64,
}

/// Days of chat `c`, as SQL over `$1` (server days) and `$2` (override allowed).
const DAYS: &str = "LEAST($1::int, CASE WHEN $2::bool THEN c.retention_days END)";
/// The expiry instant for `days`, as SQL over `$3` (the clock offset in seconds).
fn cutoff(days: &str) -> String {
    format!("now() + make_interval(secs => $3::double precision) - make_interval(days => {days})")
}

impl Store {
    /// The oldest message, how many are due and how many chats have their own policy.
    pub async fn retention_figures(&self, policy: Policy) -> Result<RetentionFigures, StoreError> {
        let sql = format!(
            "SELECT \
               (SELECT min(f.created_at) FROM chats c CROSS JOIN LATERAL ( \
                  SELECT m.created_at FROM messages m WHERE m.chat_id = c.id \
                  AND m.seq > c.pruned_seq AND m.deleted_at IS NULL ORDER BY m.seq LIMIT 1) f) \
                 AS oldest, \
               (SELECT count(*) FROM chats c JOIN messages m ON m.chat_id = c.id \
                  AND m.seq > c.pruned_seq AND m.deleted_at IS NULL \
                WHERE {DAYS} IS NOT NULL AND m.created_at < {cut}) AS due, \
               (SELECT count(*) FROM chats c WHERE c.retention_days IS NOT NULL \
                  AND c.deleted_at IS NULL) AS chats_with_policy",
            cut = cutoff(DAYS),
        );
        Ok(sqlx::query_as(&sql)
            .bind(policy.server_days)
            .bind(policy.chat_override)
            .bind(policy.offset_secs)
            .fetch_one(&self.pool)
            .await?)
    }
}

/// One batch, inside the caller's transaction.
pub mod tx {
    use super::{ChatId, DAYS, MessageId, PgConnection, Policy, PrunedFile, StoreError, cutoff};

    /// The key of the advisory lock that lets one node at a time run a batch.
    const LOCK_KEY: i64 = 0x6368_6174_7265_746e; // "chatretn"

    /// Takes the job's advisory lock until the transaction ends; false when another node
    /// (or `chatctl retention run`) holds it.
    pub async fn try_lock(conn: &mut PgConnection) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(LOCK_KEY)
            .fetch_one(conn)
            .await?)
    }

    /// The first chat from `from` on (itself included) whose oldest message above the prune
    /// floor has expired, locked; with its floor and its policy's days.
    ///
    /// The lock is the one a send's seq update takes (`NO KEY UPDATE`): it waits for a send
    /// in flight (milliseconds) rather than skipping the chat, which a busy chat would
    /// otherwise be at every pass, and it does not conflict with the `KEY SHARE` locks that
    /// foreign-key checks (the search indexer's progress rows) hold on chat rows.
    pub async fn next_chat(
        conn: &mut PgConnection,
        policy: Policy,
        from: Option<ChatId>,
    ) -> Result<Option<(ChatId, i64, i32)>, StoreError> {
        let sql = format!(
            "SELECT c.id, c.pruned_seq, {DAYS} AS days FROM chats c \
             CROSS JOIN LATERAL (SELECT m.created_at FROM messages m \
               WHERE m.chat_id = c.id AND m.seq > c.pruned_seq ORDER BY m.seq LIMIT 1) f \
             WHERE ($4::uuid IS NULL OR c.id >= $4) AND {DAYS} IS NOT NULL \
               AND f.created_at < {cut} \
             ORDER BY c.id LIMIT 1 FOR NO KEY UPDATE OF c",
            cut = cutoff(DAYS),
        );
        Ok(sqlx::query_as(&sql)
            .bind(policy.server_days)
            .bind(policy.chat_override)
            .bind(policy.offset_secs)
            .bind(from)
            .fetch_optional(conn)
            .await?)
    }

    /// The expired messages just above the floor, oldest first and at most `limit`, up to
    /// the first one that has not expired (so that everything up to the new floor is gone),
    /// locked against edits; `(id, seq)`.
    pub async fn expired_prefix(
        conn: &mut PgConnection,
        chat: ChatId,
        floor: i64,
        days: i32,
        offset_secs: i64,
        limit: i64,
    ) -> Result<Vec<(MessageId, i64)>, StoreError> {
        // The search indexer reads messages under its progress row's lock: taking it here
        // first means it either finished before this batch (and its rows are deleted below)
        // or reads after the commit (and finds nothing to index).
        sqlx::query("SELECT 1 FROM search_progress WHERE chat_id = $1 FOR UPDATE")
            .bind(chat)
            .execute(&mut *conn)
            .await?;
        let rows: Vec<(MessageId, i64, bool)> = sqlx::query_as(
            "SELECT m.id, m.seq, m.created_at < now() + make_interval(secs => $2::double precision) \
               - make_interval(days => $1::int) AS expired FROM messages m \
             WHERE m.chat_id = $3 AND m.seq > $4 ORDER BY m.seq LIMIT $5 FOR NO KEY UPDATE",
        )
        .bind(days)
        .bind(offset_secs)
        .bind(chat)
        .bind(floor)
        .bind(limit)
        .fetch_all(conn)
        .await?;
        Ok(rows
            .into_iter()
            .take_while(|r| r.2)
            .map(|r| (r.0, r.1))
            .collect())
    }

    /// Empties these messages (their slots stay, as deleted ones) and deletes what refers to
    /// their content; returns how many still had content and the attachments to remove.
    pub async fn prune(
        conn: &mut PgConnection,
        ids: &[MessageId],
    ) -> Result<(i64, Vec<PrunedFile>), StoreError> {
        let emptied = sqlx::query(
            "UPDATE messages SET content = NULL, metadata = '{}'::jsonb, deleted_at = now() \
             WHERE id = ANY($1) AND deleted_at IS NULL",
        )
        .bind(ids)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        for table in [
            "message_mentions",
            "reactions",
            "message_search",
            "notifications",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE message_id = ANY($1)"))
                .bind(ids)
                .execute(&mut *conn)
                .await?;
        }
        let files = sqlx::query_as(
            "UPDATE attachments SET deleted_at = now() \
             WHERE message_id = ANY($1) AND deleted_at IS NULL \
             RETURNING id, storage_key, thumbnail_key",
        )
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?;
        Ok((i64::try_from(emptied).unwrap_or(i64::MAX), files))
    }

    /// Sets (or clears) a locked chat's own retention.
    pub async fn set_chat_days(
        conn: &mut PgConnection,
        chat: ChatId,
        days: Option<i32>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE chats SET retention_days = $2, updated_at = now() WHERE id = $1")
            .bind(chat)
            .bind(days)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Moves the chat's prune floor.
    pub async fn set_floor(
        conn: &mut PgConnection,
        chat: ChatId,
        floor: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE chats SET pruned_seq = $2 WHERE id = $1 AND pruned_seq < $2")
            .bind(chat)
            .bind(floor)
            .execute(conn)
            .await?;
        Ok(())
    }
}
