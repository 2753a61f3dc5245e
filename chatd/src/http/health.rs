//! `/health` (the process is up) and `/health/ready` (its dependencies answer).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::ErrorDetail;
use common::api::{Liveness, Readiness};

use super::AppState;
use crate::error::{Error, Result};

/// A dependency that does not answer within this is reported down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

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
    let postgres = async {
        match tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no answer within 2 s".to_owned()),
        }
    };
    let redis = async {
        let Some(conn) = &state.redis else {
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
