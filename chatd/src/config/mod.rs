//! The server's configuration: defaults < TOML file (`--config`) < `CHATD_*` environment <
//! flags. Loading reads and validates; it writes nothing.

mod media;
mod secret;
mod social;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::cli::ConfigArgs;
pub use media::{AttachmentsConfig, S3Config, SearchConfig, StorageKind};
pub use secret::Secret;
pub use social::{ContactsConfig, PushConfig, SyncConfig, link_host};

/// Why a configuration was refused. The message always names the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this configuration.
    #[error("configuration file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, naming the key and line.
        message: String,
    },
    /// A value breaks a rule.
    #[error("invalid value for `{key}` ({env}): {message}")]
    Invalid {
        /// The key as written in the file, e.g. `auth.password_min_length`.
        key: &'static str,
        /// The environment variable that also sets it.
        env: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// The effective configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to serve on.
    pub listen: SocketAddr,
    /// Where chatd keeps its state: the embedded PostgreSQL, the token key, attachments.
    pub data_dir: PathBuf,
    /// The PostgreSQL connection.
    pub database: DatabaseConfig,
    /// Redis, for fan-out, presence and rate limits across nodes.
    pub redis: RedisConfig,
    /// The embedded PostgreSQL used when `database.url` is unset.
    pub postgres: EmbeddedPostgresConfig,
    /// Logging.
    pub log: LogConfig,
    /// Accounts, passwords and tokens.
    pub auth: AuthConfig,
    /// Abuse limits.
    pub limits: LimitsConfig,
    /// The HTTP server.
    pub http: HttpConfig,
    /// WebSocket connections.
    pub ws: WsConfig,
    /// Contacts.
    pub contacts: ContactsConfig,
    /// Push notifications.
    pub push: PushConfig,
    /// Image attachments.
    pub attachments: AttachmentsConfig,
    /// Full-text search.
    pub search: SearchConfig,
    /// Resync: how long the per-user event log is kept.
    pub sync: SyncConfig,
    /// Prometheus metrics.
    pub metrics: MetricsConfig,
}

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
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            heartbeat_secs: 30,
            max_connections: 20_000,
            queue_capacity: 1024,
            max_connections_per_user: 20,
            reorder_window_ms: 250,
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
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            url: None,
            key_prefix: "chatd:".into(),
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
    /// Messages one user may send per second, on average (per node).
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

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7878)),
            data_dir: default_data_dir(),
            database: DatabaseConfig::default(),
            redis: RedisConfig::default(),
            postgres: EmbeddedPostgresConfig::default(),
            log: LogConfig::default(),
            auth: AuthConfig::default(),
            limits: LimitsConfig::default(),
            http: HttpConfig::default(),
            ws: WsConfig::default(),
            contacts: ContactsConfig::default(),
            push: PushConfig::default(),
            attachments: AttachmentsConfig::default(),
            search: SearchConfig::default(),
            sync: SyncConfig::default(),
            metrics: MetricsConfig::default(),
        }
    }
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

/// The state directory: the user's data directory, or `/var/lib/chatd` for root, whose home
/// the unprivileged PostgreSQL user could not enter.
pub fn default_data_dir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/var/lib/chatd");
    }
    directories::ProjectDirs::from("", "", "chatd").map_or_else(
        || PathBuf::from("chatd-data"),
        |dirs| dirs.data_dir().to_path_buf(),
    )
}

impl Config {
    /// Loads the file named by `--config`/`CHATD_CONFIG` (if any), applies the environment
    /// and flags that clap gathered in `args`, and validates the result.
    pub fn load(args: &ConfigArgs) -> Result<Self, ConfigError> {
        let mut config = match &args.config {
            Some(path) => Self::from_file(path)?,
            None => Self::default(),
        };
        config.apply(args)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses a TOML file over the defaults.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    fn apply(&mut self, args: &ConfigArgs) -> Result<(), ConfigError> {
        if let Some(listen) = &args.listen {
            self.listen = parse("listen", "CHATD_LISTEN", listen)?;
        }
        if let Some(dir) = &args.data_dir {
            self.data_dir.clone_from(dir);
        }
        if let Some(url) = &args.database_url {
            self.database.url = Some(Secret::new(url));
        }
        if let Some(n) = args.database_max_connections {
            self.database.max_connections = n;
        }
        if let Some(url) = &args.redis_url {
            self.redis.url = Some(Secret::new(url));
        }
        if let Some(dir) = &args.postgres_bin_dir {
            self.postgres.bin_dir = Some(dir.clone());
        }
        if let Some(user) = &args.postgres_user {
            self.postgres.user.clone_from(user);
        }
        if let Some(format) = &args.log_format {
            self.log.format = parse_enum("log.format", "CHATD_LOG_FORMAT", format)?;
        }
        if let Some(level) = &args.log_level {
            self.log.level.clone_from(level);
        }
        if let Some(mode) = &args.registration {
            self.auth.registration = parse_enum("auth.registration", "CHATD_REGISTRATION", mode)?;
        }
        if let Some(n) = args.password_min_length {
            self.auth.password_min_length = n;
        }
        if let Some(secret) = &args.jwt_secret {
            self.auth.jwt_secret = Some(Secret::new(secret));
        }
        if let Some(ttl) = args.access_token_ttl {
            self.auth.access_token_ttl_secs = ttl;
        }
        if let Some(ttl) = args.refresh_token_ttl {
            self.auth.refresh_token_ttl_secs = ttl;
        }
        if let Some(trust) = args.trust_forwarded_for {
            self.http.trust_forwarded_for = trust;
        }
        Ok(())
    }

    /// Checks every rule that can be checked without touching the network or the disk.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, env, message: &str| {
            Err(ConfigError::Invalid {
                key,
                env,
                message: message.to_owned(),
            })
        };
        if let Some(url) = &self.database.url {
            let url = url.expose();
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return invalid(
                    "database.url",
                    "CHATD_DATABASE_URL",
                    "must start with postgres:// or postgresql://",
                );
            }
            if sqlx::postgres::PgConnectOptions::from_str(url).is_err() {
                return invalid(
                    "database.url",
                    "CHATD_DATABASE_URL",
                    "not a valid PostgreSQL URL",
                );
            }
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            return invalid(
                "database.max_connections",
                "CHATD_DATABASE_MAX_CONNECTIONS",
                "must be between 1 and 1000",
            );
        }
        if let Some(url) = &self.redis.url
            && redis::Client::open(url.expose()).is_err()
        {
            return invalid(
                "redis.url",
                "CHATD_REDIS_URL",
                "not a valid Redis URL (redis://host:port or redis+unix:///path)",
            );
        }
        if self.postgres.user.trim().is_empty() {
            return invalid("postgres.user", "CHATD_POSTGRES_USER", "must not be empty");
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return invalid("log.level", "CHATD_LOG_LEVEL", "not a valid log filter");
        }
        if !(4..=common::limits::PASSWORD_MAX).contains(&self.auth.password_min_length) {
            return invalid(
                "auth.password_min_length",
                "CHATD_PASSWORD_MIN_LENGTH",
                "must be between 4 and 1024",
            );
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose().len() < 32
        {
            return invalid(
                "auth.jwt_secret",
                "CHATD_JWT_SECRET",
                "must be at least 32 bytes",
            );
        }
        if self.auth.access_token_ttl_secs == 0 {
            return invalid(
                "auth.access_token_ttl_secs",
                "CHATD_ACCESS_TOKEN_TTL",
                "must be > 0",
            );
        }
        if self.auth.refresh_token_ttl_secs < self.auth.access_token_ttl_secs {
            return invalid(
                "auth.refresh_token_ttl_secs",
                "CHATD_REFRESH_TOKEN_TTL",
                "must be at least the access token lifetime",
            );
        }
        if self.auth.max_concurrent_hashes == 0 {
            return invalid("auth.max_concurrent_hashes", "-", "must be > 0");
        }
        self.validate_limits()?;
        self.attachments.validate()?;
        if self.search.index_interval_ms == 0 {
            return invalid("search.index_interval_ms", "-", "must be > 0");
        }
        if self.http.request_timeout_secs == 0 {
            return invalid("http.request_timeout_secs", "-", "must be > 0");
        }
        self.validate_http()?;
        social::validate(&self.contacts, &self.push, self.http.public_url.as_deref())?;
        self.sync.validate()?;
        Ok(())
    }

    /// The connection limits of `[http]`.
    fn validate_http(&self) -> Result<(), ConfigError> {
        for (key, value) in [
            (
                "http.header_read_timeout_secs",
                self.http.header_read_timeout_secs,
            ),
            ("http.keep_alive_idle_secs", self.http.keep_alive_idle_secs),
            (
                "http.max_connections",
                self.http.max_connections.map_or(1, |n| n as u64),
            ),
            (
                "http.max_connections_per_ip",
                self.http.max_connections_per_ip as u64,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    env: "-",
                    message: "must be > 0".to_owned(),
                });
            }
        }
        Ok(())
    }

    fn validate_limits(&self) -> Result<(), ConfigError> {
        let invalid = |key, env, message: &str| {
            Err(ConfigError::Invalid {
                key,
                env,
                message: message.to_owned(),
            })
        };
        if self.redis.key_prefix.is_empty() {
            return invalid("redis.key_prefix", "-", "must not be empty");
        }
        if self.database.acquire_timeout_secs == 0 {
            return invalid("database.acquire_timeout_secs", "-", "must be > 0");
        }
        for (key, value) in [
            (
                "limits.login_failures_per_user",
                u64::from(self.limits.login_failures_per_user),
            ),
            (
                "limits.login_failures_per_ip",
                u64::from(self.limits.login_failures_per_ip),
            ),
            (
                "limits.login_failure_window_secs",
                self.limits.login_failure_window_secs,
            ),
            (
                "limits.registrations_per_ip",
                u64::from(self.limits.registrations_per_ip),
            ),
            (
                "limits.registration_window_secs",
                self.limits.registration_window_secs,
            ),
            ("ws.heartbeat_secs", self.ws.heartbeat_secs),
            ("ws.max_connections", self.ws.max_connections as u64),
            ("ws.queue_capacity", self.ws.queue_capacity as u64),
            (
                "ws.max_connections_per_user",
                self.ws.max_connections_per_user as u64,
            ),
        ] {
            if value == 0 {
                return invalid(key, "-", "must be > 0");
            }
        }
        if self.ws.reorder_window_ms > 10_000 {
            return invalid("ws.reorder_window_ms", "-", "must be at most 10000");
        }
        Ok(())
    }

    /// The configuration as TOML with every secret redacted, for `chatd print-config`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

fn parse<T: FromStr>(key: &'static str, env: &'static str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| ConfigError::Invalid {
        key,
        env,
        message: format!("{value:?}: {e}"),
    })
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    key: &'static str,
    env: &'static str,
    value: &str,
) -> Result<T, ConfigError> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value))
        .map_err(|e| ConfigError::Invalid {
            key,
            env,
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests;
