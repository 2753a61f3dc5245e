//! `/api/users/*`: profiles and user search.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::UserId;
use common::api::{Me, Page, PresenceList, PresenceRequest, UpdateProfileRequest, User};
use common::ws::UserStatus;
use serde::Deserialize;

use super::AppState;
use super::extract::{Json, Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users/me", get(me).put(update_me))
        .route("/api/users/search", get(search))
        .route("/api/users/{id}", get(user))
        .route("/api/presence", axum::routing::post(presence))
}

async fn me(State(state): State<AppState>, caller: AuthUser) -> Result<axum::Json<Me>> {
    Ok(axum::Json(state.users.me(&caller).await?))
}

async fn update_me(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(req): Json<UpdateProfileRequest>,
) -> Result<axum::Json<Me>> {
    Ok(axum::Json(state.users.update_me(&caller, &req).await?))
}

async fn user(
    State(state): State<AppState>,
    _caller: AuthUser,
    Path(id): Path<UserId>,
) -> Result<axum::Json<User>> {
    Ok(axum::Json(state.users.get(id.as_uuid()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    q: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    _caller: AuthUser,
    Query(params): Query<SearchParams>,
) -> Result<axum::Json<Page<User>>> {
    Ok(axum::Json(
        state
            .users
            .search(&params.q, params.limit, params.cursor.as_deref())
            .await?,
    ))
}

/// The presence of users the caller shares a chat with (and the caller's own).
async fn presence(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(req): Json<PresenceRequest>,
) -> Result<axum::Json<PresenceList>> {
    if req.user_ids.len() > 500 {
        return Err(crate::error::Error::field("userIds", "at most 500 users"));
    }
    let mut visible = state.store.contacts_by_chat(caller.user_id).await?;
    // Presence does not pass a block, in either direction.
    let blocks = state.registry.blocks();
    visible.retain(|u| !blocks.blocks(caller.user_id, *u) && !blocks.blocks(*u, caller.user_id));
    visible.push(caller.user_id);
    let mut users = Vec::new();
    for id in req
        .user_ids
        .iter()
        .filter(|id| visible.contains(&id.as_uuid()))
    {
        let (status, last_seen_at) = state.presence.status_of(id.as_uuid()).await;
        users.push(UserStatus {
            user_id: *id,
            status,
            last_seen_at,
        });
    }
    Ok(axum::Json(PresenceList { users }))
}
