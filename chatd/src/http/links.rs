//! `/api/links/resolve`, `/api/chats/{id}/link`, `/api/messages/{id}/link`: deep links.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::routing::get;
use common::api::ResolvedLink;
use common::{ChatId, ErrorResponse, MessageId};
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;
use crate::links::LinkService;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/links/resolve", get(resolve))
        .route("/api/chats/{id}/link", get(chat_link))
        .route("/api/messages/{id}/link", get(message_link))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ResolveParams {
    url: String,
}

/// The `Host` the request came to, for links when `http.public_url` is unset.
pub(super) fn request_host(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
}

#[utoipa::path(get, path = "/api/links/resolve", tag = "links", security(("bearer" = [])),
    params(ResolveParams),
    responses((status = 200, description = "What the link names", body = ResolvedLink),
        (status = 404, description = "NOT_FOUND: nothing the caller may see", body = ErrorResponse)))]
async fn resolve(
    State(links): State<LinkService>,
    caller: AuthUser,
    headers: HeaderMap,
    Query(params): Query<ResolveParams>,
) -> Result<axum::Json<ResolvedLink>> {
    Ok(axum::Json(
        links
            .resolve(caller.user_id, &params.url, request_host(&headers))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/chats/{id}/link", tag = "links", security(("bearer" = [])),
    params(("id" = ChatId, Path, description = "The chat")),
    responses((status = 200, description = "The chat's link", body = ResolvedLink), (status = 404, description = "NOT_FOUND: no such chat, or the caller is not a member", body = ErrorResponse)))]
async fn chat_link(
    State(links): State<LinkService>,
    caller: AuthUser,
    headers: HeaderMap,
    Path(chat): Path<ChatId>,
) -> Result<axum::Json<ResolvedLink>> {
    Ok(axum::Json(
        links
            .chat_link(caller.user_id, chat, request_host(&headers))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/messages/{id}/link", tag = "links", security(("bearer" = [])),
    params(("id" = MessageId, Path, description = "The message")),
    responses((status = 200, description = "The message's link", body = ResolvedLink),
        (status = 404, description = "NOT_FOUND: no such message, or the caller is not a member of its chat", body = ErrorResponse)))]
async fn message_link(
    State(links): State<LinkService>,
    caller: AuthUser,
    headers: HeaderMap,
    Path(message): Path<MessageId>,
) -> Result<axum::Json<ResolvedLink>> {
    Ok(axum::Json(
        links
            .message_link(caller.user_id, message, request_host(&headers))
            .await?,
    ))
}
