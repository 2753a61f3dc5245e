//! `GET /api/messages/search`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::api::SearchResults;
use common::{ChatId, ErrorResponse, UserId};
use serde::Deserialize;
use time::OffsetDateTime;

use super::extract::Query;
use crate::auth::AuthUser;
use crate::error::Result;
use crate::search::SearchRequest;
use crate::search::SearchService;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/messages/search", get(search))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SearchParams {
    q: String,
    chat_id: Option<ChatId>,
    from: Option<UserId>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    before: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    after: Option<OffsetDateTime>,
    limit: Option<u32>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/messages/search", tag = "messages", security(("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "Matching messages of the caller's chats, best first", body = SearchResults),
        (status = 404, description = "NOT_FOUND: `chatId` names no chat of the caller's", body = ErrorResponse),
    ))]
async fn search(
    State(search): State<SearchService>,
    caller: AuthUser,
    Query(p): Query<SearchParams>,
) -> Result<axum::Json<SearchResults>> {
    let req = SearchRequest {
        q: p.q,
        chat: p.chat_id,
        from: p.from,
        before: p.before,
        after: p.after,
        limit: p.limit,
        cursor: p.cursor,
    };
    Ok(axum::Json(search.search(caller.user_id, req).await?))
}
