//! `/api/chats/public`, `/api/chats/{id}/join`, `/api/chats/{id}/avatar`,
//! `/api/chats/{id}/invites` and `/api/invites/{token}`: the directory, group avatars and
//! invite links.

use std::sync::Arc;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use common::api::{
    AvatarSet, ChatDetail, CreateGroupInviteRequest, GroupInvite, GroupSummary, InviteList, Page,
};
use common::{ChatId, ErrorResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::attachments::{MULTIPART_OVERHEAD, file_part};
use super::avatars::{ReadParams, avatar_response};
use super::extract::{Json, Path, Query};
use super::links::request_host;
use crate::auth::AuthUser;
use crate::chats::ChatService;
use crate::config::{Config, link_host};
use crate::error::Result;
use crate::media::MediaService;
use crate::state::AppState;

pub fn router(max_bytes: u64) -> Router<AppState> {
    Router::new()
        .route("/api/chats/public", get(directory))
        .route("/api/chats/{id}/join", post(join))
        .route(
            "/api/chats/{id}/avatar",
            put(set_avatar)
                .layer(DefaultBodyLimit::max(
                    usize::try_from(max_bytes).unwrap_or(usize::MAX) + MULTIPART_OVERHEAD,
                ))
                .delete(remove_avatar)
                .get(avatar),
        )
        .route("/api/chats/{id}/invites", post(create_invite).get(invites))
        .route("/api/chats/{id}/invites/{invite_id}", delete(revoke_invite))
        .route("/api/invites/{token}", get(preview))
        .route("/api/invites/{token}/join", post(join_by_invite))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DirectoryParams {
    /// Words to find in the name or description (all public groups without).
    q: Option<String>,
    /// Page size, 1-100 (default 20).
    limit: Option<u32>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/chats/public", tag = "groups", security(("bearer" = [])),
    params(DirectoryParams),
    responses((status = 200, description = "Public groups, in creation order", body = Page<GroupSummary>)))]
async fn directory(
    State(chats): State<ChatService>,
    _caller: AuthUser,
    Query(p): Query<DirectoryParams>,
) -> Result<axum::Json<Page<GroupSummary>>> {
    Ok(axum::Json(
        chats
            .directory(p.q.as_deref(), p.limit, p.cursor.as_deref())
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/chats/{id}/join", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The public group")),
    responses(
        (status = 200, description = "The group, now with the caller (unchanged if already a member)", body = ChatDetail),
        (status = 403, description = "BLOCKED: the group's owner blocked the caller", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such group, or it is private", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the group is full", body = ErrorResponse),
    ))]
async fn join(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.join_public(caller.user_id, id).await?))
}

#[utoipa::path(put, path = "/api/chats/{id}/avatar", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group")),
    request_body(content = super::openapi::UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The new avatar's address", body = AvatarSet),
        (status = 403, description = "FORBIDDEN: only admins and the owner", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 413, description = "PAYLOAD_TOO_LARGE: larger than `attachments.max_bytes`", body = ErrorResponse),
    ))]
async fn set_avatar(
    State(chats): State<ChatService>,
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<axum::Json<AvatarSet>> {
    chats.require_admin(caller.user_id, id).await?;
    let (_, bytes) = file_part(form, media.config().max_bytes).await?;
    let images = media.avatar_images(bytes).await?;
    let avatar = chats.set_avatar(caller.user_id, id, Some(images)).await?;
    Ok(axum::Json(AvatarSet {
        avatar_url: avatar
            .map(|a| common::api::group_avatar_url(id, a))
            .unwrap_or_default(),
    }))
}

#[utoipa::path(delete, path = "/api/chats/{id}/avatar", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group")),
    responses((status = 204, description = "The avatar is removed"),
        (status = 403, description = "FORBIDDEN: only admins and the owner", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn remove_avatar(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<StatusCode> {
    chats.set_avatar(caller.user_id, id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/chats/{id}/avatar", tag = "groups", security(("bearer" = [])),
    params(
        ("id" = ChatId, Path, description = "The group"),
        ("size" = Option<String>, Query, description = "`small` (64 px) or `large` (256 px, the default)"),
        ("v" = Option<String>, Query, description = "The avatar's id from `avatarUrl`"),
    ),
    responses(
        (status = 200, description = "The avatar", content(("image/png"))),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 404, description = "NOT_FOUND: no avatar, or a private group the caller is not in", body = ErrorResponse),
    ))]
async fn avatar(
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Query(params): Query<ReadParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let size = params.size();
    let file = media.group_avatar_of(caller.user_id, id, size).await?;
    Ok(avatar_response(file, size, &headers))
}

#[utoipa::path(post, path = "/api/chats/{id}/invites", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group")), request_body = CreateGroupInviteRequest,
    responses(
        (status = 201, description = "The invite with its token and links (shown once)", body = GroupInvite),
        (status = 400, description = "VALIDATION_ERROR: `expiresInSecs` or `maxUses` out of range", body = ErrorResponse),
        (status = 403, description = "FORBIDDEN: only admins and the owner", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
    ))]
async fn create_invite(
    State(chats): State<ChatService>,
    State(config): State<Arc<Config>>,
    caller: AuthUser,
    headers: HeaderMap,
    Path(id): Path<ChatId>,
    Json(req): Json<CreateGroupInviteRequest>,
) -> Result<(StatusCode, axum::Json<GroupInvite>)> {
    let host = link_host(config.http.public_url.as_deref())
        .unwrap_or_else(|| request_host(&headers).to_owned());
    let invite = chats.create_invite(caller.user_id, id, &req, &host).await?;
    Ok((StatusCode::CREATED, axum::Json(invite)))
}

#[utoipa::path(get, path = "/api/chats/{id}/invites", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group")),
    responses(
        (status = 200, description = "Working invites, newest first (no tokens)", body = InviteList),
        (status = 403, description = "FORBIDDEN: only admins and the owner", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
    ))]
async fn invites(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<axum::Json<InviteList>> {
    Ok(axum::Json(InviteList {
        invites: chats.invites(caller.user_id, id).await?,
    }))
}

#[utoipa::path(delete, path = "/api/chats/{id}/invites/{invite_id}", tag = "groups", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group"), ("invite_id" = Uuid, Path, description = "The invite")),
    responses(
        (status = 204, description = "The invite no longer works"),
        (status = 403, description = "FORBIDDEN: only admins and the owner", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat or invite", body = ErrorResponse),
    ))]
async fn revoke_invite(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path((id, invite)): Path<(ChatId, Uuid)>,
) -> Result<StatusCode> {
    chats.revoke_invite(caller.user_id, id, invite).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/invites/{token}", tag = "groups", security(("bearer" = [])),
    params(("token" = String, Path, description = "The invite's token")),
    responses(
        (status = 200, description = "The group the invite opens", body = GroupSummary),
        (status = 404, description = "NOT_FOUND: unknown, expired, revoked or used-up invite", body = ErrorResponse),
    ))]
async fn preview(
    State(chats): State<ChatService>,
    _caller: AuthUser,
    Path(token): Path<String>,
) -> Result<axum::Json<GroupSummary>> {
    Ok(axum::Json(chats.preview_invite(&token).await?))
}

#[utoipa::path(post, path = "/api/invites/{token}/join", tag = "groups", security(("bearer" = [])),
    params(("token" = String, Path, description = "The invite's token")),
    responses(
        (status = 200, description = "The group, now with the caller (unchanged, no use taken, if already a member)", body = ChatDetail),
        (status = 403, description = "BLOCKED: the group's owner blocked the caller", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: unknown, expired, revoked or used-up invite", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the group is full", body = ErrorResponse),
    ))]
async fn join_by_invite(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(token): Path<String>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(
        chats.join_by_invite(caller.user_id, &token).await?,
    ))
}
