//! Chats and their members. Writes run inside a transaction the service opens
//! ([`Store::begin`]), so membership checks and changes commit together with their events;
//! they are in `tx`.

pub mod tx;

use common::ids::{ChatId, UserId};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{Store, StoreError};

/// A chat as one member sees it, with counts.
#[derive(Clone, Debug, FromRow)]
pub struct ChatRow {
    /// Id.
    pub id: ChatId,
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
    pub peer_id: Option<UserId>,
    /// The group owner's retention in days.
    pub retention_days: Option<i32>,
    /// A group's description.
    pub description: Option<String>,
    /// `private` or `public`.
    pub visibility: String,
    /// The member cap.
    pub max_members: i32,
    /// The current avatar's id.
    pub avatar_id: Option<uuid::Uuid>,
}

/// A current member.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    /// The user.
    pub user_id: UserId,
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
    pub id: ChatId,
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
       c.retention_days, \
       coalesce(c.last_message_at, c.created_at) AS last_activity_at, \
       m.role, m.last_read_seq, m.muted_until, \
       (SELECT count(*) FROM chat_members x WHERE x.chat_id = c.id AND x.left_at IS NULL) \
         AS member_count, \
       (SELECT count(*) FROM (SELECT 1 FROM messages msg WHERE msg.chat_id = c.id \
          AND msg.seq > m.last_read_seq AND msg.deleted_at IS NULL \
          AND msg.sender_id IS DISTINCT FROM m.user_id LIMIT 1000) u) AS unread_count, \
       (SELECT count(*) FROM message_mentions mm JOIN messages msg ON msg.id = mm.message_id \
          WHERE mm.user_id = m.user_id AND mm.chat_id = c.id \
          AND mm.seq > m.last_read_seq AND msg.deleted_at IS NULL) AS mention_count, \
       CASE WHEN c.kind = 'direct' THEN \
         CASE WHEN c.direct_user_lo = m.user_id THEN c.direct_user_hi ELSE c.direct_user_lo END \
       END AS peer_id, \
       c.description, c.visibility, c.max_members, c.avatar_id \
     FROM chat_members m JOIN chats c ON c.id = m.chat_id \
     WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL";

impl Store {
    /// Opens a transaction for a multi-statement write.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// The viewer's chats, most recent activity first.
    pub async fn chats_of(&self, viewer: UserId) -> Result<Vec<ChatRow>, StoreError> {
        Ok(sqlx::query_as::<_, ChatRow>(&format!(
            "{CHAT_VIEW} ORDER BY last_activity_at DESC, c.id"
        ))
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One chat, if the viewer is a member.
    pub async fn chat_for(
        &self,
        viewer: UserId,
        chat: ChatId,
    ) -> Result<Option<ChatRow>, StoreError> {
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
        viewer: UserId,
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
    pub async fn members(&self, chat: ChatId) -> Result<Vec<MemberRow>, StoreError> {
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
    pub async fn member_ids(&self, chat: ChatId) -> Result<Vec<UserId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM chat_members WHERE chat_id = $1 AND left_at IS NULL",
        )
        .bind(chat)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ids of the chats a user is in (for the connection registry).
    pub async fn chat_ids_of(&self, user: UserId) -> Result<Vec<ChatId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.user_id = $1 AND m.left_at IS NULL AND c.deleted_at IS NULL",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(user, chat)` of every live chat these users are in (to rebuild the registry).
    pub async fn memberships_of(
        &self,
        users: &[UserId],
    ) -> Result<Vec<(UserId, ChatId)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.user_id, m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
             WHERE m.user_id = ANY($1) AND m.left_at IS NULL AND c.deleted_at IS NULL",
        )
        .bind(users)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The role of a current member, or `None` for anyone else.
    pub async fn role_in(&self, chat: ChatId, user: UserId) -> Result<Option<String>, StoreError> {
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
    pub async fn contacts_by_chat(&self, user: UserId) -> Result<Vec<UserId>, StoreError> {
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
