//! `/api/chats/*`: chats, groups, members, roles, read watermarks.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use common::api::{
    AddParticipantsRequest, ChatDetail, ChatList, CreateDirectRequest, CreateGroupRequest,
    MarkReadRequest, TransferOwnershipRequest, UpdateChatRequest, UpdateParticipantRequest,
};
use common::{ChatId, UserId};

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
        .route("/api/chats/{id}", get(one).put(update).delete(delete))
        .route("/api/chats/{id}/participants", post(add_participants))
        .route(
            "/api/chats/{id}/participants/{user_id}",
            put(set_role).delete(remove_participant),
        )
        .route("/api/chats/{id}/leave", post(leave))
        .route("/api/chats/{id}/transfer", post(transfer))
        .route("/api/chats/{id}/read", post(read))
}

async fn list(State(chats): State<ChatService>, caller: AuthUser) -> Result<axum::Json<ChatList>> {
    Ok(axum::Json(ChatList {
        chats: chats.list(caller.user_id).await?,
    }))
}

async fn one(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.get(caller.user_id, id).await?))
}

async fn by_slug(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(slug): Path<String>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.get_by_slug(caller.user_id, &slug).await?))
}

async fn direct(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Json(req): Json<CreateDirectRequest>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.direct(caller.user_id, req.user_id).await?))
}

async fn group(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Json(req): Json<CreateGroupRequest>,
) -> Result<(StatusCode, axum::Json<ChatDetail>)> {
    let chat = chats.create_group(caller.user_id, &req).await?;
    Ok((StatusCode::CREATED, axum::Json(chat)))
}

async fn update(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<UpdateChatRequest>,
) -> Result<axum::Json<ChatDetail>> {
    Ok(axum::Json(chats.update(caller.user_id, id, &req).await?))
}

async fn delete(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<StatusCode> {
    chats.delete(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn remove_participant(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path((id, user)): Path<(ChatId, UserId)>,
) -> Result<StatusCode> {
    chats.remove_participant(caller.user_id, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_role(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path((id, user)): Path<(ChatId, UserId)>,
    Json(req): Json<UpdateParticipantRequest>,
) -> Result<StatusCode> {
    chats.set_role(caller.user_id, id, user, req.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn leave(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
) -> Result<StatusCode> {
    chats.leave(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn transfer(
    State(chats): State<ChatService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<TransferOwnershipRequest>,
) -> Result<StatusCode> {
    chats.transfer(caller.user_id, id, req.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<ChatId>,
    Json(req): Json<MarkReadRequest>,
) -> Result<StatusCode> {
    messages.mark_read(caller.user_id, id, req.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}
