//! Chats and their members. Writes run inside a transaction the service opens
//! ([`Store::begin`]), so membership checks and changes commit together with their events.

use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError, unique_violation};

/// A chat as one member sees it, with counts.
#[derive(Clone, Debug, FromRow)]
pub struct ChatRow {
    /// Id.
    pub id: Uuid,
    /// `direct` or `group`.
    pub kind: String,
    /// Group name.
    pub name: Option<String>,
    /// Group slug.
    pub slug: Option<String>,
    /// Newest seq.
    pub last_seq: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last message or creation.
    pub last_activity_at: OffsetDateTime,
    /// The viewer's role.
    pub role: String,
    /// The viewer's read watermark.
    pub last_read_seq: i64,
    /// The viewer's mute.
    pub muted_until: Option<OffsetDateTime>,
    /// Current members.
    pub member_count: i64,
    /// Unread messages from others (counted up to 1000).
    pub unread_count: i64,
    /// Unread mentions of the viewer.
    pub mention_count: i64,
    /// The other member of a direct chat.
    pub peer_id: Option<Uuid>,
}

/// A current member.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    /// The user.
    pub user_id: Uuid,
    /// `owner`, `admin` or `member`.
    pub role: String,
    /// Joined.
    pub joined_at: OffsetDateTime,
    /// Read watermark.
    pub last_read_seq: i64,
    /// Delivered watermark.
    pub last_delivered_seq: i64,
}

/// A chat locked for a change, with the actor's membership.
#[derive(Clone, Debug, FromRow)]
pub struct LockedChat {
    /// Id.
    pub id: Uuid,
    /// `direct` or `group`.
    pub kind: String,
    /// Name.
    pub name: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// The actor's role.
    pub role: String,
}

const CHAT_VIEW: &str = "SELECT c.id, c.kind, c.name, c.slug, c.last_seq, c.created_at, \
       coalesce(c.last_message_at, c.created_at) AS last_activity_at, \
       m.role, m.last_read_seq, m.muted_until, \
       (SELECT count(*) FROM chat_members x WHERE x.chat_id = c.id AND x.left_at IS NULL) \
         AS member_count, \
       (SELECT count(*) FROM (SELECT 1 FROM messages msg WHERE msg.chat_id = c.id \
          AND msg.seq > m.last_read_seq AND msg.deleted_at IS NULL \
          AND msg.sender_id IS DISTINCT FROM m.user_id LIMIT 1000) u) AS unread_count, \
       (SELECT count(*) FROM message_mentions mm JOIN messages msg ON msg.id = mm.message_id \
          WHERE mm.user_id = m.user_id AND msg.chat_id = c.id \
          AND msg.seq > m.last_read_seq AND msg.deleted_at IS NULL) AS mention_count, \
       CASE WHEN c.kind = 'direct' THEN \
         CASE WHEN c.direct_user_lo = m.user_id THEN c.direct_user_hi ELSE c.direct_user_lo END \
       END AS peer_id \
     FROM chat_members m JOIN chats c ON c.id = m.chat_id \
     WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL";

impl Store {
    /// Opens a transaction for a multi-statement write.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// The viewer's chats, most recent activity first.
    pub async fn chats_of(&self, viewer: Uuid) -> Result<Vec<ChatRow>, StoreError> {
        Ok(sqlx::query_as::<_, ChatRow>(&format!(
            "{CHAT_VIEW} ORDER BY last_activity_at DESC, c.id"
        ))
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One chat, if the viewer is a member.
    pub async fn chat_for(&self, viewer: Uuid, chat: Uuid) -> Result<Option<ChatRow>, StoreError> {
        Ok(
            sqlx::query_as::<_, ChatRow>(&format!("{CHAT_VIEW} AND c.id = $2"))
                .bind(viewer)
                .bind(chat)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// One chat by slug (any case), if the viewer is a member.
    pub async fn chat_by_slug_for(
        &self,
        viewer: Uuid,
        slug: &str,
    ) -> Result<Option<ChatRow>, StoreError> {
        Ok(
            sqlx::query_as::<_, ChatRow>(&format!("{CHAT_VIEW} AND lower(c.slug) = lower($2)"))
                .bind(viewer)
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Current members, owner first, then admins, then by join order.
    pub async fn members(&self, chat: Uuid) -> Result<Vec<MemberRow>, StoreError> {
        Ok(sqlx::query_as::<_, MemberRow>(
            "SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq \
             FROM chat_members WHERE chat_id = $1 AND left_at IS NULL \
             ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, joined_at",
        )
        .bind(chat)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ids of the current members.
    pub async fn member_ids(&self, chat: Uuid) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM chat_members WHERE chat_id = $1 AND left_at IS NULL",
        )
        .bind(chat)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ids of the chats a user is in (for the connection registry).
    pub async fn chat_ids_of(&self, user: Uuid) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(user, chat)` of every live chat these users are in (to rebuild the registry).
    pub async fn memberships_of(&self, users: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.user_id, m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.user_id = ANY($1) AND m.left_at IS NULL AND c.deleted_at IS NULL",
        )
        .bind(users)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The role of a current member, or `None` for anyone else.
    pub async fn role_in(&self, chat: Uuid, user: Uuid) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.role FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.chat_id = $1 AND m.user_id = $2 AND m.left_at IS NULL \
               AND c.deleted_at IS NULL",
        )
        .bind(chat)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Everyone who shares at least one chat with `user` (who sees their presence).
    pub async fn contacts_by_chat(&self, user: Uuid) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT o.user_id FROM chat_members m \
             JOIN chat_members o ON o.chat_id = m.chat_id AND o.left_at IS NULL \
             JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
             WHERE m.user_id = $1 AND m.left_at IS NULL AND o.user_id <> $1",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Writes inside a transaction.
pub mod tx {
    use super::{LockedChat, PgConnection, StoreError, Uuid, unique_violation};

    /// Locks a live chat row for a change, with the actor's role; `None` when the chat is
    /// gone or the actor is not a member. Every change of a chat starts here, which
    /// serializes changes per chat and so keeps `seq` in commit order.
    pub async fn lock_chat(
        conn: &mut PgConnection,
        chat: Uuid,
        actor: Uuid,
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
    pub async fn lock_chat_row(conn: &mut PgConnection, chat: Uuid) -> Result<bool, StoreError> {
        let found: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM chats WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
        )
        .bind(chat)
        .fetch_optional(conn)
        .await?;
        Ok(found.is_some())
    }

    /// Takes the next `n` sequence numbers of a locked chat; returns the last one.
    pub async fn next_seqs(conn: &mut PgConnection, chat: Uuid, n: i64) -> Result<i64, StoreError> {
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
        chat: Uuid,
        seq: i64,
        kind: &str,
        actor: Option<Uuid>,
        message: Option<Uuid>,
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
        lo: Uuid,
        hi: Uuid,
    ) -> Result<Option<Uuid>, StoreError> {
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
        id: Uuid,
        kind: &str,
        name: Option<&str>,
        slug: Option<&str>,
        direct_pair: Option<(Uuid, Uuid)>,
        created_by: Uuid,
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
        chat: Uuid,
        user: Uuid,
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
        chat: Uuid,
        user: Uuid,
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
        chat: Uuid,
        user: Uuid,
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
        chat: Uuid,
        user: Uuid,
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
    pub async fn member_count(conn: &mut PgConnection, chat: Uuid) -> Result<i64, StoreError> {
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
        chat: Uuid,
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
    pub async fn mark_deleted(conn: &mut PgConnection, chat: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE chats SET deleted_at = now(), updated_at = now() WHERE id = $1")
            .bind(chat)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Which of `users` exist and are enabled.
    pub async fn existing_users(
        conn: &mut PgConnection,
        users: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE id = ANY($1) AND disabled_at IS NULL")
                .bind(users)
                .fetch_all(conn)
                .await?,
        )
    }
}
