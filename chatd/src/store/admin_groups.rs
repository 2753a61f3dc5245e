//! The operator's view of groups (`chatctl group`): listing, finding by id or slug, members
//! with their names, and the lock an operator's change takes (without being a member).

use common::ids::{ChatId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

use super::admin::escape_like;
use super::{LockedChat, Store, StoreError};

/// A live group as the operator sees it.
#[derive(Clone, Debug, FromRow)]
pub struct AdminGroupRow {
    /// Id.
    pub id: ChatId,
    /// Name.
    pub name: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Newest seq.
    pub last_seq: i64,
    /// Last message or creation.
    pub last_activity_at: OffsetDateTime,
    /// Current members.
    pub member_count: i64,
    /// The owner; `None` when the owner's account was deleted.
    pub owner_id: Option<UserId>,
    /// The owner's username.
    pub owner_username: Option<String>,
}

/// Which groups to list.
#[derive(Clone, Debug, Default)]
pub struct GroupFilter {
    /// Name or slug containing this (any case, matched literally).
    pub query: Option<String>,
    /// Only groups this user is a current member of.
    pub member: Option<UserId>,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// A current member with their account.
#[derive(Clone, Debug, FromRow)]
pub struct AdminMemberRow {
    /// The user.
    pub user_id: UserId,
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: Option<String>,
    /// `owner`, `admin` or `member`.
    pub role: String,
    /// Joined.
    pub joined_at: OffsetDateTime,
    /// When the account was disabled.
    pub disabled_at: Option<OffsetDateTime>,
}

const GROUP_COLUMNS: &str = "c.id, c.name, c.slug, c.created_at, c.last_seq, \
     coalesce(c.last_message_at, c.created_at) AS last_activity_at, \
     (SELECT count(*) FROM chat_members x WHERE x.chat_id = c.id AND x.left_at IS NULL) \
       AS member_count, \
     o.user_id AS owner_id, ou.username AS owner_username \
     FROM chats c \
     LEFT JOIN chat_members o ON o.chat_id = c.id AND o.role = 'owner' AND o.left_at IS NULL \
     LEFT JOIN users ou ON ou.id = o.user_id \
     WHERE c.kind = 'group' AND c.deleted_at IS NULL";

impl Store {
    /// One page of live groups by name, and how many match the filter in all.
    pub async fn admin_list_groups(
        &self,
        filter: &GroupFilter,
    ) -> Result<(Vec<AdminGroupRow>, i64), StoreError> {
        let query = filter
            .query
            .as_deref()
            .map(|q| escape_like(&q.to_lowercase()));
        let condition = "($1::text IS NULL OR lower(c.name) LIKE '%' || $1 || '%' \
               OR lower(c.slug) LIKE '%' || $1 || '%') \
             AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM chat_members m \
               WHERE m.chat_id = c.id AND m.user_id = $2 AND m.left_at IS NULL))";
        let rows = sqlx::query_as::<_, AdminGroupRow>(&format!(
            "SELECT {GROUP_COLUMNS} AND {condition} \
             ORDER BY lower(c.name), c.id LIMIT $3 OFFSET $4"
        ))
        .bind(query.as_deref())
        .bind(filter.member)
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM chats c WHERE c.kind = 'group' AND c.deleted_at IS NULL \
             AND {condition}"
        ))
        .bind(query.as_deref())
        .bind(filter.member)
        .fetch_one(&self.pool)
        .await?;
        Ok((rows, total))
    }

    /// The live group with this id.
    pub async fn admin_group_by_id(&self, id: ChatId) -> Result<Option<AdminGroupRow>, StoreError> {
        Ok(
            sqlx::query_as::<_, AdminGroupRow>(&format!("SELECT {GROUP_COLUMNS} AND c.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The live group with this slug (any case).
    pub async fn admin_group_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<AdminGroupRow>, StoreError> {
        Ok(sqlx::query_as::<_, AdminGroupRow>(&format!(
            "SELECT {GROUP_COLUMNS} AND lower(c.slug) = lower($1)"
        ))
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Current members with their accounts: owner, admins, then by join order.
    pub async fn admin_group_members(
        &self,
        chat: ChatId,
    ) -> Result<Vec<AdminMemberRow>, StoreError> {
        Ok(sqlx::query_as::<_, AdminMemberRow>(
            "SELECT m.user_id, u.username, u.display_name, m.role, m.joined_at, u.disabled_at \
             FROM chat_members m JOIN users u ON u.id = m.user_id \
             WHERE m.chat_id = $1 AND m.left_at IS NULL \
             ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, \
                      m.joined_at, u.username",
        )
        .bind(chat)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Writes of the operator inside a transaction.
pub mod operator_tx {
    use super::{ChatId, LockedChat, PgConnection, StoreError, UserId};

    /// Locks a live chat row for an operator's change, as [`super::super::chats::tx::lock_chat`]
    /// does for a member's (so that `seq` stays in commit order); `role` is empty, since the
    /// operator is not a member. `None` when the chat is gone.
    pub async fn lock_chat(
        conn: &mut PgConnection,
        chat: ChatId,
    ) -> Result<Option<LockedChat>, StoreError> {
        Ok(sqlx::query_as::<_, LockedChat>(
            "SELECT c.id, c.kind, c.name, c.slug, ''::text AS role FROM chats c \
             WHERE c.id = $1 AND c.deleted_at IS NULL FOR UPDATE",
        )
        .bind(chat)
        .fetch_optional(conn)
        .await?)
    }

    /// The current owner of a group, if any (an owner whose account was deleted left none).
    pub async fn owner_of(
        conn: &mut PgConnection,
        chat: ChatId,
    ) -> Result<Option<UserId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM chat_members WHERE chat_id = $1 AND role = 'owner' \
             AND left_at IS NULL LIMIT 1",
        )
        .bind(chat)
        .fetch_optional(conn)
        .await?)
    }
}
