//! `/api/auth/*`: register, login, refresh, logout, sessions.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use common::api::{
    LoginRequest, RefreshRequest, RegisterRequest, SessionList, TokenResponse, User,
};
use common::{ErrorResponse, SessionId};

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

#[utoipa::path(post, path = "/api/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The new account", body = User),
        (status = 403, description = "FORBIDDEN: registration is closed, or the invite code is not valid", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the username is taken", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many registrations from this address", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until the window resets"))),
    ))]
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

#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A new session's tokens", body = TokenResponse),
        (status = 401, description = "UNAUTHORIZED: invalid username or password", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many failed logins", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until the window resets"))),
    ))]
async fn login(
    State(auth): State<AuthService>,
    client: ClientInfo,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(
        auth.login(&req.username, &req.password, &client).await?,
    ))
}

#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the refresh token given is spent", body = TokenResponse),
        (status = 401, description = "UNAUTHORIZED: unknown, expired or spent refresh token (a spent one revokes its session)", body = ErrorResponse),
    ))]
async fn refresh(
    State(auth): State<AuthService>,
    client: ClientInfo,
    Json(req): Json<RefreshRequest>,
) -> Result<axum::Json<TokenResponse>> {
    Ok(axum::Json(auth.refresh(&req.refresh_token, &client).await?))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "The caller's session ended")))]
async fn logout(
    State(auth): State<AuthService>,
    user: AuthUser,
    client: ClientInfo,
) -> Result<StatusCode> {
    auth.logout(&user, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/auth/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "The caller's active sessions", body = SessionList)))]
async fn sessions(
    State(auth): State<AuthService>,
    user: AuthUser,
) -> Result<axum::Json<SessionList>> {
    Ok(axum::Json(SessionList {
        sessions: auth.sessions(&user).await?,
    }))
}

#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = SessionId, Path, description = "One of the caller's sessions")),
    responses((status = 204, description = "The session ended")))]
async fn revoke(
    State(auth): State<AuthService>,
    user: AuthUser,
    client: ClientInfo,
    Path(id): Path<SessionId>,
) -> Result<StatusCode> {
    auth.revoke(&user, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
