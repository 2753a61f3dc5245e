//! `/api/admin/*`: server administration over REST (invites). The rest is `chatctl`'s.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use common::api::{CreateInviteRequest, InviteResponse};

use super::extract::Json;
use crate::auth::AuthService;
use crate::auth::{AuthUser, ClientInfo};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/admin/invites", post(create_invite))
}

async fn create_invite(
    State(auth): State<AuthService>,
    caller: AuthUser,
    client: ClientInfo,
    Json(req): Json<CreateInviteRequest>,
) -> Result<(StatusCode, axum::Json<InviteResponse>)> {
    let invite = auth.create_invite(&caller, &req, &client).await?;
    Ok((StatusCode::CREATED, axum::Json(invite)))
}
