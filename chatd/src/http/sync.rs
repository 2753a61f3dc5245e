//! `/api/sync`: resync over REST (the same as the `sync` frame).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::api::{SyncRequest, SyncResponse};

use super::extract::Json;
use crate::auth::AuthUser;
use crate::error::Result;
use crate::state::AppState;
use crate::sync::SyncService;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/sync", get(summary).post(sync))
}

/// Every chat's newest seq and the caller's read watermark, with no events.
#[utoipa::path(get, path = "/api/sync", tag = "sync", security(("bearer" = [])),
    responses((status = 200, description = "Every chat's newest seq and read watermark, no events", body = SyncResponse)))]
async fn summary(
    State(sync): State<SyncService>,
    caller: AuthUser,
) -> Result<axum::Json<SyncResponse>> {
    Ok(axum::Json(
        sync.sync(caller.user_id, &SyncRequest::default()).await?,
    ))
}

/// The events after each of the client's cursors.
#[utoipa::path(post, path = "/api/sync", tag = "sync", security(("bearer" = [])),
    request_body = SyncRequest,
    responses((status = 200, description = "The events after each cursor", body = SyncResponse)))]
async fn sync(
    State(sync): State<SyncService>,
    caller: AuthUser,
    Json(req): Json<SyncRequest>,
) -> Result<axum::Json<SyncResponse>> {
    Ok(axum::Json(sync.sync(caller.user_id, &req).await?))
}
