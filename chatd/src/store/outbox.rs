//! The outgoing mail queue (`email_outbox`): a bounded insert, claims with
//! `FOR UPDATE SKIP LOCKED` (one node sends each mail), sent and failed attempts.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Store, StoreError};

/// A mail of the queue, claimed for sending.
#[derive(Clone, Debug, FromRow)]
pub struct OutboxRow {
    /// Id.
    pub id: Uuid,
    /// The `To` address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

impl Store {
    /// Queues a mail unless `capacity` mails are already waiting; `false` when full.
    pub async fn enqueue_mail(
        &self,
        recipient: &str,
        subject: &str,
        body: &str,
        capacity: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO email_outbox (id, recipient, subject, body) \
             SELECT $1, $2, $3, $4 \
             WHERE (SELECT count(*) FROM email_outbox WHERE failed_at IS NULL) < $5",
        )
        .bind(Uuid::now_v7())
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(capacity)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims the mail due first: counts the attempt and hides it from every node's sender
    /// for `lease_secs` (a node that dies while sending leaves it to be retried then).
    pub async fn claim_mail(&self, lease_secs: i64) -> Result<Option<OutboxRow>, StoreError> {
        Ok(sqlx::query_as::<_, OutboxRow>(
            "UPDATE email_outbox SET attempts = attempts + 1, \
                    next_attempt_at = now() + $1::bigint * interval '1 second' \
             WHERE id = (SELECT id FROM email_outbox \
                         WHERE failed_at IS NULL AND next_attempt_at <= now() \
                         ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, recipient, subject, body, attempts",
        )
        .bind(lease_secs)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A mail the SMTP server took: gone from the queue.
    pub async fn mail_sent(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM email_outbox WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A failed attempt: retried after `retry_in_secs`, or given up (`None`).
    pub async fn mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_in_secs: Option<u64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE email_outbox SET last_error = $2, \
                    next_attempt_at = now() + coalesce($3::bigint, 0) * interval '1 second', \
                    failed_at = CASE WHEN $3 IS NULL THEN now() END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_in_secs.map(|s| s.min(i64::MAX as u64) as i64))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Mails waiting to be sent and mails given up, for health checks.
    pub async fn mail_queue_counts(&self) -> Result<(i64, i64), StoreError> {
        Ok(sqlx::query_as::<_, (i64, i64)>(
            "SELECT count(*) FILTER (WHERE failed_at IS NULL), \
                    count(*) FILTER (WHERE failed_at IS NOT NULL) FROM email_outbox",
        )
        .fetch_one(self.pool())
        .await?)
    }
}
