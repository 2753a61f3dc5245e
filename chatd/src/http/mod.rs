//! The REST API: one router per resource, merged here, with the shared layers applied once.

mod admin;
mod attachments;
mod auth;
mod chats;
mod contacts;
pub mod context;
mod error;
pub mod extract;
mod health;
mod links;
pub mod listener;
mod messages;
mod notifications;
mod search;
mod slots;
mod sync;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use redis::aio::ConnectionManager;
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::AuthService;
use crate::chats::ChatService;
use crate::config::Config;
use crate::error::Error;
use crate::fanout::Registry;
use crate::hub::Hub;
use crate::media::MediaService;
use crate::messages::MessageService;
use crate::realtime::{DeliveredTracker, Presence, Typing};
use crate::search::SearchService;
use crate::social::{ContactService, LinkService, NotificationService, PushService};
use crate::store::Store;
use crate::sync::SyncService;
use crate::users::UserService;

/// What every handler can reach. Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// PostgreSQL.
    pub store: Store,
    /// Redis, when configured.
    pub redis: Option<ConnectionManager>,
    /// Accounts and sessions.
    pub auth: AuthService,
    /// Profiles.
    pub users: UserService,
    /// Chats and groups.
    pub chats: ChatService,
    /// Messages.
    pub messages: MessageService,
    /// Resync.
    pub sync: SyncService,
    /// This node's live connections.
    pub registry: Arc<Registry>,
    /// Presence.
    pub presence: Presence,
    /// Typing indicators.
    pub typing: Typing,
    /// Delivered receipts.
    pub delivered: DeliveredTracker,
    /// Publishing to connections.
    pub hub: Hub,
    /// Contacts and blocks.
    pub contacts: ContactService,
    /// Notifications, mutes, do-not-disturb.
    pub notifications: NotificationService,
    /// Push devices.
    pub push: PushService,
    /// Deep links.
    pub links: LinkService,
    /// Image attachments.
    pub media: MediaService,
    /// Full-text search.
    pub search: SearchService,
    /// Prometheus metrics.
    pub metrics: crate::metrics::Metrics,
    /// The owner of background work; WebSocket sessions hold a token of its tracker so
    /// that the shutdown waits for their close frames.
    pub tasks: crate::tasks::Tasks,
    /// Client frames being answered: the shutdown waits for them (their acks) before it
    /// closes the sockets.
    pub frames: tokio_util::task::TaskTracker,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(admin::router())
        .merge(chats::router())
        .merge(search::router())
        .merge(messages::router())
        .merge(attachments::router(state.config.attachments.max_bytes))
        .merge(sync::router())
        .merge(contacts::router())
        .merge(notifications::router())
        .merge(links::router())
        .merge(crate::ws::router())
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
