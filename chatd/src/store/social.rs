//! Contacts, blocks and the per-user event log. Writes take a connection of a transaction
//! the service opens, so a change, its user events and its notifications commit together.

use common::ids::{ChatId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError, unique_violation};

/// A `contacts` row.
#[derive(Clone, Debug, FromRow)]
pub struct ContactRow {
    /// Id of the request (and of the contact once accepted). A plain uuid: contacts have no
    /// id type in `common` (clients name them by the uuid of the wire), and a contact id is
    /// never passed where a user, chat or message is expected.
    pub id: Uuid,
    /// Who asked.
    pub requester_id: UserId,
    /// Who was asked.
    pub addressee_id: UserId,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    /// The note.
    pub message: Option<String>,
    /// Asked.
    pub created_at: OffsetDateTime,
    /// Answered.
    pub responded_at: Option<OffsetDateTime>,
}

impl ContactRow {
    /// The other side of the pair, seen from `user`.
    pub fn other(&self, user: UserId) -> UserId {
        if self.requester_id == user {
            self.addressee_id
        } else {
            self.requester_id
        }
    }
}

const CONTACT_COLUMNS: &str =
    "id, requester_id, addressee_id, status, message, created_at, responded_at";

/// A stored user event.
#[derive(Clone, Debug, FromRow)]
pub struct UserEventRow {
    /// Its `userSeq`.
    pub seq: i64,
    /// The event as sent.
    pub payload: serde_json::Value,
}

impl Store {
    /// Accepted contacts of `user`.
    pub async fn contacts_of(&self, user: UserId) -> Result<Vec<ContactRow>, StoreError> {
        Ok(sqlx::query_as::<_, ContactRow>(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts \
             WHERE (requester_id = $1 OR addressee_id = $1) AND status = 'accepted'"
        ))
        .bind(user)
        .fetch_all(self.pool())
        .await?)
    }

    /// Pending requests from and to `user`, newest first.
    pub async fn pending_contacts_of(&self, user: UserId) -> Result<Vec<ContactRow>, StoreError> {
        Ok(sqlx::query_as::<_, ContactRow>(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts \
             WHERE (requester_id = $1 OR addressee_id = $1) AND status = 'pending' \
             ORDER BY created_at DESC"
        ))
        .bind(user)
        .fetch_all(self.pool())
        .await?)
    }

    /// Whether `a` and `b` are accepted contacts.
    pub async fn are_contacts(&self, a: UserId, b: UserId) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM contacts WHERE status = 'accepted' \
             AND LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) \
             AND GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid))",
        )
        .bind(a)
        .bind(b)
        .fetch_one(self.pool())
        .await?)
    }

    /// `(a blocked b, b blocked a)`.
    pub async fn blocks_between(&self, a: UserId, b: UserId) -> Result<(bool, bool), StoreError> {
        Ok(sqlx::query_as::<_, (bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2), \
                    EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $2 AND blocked_id = $1)",
        )
        .bind(a)
        .bind(b)
        .fetch_one(self.pool())
        .await?)
    }

    /// For a direct chat of `sender` where a block separates the two members: whether
    /// `sender` is the blocker (`Some(true)`) or the blocked (`Some(false)`). `None` for
    /// every other chat.
    pub async fn direct_chat_block(
        &self,
        chat: ChatId,
        sender: UserId,
    ) -> Result<Option<bool>, StoreError> {
        Ok(sqlx::query_scalar::<_, bool>(
            "SELECT b.blocker_id = $2 FROM chats c JOIN blocks b \
               ON (b.blocker_id = c.direct_user_lo AND b.blocked_id = c.direct_user_hi) \
               OR (b.blocker_id = c.direct_user_hi AND b.blocked_id = c.direct_user_lo) \
             WHERE c.id = $1 AND c.kind = 'direct' \
               AND $2 IN (c.direct_user_lo, c.direct_user_hi) \
             ORDER BY 1 LIMIT 1",
        )
        .bind(chat)
        .bind(sender)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The users `user` blocked, newest first.
    pub async fn blocks_of(
        &self,
        user: UserId,
    ) -> Result<Vec<(UserId, OffsetDateTime)>, StoreError> {
        Ok(sqlx::query_as::<_, (UserId, OffsetDateTime)>(
            "SELECT blocked_id, created_at FROM blocks WHERE blocker_id = $1 \
             ORDER BY created_at DESC",
        )
        .bind(user)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every `(blocker, blocked)` pair: blocks are few, and each node keeps them in memory.
    pub async fn all_blocks(&self) -> Result<Vec<(UserId, UserId)>, StoreError> {
        Ok(
            sqlx::query_as::<_, (UserId, UserId)>("SELECT blocker_id, blocked_id FROM blocks")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// The user's own events after `seq`, at most `limit`.
    pub async fn user_events_after(
        &self,
        user: UserId,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<UserEventRow>, StoreError> {
        Ok(sqlx::query_as::<_, UserEventRow>(
            "SELECT seq, payload FROM user_events WHERE user_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(user)
        .bind(seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Deletes up to `batch` user events older than `days` days; returns how many.
    pub async fn prune_user_events(&self, days: i64, batch: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM user_events WHERE (user_id, seq) IN ( \
                 SELECT user_id, seq FROM user_events \
                 WHERE created_at < now() - make_interval(days => $1::int) LIMIT $2)",
        )
        .bind(days)
        .bind(batch)
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// The user's newest `userSeq` (0 before the first event).
    pub async fn user_last_seq(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT coalesce((SELECT last_seq FROM user_event_heads WHERE user_id = $1), 0)",
        )
        .bind(user)
        .fetch_one(self.pool())
        .await?)
    }
}

/// Statements inside a service's transaction.
pub mod tx {
    use super::{
        CONTACT_COLUMNS, ContactRow, FromRow, OffsetDateTime, PgConnection, StoreError, UserId,
        Uuid, unique_violation,
    };

    /// Why a contact row could not be inserted.
    #[derive(Debug, thiserror::Error)]
    pub enum InsertContactError {
        /// A row for the pair appeared concurrently.
        #[error("a request between these users exists")]
        Exists,
        /// Anything else.
        #[error(transparent)]
        Store(#[from] StoreError),
    }

    /// The row of the pair, whichever side asked, locked.
    pub async fn contact_between(
        conn: &mut PgConnection,
        a: UserId,
        b: UserId,
    ) -> Result<Option<ContactRow>, StoreError> {
        Ok(sqlx::query_as::<_, ContactRow>(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts \
             WHERE LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) \
               AND GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid) \
             FOR UPDATE"
        ))
        .bind(a)
        .bind(b)
        .fetch_optional(conn)
        .await?)
    }

    /// Row `id` if `user` is one of its two sides, locked.
    pub async fn contact_for(
        conn: &mut PgConnection,
        id: Uuid,
        user: UserId,
    ) -> Result<Option<ContactRow>, StoreError> {
        Ok(sqlx::query_as::<_, ContactRow>(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts \
             WHERE id = $1 AND (requester_id = $2 OR addressee_id = $2) FOR UPDATE"
        ))
        .bind(id)
        .bind(user)
        .fetch_optional(conn)
        .await?)
    }

    /// Pending requests `user` sent.
    pub async fn outgoing_pending(
        conn: &mut PgConnection,
        user: UserId,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM contacts WHERE requester_id = $1 AND status = 'pending'",
        )
        .bind(user)
        .fetch_one(conn)
        .await?)
    }

    /// A new pending request.
    pub async fn insert_request(
        conn: &mut PgConnection,
        id: Uuid,
        requester: UserId,
        addressee: UserId,
        message: Option<&str>,
    ) -> Result<ContactRow, InsertContactError> {
        sqlx::query_as::<_, ContactRow>(&format!(
            "INSERT INTO contacts (id, requester_id, addressee_id, status, message) \
             VALUES ($1, $2, $3, 'pending', $4) RETURNING {CONTACT_COLUMNS}"
        ))
        .bind(id)
        .bind(requester)
        .bind(addressee)
        .bind(message)
        .fetch_one(conn)
        .await
        .map_err(|e| {
            if unique_violation(&e).is_some() {
                InsertContactError::Exists
            } else {
                InsertContactError::Store(e.into())
            }
        })
    }

    /// Marks a request accepted (or declined).
    pub async fn answer(
        conn: &mut PgConnection,
        id: Uuid,
        status: &str,
    ) -> Result<ContactRow, StoreError> {
        Ok(sqlx::query_as::<_, ContactRow>(&format!(
            "UPDATE contacts SET status = $2, responded_at = now() WHERE id = $1 \
             RETURNING {CONTACT_COLUMNS}"
        ))
        .bind(id)
        .bind(status)
        .fetch_one(conn)
        .await?)
    }

    /// Deletes a row.
    pub async fn delete_contact(conn: &mut PgConnection, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM contacts WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Adds a block; false if it existed.
    pub async fn insert_block(
        conn: &mut PgConnection,
        by: UserId,
        target: UserId,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(by)
        .bind(target)
        .execute(conn)
        .await?
        .rows_affected()
            == 1)
    }

    /// Removes a block; false if there was none.
    pub async fn delete_block(
        conn: &mut PgConnection,
        by: UserId,
        target: UserId,
    ) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(by)
                .bind(target)
                .execute(conn)
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// The next `userSeq` of `user`. The head row stays locked until commit, so a user's
    /// events commit in seq order with no gaps.
    pub async fn next_user_seq(conn: &mut PgConnection, user: UserId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "INSERT INTO user_event_heads (user_id, last_seq) VALUES ($1, 1) \
             ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_heads.last_seq + 1 \
             RETURNING last_seq",
        )
        .bind(user)
        .fetch_one(conn)
        .await?)
    }

    /// Stores a user event under its seq.
    pub async fn insert_user_event(
        conn: &mut PgConnection,
        user: UserId,
        seq: i64,
        kind: &str,
        payload: &serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_events (user_id, seq, kind, payload) VALUES ($1, $2, $3, $4)",
        )
        .bind(user)
        .bind(seq)
        .bind(kind)
        .bind(payload)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Whether `user` exists and is not disabled.
    pub async fn active_user(conn: &mut PgConnection, user: UserId) -> Result<bool, StoreError> {
        #[derive(FromRow)]
        struct Found {
            disabled_at: Option<OffsetDateTime>,
        }
        Ok(
            sqlx::query_as::<_, Found>("SELECT disabled_at FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(conn)
                .await?
                .is_some_and(|f| f.disabled_at.is_none()),
        )
    }
}
