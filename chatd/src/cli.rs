//! Command-line flags. The keys operators set most have a flag and a `CHATD_*` variable
//! here (the rest are file-only, see `docs/configuration.md`); clap resolves flag over
//! environment, and `config` layers the result over the file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The chat server: REST + WebSocket on PostgreSQL.
///
/// With no database URL it manages its own PostgreSQL under the data directory; with no
/// Redis URL it serves as a single node.
#[derive(Debug, Parser)]
#[command(name = "chatd", version, about, long_about)]
pub struct Cli {
    /// Configuration overrides, each also settable by its environment variable.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of `chatd`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve (the default).
    Serve,
    /// Print the effective configuration as TOML, secrets redacted, and exit.
    PrintConfig,
}

/// Flags that override the configuration file. All are optional; see `docs/configuration.md`.
#[derive(Debug, Default, Args)]
#[allow(clippy::struct_field_names)]
pub struct ConfigArgs {
    /// The TOML configuration file.
    #[arg(long, env = "CHATD_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to serve on [default: 127.0.0.1:7878].
    #[arg(long, env = "CHATD_LISTEN", global = true, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Where chatd keeps its state (embedded PostgreSQL, keys, attachments).
    #[arg(long, env = "CHATD_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded.
    #[arg(
        long,
        env = "CHATD_DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Largest number of PostgreSQL connections in the pool [default: 20].
    #[arg(
        long,
        env = "CHATD_DATABASE_MAX_CONNECTIONS",
        global = true,
        value_name = "N"
    )]
    pub database_max_connections: Option<u32>,
    /// Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node.
    #[arg(
        long,
        env = "CHATD_REDIS_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub redis_url: Option<String>,
    /// Directory of the PostgreSQL binaries for the embedded database.
    #[arg(
        long,
        env = "CHATD_POSTGRES_BIN_DIR",
        global = true,
        value_name = "DIR"
    )]
    pub postgres_bin_dir: Option<PathBuf>,
    /// System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres].
    #[arg(long, env = "CHATD_POSTGRES_USER", global = true, value_name = "USER")]
    pub postgres_user: Option<String>,
    /// Log format: human or json [default: human].
    #[arg(long, env = "CHATD_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or chatd=debug,info [default: info].
    #[arg(long, env = "CHATD_LOG_LEVEL", global = true, value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Who may register: open, invite or closed [default: open].
    #[arg(long, env = "CHATD_REGISTRATION", global = true, value_name = "MODE")]
    pub registration: Option<String>,
    /// Shortest accepted password, in characters [default: 8].
    #[arg(
        long,
        env = "CHATD_PASSWORD_MIN_LENGTH",
        global = true,
        value_name = "N"
    )]
    pub password_min_length: Option<usize>,
    /// Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir.
    #[arg(
        long,
        env = "CHATD_JWT_SECRET",
        global = true,
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds [default: 900].
    #[arg(
        long,
        env = "CHATD_ACCESS_TOKEN_TTL",
        global = true,
        value_name = "SECS"
    )]
    pub access_token_ttl: Option<u64>,
    /// Lifetime of refresh tokens, in seconds [default: 604800].
    #[arg(
        long,
        env = "CHATD_REFRESH_TOKEN_TTL",
        global = true,
        value_name = "SECS"
    )]
    pub refresh_token_ttl: Option<u64>,
    /// Trust the X-Forwarded-For header for client addresses (behind a reverse proxy).
    #[arg(
        long,
        env = "CHATD_TRUST_FORWARDED_FOR",
        global = true,
        value_name = "BOOL"
    )]
    pub trust_forwarded_for: Option<bool>,
}
