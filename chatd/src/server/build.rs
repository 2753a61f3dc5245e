//! Building a server: PostgreSQL (migrated) and Redis, the fan-out, and every service wired
//! to the services and rules it calls.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use redis::aio::ConnectionManager;
use sqlx::postgres::PgConnectOptions;

use super::Server;
use crate::accounts::AccountService;
use crate::auth::{AuthService, PasswordHasher, TokenKeys, load_or_create_secret};
use crate::blocks::Blocks;
use crate::chats::{ChatPolicy, ChatService};
use crate::config::{Config, Secret};
use crate::contacts::ContactService;
use crate::email::EmailService;
use crate::fanout::{LocalBus, RedisBus, Registry, SharedBus};
use crate::health::Health;
use crate::hub::Hub;
use crate::links::LinkService;
use crate::media::{BlobStore, MediaService};
use crate::messages::MessageService;
use crate::metrics::Metrics;
use crate::notifications::{NotificationService, Notifier};
use crate::privacy::PrivacyService;
use crate::push::PushService;
use crate::ratelimit::{Counters, SendLimit};
use crate::realtime::{DeliveredTracker, Presence, Typing};
use crate::retention::RetentionService;
use crate::search::{Indexer, SearchService};
use crate::state::{AppState, Services};
use crate::store::Store;
use crate::sync::SyncService;
use crate::tasks::Tasks;
use crate::users::UserService;

impl Server {
    /// Connects to PostgreSQL at `database` and Redis (if configured), applies migrations,
    /// and builds the services.
    pub async fn build(config: Config, database: PgConnectOptions) -> anyhow::Result<Self> {
        let store = connect_store(&config, database).await?;
        let redis = connect_redis(&config).await?;
        let tasks = Tasks::new();
        let bus_tasks = tasks.child();
        let registry = Registry::new();
        registry
            .blocks()
            .replace(&store.all_blocks().await.context("loading blocks")?);
        let blocks = Blocks::new(store.clone(), registry.blocks());
        let hub = Hub::new(bus(&config, &registry, &store, &bus_tasks)?);
        let auth = auth_service(&config, &store, redis.clone(), &hub)?;
        start_connection_upkeep(&config, &store, &registry, &auth, &tasks);
        let presence = Presence::start(
            store.clone(),
            hub.clone(),
            blocks.clone(),
            redis
                .clone()
                .map(|conn| (conn, config.redis.key_prefix.clone())),
            &tasks,
        );
        let public_url = config.http.public_url.as_deref();
        let push = PushService::new(
            store.clone(),
            presence.clone(),
            config.push.clone(),
            public_url,
        )?;
        let email = email_service(&config, &store, &hub, &auth, &presence, &tasks)?;
        let notifications =
            NotificationService::new(store.clone(), hub.clone(), push.clone(), blocks.clone());
        let notifier = Notifier::start(notifications.clone(), &tasks);
        let contacts = ContactService::new(
            store.clone(),
            hub.clone(),
            blocks.clone(),
            notifications.clone(),
            &config.contacts,
        );
        let links = LinkService::new(store.clone(), public_url);
        let (media, retention) = storage_upkeep(&config, &store, &hub, &tasks)?;
        let indexer = start_upkeep(&store, &config, &tasks);
        let typing = Typing::start(hub.clone(), registry.clone(), &tasks);
        let messages = MessageService::new(
            store.clone(),
            hub.clone(),
            send_limit(&config, redis.as_ref(), &tasks),
            tasks.child(),
        )
        .with_rules(blocks.clone(), notifier.clone(), typing.clone())
        .with_max_attachments(config.attachments.max_per_message);
        let messages = send_to_chat_owners(messages, &config, redis.as_ref())?;
        let metrics = Metrics::new(
            store.clone(),
            registry.clone(),
            messages.send_metrics(),
            registry.deliveries(),
            tasks.restarts(),
            email.mail_metrics(),
        )
        .with_limits_and_redis(config.ws.max_connections, redis.clone())
        .with_retention(retention.metrics());
        let chats = ChatService::new(store.clone(), hub.clone()).with_policy(ChatPolicy {
            blocks: blocks.clone(),
            direct_requires_contact: config.contacts.direct_chats_require_contact,
            notifier,
        });
        let state = AppState::new(Services {
            search: SearchService::new(store.clone(), indexer),
            media: media.with_gauges(metrics.decode_gauges()),
            retention,
            users: UserService::new(store.clone()),
            privacy: PrivacyService::new(store.clone(), hub.clone(), presence.clone()),
            email,
            chats,
            messages,
            metrics,
            sync: SyncService::new(store.clone()).with_blocks(blocks),
            contacts,
            links,
            notifications,
            push,
            typing,
            delivered: DeliveredTracker::start(store.clone(), hub, &tasks),
            presence,
            registry,
            ws_slots: Arc::new(tokio::sync::Semaphore::new(config.ws.max_connections)),
            config: Arc::new(config),
            health: Health::new(store.clone(), redis),
            auth,
            tasks,
            frames: tokio_util::task::TaskTracker::new(),
        });
        Ok(Self {
            state,
            store,
            bus_tasks,
        })
    }
}

/// Starts the loops that keep stored data in shape (the hourly pruning of user events, the
/// search indexer); returns the indexer, which searches also drive.
/// The tasks that keep this node's sockets right: in-order release of chat events, operator
/// notices (disabled accounts, revoked sessions) and the batched session recheck.
fn start_connection_upkeep(
    config: &Config,
    store: &Store,
    registry: &Arc<Registry>,
    auth: &AuthService,
    tasks: &Tasks,
) {
    registry.start_ordering(Duration::from_millis(config.ws.reorder_window_ms), tasks);
    crate::fanout::notices::start_listener(store.clone(), registry.clone(), tasks);
    crate::ws::recheck::start(
        auth.clone(),
        registry.clone(),
        Duration::from_secs(config.ws.session_recheck_secs),
        tasks,
    );
}

/// The per-user send rate, shared by every node through Redis when it is configured.
fn send_limit(config: &Config, redis: Option<&ConnectionManager>, tasks: &Tasks) -> SendLimit {
    let limit = SendLimit::new(
        config.limits.messages_per_sec,
        config.limits.messages_burst,
        redis.map(|conn| (conn.clone(), config.redis.key_prefix.clone())),
    );
    limit.start_pruning(tasks);
    limit
}

/// Attachments and the retention job, which share the blob store; their background loops
/// (the cleanup of unattached uploads, the pruning passes) started.
fn storage_upkeep(
    config: &Config,
    store: &Store,
    hub: &Hub,
    tasks: &Tasks,
) -> anyhow::Result<(MediaService, RetentionService)> {
    let blobs = BlobStore::from_config(&config.attachments, &config.data_dir)?;
    let media = MediaService::new(store.clone(), blobs.clone(), config.attachments.clone());
    media.start_cleanup(tasks);
    let retention =
        RetentionService::new(store.clone(), hub.clone(), blobs, config.retention.clone());
    retention.start(tasks);
    Ok((media, retention))
}

fn start_upkeep(store: &Store, config: &Config, tasks: &Tasks) -> Indexer {
    crate::user_events::start_pruning(store.clone(), config.sync.user_events_retention_days, tasks);
    let indexer = Indexer::new(store.clone());
    indexer.start(
        Duration::from_millis(config.search.index_interval_ms),
        tasks,
    );
    indexer
}

/// Email (its sender and digest tasks started when mail is on).
fn email_service(
    config: &Config,
    store: &Store,
    hub: &Hub,
    auth: &AuthService,
    presence: &Presence,
    tasks: &Tasks,
) -> anyhow::Result<EmailService> {
    let email = EmailService::start(
        store.clone(),
        hub.clone(),
        auth.clone(),
        &config.email,
        &config.auth,
        config.http.public_url.as_deref(),
        tasks,
    )?;
    email.start_digests(presence.clone(), tasks);
    Ok(email)
}

/// PostgreSQL, migrated (connections are made lazily).
async fn connect_store(config: &Config, database: PgConnectOptions) -> anyhow::Result<Store> {
    let store = Store::connect_lazy(
        database,
        config.database.max_connections,
        Duration::from_secs(config.database.acquire_timeout_secs),
    );
    store
        .migrate()
        .await
        .context("applying database migrations")?;
    Ok(store)
}

/// Redis, when configured.
async fn connect_redis(config: &Config) -> anyhow::Result<Option<ConnectionManager>> {
    let Some(url) = &config.redis.url else {
        return Ok(None);
    };
    let conn = redis::Client::open(url.expose())
        .context("redis.url")?
        .get_connection_manager_with_config(redis_manager_config())
        .await
        .with_context(|| format!("connecting to Redis at {}", url.redacted()))?;
    Ok(Some(conn))
}

/// Accounts and sessions, with login and registration counters in Redis when configured.
fn auth_service(
    config: &Config,
    store: &Store,
    redis: Option<redis::aio::ConnectionManager>,
    hub: &Hub,
) -> anyhow::Result<AuthService> {
    let counters = redis.map_or_else(Counters::memory, |conn| Counters::Redis {
        conn,
        prefix: config.redis.key_prefix.clone(),
    });
    let secret = load_or_create_secret(
        config.auth.jwt_secret.as_ref().map(Secret::expose),
        &config.data_dir,
    )?;
    let keys = TokenKeys::new(&secret, config.auth.access_token_ttl_secs)?;
    let hasher = PasswordHasher::new(config.auth.max_concurrent_hashes)?;
    Ok(AuthService::new(
        store.clone(),
        AccountService::new(store.clone(), hub.clone(), config.accounts.clone()),
        hub.clone(),
        hasher,
        keys,
        config.auth.clone(),
        config.limits.clone(),
        counters,
    ))
}

/// The fan-out between nodes: Redis when configured (its publisher under `bus_tasks`),
/// else in process.
fn bus(
    config: &Config,
    registry: &Arc<Registry>,
    store: &Store,
    bus_tasks: &Tasks,
) -> anyhow::Result<SharedBus> {
    Ok(match &config.redis.url {
        Some(url) => Arc::new(RedisBus::start(
            redis::Client::open(url.expose()).context("redis.url")?,
            &config.redis.key_prefix,
            registry.clone(),
            store.clone(),
            bus_tasks,
        )),
        None => Arc::new(LocalBus::new(registry.clone())),
    })
}

/// With Redis (and `redis.send_to_chat_owner`), each send is stored by its chat's owner.
fn send_to_chat_owners(
    messages: MessageService,
    config: &Config,
    redis: Option<&ConnectionManager>,
) -> anyhow::Result<MessageService> {
    Ok(match (&config.redis.url, redis) {
        (Some(url), Some(conn)) if config.redis.send_to_chat_owner => messages.with_chat_owners(
            &redis::Client::open(url.expose()).context("redis.url")?,
            conn.clone(),
            &config.redis.key_prefix,
        ),
        _ => messages,
    })
}

/// Redis calls fail fast while Redis is away, so that nothing that merely consults it (rate
/// limits, readiness) hangs; the manager reconnects in the background.
fn redis_manager_config() -> redis::aio::ConnectionManagerConfig {
    redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(1)))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(1))
}
