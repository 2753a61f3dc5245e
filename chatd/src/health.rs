//! Readiness: whether the dependencies answer (PostgreSQL always, Redis when configured).

use common::ErrorDetail;
use common::api::Readiness;
use redis::aio::ConnectionManager;

use crate::error::{Error, Result};
use crate::metrics::probes;
use crate::store::Store;

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

    /// Ready when every dependency answers within [`probes::CHECK_TIMEOUT`]; otherwise
    /// [`Error::NotReady`] with one detail per dependency that did not.
    pub async fn ready(&self) -> Result<Readiness> {
        let (postgres, redis) = tokio::join!(
            probes::postgres(&self.store),
            probes::redis(self.redis.as_ref())
        );
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
