//! `/api/users/*`: profiles and user search.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use common::UserId;
use common::api::{
    ChangePasswordRequest, DeleteAccountRequest, Me, Page, PresenceList, PresenceRequest, Privacy,
    UpdatePrivacyRequest, UpdateProfileRequest, User,
};
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use crate::auth::{AuthService, AuthUser, ClientInfo};
use crate::error::Result;
use crate::privacy::PrivacyService;
use crate::realtime::Presence;
use crate::state::AppState;
use crate::users::UserService;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users/me", get(me).put(update_me).delete(delete_me))
        .route("/api/users/me/password", put(change_password))
        .route("/api/users/me/privacy", get(privacy).put(update_privacy))
        .route("/api/users/search", get(search))
        .route("/api/users/{id}", get(user))
        .route("/api/presence", axum::routing::post(presence))
}

#[utoipa::path(get, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = Me)))]
async fn me(State(users): State<UserService>, caller: AuthUser) -> Result<axum::Json<Me>> {
    Ok(axum::Json(users.me(&caller).await?))
}

#[utoipa::path(put, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses((status = 200, description = "The updated account", body = Me)))]
async fn update_me(
    State(users): State<UserService>,
    caller: AuthUser,
    Json(req): Json<UpdateProfileRequest>,
) -> Result<axum::Json<Me>> {
    Ok(axum::Json(users.update_me(&caller, &req).await?))
}

#[utoipa::path(put, path = "/api/users/me/password", tag = "users", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed; every other session of the account ended")))]
async fn change_password(
    State(auth): State<AuthService>,
    caller: AuthUser,
    client: ClientInfo,
    Json(req): Json<ChangePasswordRequest>,
) -> Result<StatusCode> {
    auth.change_password(&caller, &req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses((status = 204, description = "The account is deleted")))]
async fn delete_me(
    State(auth): State<AuthService>,
    caller: AuthUser,
    client: ClientInfo,
    Json(req): Json<DeleteAccountRequest>,
) -> Result<StatusCode> {
    auth.delete_account(&caller, &req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/users/me/privacy", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The caller's privacy settings", body = Privacy)))]
async fn privacy(
    State(privacy): State<PrivacyService>,
    caller: AuthUser,
) -> Result<axum::Json<Privacy>> {
    Ok(axum::Json(privacy.get(caller.user_id).await?))
}

#[utoipa::path(put, path = "/api/users/me/privacy", tag = "users", security(("bearer" = [])),
    request_body = UpdatePrivacyRequest,
    responses((status = 200, description = "The privacy settings as they are now", body = Privacy)))]
async fn update_privacy(
    State(privacy): State<PrivacyService>,
    caller: AuthUser,
    Json(req): Json<UpdatePrivacyRequest>,
) -> Result<axum::Json<Privacy>> {
    Ok(axum::Json(privacy.update(caller.user_id, &req).await?))
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The user")),
    responses((status = 200, description = "The user's profile", body = User)))]
async fn user(
    State(users): State<UserService>,
    _caller: AuthUser,
    Path(id): Path<UserId>,
) -> Result<axum::Json<User>> {
    Ok(axum::Json(users.get(id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    q: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/users/search", tag = "users", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, description = "Matching users, by username", body = Page<User>)))]
async fn search(
    State(users): State<UserService>,
    caller: AuthUser,
    Query(params): Query<SearchParams>,
) -> Result<axum::Json<Page<User>>> {
    Ok(axum::Json(
        users
            .search(
                caller.user_id,
                &params.q,
                params.limit,
                params.cursor.as_deref(),
            )
            .await?,
    ))
}

/// The presence of users the caller may see (see [`Presence::snapshot`]).
#[utoipa::path(post, path = "/api/presence", tag = "users", security(("bearer" = [])),
    request_body = PresenceRequest,
    responses((status = 200, description = "The presence of the users the caller may see", body = PresenceList)))]
async fn presence(
    State(presence): State<Presence>,
    caller: AuthUser,
    Json(req): Json<PresenceRequest>,
) -> Result<axum::Json<PresenceList>> {
    Ok(axum::Json(PresenceList {
        users: presence.snapshot(caller.user_id, &req.user_ids).await?,
    }))
}
