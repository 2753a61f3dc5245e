//! Operator notices through PostgreSQL: `NOTIFY` on one channel that every node `LISTEN`s
//! to, so that a change made by `chatctl` reaches every node's open connections, with or
//! without Redis.

use sqlx::postgres::PgListener;

use super::{Store, StoreError};

impl Store {
    /// Sends `payload` to every listener of `channel` (delivered when this statement's
    /// transaction, here its own, commits).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A listener on `channel`. It holds one connection of the pool, reconnects by itself
    /// after a lost connection (missing what was sent meanwhile), and ends with the pool.
    pub async fn listen(&self, channel: &str) -> Result<PgListener, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(channel).await?;
        Ok(listener)
    }
}
