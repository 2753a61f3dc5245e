//! `/health` (the process is up) and `/health/ready` (its dependencies answer).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::ErrorResponse;
use common::api::{Liveness, Readiness};

use crate::error::Result;
use crate::health::Health;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(live))
        .route("/health/ready", get(ready))
}

#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "The process is up", body = Liveness)))]
async fn live() -> axum::Json<Liveness> {
    axum::Json(Liveness {
        status: "ok".into(),
        version: common::VERSION.into(),
    })
}

#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses(
        (status = 200, description = "PostgreSQL (and Redis, when configured) answer", body = Readiness),
        (status = 503, description = "A dependency fails; `details` name each", body = ErrorResponse),
    ))]
async fn ready(State(health): State<Health>) -> Result<axum::Json<Readiness>> {
    Ok(axum::Json(health.ready().await?))
}
