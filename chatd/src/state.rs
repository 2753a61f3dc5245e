//! `AppState`: what the edges (REST handlers and WebSocket sessions) reach. It holds
//! services, never the raw store, Redis or hub; handlers take the one service they need as
//! a sub-state (`State<MessageService>`, through axum's `FromRef`).
//!
//! The services live once, behind one `Arc`: axum clones the state for every request and
//! every WebSocket keeps it for its life, so a clone must cost one reference count, not a
//! copy of every service handle (which was about 2 KiB of each socket's memory).

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

/// What every handler can reach: a shared [`Services`]; a clone is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    /// The state of a node whose services are built.
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The sub-states handlers take (`State<ChatService>`): a clone of that one service.
macro_rules! sub_states {
    ($($field:ident: $service:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $service {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })*
    };
}

sub_states!(
    config: Arc<Config>,
    health: Health,
    auth: AuthService,
    users: UserService,
    privacy: PrivacyService,
    email: EmailService,
    chats: ChatService,
    messages: MessageService,
    sync: SyncService,
    presence: Presence,
    contacts: ContactService,
    notifications: NotificationService,
    push: PushService,
    links: LinkService,
    media: MediaService,
    search: SearchService,
    metrics: Metrics,
);

/// The node's services: every field is a handle of its own.
pub struct Services {
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

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
