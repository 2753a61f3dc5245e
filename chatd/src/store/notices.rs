//! Operator notices through PostgreSQL: `NOTIFY` on one channel that every node `LISTEN`s
//! to, so that a change made by `chatctl` reaches every node's open connections, with or
//! without Redis.

use sqlx::postgres::{PgListener, PgPoolOptions};

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

    /// A listener on `channel`, on a connection of its own (not one of the pool's, which
    /// requests need). It reconnects by itself after a lost connection (missing what was
    /// sent meanwhile).
    pub async fn listen(&self, channel: &str) -> Result<PgListener, StoreError> {
        let options = (*self.pool.connect_options()).clone();
        let own = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&own).await?;
        listener.listen(channel).await?;
        Ok(listener)
    }
}
