//! Sending a verification mail again: the accounts a resend request may name, and a new
//! token for an address that is still unverified (the earlier ones dropped).

use common::ids::UserId;
use time::OffsetDateTime;

use super::{Store, StoreError};

impl Store {
    /// Active accounts with an unverified address whose username is `login`, or whose
    /// address it is (any case): `(id, username, address)`. Unverified addresses are not
    /// unique, so an address may name a few accounts; at most `limit`.
    pub async fn unverified_for_login(
        &self,
        login: &str,
        limit: i64,
    ) -> Result<Vec<(UserId, String, String)>, StoreError> {
        Ok(sqlx::query_as::<_, (UserId, String, String)>(
            "SELECT id, username, email FROM users \
             WHERE disabled_at IS NULL AND email IS NOT NULL AND email_verified_at IS NULL \
               AND (lower(username) = lower($1) OR lower(email) = lower($1)) \
             ORDER BY id LIMIT $2",
        )
        .bind(login)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Replaces the user's verification tokens with a new one for `email`, if that is still
    /// the user's unverified address (the row is locked meanwhile, so a verification cannot
    /// slip in between); `false` otherwise, with nothing changed.
    pub async fn renew_verify_token(
        &self,
        user: UserId,
        email: &str,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await?;
        let still: Option<UserId> = sqlx::query_scalar(
            "SELECT id FROM users WHERE id = $1 AND email = $2 AND email_verified_at IS NULL \
             FOR UPDATE",
        )
        .bind(user)
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Ok(false);
        }
        // Dropping the earlier tokens is what makes an old mail's code stop working.
        sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'verify'")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at) \
             VALUES ($1, $2, 'verify', $3, $4)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(email)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
