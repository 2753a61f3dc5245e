//! Email: users' addresses, verification and reset tokens (hashed), and what the
//! missed-message digest reads. The outgoing mail queue is `outbox.rs`.

use common::ids::{ChatId, MessageId, SessionId, UserId};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{Store, StoreError, admin::revoke_all, unique_violation};

/// What a token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Verifies an address.
    Verify,
    /// Sets a new password.
    Reset,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reset => "reset",
        }
    }
}

/// Why a verification token was not taken.
#[derive(Debug, thiserror::Error)]
pub enum VerifyEmailError {
    /// Unknown, used, expired, or for an address the user no longer has.
    #[error("invalid token")]
    InvalidToken,
    /// Another account verified the address first.
    #[error("address taken")]
    Taken,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A user's address and whether it is verified.
#[derive(Clone, Debug, FromRow)]
pub struct EmailRow {
    /// The address.
    pub email: Option<String>,
    /// When it was verified.
    pub email_verified_at: Option<OffsetDateTime>,
    /// `off` or `mentions_and_direct`.
    pub email_digest: String,
}

/// A user the digest may mail.
#[derive(Clone, Debug, FromRow)]
pub struct DigestCandidate {
    /// The user.
    pub id: UserId,
    /// The verified address.
    pub email: String,
    /// Username.
    pub username: String,
    /// When the last digest went out.
    pub email_digest_at: Option<OffsetDateTime>,
}

/// An unread direct message or mention for a digest.
#[derive(Clone, Debug, FromRow)]
pub struct DigestItem {
    /// The message.
    pub message_id: MessageId,
    /// Its chat.
    pub chat_id: ChatId,
    /// `direct` or `group`.
    pub chat_kind: String,
    /// The group's name.
    pub chat_name: Option<String>,
    /// The group's slug.
    pub chat_slug: Option<String>,
    /// The text.
    pub content: Option<String>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// The sender's username.
    pub sender_username: String,
    /// The sender's display name.
    pub sender_display_name: Option<String>,
}

/// The unread direct messages and mentions of user `$1` sent after `$2` and at least `$3`
/// minutes ago, in chats not muted now, from senders on neither side of a block.
const DIGEST_ITEMS: &str = "FROM chat_members cm \
     JOIN chats c ON c.id = cm.chat_id AND c.deleted_at IS NULL \
     JOIN messages m ON m.chat_id = cm.chat_id \
          AND m.seq > greatest(cm.last_read_seq, cm.joined_seq) \
     JOIN users s ON s.id = m.sender_id \
     WHERE cm.user_id = $1 AND cm.left_at IS NULL \
       AND (cm.muted_until IS NULL OR cm.muted_until <= now()) \
       AND m.deleted_at IS NULL AND m.sender_id <> $1 \
       AND m.created_at > coalesce($2, '-infinity'::timestamptz) \
       AND m.created_at <= now() - make_interval(mins => $3) \
       AND (c.kind = 'direct' OR EXISTS (SELECT 1 FROM message_mentions mm \
            WHERE mm.message_id = m.id AND mm.user_id = $1)) \
       AND NOT EXISTS (SELECT 1 FROM blocks b \
            WHERE (b.blocker_id = $1 AND b.blocked_id = m.sender_id) \
               OR (b.blocker_id = m.sender_id AND b.blocked_id = $1))";

impl Store {
    /// The user's address, its state and the digest setting.
    pub async fn email_of(&self, user: UserId) -> Result<Option<EmailRow>, StoreError> {
        Ok(sqlx::query_as::<_, EmailRow>(
            "SELECT email, email_verified_at, email_digest FROM users WHERE id = $1",
        )
        .bind(user)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Whether an account other than `except` verified `email` (any case).
    pub async fn email_taken(&self, email: &str, except: UserId) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1) \
               AND email_verified_at IS NOT NULL AND id <> $2)",
        )
        .bind(email)
        .bind(except)
        .fetch_one(self.pool())
        .await?)
    }

    /// Sets the user's address, unverified, and stores a verification token for it (the
    /// user's earlier unused verification tokens are dropped), in one transaction.
    pub async fn set_unverified_email(
        &self,
        user: UserId,
        email: &str,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE users SET email = $2, email_verified_at = NULL, updated_at = now() \
             WHERE id = $1",
        )
        .bind(user)
        .bind(email)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'verify'")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        insert_token(
            &mut tx,
            token_hash,
            user,
            TokenPurpose::Verify,
            Some(email),
            expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a token (a reset token; verification tokens come with their address).
    pub async fn create_email_token(
        &self,
        token_hash: &[u8],
        user: UserId,
        purpose: TokenPurpose,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        insert_token(&mut tx, token_hash, user, purpose, None, expires_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a verification token: marks it used and the user's address verified, if the
    /// address is still the one it was mailed to. Returns the user.
    pub async fn verify_email(&self, token_hash: &[u8]) -> Result<UserId, VerifyEmailError> {
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        let row: Option<(UserId, Option<String>)> = sqlx::query_as(
            "UPDATE email_tokens SET used_at = now() \
             WHERE token_hash = $1 AND purpose = 'verify' AND used_at IS NULL \
               AND expires_at > now() RETURNING user_id, email",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let Some((user, Some(email))) = row else {
            return Err(VerifyEmailError::InvalidToken);
        };
        let done = sqlx::query(
            "UPDATE users SET email_verified_at = now(), updated_at = now() \
             WHERE id = $1 AND email = $2 AND email_verified_at IS NULL",
        )
        .bind(user)
        .bind(&email)
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_violation(&e).as_deref() {
            Some("users_verified_email_key") => VerifyEmailError::Taken,
            _ => VerifyEmailError::Store(e.into()),
        })?;
        if done.rows_affected() != 1 {
            return Err(VerifyEmailError::InvalidToken);
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(user)
    }

    /// The active user whose username is `login`, or whose verified address it is (any
    /// case), with that address.
    pub async fn user_for_reset(
        &self,
        login: &str,
    ) -> Result<Option<(UserId, String, String)>, StoreError> {
        Ok(sqlx::query_as::<_, (UserId, String, String)>(
            "SELECT id, username, email FROM users \
             WHERE disabled_at IS NULL AND email IS NOT NULL AND email_verified_at IS NOT NULL \
               AND (lower(username) = lower($1) OR lower(email) = lower($1)) \
             LIMIT 1",
        )
        .bind(login)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The user and username a live reset token belongs to (the token is not taken).
    pub async fn reset_token_user(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<(UserId, String)>, StoreError> {
        Ok(sqlx::query_as::<_, (UserId, String)>(
            "SELECT u.id, u.username FROM email_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.purpose = 'reset' AND t.used_at IS NULL \
               AND t.expires_at > now() AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Takes a reset token and sets the password: the token is marked used, every other
    /// reset token of the user dropped, and every live session revoked, in one transaction.
    /// `None` when the token was taken meanwhile; else the revoked sessions.
    pub async fn reset_password_with_token(
        &self,
        token_hash: &[u8],
        password_hash: &str,
    ) -> Result<Option<(UserId, Vec<SessionId>)>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let user: Option<UserId> = sqlx::query_scalar(
            "UPDATE email_tokens SET used_at = now() \
             WHERE token_hash = $1 AND purpose = 'reset' AND used_at IS NULL \
               AND expires_at > now() RETURNING user_id",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user else {
            return Ok(None);
        };
        sqlx::query(
            "DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'reset' AND used_at IS NULL",
        )
        .bind(user)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
            .bind(user)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        let revoked = revoke_all(&mut tx, user, "password_reset_by_email").await?;
        tx.commit().await?;
        Ok(Some((user, revoked)))
    }

    /// Sets the user's digest setting (`off` or `mentions_and_direct`).
    pub async fn set_email_digest(&self, user: UserId, setting: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET email_digest = $2 WHERE id = $1")
            .bind(user)
            .bind(setting)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Users with a verified address, digests on, not disabled, not in do-not-disturb, whose
    /// last digest is `interval_mins` old, with something to tell (see [`DIGEST_ITEMS`]): a
    /// page of them by id, after `after_id` (users online now stay candidates, so a round
    /// walks every page rather than taking the first one again and again).
    pub async fn digest_candidates(
        &self,
        after_mins: i32,
        interval_mins: i32,
        after_id: UserId,
        limit: i64,
    ) -> Result<Vec<DigestCandidate>, StoreError> {
        Ok(sqlx::query_as::<_, DigestCandidate>(&format!(
            "SELECT u.id, u.email, u.username, u.email_digest_at FROM users u \
             WHERE u.email IS NOT NULL AND u.email_verified_at IS NOT NULL \
               AND u.email_digest <> 'off' AND u.disabled_at IS NULL \
               AND (u.dnd_until IS NULL OR u.dnd_until <= now()) \
               AND (u.email_digest_at IS NULL \
                    OR u.email_digest_at <= now() - make_interval(mins => $2)) \
               AND u.id > $3 AND EXISTS (SELECT 1 {} ) \
             ORDER BY u.id LIMIT $4",
            DIGEST_ITEMS
                .replace("$1", "u.id")
                .replace("$2", "u.email_digest_at")
                .replace("$3", "$1"),
        ))
        .bind(after_mins)
        .bind(interval_mins)
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// What a digest of `user` tells, oldest first.
    pub async fn digest_items(
        &self,
        user: UserId,
        since: Option<OffsetDateTime>,
        after_mins: i32,
        limit: i64,
    ) -> Result<Vec<DigestItem>, StoreError> {
        Ok(sqlx::query_as::<_, DigestItem>(&format!(
            "SELECT m.id AS message_id, m.chat_id, c.kind AS chat_kind, c.name AS chat_name, \
                    c.slug AS chat_slug, m.content, m.created_at, \
                    s.username AS sender_username, s.display_name AS sender_display_name \
             {DIGEST_ITEMS} ORDER BY m.created_at LIMIT $4"
        ))
        .bind(user)
        .bind(since)
        .bind(after_mins)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Marks a digest of `user` as sent now, unless one went out within `interval_mins`
    /// (another node's): whoever gets `true` mails it.
    pub async fn claim_digest(&self, user: UserId, interval_mins: i32) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE users SET email_digest_at = now() WHERE id = $1 \
               AND (email_digest_at IS NULL \
                    OR email_digest_at <= now() - make_interval(mins => $2))",
        )
        .bind(user)
        .bind(interval_mins)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

async fn insert_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    token_hash: &[u8],
    user: UserId,
    purpose: TokenPurpose,
    email: Option<&str>,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(purpose.as_str())
    .bind(email)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
