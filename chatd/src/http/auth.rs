//! `/api/auth/*`: register, login, refresh, logout, sessions.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use common::SessionId;
use common::api::{
    LoginRequest, RefreshRequest, RegisterRequest, SessionList, TokenResponse, User,
};

use super::extract::{Json, Path};
use crate::auth::AuthService;
use crate::auth::{AuthUser, ClientInfo};
use crate::email::EmailService;
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/sessions", get(sessions))
        .route("/api/auth/sessions/{id}", delete(revoke))
}

/// With an email address (required by `auth.require_verified_email`), the account is
/// created and the verification mail queued.
async fn register(
    State(auth): State<AuthService>,
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<RegisterRequest>,
) -> Result<(StatusCode, axum::Json<User>)> {
    let address = email.registration_email(req.email.as_deref()).await?;
    let user = auth.register(&req, &client).await?;
    if let Some(address) = address {
        email
            .begin_verification(user.id, &user.username, &address)
            .await?;
    }
    Ok((StatusCode::CREATED, axum::Json(user.to_api())))
}

async fn login(
    State(auth): State<AuthService>,
    client: ClientInfo,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(
        auth.login(&req.username, &req.password, &client).await?,
    ))
}

async fn refresh(
    State(auth): State<AuthService>,
    client: ClientInfo,
    Json(req): Json<RefreshRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(auth.refresh(&req.refresh_token, &client).await?))
}

async fn logout(
    State(auth): State<AuthService>,
    user: AuthUser,
    client: ClientInfo,
) -> Result<StatusCode> {
    auth.logout(&user, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sessions(
    State(auth): State<AuthService>,
    user: AuthUser,
) -> Result<axum::Json<SessionList>> {
    Ok(axum::Json(SessionList {
        sessions: auth.sessions(&user).await?,
    }))
}

async fn revoke(
    State(auth): State<AuthService>,
    user: AuthUser,
    client: ClientInfo,
    Path(id): Path<SessionId>,
) -> Result<StatusCode> {
    auth.revoke(&user, id.as_uuid(), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
