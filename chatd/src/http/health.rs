//! `/health` (the process is up) and `/health/ready` (its dependencies answer).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::api::{Liveness, Readiness};

use crate::error::Result;
use crate::health::Health;
use crate::state::AppState;

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

async fn ready(State(health): State<Health>) -> Result<axum::Json<Readiness>> {
    Ok(axum::Json(health.ready().await?))
}
