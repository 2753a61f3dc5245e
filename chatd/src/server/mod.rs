//! Assembling and running the server: database (embedded or external), Redis, services, the
//! HTTP listener, and a graceful shutdown that drains within `http.shutdown_grace_secs`.
//!
//! Every background loop runs under one owner ([`Tasks`]): the root group, with two child
//! groups the shutdown stops first, in order: the writer lanes (stop taking sends, store and
//! publish what they hold), then the Redis publisher (publish what is queued). Only then do
//! sockets get `1001`, the other loops stop, the pool closes and (in `run`) the embedded
//! PostgreSQL stops.

mod build;

use std::fs::File;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::config::Config;
use crate::embedded_pg::{self, EmbeddedOptions, EmbeddedPostgres};
use crate::http;
use crate::private_fs;
use crate::ratelimit::Counters;
use crate::state::AppState;
use crate::store::Store;
use crate::tasks::Tasks;

/// A built server, ready to serve.
#[derive(Debug)]
pub struct Server {
    state: AppState,
    /// PostgreSQL, closed last.
    store: Store,
    /// The fan-out's own tasks (the Redis publisher), stopped after the writer.
    bus_tasks: Tasks,
}

impl Server {
    /// The store, for callers that need the database directly (tests, `chatctl`).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The retention job, for running a pass now (tests).
    pub fn retention(&self) -> &crate::retention::RetentionService {
        &self.state.retention
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
        let Self {
            state,
            store,
            bus_tasks,
        } = self;
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
        store.close().await;
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
    let started = tokio::time::Instant::now();
    if tokio::time::timeout_at(deadline, done).await.is_err() {
        warn!(step, "shutdown: cut off after the grace period");
    } else {
        info!(
            step,
            ms = started.elapsed().as_millis(),
            "shutdown: step done"
        );
    }
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
