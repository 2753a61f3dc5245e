//! The server's configuration: defaults < TOML file (`--config`) < `CHATD_*` environment <
//! flags, layered by figment (`load`). Loading reads and validates; it writes nothing.

mod email;
mod keys;
mod load;
mod media;
mod retention;
mod secret;
mod sections;
mod social;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use email::{EmailConfig, SmtpTls};
pub use keys::{Key, env_var, keys};
pub use media::{AttachmentsConfig, S3Config, SearchConfig, StorageKind};
pub use retention::{RETENTION_DAYS_MAX, RetentionConfig};
pub use secret::Secret;
pub use sections::{
    AuthConfig, DatabaseConfig, EmbeddedPostgresConfig, HttpConfig, LimitsConfig, LogConfig,
    LogFormat, MetricsConfig, RedisConfig, RegistrationMode, WsConfig,
};
pub use social::{AccountsConfig, ContactsConfig, PushConfig, SyncConfig, link_host};

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
    /// A source (the file, a variable, a flag) holds something that is not a value of this
    /// configuration: an unknown key, a wrong type, TOML that does not parse.
    #[error("{0}")]
    Source(String),
    /// A value breaks a rule.
    #[error("invalid value for `{key}` ({}): {message}", origin.clone().unwrap_or_else(|| env_var(key)))]
    Invalid {
        /// The key as written in the file, e.g. `auth.password_min_length`.
        key: &'static str,
        /// Where the value came from (a variable, a flag, the file); unset: the default
        /// or a value set in code, and the message names the key's variable instead.
        origin: Option<String>,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    /// A broken rule of `key`.
    pub fn invalid(key: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            key,
            origin: None,
            message: message.into(),
        }
    }
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
    /// Deleting accounts.
    pub accounts: AccountsConfig,
    /// Push notifications.
    pub push: PushConfig,
    /// Image attachments.
    pub attachments: AttachmentsConfig,
    /// Full-text search.
    pub search: SearchConfig,
    /// Resync: how long the per-user event log is kept.
    pub sync: SyncConfig,
    /// Message retention and its pruning job.
    pub retention: RetentionConfig,
    /// Prometheus metrics.
    pub metrics: MetricsConfig,
    /// Outgoing mail.
    pub email: EmailConfig,
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
            accounts: AccountsConfig::default(),
            push: PushConfig::default(),
            attachments: AttachmentsConfig::default(),
            search: SearchConfig::default(),
            sync: SyncConfig::default(),
            retention: RetentionConfig::default(),
            metrics: MetricsConfig::default(),
            email: EmailConfig::default(),
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
    /// The configuration as TOML with every secret redacted, for `chatd print-config`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

#[cfg(test)]
mod tests;
