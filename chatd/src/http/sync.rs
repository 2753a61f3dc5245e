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
async fn summary(
    State(sync): State<SyncService>,
    caller: AuthUser,
) -> Result<axum::Json<SyncResponse>> {
    Ok(axum::Json(
        sync.sync(caller.user_id, &SyncRequest::default()).await?,
    ))
}

/// The events after each of the client's cursors.
async fn sync(
    State(sync): State<SyncService>,
    caller: AuthUser,
    Json(req): Json<SyncRequest>,
) -> Result<axum::Json<SyncResponse>> {
    Ok(axum::Json(sync.sync(caller.user_id, &req).await?))
}
