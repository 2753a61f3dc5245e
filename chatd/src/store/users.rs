//! Users: accounts and profiles.

use common::ids::UserId;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError, invites, unique_violation};

/// A user row, password hash included; never serialized to clients as is.
#[derive(Clone, Debug, FromRow)]
pub struct UserRow {
    /// Id.
    pub id: UserId,
    /// Lower-case username.
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Status message.
    pub status_message: Option<String>,
    /// Server administrator.
    pub is_admin: bool,
    /// Set when an operator disabled the account.
    pub disabled_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// The current avatar's id, if any.
    pub avatar_id: Option<Uuid>,
    /// The email address, verified or not.
    pub email: Option<String>,
    /// When `email` was verified.
    pub email_verified_at: Option<OffsetDateTime>,
}

impl UserRow {
    /// The public profile.
    pub fn to_api(&self) -> common::api::User {
        common::api::User {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            status_message: self.status_message.clone(),
            created_at: self.created_at,
            // The id makes the address change with the picture, so caches never serve an old one.
            avatar_url: self.avatar_id.map(|v| common::api::avatar_url(self.id, v)),
        }
    }
}

/// What registration stores.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Id.
    pub id: UserId,
    /// Normalized username.
    pub username: &'a str,
    /// Argon2id hash.
    pub password_hash: &'a str,
    /// Optional display name.
    pub display_name: Option<&'a str>,
    /// SHA-256 of the invite code, when registration is invite-only.
    pub invite_hash: Option<&'a [u8]>,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The username is taken (compared case-insensitively).
    #[error("username taken")]
    UsernameTaken,
    /// The invite code is unknown, used up or expired.
    #[error("invalid invite")]
    InvalidInvite,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

const USER_COLUMNS: &str = "id, username, password_hash, display_name, status_message, is_admin, \
                            disabled_at, created_at, avatar_id, email, email_verified_at";

impl Store {
    /// Creates a user, consuming one use of the invite when one is given, in one transaction.
    pub async fn create_user(&self, user: &NewUser<'_>) -> Result<UserRow, CreateUserError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        if let Some(hash) = user.invite_hash
            && !invites::consume(&mut tx, hash).await?
        {
            return Err(CreateUserError::InvalidInvite);
        }
        // The name of a deleted account stays taken for a while (accounts.username_quarantine_days).
        let quarantined: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM username_quarantine WHERE username = lower($1) \
             AND until > now())",
        )
        .bind(user.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if quarantined {
            return Err(CreateUserError::UsernameTaken);
        }
        let row = sqlx::query_as::<_, UserRow>(&format!(
            "INSERT INTO users (id, username, password_hash, display_name) \
             VALUES ($1, $2, $3, $4) RETURNING {USER_COLUMNS}"
        ))
        .bind(user.id)
        .bind(user.username)
        .bind(user.password_hash)
        .bind(user.display_name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match unique_violation(&e).as_deref() {
            Some("users_username_key" | "users_pkey") => CreateUserError::UsernameTaken,
            _ => CreateUserError::Store(e.into()),
        })?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(row)
    }

    /// The user with this username, any case.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE lower(username) = lower($1)"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRow>, StoreError> {
        Ok(
            sqlx::query_as::<_, UserRow>(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// Users by id (disabled ones included: their old messages still name them).
    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<Vec<UserRow>, StoreError> {
        Ok(sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = ANY($1)"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Updates the profile fields that are `Some`; `Some(None)` clears one.
    pub async fn update_profile(
        &self,
        id: UserId,
        display_name: Option<Option<&str>>,
        status_message: Option<Option<&str>>,
    ) -> Result<Option<UserRow>, StoreError> {
        Ok(sqlx::query_as::<_, UserRow>(&format!(
            "UPDATE users SET \
               display_name = CASE WHEN $2 THEN $3 ELSE display_name END, \
               status_message = CASE WHEN $4 THEN $5 ELSE status_message END, \
               updated_at = now() \
             WHERE id = $1 RETURNING {USER_COLUMNS}"
        ))
        .bind(id)
        .bind(display_name.is_some())
        .bind(display_name.flatten())
        .bind(status_message.is_some())
        .bind(status_message.flatten())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Active users whose username, display name, or a word of the display name starts with
    /// `prefix` (lower case, LIKE-escaped by the caller), ordered by username, after the
    /// cursor username; users who are not searchable only for themselves and their contacts.
    pub async fn search_users(
        &self,
        viewer: common::UserId,
        escaped_prefix: &str,
        after_username: Option<&str>,
        limit: i64,
    ) -> Result<Vec<UserRow>, StoreError> {
        Ok(sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {USER_COLUMNS} FROM users \
             WHERE disabled_at IS NULL \
               AND (username LIKE $1 || '%' \
                    OR lower(display_name) LIKE $1 || '%' \
                    OR lower(display_name) LIKE '% ' || $1 || '%') \
               AND ($2::text IS NULL OR username > $2) \
               AND (privacy_searchable OR id = $4 OR {}) \
             ORDER BY username LIMIT $3",
            super::privacy::contacts_sql("users.id", "$4")
        ))
        .bind(escaped_prefix)
        .bind(after_username)
        .bind(limit)
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Grants or removes server administration.
    pub async fn set_admin(&self, id: UserId, is_admin: bool) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET is_admin = $2, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(is_admin)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
