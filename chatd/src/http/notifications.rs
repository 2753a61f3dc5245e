//! `/api/notifications/*`, chat mutes and `/api/push/devices/*`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use common::api::{
    MarkNotificationsRead, NotificationPage, NotificationSettings, NotificationsMarked, PushDevice,
    PushDeviceList, RegisterPushDevice, Silence, SilenceRequest,
};
use common::{ChatId, ErrorResponse};
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListParams {
    #[serde(default)]
    unread: bool,
    limit: Option<u32>,
    before: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/notifications", tag = "notifications", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, description = "The caller's notifications, newest first", body = NotificationPage)))]
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

#[utoipa::path(post, path = "/api/notifications/read", tag = "notifications", security(("bearer" = [])),
    request_body = MarkNotificationsRead,
    responses((status = 200, description = "How many were marked", body = NotificationsMarked)))]
async fn read(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Json(req): Json<MarkNotificationsRead>,
) -> Result<axum::Json<NotificationsMarked>> {
    Ok(axum::Json(
        notifications.mark_read(caller.user_id, &req).await?,
    ))
}

#[utoipa::path(get, path = "/api/notifications/settings", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "Do-not-disturb", body = NotificationSettings)))]
async fn settings(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
) -> Result<axum::Json<NotificationSettings>> {
    Ok(axum::Json(notifications.settings(caller.user_id).await?))
}

#[utoipa::path(put, path = "/api/notifications/dnd", tag = "notifications", security(("bearer" = [])),
    request_body = SilenceRequest,
    responses((status = 200, description = "Do-not-disturb is on", body = Silence)))]
async fn dnd_on(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Json(req): Json<SilenceRequest>,
) -> Result<axum::Json<Silence>> {
    Ok(axum::Json(
        notifications.set_dnd(caller.user_id, Some(&req)).await?,
    ))
}

#[utoipa::path(delete, path = "/api/notifications/dnd", tag = "notifications", security(("bearer" = [])),
    responses((status = 204, description = "Do-not-disturb is off")))]
async fn dnd_off(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
) -> Result<StatusCode> {
    notifications.set_dnd(caller.user_id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/chats/{id}/mute", tag = "notifications", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = SilenceRequest,
    responses((status = 200, description = "The chat is muted", body = Silence), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
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

#[utoipa::path(delete, path = "/api/chats/{id}/mute", tag = "notifications", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")),
    responses((status = 204, description = "The chat is not muted"), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn unmute(
    State(notifications): State<NotificationService>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
) -> Result<StatusCode> {
    notifications.set_mute(caller.user_id, chat, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/push/devices", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "The caller's push endpoints", body = PushDeviceList)))]
async fn devices(
    State(push): State<PushService>,
    caller: AuthUser,
) -> Result<axum::Json<PushDeviceList>> {
    Ok(axum::Json(push.devices(caller.user_id).await?))
}

#[utoipa::path(post, path = "/api/push/devices", tag = "notifications", security(("bearer" = [])),
    request_body = RegisterPushDevice,
    responses(
        (status = 201, description = "The endpoint is registered", body = PushDevice),
        (status = 403, description = "FORBIDDEN: push is off on this server", body = ErrorResponse),
        (status = 409, description = "CONFLICT: too many devices", body = ErrorResponse),
    ))]
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

#[utoipa::path(delete, path = "/api/push/devices/{id}", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The device")),
    responses((status = 204, description = "The endpoint is removed"),
        (status = 404, description = "NOT_FOUND: no such device of the caller's", body = ErrorResponse)))]
async fn unregister(
    State(push): State<PushService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    push.remove(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
