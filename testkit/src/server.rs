//! A real chatd, in-process, on `127.0.0.1:0`, with its own database.

use std::net::SocketAddr;

use chatd::config::{Config, Secret};
use chatd::store::Store;
use common::api::{RegisterRequest, TokenResponse};
use common::client::Client;
use sqlx::postgres::PgConnectOptions;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::postgres::{TestDb, fresh_db};

/// The password every test user gets unless a test says otherwise.
pub fn password() -> &'static str {
    "correct horse battery"
}

/// A configuration for tests: port 0, a random token key, limits that do not get in the
/// way (a test of a limit sets its own), and a Redis key prefix of its own.
#[allow(clippy::field_reassign_with_default)] // reads best as "the defaults, except"
pub fn test_config() -> Config {
    let mut config = Config::default();
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.data_dir = std::env::temp_dir();
    config.auth.jwt_secret = Some(Secret::new(format!(
        "test-secret-{}-{}",
        uuid::Uuid::now_v7().simple(),
        uuid::Uuid::now_v7().simple()
    )));
    config.auth.max_concurrent_hashes = 4;
    config.limits.registrations_per_ip = 1_000_000;
    config.limits.login_failures_per_ip = 1_000_000;
    config.limits.messages_per_sec = 100_000;
    config.limits.messages_burst = 100_000;
    config.database.max_connections = 5;
    config.redis.key_prefix = format!("t{}:", uuid::Uuid::now_v7().simple());
    config.http.shutdown_grace_secs = 2;
    // Every test client connects from 127.0.0.1.
    config.http.max_connections_per_ip = 100_000;
    config
}

/// A running server. Stopped (gracefully) by [`TestServer::stop`], aborted on drop.
#[derive(Debug)]
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://addr`.
    pub base_url: String,
    /// The configuration it runs with.
    pub config: Config,
    /// `http://addr/metrics` when `config.metrics.listen` is set (bind `127.0.0.1:0`).
    pub metrics_url: Option<String>,
    store: Store,
    retention: chatd::retention::RetentionService,
    counters: chatd::ratelimit::Counters,
    db: Option<TestDb>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    /// A server with the test configuration on a fresh database.
    pub async fn start() -> Self {
        Self::with_config(test_config()).await
    }

    /// A server with `config` on a fresh database.
    pub async fn with_config(config: Config) -> Self {
        let db = fresh_db().await;
        let mut server = Self::on(config, db.options()).await;
        server.db = Some(db);
        server
    }

    /// A server with `config` on an existing database (a second node, a private cluster).
    pub async fn on(config: Config, database: PgConnectOptions) -> Self {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .unwrap_or_else(|e| panic!("binding a test listener: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let server = chatd::Server::build(config.clone(), database)
            .await
            .unwrap_or_else(|e| panic!("building chatd: {e:#}"));
        let store = server.store().clone();
        let counters = server.counters().clone();
        let retention = server.retention().clone();
        let mut metrics_url = None;
        if let Some(listen) = config.metrics.listen {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .unwrap_or_else(|e| panic!("binding the metrics listener: {e}"));
            let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
            metrics_url = Some(format!("http://{addr}/metrics"));
            tokio::spawn(axum_serve(listener, server.metrics_router()));
        }
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server.serve(listener, async {
            let _ = rx.await;
        }));
        Self {
            addr,
            base_url: format!("http://{addr}"),
            config,
            metrics_url,
            store,
            retention,
            counters,
            db: None,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// The text of this server's `GET /metrics` (started with `metrics.listen` set).
    pub async fn metrics(&self) -> String {
        let url = self
            .metrics_url
            .as_deref()
            .unwrap_or_else(|| panic!("no metrics listener: set config.metrics.listen"));
        reqwest::get(url)
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("scraping {url}: {e}"))
            .text()
            .await
            .unwrap_or_else(|e| panic!("reading {url}: {e}"))
    }

    /// A new client of this server, not logged in.
    pub fn client(&self) -> Client {
        Client::new(&self.base_url).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The server's store, for looking at or arranging what the API cannot.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The server's retention job, for running a pass now.
    pub fn retention(&self) -> &chatd::retention::RetentionService {
        &self.retention
    }

    /// What the in-memory rate-limit counters hold (`None` with Redis).
    pub fn rate_limit_table(&self) -> Option<chatd::ratelimit::TableSize> {
        self.counters.memory_size()
    }

    /// The test database, when the server made its own.
    pub fn db(&self) -> Option<&TestDb> {
        self.db.as_ref()
    }

    /// Registers `username` with [`password`] and logs in; returns the logged-in client.
    pub async fn user(&self, username: &str) -> (Client, TokenResponse) {
        let client = self.client();
        client
            .register(&RegisterRequest {
                username: username.to_owned(),
                password: password().to_owned(),
                password_confirm: password().to_owned(),
                display_name: None,
                invite_code: None,
                email: None,
            })
            .await
            .unwrap_or_else(|e| panic!("registering {username}: {e}"));
        let tokens = client
            .login(username, password())
            .await
            .unwrap_or_else(|e| panic!("logging in {username}: {e}"));
        (client, tokens)
    }

    /// `n` users named `<prefix>0000`, `<prefix>0001`, …, created through the store with one shared password
    /// hash (hashing each would dominate large tests); returns their ids in order.
    pub async fn users_fast(&self, prefix: &str, n: usize) -> Vec<common::UserId> {
        let hash = chatd::auth::PasswordHasher::new(1)
            .unwrap_or_else(|e| panic!("{e}"))
            .hash(password())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let name = format!("{prefix}{i:04}");
            let row = self
                .store
                .create_user(&chatd::store::NewUser {
                    id: common::UserId::new(),
                    username: &name,
                    password_hash: &hash,
                    display_name: None,
                    invite_hash: None,
                })
                .await
                .unwrap_or_else(|e| panic!("creating {name}: {e}"));
            ids.push(row.id);
        }
        ids
    }

    /// Graceful shutdown; returns what `serve` returned.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await?,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The integer value of the sample `name` (with its labels, as written) in a `/metrics`
/// text, if it is there.
pub fn metric(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (key, value) = line.rsplit_once(' ')?;
        if key != name {
            return None;
        }
        // Counters are written as integers, some gauges and sums as floats.
        value.parse::<f64>().ok().map(|v| v as u64)
    })
}

/// Serves `router` on `listener` until the runtime ends (the test's metrics endpoint).
async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let _ = axum::serve(listener, router).await;
}
