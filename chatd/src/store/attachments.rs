//! Attachment rows: uploads, their link to a message, who may read them, and cleanup.

use common::ids::{AttachmentId, MessageId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

use super::{Store, StoreError};

/// An attachment row.
#[derive(Clone, Debug, FromRow)]
pub struct AttachmentRow {
    /// Id.
    pub id: AttachmentId,
    /// Who uploaded it.
    pub uploader_id: Option<UserId>,
    /// The message it is attached to.
    pub message_id: Option<MessageId>,
    /// The uploaded file's name.
    pub file_name: String,
    /// Type, from the bytes.
    pub content_type: String,
    /// Stored size.
    pub size_bytes: i64,
    /// Width.
    pub width: Option<i32>,
    /// Height.
    pub height: Option<i32>,
    /// Blob key of the file.
    pub storage_key: String,
    /// Blob key of the thumbnail.
    pub thumbnail_key: Option<String>,
    /// Uploaded.
    pub created_at: OffsetDateTime,
}

/// A new upload.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    /// Id.
    pub id: AttachmentId,
    /// Uploader.
    pub uploader_id: UserId,
    /// File name.
    pub file_name: String,
    /// Type.
    pub content_type: String,
    /// Size.
    pub size_bytes: i64,
    /// Width (images).
    pub width: Option<i32>,
    /// Height (images).
    pub height: Option<i32>,
    /// SHA-256 of the stored file.
    pub sha256: Vec<u8>,
    /// Blob key.
    pub storage_key: String,
    /// Thumbnail blob key (images).
    pub thumbnail_key: Option<String>,
}

const COLUMNS: &str = "a.id, a.uploader_id, a.message_id, a.file_name, a.content_type, \
     a.size_bytes, a.width, a.height, a.storage_key, a.thumbnail_key, a.created_at";

impl Store {
    /// Records an upload unless it would take the uploader's live attachments past
    /// `quota` bytes (`None` then; a `quota` of 0 is no limit). Uploads of one user are
    /// serialized on an advisory lock so two racing uploads cannot both fit the last room.
    pub async fn insert_attachment(
        &self,
        a: &NewAttachment,
        quota: u64,
    ) -> Result<Option<AttachmentRow>, StoreError> {
        let mut txn = self.pool.begin().await?;
        if quota > 0 {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('attachment-quota:' || $1::text, 0))")
                .bind(a.uploader_id)
                .execute(&mut *txn)
                .await?;
            let used = usage(&mut txn, a.uploader_id).await?;
            if used.saturating_add(a.size_bytes) > i64::try_from(quota).unwrap_or(i64::MAX) {
                return Ok(None);
            }
        }
        let row = sqlx::query_as::<_, AttachmentRow>(&format!(
            "INSERT INTO attachments AS a (id, uploader_id, file_name, content_type, size_bytes, \
               width, height, sha256, storage_key, thumbnail_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
        ))
        .bind(a.id)
        .bind(a.uploader_id)
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size_bytes)
        .bind(a.width)
        .bind(a.height)
        .bind(&a.sha256)
        .bind(&a.storage_key)
        .bind(&a.thumbnail_key)
        .fetch_one(&mut *txn)
        .await?;
        txn.commit().await?;
        Ok(Some(row))
    }

    /// Bytes of the user's live attachments (what the quota counts).
    pub async fn attachment_usage(&self, user: UserId) -> Result<i64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        usage(&mut conn, user).await
    }

    /// An attachment the viewer may download: their own upload, or one posted in a message
    /// (not deleted) of a chat (not deleted) they are a current member of.
    pub async fn attachment_for(
        &self,
        viewer: UserId,
        id: AttachmentId,
    ) -> Result<Option<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as::<_, AttachmentRow>(&format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.id = $1 AND a.deleted_at IS NULL \
             AND (a.uploader_id = $2 OR EXISTS ( \
               SELECT 1 FROM messages m \
               JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
               JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = $2 \
                 AND cm.left_at IS NULL \
               WHERE m.id = a.message_id AND m.deleted_at IS NULL))"
        ))
        .bind(id)
        .bind(viewer)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The live attachments of these messages, in the order they were named.
    pub async fn attachments_of(
        &self,
        messages: &[MessageId],
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        tx::attachments_of(&mut conn, messages).await
    }

    /// Marks the uploader's attachment deleted if it is not attached to a message:
    /// `Ok(Some(row))` when marked, `Ok(None)` when it is not theirs (or gone), `Err` never
    /// for attached ones: those answer `Some(row)` with `message_id` set and stay.
    pub async fn mark_attachment_deleted(
        &self,
        uploader: UserId,
        id: AttachmentId,
    ) -> Result<Option<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as::<_, AttachmentRow>(&format!(
            "UPDATE attachments a SET deleted_at = CASE WHEN a.message_id IS NULL THEN now() END \
             WHERE a.id = $1 AND a.uploader_id = $2 AND a.deleted_at IS NULL RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(uploader)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Marks for cleanup the uploads never attached within `ttl_hours`; returns up to
    /// `limit` rows marked deleted (these and earlier ones), whose files are to be removed.
    pub async fn attachments_to_clean(
        &self,
        ttl_hours: i64,
        limit: i64,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        sqlx::query(
            "UPDATE attachments SET deleted_at = now() WHERE message_id IS NULL \
             AND deleted_at IS NULL AND created_at < now() - make_interval(hours => $1::int)",
        )
        .bind(ttl_hours)
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query_as::<_, AttachmentRow>(&format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.deleted_at IS NOT NULL \
             ORDER BY a.deleted_at LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Forgets an attachment whose files are gone.
    pub async fn delete_attachment_row(&self, id: AttachmentId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM attachments WHERE id = $1 AND deleted_at IS NOT NULL")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn usage(conn: &mut PgConnection, user: UserId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce(sum(size_bytes), 0)::bigint FROM attachments \
         WHERE uploader_id = $1 AND deleted_at IS NULL",
    )
    .bind(user)
    .fetch_one(conn)
    .await?)
}

/// Inside the send transaction.
pub mod tx {
    use super::{
        AttachmentId, AttachmentRow, COLUMNS, MessageId, PgConnection, StoreError, UserId,
    };

    /// `(attachment, uploader)` of those of `ids` that are live and not attached yet,
    /// locked until the transaction ends so two sends cannot both claim one.
    pub async fn lock_unattached(
        conn: &mut PgConnection,
        ids: &[AttachmentId],
    ) -> Result<Vec<(AttachmentId, UserId)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, uploader_id FROM attachments WHERE id = ANY($1) AND message_id IS NULL \
             AND deleted_at IS NULL AND uploader_id IS NOT NULL ORDER BY id FOR UPDATE",
        )
        .bind(ids)
        .fetch_all(conn)
        .await?)
    }

    /// Attaches: `(message, attachment, position)`.
    pub async fn attach(
        conn: &mut PgConnection,
        links: &[(MessageId, AttachmentId, i16)],
    ) -> Result<(), StoreError> {
        let messages: Vec<MessageId> = links.iter().map(|l| l.0).collect();
        let ids: Vec<AttachmentId> = links.iter().map(|l| l.1).collect();
        let positions: Vec<i16> = links.iter().map(|l| l.2).collect();
        sqlx::query(
            "UPDATE attachments a SET message_id = l.message_id, position = l.position \
             FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) AS l(message_id, id, position) \
             WHERE a.id = l.id AND a.message_id IS NULL",
        )
        .bind(messages)
        .bind(ids)
        .bind(positions)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The live attachments of these messages, in the order they were named.
    pub async fn attachments_of(
        conn: &mut PgConnection,
        messages: &[MessageId],
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as::<_, AttachmentRow>(&format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.message_id = ANY($1) \
             AND a.deleted_at IS NULL ORDER BY a.message_id, a.position"
        ))
        .bind(messages)
        .fetch_all(conn)
        .await?)
    }

    /// A deleted message's attachments go with it (their files at the next cleanup).
    pub async fn delete_for_message(
        conn: &mut PgConnection,
        message: MessageId,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE attachments SET deleted_at = now() WHERE message_id = $1 AND deleted_at IS NULL",
        )
        .bind(message)
        .execute(conn)
        .await?;
        Ok(())
    }
}
