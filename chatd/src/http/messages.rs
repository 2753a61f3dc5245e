//! `/api/chats/{id}/messages` and `/api/messages/*`: history, send, edit, delete, reactions.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use common::api::{
    EditMessageRequest, Message, MessagePage, ReactionRequest, SendMessageRequest, SendResult,
};
use common::{ChatId, MessageId};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    limit: Option<u32>,
    before: Option<i64>,
    after: Option<i64>,
    #[serde(default, rename = "includeBlocked")]
    include_blocked: bool,
    around: Option<MessageId>,
}

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

async fn edit(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
    Json(req): Json<EditMessageRequest>,
) -> Result<axum::Json<Message>> {
    Ok(axum::Json(messages.edit(caller.user_id, id, &req).await?))
}

async fn remove(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
) -> Result<StatusCode> {
    messages.delete(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn react(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path(id): Path<MessageId>,
    Json(req): Json<ReactionRequest>,
) -> Result<StatusCode> {
    messages.react(caller.user_id, id, &req.emoji, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unreact(
    State(messages): State<MessageService>,
    caller: AuthUser,
    Path((id, emoji)): Path<(MessageId, String)>,
) -> Result<StatusCode> {
    messages.react(caller.user_id, id, &emoji, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
