//! `/api/auth/*`: register, login, refresh, logout, sessions.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use common::SessionId;
use common::api::{
    LoginRequest, RefreshRequest, RegisterRequest, SessionList, TokenResponse, User,
};

use super::AppState;
use super::extract::{Json, Path};
use crate::auth::{AuthUser, ClientInfo};
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/sessions", get(sessions))
        .route("/api/auth/sessions/{id}", delete(revoke))
}

async fn register(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(req): Json<RegisterRequest>,
) -> Result<(StatusCode, axum::Json<User>)> {
    let user = state.auth.register(&req, &client).await?;
    Ok((StatusCode::CREATED, axum::Json(user.to_api())))
}

async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(
        state
            .auth
            .login(&req.username, &req.password, &client)
            .await?,
    ))
}

async fn refresh(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(req): Json<RefreshRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(
        state.auth.refresh(&req.refresh_token, &client).await?,
    ))
}

async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
    client: ClientInfo,
) -> Result<StatusCode> {
    state.auth.logout(&user, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sessions(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<axum::Json<SessionList>> {
    Ok(axum::Json(SessionList {
        sessions: state.auth.sessions(&user).await?,
    }))
}

async fn revoke(
    State(state): State<AppState>,
    user: AuthUser,
    client: ClientInfo,
    Path(id): Path<SessionId>,
) -> Result<StatusCode> {
    state.auth.revoke(&user, id.as_uuid(), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
