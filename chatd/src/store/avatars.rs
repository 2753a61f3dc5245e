//! Avatars: the two sizes in `avatars`, the current one's id on `users.avatar_id`, and who
//! may see one.

use common::UserId;
use uuid::Uuid;

use super::{Store, StoreError};

/// Which stored size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvatarSize {
    /// 64x64 at most.
    Small,
    /// 256x256 at most.
    Large,
}

impl Store {
    /// Replaces the user's avatar (`Some((id, small, large))`) or removes it (`None`), in one
    /// transaction; false when there is no such user.
    pub async fn set_avatar(
        &self,
        user: UserId,
        avatar: Option<(Uuid, &[u8], &[u8])>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET avatar_id = $2, updated_at = now() WHERE id = $1")
            .bind(user)
            .bind(avatar.map(|(id, _, _)| id))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        match avatar {
            Some((id, small, large)) => {
                sqlx::query(
                    "INSERT INTO avatars (user_id, id, small, large) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id) DO UPDATE SET id = EXCLUDED.id, \
                     small = EXCLUDED.small, large = EXCLUDED.large, created_at = now()",
                )
                .bind(user)
                .bind(id)
                .bind(small)
                .bind(large)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM avatars WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The avatar of `owner` at `size`, with its id, if `viewer` may see it: the owner is
    /// enabled and either searchable, the viewer, a contact of the viewer, or in a chat with
    /// the viewer.
    pub async fn avatar_for(
        &self,
        viewer: UserId,
        owner: UserId,
        size: AvatarSize,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        let column = match size {
            AvatarSize::Small => "a.small",
            AvatarSize::Large => "a.large",
        };
        Ok(sqlx::query_as(&format!(
            "SELECT a.id, {column} FROM avatars a JOIN users u ON u.id = a.user_id \
             WHERE u.id = $2 AND u.disabled_at IS NULL AND (u.privacy_searchable OR u.id = $1 \
               OR {} \
               OR EXISTS (SELECT 1 FROM chat_members m JOIN chat_members o \
                          ON o.chat_id = m.chat_id AND o.left_at IS NULL \
                          WHERE m.user_id = $1 AND m.left_at IS NULL AND o.user_id = u.id))",
            super::privacy::contacts_sql("u.id", "$1")
        ))
        .bind(viewer)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?)
    }
}
