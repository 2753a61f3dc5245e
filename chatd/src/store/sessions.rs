//! Sessions and their refresh tokens. A session is one login; its refresh tokens rotate on
//! every use, and presenting a rotated one revokes the session (theft detection).

use common::ids::{SessionId, UserId};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{Store, StoreError};

/// What a new login stores.
#[derive(Debug)]
pub struct NewSession<'a> {
    /// Session id.
    pub id: SessionId,
    /// Its user.
    pub user_id: UserId,
    /// Client's User-Agent.
    pub user_agent: Option<&'a str>,
    /// Client's address.
    pub ip: Option<&'a str>,
    /// SHA-256 of the first refresh token.
    pub refresh_hash: &'a [u8],
    /// When the refresh token (and, unless refreshed, the session) expires.
    pub expires_at: OffsetDateTime,
}

/// A session as listed to its user.
#[derive(Clone, Debug, FromRow)]
pub struct SessionRow {
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
}

/// What authenticating a request learns about its session.
#[derive(Clone, Debug, FromRow)]
pub struct SessionAuth {
    /// The user is a server administrator.
    pub is_admin: bool,
    /// Last time the session was marked used.
    pub last_used_at: OffsetDateTime,
}

/// The result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid and is now replaced.
    Rotated {
        /// The session.
        session_id: SessionId,
        /// Its user.
        user_id: UserId,
    },
    /// The token had already been rotated: the session is now revoked.
    Reused {
        /// The revoked session.
        session_id: SessionId,
        /// Its user.
        user_id: UserId,
    },
    /// Unknown, expired, or its session is revoked or its user disabled.
    Invalid,
}

#[derive(FromRow)]
struct TokenState {
    session_id: SessionId,
    user_id: UserId,
    expires_at: OffsetDateTime,
    rotated_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    disabled_at: Option<OffsetDateTime>,
}

impl Store {
    /// Stores a session and its first refresh token.
    pub async fn create_session(&self, session: &NewSession<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, user_agent, ip, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(session.user_agent)
        .bind(session.ip)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(session.refresh_hash)
        .bind(session.id)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session of an access token, if it is still live and its user enabled.
    pub async fn session_auth(
        &self,
        session_id: SessionId,
        user_id: UserId,
    ) -> Result<Option<SessionAuth>, StoreError> {
        Ok(sqlx::query_as::<_, SessionAuth>(
            "SELECT u.is_admin, s.last_used_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL \
               AND s.expires_at > now() AND u.disabled_at IS NULL",
        )
        .bind(session_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Which of `sessions` have ended (revoked, expired, or their account disabled, or
    /// gone): one query for all the sockets of a node.
    pub async fn ended_sessions(
        &self,
        sessions: &[SessionId],
    ) -> Result<Vec<SessionId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT t.id FROM unnest($1::uuid[]) AS t(id) WHERE NOT EXISTS ( \
               SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id \
               WHERE s.id = t.id AND s.revoked_at IS NULL AND s.expires_at > now() \
                 AND u.disabled_at IS NULL)",
        )
        .bind(sessions)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks a session used now.
    pub async fn touch_session(&self, session_id: SessionId) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_used_at = now() WHERE id = $1")
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Exchanges a refresh token for a new one, in one transaction that locks the token, so
    /// two concurrent uses of one token cannot both succeed.
    pub async fn rotate_refresh_token(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        new_expires_at: OffsetDateTime,
    ) -> Result<RefreshOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        let state = sqlx::query_as::<_, TokenState>(
            "SELECT t.session_id, s.user_id, t.expires_at, t.rotated_at, s.revoked_at, \
                    u.disabled_at \
             FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
             JOIN users u ON u.id = s.user_id \
             WHERE t.token_hash = $1 FOR UPDATE OF t, s",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(state) = state else {
            return Ok(RefreshOutcome::Invalid);
        };
        if state.revoked_at.is_some() || state.disabled_at.is_some() {
            return Ok(RefreshOutcome::Invalid);
        }
        if state.rotated_at.is_some() {
            sqlx::query(
                "UPDATE sessions SET revoked_at = now(), revoke_reason = 'refresh_token_reuse' \
                 WHERE id = $1",
            )
            .bind(state.session_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused {
                session_id: state.session_id,
                user_id: state.user_id,
            });
        }
        if state.expires_at <= OffsetDateTime::now_utc() {
            return Ok(RefreshOutcome::Invalid);
        }
        sqlx::query("UPDATE refresh_tokens SET rotated_at = now() WHERE token_hash = $1")
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(new_hash)
        .bind(state.session_id)
        .bind(new_expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE sessions SET last_used_at = now(), expires_at = $2 WHERE id = $1")
            .bind(state.session_id)
            .bind(new_expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(RefreshOutcome::Rotated {
            session_id: state.session_id,
            user_id: state.user_id,
        })
    }

    /// Revokes one of the user's sessions; false when it is not theirs or already revoked.
    pub async fn revoke_session(
        &self,
        user_id: UserId,
        session_id: SessionId,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = now(), revoke_reason = $3 \
             WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces the password hash and revokes every live session of the user but `keep`, in
    /// one transaction. Returns the revoked sessions' ids.
    pub async fn change_password(
        &self,
        user_id: UserId,
        password_hash: &str,
        keep: SessionId,
    ) -> Result<Vec<SessionId>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        let revoked: Vec<SessionId> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = now(), revoke_reason = 'password_changed' \
             WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id",
        )
        .bind(user_id)
        .bind(keep)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// The user's live sessions, newest first.
    pub async fn list_sessions(&self, user_id: UserId) -> Result<Vec<SessionRow>, StoreError> {
        Ok(sqlx::query_as::<_, SessionRow>(
            "SELECT id, user_agent, ip, created_at, last_used_at, expires_at FROM sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() \
             ORDER BY created_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
