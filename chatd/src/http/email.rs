//! `/api/users/me/email*` and `/api/auth/password-reset*`: the caller's address and its
//! verification, the missed-message mail setting, password reset by mail.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use common::api::{
    EmailSettingsRequest, EmailStatus, PasswordResetAccepted, PasswordResetConfirm,
    PasswordResetRequest, SetEmailRequest, VerifyEmailRequest,
};
use serde::Deserialize;

use super::extract::{Json, Query};
use crate::auth::{AuthUser, ClientInfo};
use crate::email::EmailService;
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users/me/email", get(status).put(set_email))
        .route(
            "/api/users/me/email/verify",
            get(verify_link).post(verify_code),
        )
        .route("/api/users/me/email/settings", put(settings))
        .route("/api/auth/password-reset", post(request_reset))
        .route("/api/auth/password-reset/confirm", post(confirm_reset))
}

async fn status(
    State(email): State<EmailService>,
    caller: AuthUser,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.status(&caller).await?))
}

async fn set_email(
    State(email): State<EmailService>,
    caller: AuthUser,
    Json(req): Json<SetEmailRequest>,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.set_email(&caller, &req).await?))
}

/// The code verifies by itself: a user whose login waits for verification has no token.
async fn verify_code(
    State(email): State<EmailService>,
    Json(req): Json<VerifyEmailRequest>,
) -> Result<axum::Json<EmailStatus>> {
    let user = email.verify(&req.token).await?;
    Ok(axum::Json(email.status_of(user).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyParams {
    token: String,
}

/// The link of the verification mail, opened in a browser: a line of plain text.
async fn verify_link(
    State(email): State<EmailService>,
    Query(params): Query<VerifyParams>,
) -> Result<&'static str> {
    email.verify(&params.token).await?;
    Ok("Your email address is verified. You can close this page.\n")
}

async fn settings(
    State(email): State<EmailService>,
    caller: AuthUser,
    Json(req): Json<EmailSettingsRequest>,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.set_digest(&caller, req.digest).await?))
}

async fn request_reset(
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<PasswordResetRequest>,
) -> Result<(StatusCode, axum::Json<PasswordResetAccepted>)> {
    let accepted = email.request_reset(&req.login, &client).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)))
}

async fn confirm_reset(
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<PasswordResetConfirm>,
) -> Result<StatusCode> {
    email.confirm_reset(&req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
