//! Readiness: whether the dependencies answer (PostgreSQL always, Redis when configured).

use std::time::Duration;

use common::ErrorDetail;
use common::api::Readiness;
use redis::aio::ConnectionManager;

use crate::error::{Error, Result};
use crate::store::Store;

/// A dependency that does not answer within this is reported down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Pings the server's dependencies.
#[derive(Clone)]
pub struct Health {
    store: Store,
    redis: Option<ConnectionManager>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health").finish_non_exhaustive()
    }
}

impl Health {
    /// Checks over `store` and, when configured, `redis`.
    pub fn new(store: Store, redis: Option<ConnectionManager>) -> Self {
        Self { store, redis }
    }

    /// Ready when every dependency answers within [`CHECK_TIMEOUT`]; otherwise
    /// [`Error::NotReady`] with one detail per dependency that did not.
    pub async fn ready(&self) -> Result<Readiness> {
        let postgres = async {
            match tokio::time::timeout(CHECK_TIMEOUT, self.store.ping()).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("no answer within 2 s".to_owned()),
            }
        };
        let redis = async {
            let Some(conn) = &self.redis else {
                return Ok(false);
            };
            let mut conn = conn.clone();
            let cmd = redis::cmd("PING");
            let ping = cmd.query_async::<String>(&mut conn);
            match tokio::time::timeout(CHECK_TIMEOUT, ping).await {
                Ok(Ok(_)) => Ok(true),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("no answer within 2 s".to_owned()),
            }
        };
        let (postgres, redis) = tokio::join!(postgres, redis);
        let mut down = Vec::new();
        if let Err(e) = &postgres {
            down.push(ErrorDetail::new("postgres", e.clone()));
        }
        if let Err(e) = &redis {
            down.push(ErrorDetail::new("redis", e.clone()));
        }
        if !down.is_empty() {
            tracing::warn!(?down, "not ready");
            return Err(Error::NotReady(down));
        }
        Ok(Readiness {
            status: "ready".into(),
            postgres: "ok".into(),
            redis: if matches!(redis, Ok(true)) {
                "ok"
            } else {
                "not configured"
            }
            .into(),
        })
    }
}
