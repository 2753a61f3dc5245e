//! `/api/contacts/*` and `/api/blocks/*`: contact requests and answers, blocks.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use common::api::{BlockList, Contact, ContactList, ContactRequest, PendingContacts};
use common::{ErrorResponse, UserId};
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

#[utoipa::path(get, path = "/api/contacts", tag = "contacts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's contacts", body = ContactList)))]
async fn list(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<ContactList>> {
    Ok(axum::Json(contacts.list(caller.user_id).await?))
}

#[utoipa::path(get, path = "/api/contacts/pending", tag = "contacts", security(("bearer" = [])),
    responses((status = 200, description = "Requests to and from the caller", body = PendingContacts)))]
async fn pending(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<PendingContacts>> {
    Ok(axum::Json(contacts.pending(caller.user_id).await?))
}

/// 201 with a new request; 200 with the caller's existing request, or with the contact
/// when the other user had asked first (accepted by this).
#[utoipa::path(post, path = "/api/contacts", tag = "contacts", security(("bearer" = [])),
    request_body = ContactRequest,
    responses(
        (status = 201, description = "A new request", body = Contact),
        (status = 200, description = "The caller's existing request, or the contact when the other user had asked first", body = Contact),
        (status = 403, description = "BLOCKED: a block separates the two users; FORBIDDEN: the user does not accept contact requests", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such user", body = ErrorResponse),
        (status = 409, description = "CONFLICT: already contacts", body = ErrorResponse),
    ))]
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

#[utoipa::path(put, path = "/api/contacts/{id}/accept", tag = "contacts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The contact request or contact")),
    responses((status = 200, description = "The contact", body = Contact), (status = 403, description = "FORBIDDEN: only the addressee can accept a request", body = ErrorResponse), (status = 404, description = "NOT_FOUND: no such request or contact of the caller's", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the request is not in a state that allows it", body = ErrorResponse),
    ))]
async fn accept(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<axum::Json<Contact>> {
    Ok(axum::Json(contacts.accept(caller.user_id, id).await?))
}

#[utoipa::path(put, path = "/api/contacts/{id}/decline", tag = "contacts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The contact request or contact")),
    responses((status = 204, description = "The request is declined"), (status = 404, description = "NOT_FOUND: no such request or contact of the caller's", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the request is not in a state that allows it", body = ErrorResponse),
    ))]
async fn decline(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.decline(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/contacts/{id}/cancel", tag = "contacts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The contact request or contact")),
    responses((status = 204, description = "The request is cancelled"), (status = 404, description = "NOT_FOUND: no such request or contact of the caller's", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the request is not in a state that allows it", body = ErrorResponse),
    ))]
async fn cancel(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.cancel(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/contacts/{id}", tag = "contacts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The contact request or contact")),
    responses((status = 204, description = "The contact or request is gone"), (status = 404, description = "NOT_FOUND: no such request or contact of the caller's", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the request is not in a state that allows it", body = ErrorResponse),
    ))]
async fn remove(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    contacts.remove(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/blocks", tag = "contacts", security(("bearer" = [])),
    responses((status = 200, description = "The users the caller blocked", body = BlockList)))]
async fn blocks(
    State(contacts): State<ContactService>,
    caller: AuthUser,
) -> Result<axum::Json<BlockList>> {
    Ok(axum::Json(contacts.blocks(caller.user_id).await?))
}

#[utoipa::path(put, path = "/api/blocks/{user_id}", tag = "contacts", security(("bearer" = [])),
    params(("user_id" = UserId, Path, description = "The user")),
    responses((status = 204, description = "The user is blocked"), (status = 404, description = "NOT_FOUND: no such user", body = ErrorResponse)))]
async fn block(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(user): Path<UserId>,
) -> Result<StatusCode> {
    contacts.block(caller.user_id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/blocks/{user_id}", tag = "contacts", security(("bearer" = [])),
    params(("user_id" = UserId, Path, description = "The user")),
    responses((status = 204, description = "The user is not blocked"), (status = 404, description = "NOT_FOUND: no such user", body = ErrorResponse)))]
async fn unblock(
    State(contacts): State<ContactService>,
    caller: AuthUser,
    Path(user): Path<UserId>,
) -> Result<StatusCode> {
    contacts.unblock(caller.user_id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
