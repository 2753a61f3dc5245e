//! Prometheus metrics of one server, served as text on `GET /metrics` of a separate
//! listener (`[metrics] listen`). Each server has its own registry (no global recorder), so
//! two servers in one process never mix their numbers.
//!
//! The hot paths only bump atomics they own ([`SendMetrics`] in the writer, a counter in
//! the fan-out registry); gauges (connections, pool, search backlog) are read when scraped.

pub mod probes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing::warn;

use crate::email::MailMetrics;
use crate::fanout::Registry as Connections;
use crate::media::DecodeGauges;
use crate::store::Store;

type Labels = Vec<(String, String)>;

/// What the message writer counts: one atomic add per batch, two histogram observations.
#[derive(Clone, Debug)]
pub struct SendMetrics {
    /// Messages stored.
    pub messages: Counter,
    /// Sends per stored batch.
    pub batch_size: Histogram,
    /// Seconds from taking a batch to its commit.
    pub commit_seconds: Histogram,
    /// Sends stored by the node that owns their chat (with Redis).
    pub forwarded: Counter,
    /// Sends stored here after their chat's owner did not store them (it was gone, failed
    /// or did not answer in time).
    pub forward_fallbacks: Counter,
}

impl Default for SendMetrics {
    fn default() -> Self {
        Self {
            messages: Counter::default(),
            // 1, 2, 4 ... 128 (the batch limit).
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 8)),
            // 0.5 ms ... about 4 s.
            commit_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            forwarded: Counter::default(),
            forward_fallbacks: Counter::default(),
        }
    }
}

/// The metrics of one server. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    /// HTTP responses by status class, index 0 for 1xx ... 4 for 5xx.
    http: [Counter; 5],
    rate_limited_http: Counter,
    rate_limited_ws: Counter,
    ws_connections: Gauge,
    db_pool_in_use: Gauge,
    db_pool_size: Gauge,
    search_backlog: Gauge,
    mail_pending: Gauge,
    decodes: DecodeGauges,
    request_seconds: Histogram,
    ws_connections_max: Gauge,
    dependencies: probes::Gauges,
    store: Store,
    connections: Arc<Connections>,
}

impl Metrics {
    /// Registers the server's metrics; `send` and `deliveries` are the counters the writer
    /// and the fan-out registry own, `restarts` those of the task supervisor, `mail` those
    /// of the mail sender.
    pub fn new(
        store: Store,
        connections: Arc<Connections>,
        send: &SendMetrics,
        deliveries: &Counter,
        restarts: &crate::tasks::Restarts,
        mail: &MailMetrics,
    ) -> Self {
        let mut registry = Registry::with_prefix("chatd");
        let (http, request_seconds) = register_http(&mut registry);
        let limited = Family::<Labels, Counter>::default();
        let rate_limited_http = limited
            .get_or_create(&vec![("via".into(), "http".into())])
            .clone();
        let rate_limited_ws = limited
            .get_or_create(&vec![("via".into(), "ws".into())])
            .clone();
        registry.register(
            "rate_limited",
            "Requests and frames refused by a rate limit (429 / RATE_LIMIT_EXCEEDED)",
            limited,
        );
        register_send(&mut registry, send);
        registry.register(
            "fanout_deliveries",
            "Frames queued to WebSocket connections of this node",
            deliveries.clone(),
        );
        registry.register(
            "ws_slow_consumers",
            "WebSocket connections closed with 4008 because their queue was full",
            connections.slow_consumers().clone(),
        );
        registry.register(
            "task_restarts",
            "Background tasks restarted after a panic, by task",
            restarts.clone(),
        );
        let ws_connections = Gauge::default();
        registry.register(
            "ws_connections",
            "WebSocket connections open on this node",
            ws_connections.clone(),
        );
        let db_pool_in_use = Gauge::default();
        registry.register(
            "db_pool_in_use",
            "PostgreSQL connections of the pool in use",
            db_pool_in_use.clone(),
        );
        let db_pool_size = Gauge::default();
        registry.register(
            "db_pool_size",
            "PostgreSQL connections of the pool open",
            db_pool_size.clone(),
        );
        let search_backlog = Gauge::default();
        registry.register(
            "search_index_backlog",
            "Chat events not yet in the search index (all nodes)",
            search_backlog.clone(),
        );
        let mail_pending = register_mail(&mut registry, mail);
        let ws_connections_max = Gauge::default();
        registry.register(
            "ws_connections_max",
            "WebSocket connections this node accepts at most (ws.max_connections)",
            ws_connections_max.clone(),
        );
        let dependencies = probes::Gauges::register(&mut registry);
        let decodes = register_decodes(&mut registry);
        Self {
            inner: Arc::new(Inner {
                registry,
                http,
                rate_limited_http,
                rate_limited_ws,
                ws_connections,
                db_pool_in_use,
                db_pool_size,
                search_backlog,
                mail_pending,
                decodes,
                request_seconds,
                ws_connections_max,
                dependencies,
                store,
                connections,
            }),
        }
    }

    /// States the node's WebSocket cap and, when Redis is configured, checks it at every
    /// scrape (`chatd_redis_up`). Called once, before the server is shared.
    #[must_use]
    pub fn with_limits_and_redis(
        mut self,
        ws_max: usize,
        redis: Option<redis::aio::ConnectionManager>,
    ) -> Self {
        let inner = Arc::get_mut(&mut self.inner);
        let Some(inner) = inner else {
            warn!("metrics: limits set after the metrics were shared; ignored");
            return self;
        };
        inner.ws_connections_max.set(ws_max as i64);
        if let Some(conn) = redis {
            inner.dependencies.watch_redis(&mut inner.registry, conn);
        }
        self
    }

    /// Registers the retention job's counters. Called once, before the server is shared.
    #[must_use]
    pub fn with_retention(mut self, retention: &crate::retention::RetentionMetrics) -> Self {
        let Some(inner) = Arc::get_mut(&mut self.inner) else {
            warn!("metrics: retention registered after the metrics were shared; ignored");
            return self;
        };
        inner.registry.register(
            "retention_pruned_messages",
            "Messages pruned by the retention job",
            retention.pruned.clone(),
        );
        inner.registry.register(
            "retention_runs",
            "Passes of the retention job (timer and chatctl retention run)",
            retention.runs.clone(),
        );
        inner.registry.register(
            "retention_errors",
            "Passes of the retention job that failed",
            retention.errors.clone(),
        );
        self
    }

    /// Counts an HTTP response (and a rate-limit refusal for 429) and its latency.
    pub fn http_served(&self, status: StatusCode, latency: Duration) {
        self.inner.request_seconds.observe(latency.as_secs_f64());
        self.http_response(status);
    }

    /// Counts an HTTP response (and a rate-limit refusal for 429).
    fn http_response(&self, status: StatusCode) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.inner.http[class].inc();
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.inner.rate_limited_http.inc();
        }
    }

    /// The gauges the attachment decoder keeps (`MediaService::with_gauges`).
    pub fn decode_gauges(&self) -> DecodeGauges {
        self.inner.decodes.clone()
    }

    /// Counts a WebSocket frame refused by a rate limit.
    pub fn ws_rate_limited(&self) {
        self.inner.rate_limited_ws.inc();
    }

    /// The metrics in the Prometheus text format (`OpenMetrics`), gauges read now.
    pub async fn render(&self) -> String {
        let inner = &self.inner;
        inner
            .ws_connections
            .set(inner.connections.connection_count() as i64);
        let pool = inner.store.pool();
        let size = i64::from(pool.size());
        inner.db_pool_size.set(size);
        inner.db_pool_in_use.set(size - pool.num_idle() as i64);
        inner.dependencies.check(&inner.store).await;
        match inner.store.search_backlog().await {
            Ok(backlog) => {
                inner.search_backlog.set(backlog);
            }
            Err(e) => warn!(error = %e, "metrics: search backlog unavailable"),
        }
        match inner.store.mail_queue_counts().await {
            Ok((pending, _)) => {
                inner.mail_pending.set(pending);
            }
            Err(e) => warn!(error = %e, "metrics: mail queue unavailable"),
        }
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &inner.registry) {
            warn!(error = %e, "metrics: encoding failed");
        }
        out
    }

    /// `GET /metrics`, for the metrics listener.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/metrics", get(serve))
            .with_state(self.clone())
    }
}

/// Responses by status class (index 0 for 1xx ... 4 for 5xx) and request latency
/// (1 ms ... about 16 s).
fn register_http(registry: &mut Registry) -> ([Counter; 5], Histogram) {
    let family = Family::<Labels, Counter>::default();
    let http = ["1xx", "2xx", "3xx", "4xx", "5xx"].map(|class| {
        family
            .get_or_create(&vec![("class".into(), class.into())])
            .clone()
    });
    registry.register("http_responses", "HTTP responses by status class", family);
    let request_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
    registry.register(
        "http_request_seconds",
        "Time from a request's arrival to its response, WebSocket upgrades included",
        request_seconds.clone(),
    );
    (http, request_seconds)
}

/// The gauges the attachment decoder keeps.
fn register_decodes(registry: &mut Registry) -> DecodeGauges {
    let decodes = DecodeGauges::default();
    registry.register(
        "image_decodes_running",
        "Images being checked and cleaned now (at most attachments.max_concurrent_decodes)",
        decodes.running.clone(),
    );
    registry.register(
        "image_decodes_peak",
        "The most images checked and cleaned at once since the start",
        decodes.peak.clone(),
    );
    decodes
}

/// The mail sender's counters (this node) and the pending gauge (every node's queue), whose
/// value [`Metrics::render`] reads.
fn register_mail(registry: &mut Registry, mail: &MailMetrics) -> Gauge {
    registry.register(
        "mail_sent",
        "Mails the SMTP server took (this node's sender)",
        mail.sent.clone(),
    );
    registry.register(
        "mail_failed_attempts",
        "Mail attempts that failed, retried or not (this node's sender)",
        mail.failed_attempts.clone(),
    );
    registry.register(
        "mail_given_up",
        "Mails given up: refused for good or email.max_attempts reached (this node's sender)",
        mail.given_up.clone(),
    );
    let pending = Gauge::default();
    registry.register(
        "mail_pending",
        "Mails waiting in the queue to be sent (all nodes; given-up mails not counted)",
        pending.clone(),
    );
    pending
}

async fn serve(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render().await,
    )
}

/// The writer's metrics.
fn register_send(registry: &mut Registry, send: &SendMetrics) {
    registry.register("messages_sent", "Messages stored", send.messages.clone());
    registry.register(
        "send_batch_size",
        "Sends stored per writer batch",
        send.batch_size.clone(),
    );
    registry.register(
        "send_commit_seconds",
        "Time from taking a writer batch to its commit",
        send.commit_seconds.clone(),
    );
    registry.register(
        "send_forwarded",
        "Sends handed to the node that owns their chat, and stored there",
        send.forwarded.clone(),
    );
    registry.register(
        "send_forward_fallbacks",
        "Sends stored here after their chat's owner did not store them",
        send.forward_fallbacks.clone(),
    );
}
