//! `/api/chats/{id}/messages` and `/api/messages/*`: history, send, edit, delete, reactions.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use common::api::{
    EditMessageRequest, Message, MessagePage, ReactionRequest, SendMessageRequest, SendResult,
};
use common::{ChatId, ErrorResponse, MessageId};
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;
use crate::messages::MessageService;
use crate::messages::PageQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/chats/{id}/messages", get(page).post(send))
        .route("/api/messages/{id}", put(edit).delete(remove))
        .route("/api/messages/{id}/reactions", post(react))
        .route("/api/messages/{id}/reactions/{emoji}", delete(unreact))
}

/// Which page: the latest by default; `before`, `after` or `around` one point.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PageParams {
    limit: Option<u32>,
    before: Option<i64>,
    after: Option<i64>,
    #[serde(default, rename = "includeBlocked")]
    include_blocked: bool,
    around: Option<MessageId>,
}

#[utoipa::path(get, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat"), PageParams),
    responses((status = 200, description = "A page of history, oldest first", body = MessagePage), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn page(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<MessagePage>> {
    let query = PageQuery {
        limit: params.limit,
        before: params.before,
        after: params.after,
        around: params.around,
        include_blocked: params.include_blocked,
    };
    Ok(axum::Json(
        messages.page(caller.user_id, chat, query).await?,
    ))
}

#[utoipa::path(post, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")), request_body = SendMessageRequest,
    responses(
        (status = 201, description = "The message is stored", body = SendResult),
        (status = 200, description = "A resend of a stored `clientId`: the first result", body = SendResult),
        (status = 403, description = "BLOCKED: a block separates the two members of this direct chat", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the `clientId` was used in another chat", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many sends", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until a send is allowed"))),
    ))]
async fn send(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(chat): Path<ChatId>,
    Json(req): Json<SendMessageRequest>,
) -> Result<(StatusCode, axum::Json<SendResult>)> {
    let result = messages.send(caller.user_id, chat, req).await?;
    let status = if result.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, axum::Json(result)))
}

#[utoipa::path(put, path = "/api/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = MessageId, Path, description = "The message")), request_body = EditMessageRequest,
    responses(
        (status = 200, description = "The edited message", body = Message),
        (status = 403, description = "FORBIDDEN: not the caller's message", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such message, or the caller is not a member of its chat", body = ErrorResponse),
    ))]
async fn edit(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
    Json(req): Json<EditMessageRequest>,
) -> Result<axum::Json<Message>> {
    Ok(axum::Json(messages.edit(caller.user_id, id, &req).await?))
}

#[utoipa::path(delete, path = "/api/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = MessageId, Path, description = "The message")),
    responses(
        (status = 204, description = "The message is deleted"),
        (status = 403, description = "FORBIDDEN: not the caller's message, and the caller is no group admin", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such message, or the caller is not a member of its chat", body = ErrorResponse),
    ))]
async fn remove(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
) -> Result<StatusCode> {
    messages.delete(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/messages/{id}/reactions", tag = "messages", security(("bearer" = [])),
    params(("id" = MessageId, Path, description = "The message")), request_body = ReactionRequest,
    responses((status = 204, description = "The caller reacted with the emoji"), (status = 404, description = "NOT_FOUND: no such message, or the caller is not a member of its chat", body = ErrorResponse)))]
async fn react(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
    Json(req): Json<ReactionRequest>,
) -> Result<StatusCode> {
    messages.react(caller.user_id, id, &req.emoji, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/messages/{id}/reactions/{emoji}", tag = "messages", security(("bearer" = [])),
    params(("id" = MessageId, Path, description = "The message"), ("emoji" = String, Path, description = "The emoji, percent-encoded")),
    responses((status = 204, description = "The caller's reaction is gone"), (status = 404, description = "NOT_FOUND: no such message, or the caller is not a member of its chat", body = ErrorResponse)))]
async fn unreact(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path((id, emoji)): Path<(MessageId, String)>,
) -> Result<StatusCode> {
    messages.react(caller.user_id, id, &emoji, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
