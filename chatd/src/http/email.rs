//! `/api/users/me/email*` and `/api/auth/password-reset*`: the caller's address and its
//! verification (and its mail sent again), the missed-message mail setting, password reset
//! by mail.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use common::ErrorResponse;
use common::api::{
    EmailSettingsRequest, EmailStatus, PasswordResetAccepted, PasswordResetConfirm,
    PasswordResetRequest, ResendVerificationRequest, SetEmailRequest, VerifyEmailRequest,
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
        .route("/api/users/me/email/resend", post(resend_own))
        .route("/api/users/me/email/settings", put(settings))
        .route("/api/auth/password-reset", post(request_reset))
        .route("/api/auth/password-reset/confirm", post(confirm_reset))
        .route("/api/auth/verify-email/resend", post(resend_for_login))
}

#[utoipa::path(get, path = "/api/users/me/email", tag = "email", security(("bearer" = [])),
    responses((status = 200, description = "The caller's address, whether verified, and the digest setting", body = EmailStatus),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse)))]
async fn status(
    State(email): State<EmailService>,
    caller: AuthUser,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.status(&caller).await?))
}

#[utoipa::path(put, path = "/api/users/me/email", tag = "email", security(("bearer" = [])),
    request_body = SetEmailRequest,
    responses((status = 200, description = "Stored unverified; a verification mail is queued", body = EmailStatus),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse),
        (status = 409, description = "CONFLICT: another account has verified this address", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many verification mails", body = ErrorResponse)))]
async fn set_email(
    State(email): State<EmailService>,
    caller: AuthUser,
    Json(req): Json<SetEmailRequest>,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.set_email(&caller, &req).await?))
}

#[utoipa::path(post, path = "/api/users/me/email/verify", tag = "email",
    request_body = VerifyEmailRequest,
    responses((status = 200, description = "The address is verified", body = EmailStatus),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse)))]
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

#[utoipa::path(get, path = "/api/users/me/email/verify", tag = "email",
    params(("token" = String, Query, description = "The code from the verification mail")),
    responses((status = 200, description = "The address is verified (a line of plain text)", content_type = "text/plain", body = String),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse)))]
/// The link of the verification mail, opened in a browser: a line of plain text.
async fn verify_link(
    State(email): State<EmailService>,
    Query(params): Query<VerifyParams>,
) -> Result<&'static str> {
    email.verify(&params.token).await?;
    Ok("Your email address is verified. You can close this page.\n")
}

#[utoipa::path(post, path = "/api/users/me/email/resend", tag = "email", security(("bearer" = [])),
    responses((status = 204, description = "A new verification mail is queued; the earlier codes no longer work"),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the caller has no unverified address", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many verification mails for this account", body = ErrorResponse)))]
async fn resend_own(State(email): State<EmailService>, caller: AuthUser) -> Result<StatusCode> {
    email.resend_own(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/auth/verify-email/resend", tag = "email",
    request_body = ResendVerificationRequest,
    responses((status = 202, description = "Accepted, whether or not the account exists", body = PasswordResetAccepted),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many requests from this address", body = ErrorResponse)))]
/// For a user who cannot log in before verifying (`auth.require_verified_email`).
async fn resend_for_login(
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<ResendVerificationRequest>,
) -> Result<(StatusCode, axum::Json<PasswordResetAccepted>)> {
    let accepted = email.resend_for_login(&req.login, &client).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)))
}

#[utoipa::path(put, path = "/api/users/me/email/settings", tag = "email", security(("bearer" = [])),
    request_body = EmailSettingsRequest,
    responses((status = 200, description = "The digest setting as it is now", body = EmailStatus),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse)))]
async fn settings(
    State(email): State<EmailService>,
    caller: AuthUser,
    Json(req): Json<EmailSettingsRequest>,
) -> Result<axum::Json<EmailStatus>> {
    Ok(axum::Json(email.set_digest(&caller, req.digest).await?))
}

#[utoipa::path(post, path = "/api/auth/password-reset", tag = "email",
    request_body = PasswordResetRequest,
    responses((status = 202, description = "Accepted, whether or not the account exists", body = PasswordResetAccepted),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many requests from this address", body = ErrorResponse)))]
async fn request_reset(
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<PasswordResetRequest>,
) -> Result<(StatusCode, axum::Json<PasswordResetAccepted>)> {
    let accepted = email.request_reset(&req.login, &client).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)))
}

#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "email",
    request_body = PasswordResetConfirm,
    responses((status = 204, description = "The password is set; every session of the account ended"),
        (status = 403, description = "FORBIDDEN: email is not enabled on this server", body = ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many attempts", body = ErrorResponse)))]
async fn confirm_reset(
    State(email): State<EmailService>,
    client: ClientInfo,
    Json(req): Json<PasswordResetConfirm>,
) -> Result<StatusCode> {
    email.confirm_reset(&req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
