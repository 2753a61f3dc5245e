//! `/api/notifications/*`, chat mutes and `/api/push/devices/*`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use common::ChatId;
use common::api::{
    MarkNotificationsRead, NotificationPage, NotificationSettings, NotificationsMarked, PushDevice,
    PushDeviceList, RegisterPushDevice, Silence, SilenceRequest,
};
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::extract::{Json, Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/notifications", get(list))
        .route("/api/notifications/read", post(read))
        .route("/api/notifications/settings", get(settings))
        .route("/api/notifications/dnd", put(dnd_on).delete(dnd_off))
        .route("/api/chats/{id}/mute", put(mute).delete(unmute))
        .route("/api/push/devices", get(devices).post(register))
        .route("/api/push/devices/{id}", axum::routing::delete(unregister))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    #[serde(default)]
    unread: bool,
    limit: Option<u32>,
    before: Option<Uuid>,
}

async fn list(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<NotificationPage>> {
    Ok(axum::Json(
        state
            .notifications
            .list(caller.user_id, params.unread, params.before, params.limit)
            .await?,
    ))
}

async fn read(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(req): Json<MarkNotificationsRead>,
) -> Result<axum::Json<NotificationsMarked>> {
    Ok(axum::Json(
        state.notifications.mark_read(caller.user_id, &req).await?,
    ))
}

async fn settings(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<axum::Json<NotificationSettings>> {
    Ok(axum::Json(
        state.notifications.settings(caller.user_id).await?,
    ))
}

async fn dnd_on(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(req): Json<SilenceRequest>,
) -> Result<axum::Json<Silence>> {
    Ok(axum::Json(
        state
            .notifications
            .set_dnd(caller.user_id, Some(&req))
            .await?,
    ))
}

async fn dnd_off(State(state): State<AppState>, caller: AuthUser) -> Result<StatusCode> {
    state.notifications.set_dnd(caller.user_id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn mute(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
    Json(req): Json<SilenceRequest>,
) -> Result<axum::Json<Silence>> {
    Ok(axum::Json(
        state
            .notifications
            .set_mute(caller.user_id, chat.as_uuid(), Some(&req))
            .await?,
    ))
}

async fn unmute(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
) -> Result<StatusCode> {
    state
        .notifications
        .set_mute(caller.user_id, chat.as_uuid(), None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn devices(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<axum::Json<PushDeviceList>> {
    Ok(axum::Json(state.push.devices(caller.user_id).await?))
}

async fn register(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(req): Json<RegisterPushDevice>,
) -> Result<(StatusCode, axum::Json<PushDevice>)> {
    let device = state
        .push
        .register(caller.user_id, &req.endpoint, req.name.as_deref())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(device)))
}

async fn unregister(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.push.remove(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
