//! All SQL lives here, one file per aggregate. Nothing else touches the pool.

pub mod accounts;
mod admin;
mod admin_groups;
pub mod attachments;
mod audit;
pub mod avatars;
pub mod chats;
pub mod email;
mod email_resend;
mod export;
pub mod groups;
mod invites;
pub mod messages;
mod notices;
pub mod notifications;
pub mod outbox;
mod privacy;
pub mod retention;
pub mod search;
mod sessions;
pub mod social;
pub mod sync;
mod users;

use std::time::Duration;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use admin::{
    AdminSessionRow, AdminUserRow, AppliedMigration, COUNTED_TABLES, ServerStats, UserFilter,
};
pub use admin_groups::{AdminGroupRow, AdminMemberRow, GroupFilter, operator_tx};
pub use audit::AuditEntry;
pub use chats::{ChatRow, LockedChat, MemberRow};
pub use export::{ExportChat, ExportRow, ExportScope};
pub use messages::{MessageRow, NewMessage, PageAnchor};
pub use sessions::{NewSession, RefreshOutcome, SessionAuth, SessionRow};
pub use sync::{ChatEventRow, SyncChatRow};
pub use users::{CreateUserError, NewUser, UserRow};

/// The migrations of `migrations/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Store failures that callers react to differently.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// PostgreSQL cannot be reached (pool timeout, connection refused): answered with 503.
    #[error("{0}")]
    Unavailable(sqlx::Error),
    /// Anything else.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                Self::Unavailable(err)
            }
            other => Self::Database(other),
        }
    }
}

/// The name of the constraint a statement violated, if it was a unique violation.
fn unique_violation(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint().map(str::to_owned),
        _ => None,
    }
}

/// The handle to PostgreSQL. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// Connects a pool. Connections are made lazily and re-made after an outage.
    pub fn connect_lazy(
        options: PgConnectOptions,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Self {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .test_before_acquire(true)
            .connect_lazy_with(options);
        Self { pool }
    }

    /// Wraps an existing pool.
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// One pooled connection, for a task that runs many statements in a row (a writer
    /// lane) and keeps it between them.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// The pool, for tests and tools that inspect the database directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        MIGRATOR.run(&self.pool).await
    }

    /// `SELECT 1`, for readiness.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
