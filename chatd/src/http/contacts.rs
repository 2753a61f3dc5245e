//! `/api/contacts/*` and `/api/blocks/*`: contact requests and answers, blocks.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use common::UserId;
use common::api::{BlockList, Contact, ContactList, ContactRequest, PendingContacts};
use uuid::Uuid;

use super::extract::{Json, Path};
use crate::auth::AuthUser;
use crate::contacts::ContactService;
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/contacts", get(list).post(request))
        .route("/api/contacts/pending", get(pending))
        .route("/api/contacts/{id}", axum::routing::delete(remove))
        .route("/api/contacts/{id}/accept", put(accept))
        .route("/api/contacts/{id}/decline", put(decline))
        .route("/api/contacts/{id}/cancel", put(cancel))
        .route("/api/blocks", get(blocks))
        .route("/api/blocks/{user_id}", put(block).delete(unblock))
}

async fn list(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<ContactList>> {
    Ok(axum::Json(contacts.list(caller.user_id).await?))
}

async fn pending(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<PendingContacts>> {
    Ok(axum::Json(contacts.pending(caller.user_id).await?))
}

/// 201 with a new request; 200 with the caller's existing request, or with the contact
/// when the other user had asked first (accepted by this).
async fn request(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Json(req): Json<ContactRequest>,
) -> Result<(StatusCode, axum::Json<Contact>)> {
    let (contact, created) = contacts.request(caller.user_id, &req).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(contact)))
}

async fn accept(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<axum::Json<Contact>> {
    Ok(axum::Json(contacts.accept(caller.user_id, id).await?))
}

async fn decline(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.decline(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn cancel(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.cancel(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.remove(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn blocks(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<BlockList>> {
    Ok(axum::Json(contacts.blocks(caller.user_id).await?))
}

async fn block(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(user): Path<UserId>,
) -> Result<StatusCode> {
    contacts.block(caller.user_id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unblock(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(user): Path<UserId>,
) -> Result<StatusCode> {
    contacts.unblock(caller.user_id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
