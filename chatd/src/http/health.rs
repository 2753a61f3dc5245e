//! `/health` (the process is up) and `/health/ready` (its dependencies answer).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::ErrorDetail;
use common::api::{Liveness, Readiness};

use super::AppState;
use crate::error::{Error, Result};
use crate::metrics::probes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(live))
        .route("/health/ready", get(ready))
}

async fn live() -> axum::Json<Liveness> {
    axum::Json(Liveness {
        status: "ok".into(),
        version: common::VERSION.into(),
    })
}

async fn ready(State(state): State<AppState>) -> Result<axum::Json<Readiness>> {
    let (postgres, redis) = tokio::join!(
        probes::postgres(&state.store),
        probes::redis(state.redis.as_ref())
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
    Ok(axum::Json(Readiness {
        status: "ready".into(),
        postgres: "ok".into(),
        redis: if matches!(redis, Ok(true)) {
            "ok"
        } else {
            "not configured"
        }
        .into(),
    }))
}
