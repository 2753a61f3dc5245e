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

use super::extract::{Json, Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;
use crate::notifications::NotificationService;
use crate::push::PushService;
use crate::state::AppState;

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
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<NotificationPage>> {
    Ok(axum::Json(
        notifications
            .list(caller.user_id, params.unread, params.before, params.limit)
            .await?,
    ))
}

async fn read(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Json(req): Json<MarkNotificationsRead>,
) -> Result<axum::Json<NotificationsMarked>> {
    Ok(axum::Json(
        notifications.mark_read(caller.user_id, &req).await?,
    ))
}

async fn settings(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
) -> Result<axum::Json<NotificationSettings>> {
    Ok(axum::Json(notifications.settings(caller.user_id).await?))
}

async fn dnd_on(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Json(req): Json<SilenceRequest>,
) -> Result<axum::Json<Silence>> {
    Ok(axum::Json(
        notifications.set_dnd(caller.user_id, Some(&req)).await?,
    ))
}

async fn dnd_off(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
) -> Result<StatusCode> {
    notifications.set_dnd(caller.user_id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn mute(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
    Json(req): Json<SilenceRequest>,
) -> Result<axum::Json<Silence>> {
    Ok(axum::Json(
        notifications
            .set_mute(caller.user_id, chat, Some(&req))
            .await?,
    ))
}

async fn unmute(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
) -> Result<StatusCode> {
    notifications.set_mute(caller.user_id, chat, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn devices(
    State(push): State<PushService>,
    caller: AuthUser,
) -> Result<axum::Json<PushDeviceList>> {
    Ok(axum::Json(push.devices(caller.user_id).await?))
}

async fn register(
    State(push): State<PushService>,
    caller: AuthUser,
    Json(req): Json<RegisterPushDevice>,
) -> Result<(StatusCode, axum::Json<PushDevice>)> {
    let device = push
        .register(caller.user_id, &req.endpoint, req.name.as_deref())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(device)))
}

async fn unregister(
    State(push): State<PushService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    push.remove(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
