//! The operator's queries (`chatctl`): listing and managing accounts and their sessions,
//! statistics, and what backups and health checks need to know about the database.
//! A little over 400 lines on purpose: every query `chatctl` runs against accounts and the
//! server sits in one place, one function per verb, with its row types beside it.

use common::ids::{SessionId, UserId};
use sqlx::FromRow;
use time::{Date, OffsetDateTime};

use super::{Store, StoreError};

/// The tables whose rows a backup manifest counts, in dependency order.
pub const COUNTED_TABLES: [&str; 14] = [
    "users",
    "sessions",
    "refresh_tokens",
    "invites",
    "contacts",
    "blocks",
    "chats",
    "chat_members",
    "messages",
    "message_mentions",
    "reactions",
    "chat_events",
    "attachments",
    "audit_log",
];

/// An account as the operator sees it.
#[derive(Clone, Debug, FromRow)]
pub struct AdminUserRow {
    /// Id.
    pub id: UserId,
    /// Lower-case username.
    pub username: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Server administrator.
    pub is_admin: bool,
    /// When the account was disabled.
    pub disabled_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last use of any of its sessions.
    pub last_seen_at: Option<OffsetDateTime>,
    /// Live (unrevoked, unexpired) sessions.
    pub live_sessions: i64,
}

/// Which accounts to list.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only administrators.
    pub admins_only: bool,
    /// Only disabled accounts.
    pub disabled_only: bool,
    /// Usernames starting with this (lower case, matched literally).
    pub prefix: Option<String>,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// A session as the operator sees it, revoked ones included.
#[derive(Clone, Debug, FromRow)]
pub struct AdminSessionRow {
    /// Id.
    pub id: SessionId,
    /// User-Agent at login.
    pub user_agent: Option<String>,
    /// Address at login.
    pub ip: Option<String>,
    /// Login time.
    pub created_at: OffsetDateTime,
    /// Last use.
    pub last_used_at: OffsetDateTime,
    /// Expiry unless refreshed.
    pub expires_at: OffsetDateTime,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Why.
    pub revoke_reason: Option<String>,
}

/// Server-wide numbers for `chatctl stats`.
#[derive(Clone, Debug)]
pub struct ServerStats {
    /// Accounts.
    pub users: i64,
    /// Disabled accounts.
    pub disabled_users: i64,
    /// Administrators.
    pub admins: i64,
    /// Distinct users with a session used in the last 7 days.
    pub active_users_7d: i64,
    /// Chats not deleted.
    pub chats: i64,
    /// Messages.
    pub messages: i64,
    /// Messages per UTC day, the last 7 days, oldest first (days with none included).
    pub messages_per_day: Vec<(Date, i64)>,
    /// `pg_database_size` of the current database.
    pub database_size_bytes: i64,
}

/// A row of `_sqlx_migrations`.
#[derive(Clone, Debug, FromRow)]
pub struct AppliedMigration {
    /// The version (timestamp prefix of the file).
    pub version: i64,
    /// The description.
    pub description: String,
    /// When it was applied.
    pub installed_on: OffsetDateTime,
    /// False when it failed half-way.
    pub success: bool,
    /// SHA-384 of the file as applied.
    pub checksum: Vec<u8>,
}

const ADMIN_USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.is_admin, u.disabled_at, \
     u.created_at, \
     (SELECT max(s.last_used_at) FROM sessions s WHERE s.user_id = u.id) AS last_seen_at, \
     (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL \
        AND s.expires_at > now()) AS live_sessions";

impl Store {
    /// One page of accounts by username, and how many match the filter in all.
    pub async fn admin_list_users(
        &self,
        filter: &UserFilter,
    ) -> Result<(Vec<AdminUserRow>, i64), StoreError> {
        let prefix = filter.prefix.as_deref().map(escape_like);
        let condition = "($1 = false OR u.is_admin) AND ($2 = false OR u.disabled_at IS NOT NULL) \
             AND ($3::text IS NULL OR u.username LIKE $3 || '%')";
        let rows = sqlx::query_as::<_, AdminUserRow>(&format!(
            "SELECT {ADMIN_USER_COLUMNS} FROM users u WHERE {condition} \
             ORDER BY u.username LIMIT $4 OFFSET $5"
        ))
        .bind(filter.admins_only)
        .bind(filter.disabled_only)
        .bind(prefix.as_deref())
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM users u WHERE {condition}"))
                .bind(filter.admins_only)
                .bind(filter.disabled_only)
                .bind(prefix.as_deref())
                .fetch_one(&self.pool)
                .await?;
        Ok((rows, total))
    }

    /// The account with this (normalized) username.
    pub async fn admin_user(&self, username: &str) -> Result<Option<AdminUserRow>, StoreError> {
        Ok(sqlx::query_as::<_, AdminUserRow>(&format!(
            "SELECT {ADMIN_USER_COLUMNS} FROM users u WHERE lower(u.username) = lower($1)"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The account with this id.
    pub async fn admin_user_by_id(&self, id: UserId) -> Result<Option<AdminUserRow>, StoreError> {
        Ok(sqlx::query_as::<_, AdminUserRow>(&format!(
            "SELECT {ADMIN_USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Disables (and revokes every live session of) or enables an account, in one
    /// transaction. Returns the revoked sessions' ids.
    pub async fn set_user_disabled(
        &self,
        user_id: UserId,
        disabled: bool,
    ) -> Result<Vec<SessionId>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) \
             ELSE NULL END, updated_at = now() WHERE id = $1",
        )
        .bind(user_id)
        .bind(disabled)
        .execute(&mut *tx)
        .await?;
        let revoked = if disabled {
            revoke_all(&mut tx, user_id, "user_disabled").await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        Ok(revoked)
    }

    /// Replaces the password hash and revokes every live session, in one transaction.
    pub async fn reset_password(
        &self,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<Vec<SessionId>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        let revoked = revoke_all(&mut tx, user_id, "password_reset").await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Revokes every live session of the user; returns their ids.
    pub async fn revoke_all_sessions(
        &self,
        user_id: UserId,
        reason: &str,
    ) -> Result<Vec<SessionId>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked = revoke_all(&mut tx, user_id, reason).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Every session of the user, newest first, revoked and expired ones included.
    pub async fn admin_sessions(
        &self,
        user_id: UserId,
    ) -> Result<Vec<AdminSessionRow>, StoreError> {
        Ok(sqlx::query_as::<_, AdminSessionRow>(
            "SELECT id, user_agent, ip, created_at, last_used_at, expires_at, revoked_at, \
                    revoke_reason \
             FROM sessions WHERE user_id = $1 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Server-wide numbers.
    pub async fn server_stats(&self) -> Result<ServerStats, StoreError> {
        let (users, disabled_users, admins): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE disabled_at IS NOT NULL), \
                    count(*) FILTER (WHERE is_admin) FROM users",
        )
        .fetch_one(&self.pool)
        .await?;
        let active_users_7d: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT user_id) FROM sessions \
             WHERE last_used_at > now() - interval '7 days'",
        )
        .fetch_one(&self.pool)
        .await?;
        let chats: i64 = sqlx::query_scalar("SELECT count(*) FROM chats WHERE deleted_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        // The planner's estimate would be cheaper on huge tables, but an operator asking
        // for stats wants the true number; counting a million rows takes well under a second.
        let messages: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
            .fetch_one(&self.pool)
            .await?;
        let messages_per_day = sqlx::query_as::<_, (Date, i64)>(
            "WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d), \
                  days AS (SELECT (today.d - n) AS day FROM today, generate_series(0, 6) AS n) \
             SELECT days.day, count(m.id) FROM days \
             LEFT JOIN messages m \
               ON m.created_at >= (days.day::timestamp AT TIME ZONE 'UTC') \
              AND m.created_at < ((days.day + 1)::timestamp AT TIME ZONE 'UTC') \
             GROUP BY days.day ORDER BY days.day",
        )
        .fetch_all(&self.pool)
        .await?;
        let database_size_bytes: i64 =
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(&self.pool)
                .await?;
        Ok(ServerStats {
            users,
            disabled_users,
            admins,
            active_users_7d,
            chats,
            messages,
            messages_per_day,
            database_size_bytes,
        })
    }

    /// Rows in each of [`COUNTED_TABLES`] (the schema must be applied).
    pub async fn table_row_counts(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        let mut counts = Vec::with_capacity(COUNTED_TABLES.len());
        for table in COUNTED_TABLES {
            // `table` comes from the constant list above, never from input.
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&self.pool)
                .await?;
            counts.push((table, n));
        }
        Ok(counts)
    }

    /// Tables in the `public` schema, and rows in those of [`COUNTED_TABLES`] that exist:
    /// whether a restore would overwrite anything.
    pub async fn contents(&self) -> Result<(i64, i64), StoreError> {
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&self.pool)
                .await?;
        let mut rows = 0;
        for table in COUNTED_TABLES {
            if tables.iter().any(|t| t == table) {
                let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                    .fetch_one(&self.pool)
                    .await?;
                rows += n;
            }
        }
        Ok((tables.len() as i64, rows))
    }

    /// `server_version` of PostgreSQL, e.g. `16.4 (Debian 16.4-1)`.
    pub async fn server_version(&self) -> Result<String, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT current_setting('server_version')")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// PostgreSQL's clock.
    pub async fn database_now(&self) -> Result<OffsetDateTime, StoreError> {
        Ok(sqlx::query_scalar("SELECT now()")
            .fetch_one(&self.pool)
            .await?)
    }

    /// The migrations recorded as applied, oldest first; empty when none ever ran.
    pub async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let exists: bool =
            sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
                .fetch_one(&self.pool)
                .await?;
        if !exists {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as::<_, AppliedMigration>(
            "SELECT version, description, installed_on, success, checksum \
             FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

pub(super) async fn revoke_all(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: UserId,
    reason: &str,
) -> Result<Vec<SessionId>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = now(), revoke_reason = $2 \
         WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
    )
    .bind(user_id)
    .bind(reason)
    .fetch_all(&mut **tx)
    .await?)
}

/// Escapes `%`, `_` and `\` so that a prefix matches literally in `LIKE`.
pub(super) fn escape_like(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_prefixes_match_literally() {
        assert_eq!(super::escape_like("a_b%c\\"), "a\\_b\\%c\\\\");
    }
}
