//! Assembling and running the server: database (embedded or external), Redis, services, the
//! HTTP listener, and a graceful shutdown that drains within `http.shutdown_grace_secs`.
//!
//! Every background loop runs under one owner ([`Tasks`]): the root group, with two child
//! groups the shutdown stops first, in order: the writer lanes (stop taking sends, store and
//! publish what they hold), then the Redis publisher (publish what is queued). Only then do
//! sockets get `1001`, the other loops stop, the pool closes and (in `run`) the embedded
//! PostgreSQL stops.

use std::fs::File;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::auth::{AuthService, PasswordHasher, TokenKeys, load_or_create_secret};
use crate::chats::ChatService;
use crate::config::{Config, Secret};
use crate::embedded_pg::{self, EmbeddedOptions, EmbeddedPostgres};
use crate::fanout::{LocalBus, RedisBus, Registry, SharedBus};
use crate::http::{self, AppState};
use crate::hub::Hub;
use crate::media::{BlobStore, MediaService};
use crate::messages::MessageService;
use crate::metrics::Metrics;
use crate::private_fs;
use crate::ratelimit::Counters;
use crate::realtime::{DeliveredTracker, Presence, Typing};
use crate::search::{Indexer, SearchService};
use crate::store::Store;
use crate::sync::SyncService;
use crate::tasks::Tasks;
use crate::users::UserService;

/// A built server, ready to serve.
#[derive(Debug)]
pub struct Server {
    state: AppState,
    /// The fan-out's own tasks (the Redis publisher), stopped after the writer.
    bus_tasks: Tasks,
}

impl Server {
    /// Connects to PostgreSQL at `database` and Redis (if configured), applies migrations,
    /// and builds the services.
    pub async fn build(config: Config, database: PgConnectOptions) -> anyhow::Result<Self> {
        let store = Store::connect_lazy(
            database,
            config.database.max_connections,
            Duration::from_secs(config.database.acquire_timeout_secs),
        );
        store
            .migrate()
            .await
            .context("applying database migrations")?;
        let redis = match &config.redis.url {
            Some(url) => Some(
                redis::Client::open(url.expose())
                    .context("redis.url")?
                    .get_connection_manager_with_config(redis_manager_config())
                    .await
                    .with_context(|| format!("connecting to Redis at {}", url.redacted()))?,
            ),
            None => None,
        };
        let tasks = Tasks::new();
        let bus_tasks = tasks.child();
        let registry = Registry::new();
        let blocks = registry.blocks();
        blocks.replace(&store.all_blocks().await.context("loading blocks")?);
        let hub = Hub::new(bus(&config, &registry, &store, &bus_tasks)?);
        crate::fanout::notices::start_listener(store.clone(), registry.clone(), &tasks);
        let auth = auth_service(&config, &store, redis.clone(), &hub)?;
        let presence = Presence::start(
            store.clone(),
            hub.clone(),
            redis
                .clone()
                .map(|conn| (conn, config.redis.key_prefix.clone())),
            &tasks,
        );
        let social = crate::social::assemble(&store, &hub, &presence, &blocks, &config, &tasks)?;
        let media = MediaService::new(
            store.clone(),
            BlobStore::from_config(&config.attachments, &config.data_dir)?,
            config.attachments.clone(),
        );
        media.start_cleanup(&tasks);
        crate::social::events::start_pruning(
            store.clone(),
            config.sync.user_events_retention_days,
            &tasks,
        );
        let indexer = Indexer::new(store.clone());
        indexer.start(
            Duration::from_millis(config.search.index_interval_ms),
            &tasks,
        );
        let (messages, metrics) = messages_and_metrics(
            &store,
            &hub,
            &registry,
            &config,
            social.hooks.clone(),
            &tasks,
        );
        let state = AppState {
            search: SearchService::new(store.clone(), indexer),
            media: media.with_gauges(metrics.decode_gauges()),
            users: UserService::new(store.clone()),
            chats: ChatService::new(store.clone(), hub.clone()).with_social(social.hooks),
            messages,
            metrics,
            sync: SyncService::new(store.clone()).with_blocks(blocks),
            contacts: social.contacts,
            links: social.links,
            notifications: social.notifications,
            push: social.push,
            typing: Typing::start(hub.clone(), &tasks),
            delivered: DeliveredTracker::start(store.clone(), hub.clone(), &tasks),
            hub,
            presence,
            registry,
            config: Arc::new(config),
            store,
            redis,
            auth,
            tasks,
            frames: tokio_util::task::TaskTracker::new(),
        };
        Ok(Self { state, bus_tasks })
    }

    /// The store, for callers that need the database directly (tests, `chatctl`).
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// The login and registration attempt counters (tests read the table's size).
    pub fn counters(&self) -> &Counters {
        self.state.auth.counters()
    }

    /// `GET /metrics`, for the metrics listener (`[metrics] listen`).
    pub fn metrics_router(&self) -> axum::Router {
        self.state.metrics.router()
    }

    /// The HTTP application.
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then shuts down within
    /// `http.shutdown_grace_secs`: no new connections or sends (sends are answered
    /// `SERVICE_UNAVAILABLE`), the writer stores, answers and publishes what it holds, the
    /// Redis publish queue is flushed, sockets get `1001`, background loops and in-flight
    /// requests end, and the pool closes.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self { state, bus_tasks } = self;
        let grace = Duration::from_secs(state.config.http.shutdown_grace_secs);
        // Background work stops with the server, also when `serve` is dropped or aborted.
        let _stop_tasks = state.tasks.token().clone().drop_guard();
        let stop_accepting = CancellationToken::new();
        let mut http = tokio::spawn(serve_http(
            listener,
            http::router(state.clone()),
            http::listener::Limits::from_config(&state.config.http),
            stop_accepting.clone(),
        ));
        tokio::select! {
            () = shutdown => {}
            served = &mut http => {
                // The listener failed before any shutdown was asked for.
                return served.context("the HTTP server task")?;
            }
        }
        notify_systemd(sd_notify::NotifyState::Stopping);
        info!(
            grace_secs = grace.as_secs(),
            "shutting down: no new connections or sends"
        );
        let deadline = tokio::time::Instant::now() + grace;
        stop_accepting.cancel();
        state.messages.close();
        drain(deadline, "the writer's batches", state.messages.drained()).await;
        state.frames.close();
        drain(deadline, "answers to client frames", state.frames.wait()).await;
        drain(deadline, "the Redis publish queue", bus_tasks.stop()).await;
        // Queued behind everything the sockets were sent: the acks and events above
        // reach clients before the close.
        state
            .registry
            .close_all(common::ws::close::GOING_AWAY, "server shutting down");
        drain(deadline, "background tasks and sockets", state.tasks.stop()).await;
        match tokio::time::timeout_at(deadline, &mut http).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => warn!(error = %e, "the HTTP server ended with an error"),
            Ok(Err(e)) => warn!(error = %e, "the HTTP server task failed"),
            Err(_) => {
                warn!(
                    grace_secs = grace.as_secs(),
                    "in-flight requests cut off after the grace period"
                );
                http.abort();
            }
        }
        state.store.close().await;
        info!("shut down");
        Ok(())
    }
}

/// Serves `app` on `listener` until `stop` is cancelled, then lets in-flight requests finish
/// (the caller bounds how long).
async fn serve_http(
    listener: TcpListener,
    app: axum::Router,
    limits: http::listener::Limits,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    http::listener::serve(listener, app, limits, stop.cancelled_owned())
        .await
        .context("serving HTTP")
}

/// Waits for one step of the shutdown, at most until `deadline`; a step cut off is logged
/// and the next one runs.
async fn drain(deadline: tokio::time::Instant, step: &str, done: impl Future<Output = ()>) {
    if tokio::time::timeout_at(deadline, done).await.is_err() {
        warn!(step, "shutdown: cut off after the grace period");
    }
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

/// The message service, and the metrics that count what it and `registry` do.
fn messages_and_metrics(
    store: &Store,
    hub: &Hub,
    registry: &Arc<Registry>,
    config: &Config,
    hooks: crate::social::SocialHooks,
    tasks: &Tasks,
) -> (MessageService, Metrics) {
    let messages = MessageService::new(
        store.clone(),
        hub.clone(),
        config.limits.messages_per_sec,
        config.limits.messages_burst,
        tasks.child(),
    )
    .with_social(hooks)
    .with_max_attachments(config.attachments.max_per_message);
    let metrics = Metrics::new(
        store.clone(),
        registry.clone(),
        messages.send_metrics(),
        registry.deliveries(),
        tasks.restarts(),
    );
    (messages, metrics)
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

/// Tells systemd (`Type=notify`) about a state change. Outside systemd `NOTIFY_SOCKET` is
/// unset and this does nothing; a failure to notify is logged, never fatal.
fn notify_systemd(state: sd_notify::NotifyState<'_>) {
    if let Err(e) = sd_notify::notify(false, &[state]) {
        warn!(error = %e, "notifying systemd failed");
    }
}

/// Runs chatd with `config` on `listener` until `shutdown`: starts the embedded PostgreSQL
/// when no database URL is configured (and stops it after), prints the address it serves.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // As root, the embedded cluster's own user must pass through to `postgres/`.
    let mode = if config.database.url.is_none() && nix::unistd::geteuid().is_root() {
        private_fs::TRAVERSABLE_DIR_MODE
    } else {
        private_fs::DIR_MODE
    };
    private_fs::create_dir_all(&config.data_dir, mode)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let _lock = lock_data_dir(&config)?;
    let embedded = match &config.database.url {
        Some(_) => None,
        None => Some(
            EmbeddedPostgres::start(EmbeddedOptions {
                root: config.data_dir.join("postgres"),
                bin_dir: config.postgres.bin_dir.clone(),
                user_when_root: config.postgres.user.clone(),
                max_connections: (config.database.max_connections + 10).max(50),
                unsafe_no_fsync: false,
            })
            .await?,
        ),
    };
    let database = match (&config.database.url, &embedded) {
        (Some(url), _) => PgConnectOptions::from_str(url.expose()).context("database.url")?,
        (None, Some(pg)) => pg.connect_options(embedded_pg::DATABASE),
        (None, None) => unreachable!("the embedded cluster exists when no URL is set"),
    };
    let metrics_listen = config.metrics.listen;
    let served = async {
        let server = Server::build(config, database).await?;
        let metrics = match metrics_listen {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("metrics.listen: binding {addr}"))?;
                let addr = listener.local_addr()?;
                announce(format_args!("chatd metrics on http://{addr}/metrics"));
                Some(tokio::spawn(
                    axum::serve(listener, server.metrics_router()).into_future(),
                ))
            }
            None => None,
        };
        let addr = listener.local_addr()?;
        info!(%addr, "ready");
        announce(format_args!("chatd serving on http://{addr}"));
        notify_systemd(sd_notify::NotifyState::Ready);
        let result = server.serve(listener, shutdown).await;
        if let Some(task) = metrics {
            task.abort();
        }
        result
    }
    .await;
    if let Some(pg) = embedded
        && let Err(e) = pg.stop().await
    {
        warn!(error = %e, "stopping the embedded PostgreSQL failed");
    }
    served
}

/// A line on stdout for whoever started chatd; a closed stdout (the reader of a pipe gone)
/// is not an error worth dying for, unlike what `println!` would make of it.
fn announce(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

/// One chatd per data directory: a second one on the same directory would share (and
/// corrupt the expectations of) the embedded cluster.
fn lock_data_dir(config: &Config) -> anyhow::Result<File> {
    let path = config.data_dir.join("chatd.lock");
    let file =
        private_fs::open_private(&path).with_context(|| format!("creating {}", path.display()))?;
    file.try_lock().map_err(|_| {
        anyhow::anyhow!(
            "another chatd is using the data directory {}; give each instance its own \
             CHATD_DATA_DIR",
            config.data_dir.display()
        )
    })?;
    Ok(file)
}
