//! `AppState`: what the edges (REST handlers and WebSocket sessions) reach. It holds
//! services, never the raw store, Redis or hub; handlers take the one service they need as
//! a sub-state (`State<MessageService>`, through axum's `FromRef`).

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthService;
use crate::chats::ChatService;
use crate::config::Config;
use crate::contacts::ContactService;
use crate::email::EmailService;
use crate::fanout::Registry;
use crate::health::Health;
use crate::links::LinkService;
use crate::media::MediaService;
use crate::messages::MessageService;
use crate::metrics::Metrics;
use crate::notifications::NotificationService;
use crate::privacy::PrivacyService;
use crate::push::PushService;
use crate::realtime::{DeliveredTracker, Presence, Typing};
use crate::retention::RetentionService;
use crate::search::SearchService;
use crate::sync::SyncService;
use crate::tasks::Tasks;
use crate::users::UserService;

/// What every handler can reach. Cheap to clone: every field is a handle.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// Readiness of PostgreSQL and Redis.
    pub health: Health,
    /// Accounts and sessions.
    pub auth: AuthService,
    /// Profiles.
    pub users: UserService,
    /// Privacy settings.
    pub privacy: PrivacyService,
    /// Email addresses, verification, password reset by mail.
    pub email: EmailService,
    /// Chats and groups.
    pub chats: ChatService,
    /// Messages.
    pub messages: MessageService,
    /// Resync.
    pub sync: SyncService,
    /// This node's live connections: the WebSocket edge registers its sockets here.
    pub registry: Arc<Registry>,
    /// Presence.
    pub presence: Presence,
    /// Typing indicators.
    pub typing: Typing,
    /// Delivered receipts.
    pub delivered: DeliveredTracker,
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
    /// Message retention (its job runs under `tasks`).
    pub retention: RetentionService,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// The owner of background work; WebSocket sessions hold a token of its tracker so
    /// that the shutdown waits for their close frames.
    pub tasks: Tasks,
    /// Client frames being answered: the shutdown waits for them (their acks) before it
    /// closes the sockets.
    pub frames: tokio_util::task::TaskTracker,
    /// One permit per WebSocket this node serves (`ws.max_connections`), taken before the
    /// upgrade and held until the socket ends, so that sockets still authenticating count.
    pub ws_slots: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
