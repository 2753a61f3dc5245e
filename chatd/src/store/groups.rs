//! Group profiles, the public directory, group avatars and invite links. The writes that
//! belong to a chat's numbered change (`tx_*`) run inside the caller's transaction, after
//! the chat row is locked.

use common::ids::{ChatId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::avatars::AvatarSize;
use super::{Store, StoreError};

/// A live group as the directory and invite previews show it.
#[derive(Clone, Debug, FromRow)]
pub struct GroupSummaryRow {
    /// Id.
    pub id: ChatId,
    /// Name.
    pub name: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `private` or `public`.
    pub visibility: String,
    /// Current members.
    pub member_count: i64,
    /// Member cap.
    pub max_members: i32,
    /// Current avatar.
    pub avatar_id: Option<Uuid>,
}

/// A live group locked for a join, with what the join rules need.
#[derive(Clone, Debug, FromRow)]
pub struct JoinTarget {
    /// `private` or `public`.
    pub visibility: String,
    /// Member cap.
    pub max_members: i32,
    /// The owner, if any.
    pub owner_id: Option<UserId>,
}

/// An invite as listed (never its token).
#[derive(Clone, Copy, Debug, FromRow)]
pub struct InviteRow {
    /// Id.
    pub id: Uuid,
    /// The group.
    pub chat_id: ChatId,
    /// Joins so far.
    pub uses: i32,
    /// Cap on joins.
    pub max_uses: Option<i32>,
    /// Expiry.
    pub expires_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
}

const SUMMARY: &str = "SELECT c.id, c.name, c.slug, c.description, c.visibility, \
       (SELECT count(*) FROM chat_members x WHERE x.chat_id = c.id AND x.left_at IS NULL) \
         AS member_count, c.max_members, c.avatar_id FROM chats c \
     WHERE c.kind = 'group' AND c.deleted_at IS NULL";

/// An invite that still works: not revoked, not expired, not used up.
const LIVE_INVITE: &str = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) \
     AND (max_uses IS NULL OR uses < max_uses)";

impl Store {
    /// Public groups whose name or description contains `pattern` (LIKE-escaped, lower
    /// case; all of them without one), in id order after `after`.
    pub async fn public_groups(
        &self,
        pattern: Option<&str>,
        after: Option<ChatId>,
        limit: i64,
    ) -> Result<Vec<GroupSummaryRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SUMMARY} AND c.visibility = 'public' \
               AND ($1::text IS NULL OR lower(c.name) LIKE '%' || $1 || '%' \
                    OR lower(coalesce(c.description, '')) LIKE '%' || $1 || '%') \
               AND ($2::uuid IS NULL OR c.id > $2) ORDER BY c.id LIMIT $3"
        ))
        .bind(pattern)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One live group.
    pub async fn group_summary(&self, chat: ChatId) -> Result<Option<GroupSummaryRow>, StoreError> {
        Ok(sqlx::query_as(&format!("{SUMMARY} AND c.id = $1"))
            .bind(chat)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A group's avatar at `size`, if `viewer` may see it: a member, or anyone signed in
    /// for a public group.
    pub async fn group_avatar_for(
        &self,
        viewer: UserId,
        chat: ChatId,
        size: AvatarSize,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        let column = match size {
            AvatarSize::Small => "a.small",
            AvatarSize::Large => "a.large",
        };
        Ok(sqlx::query_as(&format!(
            "SELECT a.id, {column} FROM chat_avatars a JOIN chats c ON c.id = a.chat_id \
             WHERE c.id = $2 AND c.deleted_at IS NULL AND (c.visibility = 'public' \
               OR EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = c.id \
                          AND m.user_id = $1 AND m.left_at IS NULL))"
        ))
        .bind(viewer)
        .bind(chat)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Stores a new invite.
    pub async fn insert_group_invite(
        &self,
        id: Uuid,
        chat: ChatId,
        token_hash: &[u8],
        created_by: UserId,
        expires_at: Option<OffsetDateTime>,
        max_uses: Option<i32>,
    ) -> Result<InviteRow, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO chat_invites (id, chat_id, token_hash, created_by, expires_at, max_uses) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING id, chat_id, uses, max_uses, expires_at, created_at",
        )
        .bind(id)
        .bind(chat)
        .bind(token_hash)
        .bind(created_by)
        .bind(expires_at)
        .bind(max_uses)
        .fetch_one(&self.pool)
        .await?)
    }

    /// A group's working invites, newest first.
    pub async fn group_invites(&self, chat: ChatId) -> Result<Vec<InviteRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, chat_id, uses, max_uses, expires_at, created_at FROM chat_invites \
             WHERE chat_id = $1 AND {LIVE_INVITE} ORDER BY created_at DESC, id DESC"
        ))
        .bind(chat)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes an invite of `chat`; false when there is no such (unrevoked) invite.
    pub async fn revoke_group_invite(&self, chat: ChatId, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE chat_invites SET revoked_at = now() \
             WHERE id = $1 AND chat_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(chat)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The working invite with this token hash: `(invite, chat)`.
    pub async fn live_invite(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<(Uuid, ChatId)>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, chat_id FROM chat_invites WHERE token_hash = $1 AND {LIVE_INVITE}"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// Locks a live group for a join by someone who is not (yet) a member.
pub async fn tx_lock_for_join(
    conn: &mut PgConnection,
    chat: ChatId,
) -> Result<Option<JoinTarget>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.visibility, c.max_members, \
           (SELECT m.user_id FROM chat_members m WHERE m.chat_id = c.id AND m.role = 'owner' \
              AND m.left_at IS NULL LIMIT 1) AS owner_id \
         FROM chats c WHERE c.id = $1 AND c.kind = 'group' AND c.deleted_at IS NULL \
         FOR UPDATE OF c",
    )
    .bind(chat)
    .fetch_optional(conn)
    .await?)
}

/// Takes one use of a working invite; false when it stopped working meanwhile. The row lock
/// of the UPDATE makes a racing second use re-check `uses < max_uses` after the first
/// commits, so the last use goes to exactly one join.
pub async fn tx_use_invite(conn: &mut PgConnection, id: Uuid) -> Result<bool, StoreError> {
    let done = sqlx::query(&format!(
        "UPDATE chat_invites SET uses = uses + 1 WHERE id = $1 AND {LIVE_INVITE}"
    ))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The profile of a locked group.
pub async fn tx_profile(
    conn: &mut PgConnection,
    chat: ChatId,
) -> Result<(Option<String>, String, i32, Option<Uuid>), StoreError> {
    Ok(sqlx::query_as(
        "SELECT description, visibility, max_members, avatar_id FROM chats WHERE id = $1",
    )
    .bind(chat)
    .fetch_one(conn)
    .await?)
}

/// Sets the description, visibility and cap of a locked group.
pub async fn tx_set_profile(
    conn: &mut PgConnection,
    chat: ChatId,
    description: Option<&str>,
    visibility: &str,
    max_members: i32,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE chats SET description = $2, visibility = $3, max_members = $4, \
         updated_at = now() WHERE id = $1",
    )
    .bind(chat)
    .bind(description)
    .bind(visibility)
    .bind(max_members)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces (`Some((id, small, large))`) or removes a locked group's avatar.
pub async fn tx_set_avatar(
    conn: &mut PgConnection,
    chat: ChatId,
    avatar: Option<(Uuid, &[u8], &[u8])>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE chats SET avatar_id = $2, updated_at = now() WHERE id = $1")
        .bind(chat)
        .bind(avatar.map(|(id, _, _)| id))
        .execute(&mut *conn)
        .await?;
    match avatar {
        Some((id, small, large)) => {
            sqlx::query(
                "INSERT INTO chat_avatars (chat_id, id, small, large) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (chat_id) DO UPDATE SET id = EXCLUDED.id, \
                 small = EXCLUDED.small, large = EXCLUDED.large, created_at = now()",
            )
            .bind(chat)
            .bind(id)
            .bind(small)
            .bind(large)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM chat_avatars WHERE chat_id = $1")
                .bind(chat)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
