//! `/api/chats/*`: chats, groups, members, roles, read watermarks.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};

use common::api::{
    AddParticipantsRequest, ChatDetail, ChatList, CreateDirectRequest, CreateGroupRequest,
    MarkReadRequest, SetRetentionRequest, TransferOwnershipRequest, UpdateChatRequest,
    UpdateParticipantRequest,
};
use common::{ChatId, ErrorResponse, UserId};

use super::extract::{Json, Path};
use crate::auth::AuthUser;
use crate::chats::ChatService;
use crate::error::Result;
use crate::messages::MessageService;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/chats", get(list))
        .route("/api/chats/direct", post(direct))
        .route("/api/chats/group", post(group))
        .route("/api/chats/slug/{slug}", get(by_slug))
        .route(
            "/api/chats/{id}",
            get(one).put(update).patch(patch).delete(delete),
        )
        .route("/api/chats/{id}/participants", post(add_participants))
        .route(
            "/api/chats/{id}/participants/{user_id}",
            put(set_role).delete(remove_participant),
        )
        .route("/api/chats/{id}/leave", post(leave))
        .route("/api/chats/{id}/transfer", post(transfer))
        .route("/api/chats/{id}/read", post(read))
        .route("/api/chats/{id}/retention", put(retention))
}

#[utoipa::path(get, path = "/api/chats", tag = "chats", security(("bearer" = [])),
    responses((status = 200, description = "The caller's chats, most recent activity first", body = ChatList)))]
async fn list(State(chats): State<ChatService>, caller: AuthUser) -> Result<axum::Json<ChatList>> {
    Ok(axum::Json(ChatList {
        chats: chats.list(caller.user_id).await?,
    }))
}

#[utoipa::path(get, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")),
    responses((status = 200, description = "The chat and its members", body = ChatDetail), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn one(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.get(caller.user_id, id).await?))
}

#[utoipa::path(get, path = "/api/chats/slug/{slug}", tag = "chats", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The group's slug")),
    responses((status = 200, description = "The chat and its members", body = ChatDetail), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn by_slug(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(slug): Path<String>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.get_by_slug(caller.user_id, &slug).await?))
}

#[utoipa::path(post, path = "/api/chats/direct", tag = "chats", security(("bearer" = [])),
    request_body = CreateDirectRequest,
    responses(
        (status = 200, description = "The direct chat with that user, created on first use", body = ChatDetail),
        (status = 403, description = "BLOCKED: a block separates the two users", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such user", body = ErrorResponse),
    ))]
async fn direct(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Json(req): Json<CreateDirectRequest>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.direct(caller.user_id, req.user_id).await?))
}

#[utoipa::path(post, path = "/api/chats/group", tag = "chats", security(("bearer" = [])),
    request_body = CreateGroupRequest,
    responses(
        (status = 201, description = "The new group; the caller owns it", body = ChatDetail),
        (status = 404, description = "NOT_FOUND: a named participant does not exist", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the slug is taken", body = ErrorResponse),
    ))]
async fn group(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Json(req): Json<CreateGroupRequest>,
) -> Result<(StatusCode, axum::Json<ChatDetail>)> {
    let chat = chats.create_group(caller.user_id, &req).await?;
    Ok((StatusCode::CREATED, axum::Json(chat)))
}

#[utoipa::path(put, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = UpdateChatRequest,
    responses(
        (status = 200, description = "The renamed group", body = ChatDetail),
        (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the slug is taken", body = ErrorResponse),
    ))]
async fn update(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<UpdateChatRequest>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.update(caller.user_id, id, &req).await?))
}

#[utoipa::path(patch, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = UpdateChatRequest,
    responses(
        (status = 200, description = "The changed group (the same as `PUT`: fields left out stay)", body = ChatDetail),
        (status = 400, description = "VALIDATION_ERROR: a field breaks its rule (`description`, `maxMembers`, ...)", body = ErrorResponse),
        (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the slug is taken", body = ErrorResponse),
    ))]
async fn patch(
    chats: State<ChatService>,
    caller: AuthUser,
    id: Path<ChatId>,
    req: Json<UpdateChatRequest>,
) -> Result<axum::Json<ChatDetail>> {
    update(chats, caller, id, req).await
}

#[utoipa::path(delete, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")),
    responses((status = 204, description = "The group is deleted"), (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn delete(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<StatusCode> {
    chats.delete(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/chats/{id}/participants", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = AddParticipantsRequest,
    responses(
        (status = 200, description = "The chat with its members", body = ChatDetail),
        (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the group would exceed its member limit", body = ErrorResponse),
    ))]
async fn add_participants(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<AddParticipantsRequest>,
) -> Result<axum::Json<ChatDetail>> {
    chats
        .add_participants(caller.user_id, id, &req.user_ids)
        .await?;
    Ok(axum::Json(chats.get(caller.user_id, id).await?))
}

#[utoipa::path(delete, path = "/api/chats/{id}/participants/{user_id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat"), ("user_id" = UserId, Path, description = "The member")),
    responses((status = 204, description = "The member is removed"), (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 409, description = "CONFLICT: the owner must transfer ownership before leaving the group", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn remove_participant(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path((id, user)): Path<(ChatId, UserId)>,
) -> Result<StatusCode> {
    chats.remove_participant(caller.user_id, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/chats/{id}/participants/{user_id}", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat"), ("user_id" = UserId, Path, description = "The member")),
    request_body = UpdateParticipantRequest,
    responses((status = 204, description = "The member has the role"), (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 409, description = "CONFLICT: the owner's role changes only by a transfer", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn set_role(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path((id, user)): Path<(ChatId, UserId)>,
    Json(req): Json<UpdateParticipantRequest>,
) -> Result<StatusCode> {
    chats.set_role(caller.user_id, id, user, req.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/chats/{id}/leave", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")),
    responses(
        (status = 204, description = "The caller left"), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the owner must transfer ownership first", body = ErrorResponse),
    ))]
async fn leave(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<StatusCode> {
    chats.leave(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/chats/{id}/transfer", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = TransferOwnershipRequest,
    responses((status = 204, description = "The member owns the group; the old owner is an admin"), (status = 403, description = "FORBIDDEN: the caller's role does not allow it", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn transfer(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<TransferOwnershipRequest>,
) -> Result<StatusCode> {
    chats.transfer(caller.user_id, id, req.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/chats/{id}/read", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = MarkReadRequest,
    responses((status = 204, description = "The read watermark is at least `seq`"), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn read(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<MarkReadRequest>,
) -> Result<StatusCode> {
    messages.mark_read(caller.user_id, id, req.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/chats/{id}/retention", tag = "chats", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The group")),
    request_body = SetRetentionRequest,
    responses(
        (status = 200, description = "The group with its new `retentionDays`", body = ChatDetail),
        (status = 400, description = "VALIDATION: `days` is 0 or longer than the server's `retention.message_days`; BAD_REQUEST: a direct chat", body = ErrorResponse),
        (status = 403, description = "FORBIDDEN: the caller is not the owner, or the server does not allow per-group retention", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
    ))]
async fn retention(
    State(chats): State<ChatService>,
    State(config): State<std::sync::Arc<crate::config::Config>>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<SetRetentionRequest>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(
        chats
            .set_retention(caller.user_id, id, req.days, &config.retention)
            .await?,
    ))
}
