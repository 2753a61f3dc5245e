//! Invite codes for invite-only registration, stored as SHA-256 hashes.

use common::ids::UserId;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use super::{Store, StoreError};

/// Consumes one use of the invite with this hash inside the caller's transaction.
pub(super) async fn consume(
    tx: &mut Transaction<'_, Postgres>,
    code_hash: &[u8],
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE invites SET uses = uses + 1 \
         WHERE code_hash = $1 AND uses < max_uses AND expires_at > now()",
    )
    .bind(code_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Stores a new invite.
    pub async fn create_invite(
        &self,
        code_hash: &[u8],
        created_by: Option<UserId>,
        max_uses: i32,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO invites (code_hash, created_by, max_uses, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(code_hash)
        .bind(created_by)
        .bind(max_uses)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
