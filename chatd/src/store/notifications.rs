//! Notifications, do-not-disturb, chat mutes and push devices.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError};

/// A `notifications` row.
#[derive(Clone, Debug, FromRow)]
pub struct NotificationRow {
    /// Id. Notification, contact and push-device ids stay plain uuids: `common` has no
    /// type for them (the wire carries them as uuids) and no function takes two of them.
    pub id: Uuid,
    /// Recipient.
    pub user_id: UserId,
    /// Kind name.
    pub kind: String,
    /// Who caused it.
    pub actor_id: Option<UserId>,
    /// Chat.
    pub chat_id: Option<ChatId>,
    /// Message.
    pub message_id: Option<MessageId>,
    /// Contact request.
    pub contact_id: Option<Uuid>,
    /// Muted or do-not-disturb when created.
    pub silent: bool,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Read.
    pub read_at: Option<OffsetDateTime>,
}

const COLUMNS: &str =
    "id, user_id, kind, actor_id, chat_id, message_id, contact_id, silent, created_at, read_at";

/// A `push_devices` row.
#[derive(Clone, Debug, FromRow)]
pub struct PushDeviceRow {
    /// Id.
    pub id: Uuid,
    /// Owner.
    pub user_id: UserId,
    /// URL.
    pub endpoint: String,
    /// Label.
    pub name: Option<String>,
    /// Registered.
    pub created_at: OffsetDateTime,
    /// Last accepted push.
    pub last_success_at: Option<OffsetDateTime>,
    /// Failed pushes since.
    pub failures: i32,
}

const DEVICE_COLUMNS: &str = "id, user_id, endpoint, name, created_at, last_success_at, failures";

/// Which notifications to mark read.
#[derive(Clone, Debug)]
pub enum MarkRead {
    /// These.
    Ids(Vec<Uuid>),
    /// Up to and including this id.
    UpTo(Uuid),
    /// All.
    All,
}

impl Store {
    /// A page of `user`'s notifications, newest first, older than `before`.
    pub async fn notifications_page(
        &self,
        user: UserId,
        unread_only: bool,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        Ok(sqlx::query_as::<_, NotificationRow>(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 \
               AND ($2 = false OR read_at IS NULL) AND ($3::uuid IS NULL OR id < $3) \
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(user)
        .bind(unread_only)
        .bind(before)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// How many unread notifications `user` has.
    pub async fn unread_notifications(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user)
        .fetch_one(self.pool())
        .await?)
    }

    /// Whether notifications of `user` about `chat` are silenced now (do-not-disturb, or
    /// the chat muted).
    pub async fn silenced(&self, user: UserId, chat: Option<ChatId>) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, bool>(
            "SELECT coalesce((SELECT dnd_until > now() FROM users WHERE id = $1), false) \
                 OR coalesce((SELECT muted_until > now() FROM chat_members \
                              WHERE chat_id = $2 AND user_id = $1), false)",
        )
        .bind(user)
        .bind(chat)
        .fetch_one(self.pool())
        .await?)
    }

    /// The sender of message `message`.
    pub async fn sender_of(&self, message: MessageId) -> Result<Option<UserId>, StoreError> {
        Ok(
            sqlx::query_scalar::<_, Option<UserId>>("SELECT sender_id FROM messages WHERE id = $1")
                .bind(message)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// The other member of `chat` if it is a direct chat of `sender`.
    pub async fn direct_peer(
        &self,
        chat: ChatId,
        sender: UserId,
    ) -> Result<Option<UserId>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<UserId>>(
            "SELECT CASE WHEN direct_user_lo = $2 THEN direct_user_hi ELSE direct_user_lo END \
             FROM chats WHERE id = $1 AND kind = 'direct' AND deleted_at IS NULL \
               AND $2 IN (direct_user_lo, direct_user_hi)",
        )
        .bind(chat)
        .bind(sender)
        .fetch_optional(self.pool())
        .await?
        .flatten())
    }

    /// The text of message `message`, unless deleted.
    pub async fn content_of(&self, message: MessageId) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar::<_, Option<String>>("SELECT content FROM messages WHERE id = $1")
                .bind(message)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// Sets or clears do-not-disturb.
    pub async fn set_dnd(
        &self,
        conn: &mut PgConnection,
        user: UserId,
        until: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET dnd_until = $2 WHERE id = $1")
            .bind(user)
            .bind(until)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Do-not-disturb of `user`.
    pub async fn dnd_of(&self, user: UserId) -> Result<Option<OffsetDateTime>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<OffsetDateTime>>(
            "SELECT dnd_until FROM users WHERE id = $1",
        )
        .bind(user)
        .fetch_optional(self.pool())
        .await?
        .flatten())
    }

    /// Sets or clears a member's mute of a chat; false if `user` is not a current member.
    pub async fn set_mute(
        &self,
        conn: &mut PgConnection,
        chat: ChatId,
        user: UserId,
        until: Option<OffsetDateTime>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE chat_members m SET muted_until = $3 FROM chats c \
             WHERE m.chat_id = $1 AND m.user_id = $2 AND m.left_at IS NULL \
               AND c.id = m.chat_id AND c.deleted_at IS NULL",
        )
        .bind(chat)
        .bind(user)
        .bind(until)
        .execute(conn)
        .await?
        .rows_affected()
            == 1)
    }

    /// The push devices of `user`, oldest first.
    pub async fn push_devices_of(&self, user: UserId) -> Result<Vec<PushDeviceRow>, StoreError> {
        Ok(sqlx::query_as::<_, PushDeviceRow>(&format!(
            "SELECT {DEVICE_COLUMNS} FROM push_devices WHERE user_id = $1 ORDER BY id"
        ))
        .bind(user)
        .fetch_all(self.pool())
        .await?)
    }

    /// Registers a device unless `user` has `max` already; an endpoint registered again
    /// returns the existing row. `None` when full.
    pub async fn add_push_device(
        &self,
        id: Uuid,
        user: UserId,
        endpoint: &str,
        name: Option<&str>,
        max: i64,
    ) -> Result<Option<PushDeviceRow>, StoreError> {
        let mut txn = self.pool().begin().await?;
        // Serializes a user's registrations so that the cap holds under concurrency.
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(user)
            .execute(&mut *txn)
            .await?;
        let existing = sqlx::query_as::<_, PushDeviceRow>(&format!(
            "SELECT {DEVICE_COLUMNS} FROM push_devices WHERE user_id = $1 AND endpoint = $2"
        ))
        .bind(user)
        .bind(endpoint)
        .fetch_optional(&mut *txn)
        .await?;
        if existing.is_some() {
            return Ok(existing);
        }
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM push_devices WHERE user_id = $1")
            .bind(user)
            .fetch_one(&mut *txn)
            .await?;
        if count >= max {
            return Ok(None);
        }
        let row = sqlx::query_as::<_, PushDeviceRow>(&format!(
            "INSERT INTO push_devices (id, user_id, endpoint, name) VALUES ($1, $2, $3, $4) \
             RETURNING {DEVICE_COLUMNS}"
        ))
        .bind(id)
        .bind(user)
        .bind(endpoint)
        .bind(name)
        .fetch_one(&mut *txn)
        .await?;
        txn.commit().await?;
        Ok(Some(row))
    }

    /// Removes one of `user`'s devices; false if there was none.
    pub async fn delete_push_device(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("DELETE FROM push_devices WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(self.pool())
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// Records the outcome of a push to a device.
    pub async fn push_outcome(&self, device: Uuid, ok: bool) -> Result<(), StoreError> {
        let sql = if ok {
            "UPDATE push_devices SET last_success_at = now(), failures = 0 WHERE id = $1"
        } else {
            "UPDATE push_devices SET failures = failures + 1 WHERE id = $1"
        };
        sqlx::query(sql).bind(device).execute(self.pool()).await?;
        Ok(())
    }

    /// Marks notifications of `user` read; returns the ids that changed.
    pub async fn mark_notifications_read(
        &self,
        conn: &mut PgConnection,
        user: UserId,
        which: &MarkRead,
    ) -> Result<u64, StoreError> {
        let query = match which {
            MarkRead::Ids(ids) => sqlx::query(
                "UPDATE notifications SET read_at = now() \
                 WHERE user_id = $1 AND read_at IS NULL AND id = ANY($2)",
            )
            .bind(user)
            .bind(ids.clone()),
            MarkRead::UpTo(id) => sqlx::query(
                "UPDATE notifications SET read_at = now() \
                 WHERE user_id = $1 AND read_at IS NULL AND id <= $2",
            )
            .bind(user)
            .bind(*id),
            MarkRead::All => sqlx::query(
                "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
            )
            .bind(user),
        };
        Ok(query.execute(conn).await?.rows_affected())
    }
}

/// What a new notification stores.
#[derive(Clone, Debug)]
pub struct NewNotification {
    /// Recipient.
    pub user_id: UserId,
    /// Kind name.
    pub kind: &'static str,
    /// Who caused it.
    pub actor_id: Option<UserId>,
    /// Chat.
    pub chat_id: Option<ChatId>,
    /// Message.
    pub message_id: Option<MessageId>,
    /// Contact request.
    pub contact_id: Option<Uuid>,
    /// Muted or do-not-disturb.
    pub silent: bool,
}

/// Inserts a notification inside the caller's transaction.
pub async fn insert_notification(
    conn: &mut PgConnection,
    new: &NewNotification,
) -> Result<NotificationRow, StoreError> {
    Ok(sqlx::query_as::<_, NotificationRow>(&format!(
        "INSERT INTO notifications (id, user_id, kind, actor_id, chat_id, message_id, \
           contact_id, silent) VALUES ($1, $2, $3, $4, $5, $6, $7, \
           $8 OR coalesce((SELECT dnd_until > now() FROM users WHERE id = $2), false) \
              OR coalesce((SELECT muted_until > now() FROM chat_members \
                           WHERE chat_id = $5 AND user_id = $2), false)) \
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(new.user_id)
    .bind(new.kind)
    .bind(new.actor_id)
    .bind(new.chat_id)
    .bind(new.message_id)
    .bind(new.contact_id)
    .bind(new.silent)
    .fetch_one(conn)
    .await?)
}
