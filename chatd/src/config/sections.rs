//! The sections of the server itself: `[database]`, `[redis]`, `[postgres]`, `[log]`,
//! `[auth]`, `[limits]`, `[http]`, `[ws]` and `[metrics]`, each with its defaults (stated
//! here once: the environment, the flags and the docs take them from these impls).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Secret;

/// `[metrics]`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve Prometheus metrics on `GET /metrics` at this address, a listener of its own
    /// (e.g. `127.0.0.1:9090`); unset: no metrics endpoint. Not on the public listener.
    pub listen: Option<SocketAddr>,
}

/// `[ws]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WsConfig {
    /// The server pings every connection this often; one silent for three intervals closes.
    pub heartbeat_secs: u64,
    /// Most WebSocket connections this node accepts; more get 503.
    pub max_connections: usize,
    /// Frames queued per connection before it is closed as a slow consumer (code 4008).
    pub queue_capacity: usize,
    /// Most WebSocket connections one account may hold on this node; more are refused
    /// (429 before the upgrade, or close code 4029 after an `auth` frame).
    pub max_connections_per_user: usize,
    /// How long a chat event that arrives ahead of its predecessor is held so that clients
    /// get a chat's events in seq order across nodes (0: never held).
    pub reorder_window_ms: u64,
    /// How often the node checks, in one query, that the sessions of its open sockets are
    /// still live (a backstop: ended sessions close their sockets at once through the bus).
    pub session_recheck_secs: u64,
    /// Each connection's read buffer, bytes (allocated for every open socket).
    pub read_buffer_bytes: usize,
    /// Frames are written to a connection once this many bytes are queued or the burst
    /// ends; 0 writes every frame at once. The buffer grows to this size per socket.
    pub write_buffer_bytes: usize,
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            heartbeat_secs: 30,
            max_connections: 20_000,
            queue_capacity: 1024,
            max_connections_per_user: 20,
            reorder_window_ms: 250,
            session_recheck_secs: 60,
            read_buffer_bytes: 4 * 1024,
            write_buffer_bytes: 8 * 1024,
        }
    }
}

/// `[database]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `postgres://user:password@host:port/db`; unset means the embedded PostgreSQL.
    pub url: Option<Secret>,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before failing with 503.
    pub acquire_timeout_secs: u64,
}

/// `[redis]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
    /// `redis://host:port` or `redis+unix:///path`; unset means a single node with no Redis.
    pub url: Option<Secret>,
    /// Prefix of every key chatd writes, so that several deployments can share one Redis.
    /// Every node of one deployment needs the same prefix.
    pub key_prefix: String,
    /// Each send is stored by the node that owns its chat (chats are spread over the live
    /// nodes by their ids): a busy chat's sends are batched on one node, instead of two
    /// nodes waiting on each other's commits. Off: every node stores what it receives.
    pub send_to_chat_owner: bool,
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            url: None,
            key_prefix: "chatd:".into(),
            send_to_chat_owner: true,
        }
    }
}

/// `[postgres]`: the embedded cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbeddedPostgresConfig {
    /// Directory with `initdb`, `pg_ctl` and `postgres`; unset: found via `pg_config`, PATH
    /// or `/usr/lib/postgresql/*/bin`.
    pub bin_dir: Option<PathBuf>,
    /// The unprivileged system user that runs the cluster when chatd runs as root.
    pub user: String,
}

/// `[log]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `human` or `json`.
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `chatd=debug,info`.
    pub level: String,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    Human,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Who may create an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    /// Anyone who can reach the server.
    Open,
    /// Only with an invite code from an administrator.
    Invite,
    /// Nobody; administrators create accounts with `chatctl`.
    Closed,
}

/// `[auth]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// `open`, `invite` or `closed`.
    pub registration: RegistrationMode,
    /// Shortest accepted password, in characters.
    pub password_min_length: usize,
    /// Signs access tokens; every node of a cluster needs the same one. Unset: a random key
    /// is generated once and kept in `<data_dir>/jwt-secret`.
    pub jwt_secret: Option<Secret>,
    /// Lifetime of access tokens, in seconds.
    pub access_token_ttl_secs: u64,
    /// Lifetime of refresh tokens (and so of an idle session), in seconds.
    pub refresh_token_ttl_secs: u64,
    /// Largest number of password hashes computed at once; more wait their turn.
    pub max_concurrent_hashes: usize,
    /// Registration takes an email address and login is refused (`EMAIL_NOT_VERIFIED`)
    /// until it is verified. Needs `email.enabled`.
    pub require_verified_email: bool,
}

/// `[limits]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Failed logins for one username within the window before further attempts get 429.
    pub login_failures_per_user: u32,
    /// Failed logins from one client address within the window before further attempts get 429.
    pub login_failures_per_ip: u32,
    /// The window of the two limits above, in seconds.
    pub login_failure_window_secs: u64,
    /// Registrations from one client address within the registration window.
    pub registrations_per_ip: u32,
    /// The window of `registrations_per_ip`, in seconds.
    pub registration_window_secs: u64,
    /// Messages one user may send per second, on average (shared through Redis).
    pub messages_per_sec: u32,
    /// Messages one user may send at once before the rate applies.
    pub messages_burst: u32,
}

/// `[http]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// A request that takes longer is answered 503.
    pub request_timeout_secs: u64,
    /// On shutdown, in-flight requests get this long to finish.
    pub shutdown_grace_secs: u64,
    /// The address users reach the server at, e.g. `https://chat.example.com`; deep links
    /// name its host. Unset: the `Host` of the request.
    pub public_url: Option<String>,
    /// A new connection that has not sent a complete request head within this many seconds
    /// is closed.
    pub header_read_timeout_secs: u64,
    /// A kept-alive connection with no request in flight is closed after this many seconds.
    pub keep_alive_idle_secs: u64,
    /// Most open connections (upgraded ones included); more are answered 503 and closed.
    /// Unset: the open-files limit minus a reserve (an eighth, at least 64).
    pub max_connections: Option<usize>,
    /// Most open connections from one client address (IPv6: one /64); more are answered
    /// 503 and closed. Not applied with `trust_forwarded_for` (every peer is the proxy).
    pub max_connections_per_ip: usize,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 20,
            acquire_timeout_secs: 5,
        }
    }
}

impl Default for EmbeddedPostgresConfig {
    fn default() -> Self {
        Self {
            bin_dir: None,
            user: "postgres".into(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            registration: RegistrationMode::Open,
            password_min_length: common::limits::PASSWORD_MIN_DEFAULT,
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 7 * 24 * 3600,
            max_concurrent_hashes: std::thread::available_parallelism().map_or(2, usize::from),
            require_verified_email: false,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            login_failures_per_user: 10,
            login_failures_per_ip: 50,
            login_failure_window_secs: 15 * 60,
            registrations_per_ip: 30,
            registration_window_secs: 3600,
            messages_per_sec: 10,
            messages_burst: 20,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            trust_forwarded_for: false,
            request_timeout_secs: 30,
            shutdown_grace_secs: 10,
            public_url: None,
            header_read_timeout_secs: 10,
            keep_alive_idle_secs: 60,
            max_connections: None,
            max_connections_per_ip: 256,
        }
    }
}
