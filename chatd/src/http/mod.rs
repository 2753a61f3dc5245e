//! The REST API: one router per resource, merged here, with the shared layers applied once.

mod admin;
mod attachments;
mod auth;
mod avatars;
mod chats;
mod contacts;
pub mod context;
mod email;
mod error;
pub mod extract;
mod groups;
mod health;
mod links;
pub mod listener;
mod messages;
mod notifications;
pub mod openapi;
mod search;
mod slots;
mod sync;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::Error;
use crate::state::AppState;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(email::router())
        .merge(admin::router())
        .merge(chats::router())
        .merge(search::router())
        .merge(messages::router())
        .merge(attachments::router(
            state
                .config
                .attachments
                .max_bytes
                .max(state.config.attachments.max_file_bytes),
        ))
        .merge(avatars::router(state.config.attachments.max_bytes))
        .merge(groups::router(state.config.attachments.max_bytes))
        .merge(sync::router())
        .merge(contacts::router())
        .merge(notifications::router())
        .merge(links::router())
        .merge(crate::ws::router())
        .merge(openapi::router(state.config.http.public_url.as_deref()))
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(DefaultBodyLimit::max(common::limits::JSON_BODY_MAX_BYTES))
        .layer(CatchPanicLayer::custom(error::panic_response));
    context::with_request_layers(routes, &state).with_state(state)
}

async fn unknown_route(method: Method, uri: Uri) -> Error {
    tracing::debug!(%method, %uri, "no such route");
    Error::NotFound("no such route")
}
