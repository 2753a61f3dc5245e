//! Whether the node's dependencies answer now: one bounded check each, shared by
//! `/health/ready` and the `chatd_postgres_up` / `chatd_redis_up` gauges so that a probe
//! and an alert never disagree about what "down" means.

use std::time::Duration;

use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use redis::aio::ConnectionManager;

use crate::store::Store;

/// A dependency that does not answer within this is reported down.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// `SELECT 1` on the pool; the reason when it fails or is slow.
pub async fn postgres(store: &Store) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(timed_out()),
    }
}

/// `PING` to Redis: `Ok(false)` when no Redis is configured.
pub async fn redis(conn: Option<&ConnectionManager>) -> Result<bool, String> {
    let Some(conn) = conn else {
        return Ok(false);
    };
    let mut conn = conn.clone();
    let cmd = redis::cmd("PING");
    match tokio::time::timeout(CHECK_TIMEOUT, cmd.query_async::<String>(&mut conn)).await {
        Ok(Ok(_)) => Ok(true),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(timed_out()),
    }
}

fn timed_out() -> String {
    format!("no answer within {} s", CHECK_TIMEOUT.as_secs())
}

/// `chatd_postgres_up` and, on nodes with Redis, `chatd_redis_up`: set at each scrape.
#[derive(Debug)]
pub struct Gauges {
    postgres_up: Gauge,
    /// Registered only when Redis is configured: absent is "not used", 0 is "down".
    redis: Option<(ConnectionManager, Gauge)>,
}

impl Gauges {
    /// Registers `chatd_postgres_up`.
    pub fn register(registry: &mut Registry) -> Self {
        let postgres_up = Gauge::default();
        registry.register(
            "postgres_up",
            "1 when PostgreSQL answered a check at this scrape, else 0",
            postgres_up.clone(),
        );
        Self {
            postgres_up,
            redis: None,
        }
    }

    /// Registers `chatd_redis_up`, checked through `conn` from now on.
    pub fn watch_redis(&mut self, registry: &mut Registry, conn: ConnectionManager) {
        let up = Gauge::default();
        registry.register(
            "redis_up",
            "1 when Redis answered a PING at this scrape, else 0 (absent without Redis)",
            up.clone(),
        );
        self.redis = Some((conn, up));
    }

    /// Checks both dependencies at once and sets the gauges.
    pub async fn check(&self, store: &Store) {
        let conn = self.redis.as_ref().map(|(conn, _)| conn);
        let (postgres_ok, redis_ok) = tokio::join!(postgres(store), redis(conn));
        self.postgres_up.set(i64::from(postgres_ok.is_ok()));
        if let Some((_, up)) = &self.redis {
            up.set(i64::from(matches!(redis_ok, Ok(true))));
        }
    }
}
