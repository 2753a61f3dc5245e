//! `/api/admin/*`: server administration over REST (invites). The rest is `chatctl`'s.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use common::ErrorResponse;
use common::api::{CreateInviteRequest, InviteResponse};

use super::extract::Json;
use crate::auth::AuthService;
use crate::auth::{AuthUser, ClientInfo};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/admin/invites", post(create_invite))
}

#[utoipa::path(post, path = "/api/admin/invites", tag = "admin", security(("bearer" = [])),
    request_body = CreateInviteRequest,
    responses(
        (status = 201, description = "The invite code, shown once", body = InviteResponse),
        (status = 403, description = "FORBIDDEN: the caller is not an administrator", body = ErrorResponse),
    ))]
async fn create_invite(
    State(auth): State<AuthService>,
    caller: AuthUser,
    client: ClientInfo,
    Json(req): Json<CreateInviteRequest>,
) -> Result<(StatusCode, axum::Json<InviteResponse>)> {
    let invite = auth.create_invite(&caller, &req, &client).await?;
    Ok((StatusCode::CREATED, axum::Json(invite)))
}
