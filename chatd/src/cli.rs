//! Command-line flags. The keys operators set most have a flag of their own, and
//! `--set KEY=VALUE` sets any key; `config` layers the flags over the `CHATD_*` variables
//! and the file (clap reads no variable but `CHATD_CONFIG`, so that the variables and the
//! flags stay two layers).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const VARIABLES: &str = "\
Every configuration key also has a variable, CHATD_ and the key in capitals with `.` as `_`
(auth.password_min_length: CHATD_AUTH_PASSWORD_MIN_LENGTH); flags override variables,
variables override the file. See docs/configuration.md.";

/// The chat server: REST + WebSocket on PostgreSQL.
///
/// With no database URL it manages its own PostgreSQL under the data directory; with no
/// Redis URL it serves as a single node.
#[derive(Debug, Parser)]
#[command(name = "chatd", version, about, long_about, after_help = VARIABLES)]
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

/// Flags that override the configuration file and the `CHATD_*` variables. All are
/// optional; see `docs/configuration.md`.
#[derive(Debug, Default, Args)]
#[allow(clippy::struct_field_names)]
pub struct ConfigArgs {
    /// The TOML configuration file.
    #[arg(long, env = "CHATD_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to serve on [default: 127.0.0.1:7878].
    #[arg(long, global = true, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Where chatd keeps its state (embedded PostgreSQL, keys, attachments).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Largest number of PostgreSQL connections in the pool [default: 20].
    #[arg(long, global = true, value_name = "N")]
    pub database_max_connections: Option<u32>,
    /// Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node.
    #[arg(long, global = true, value_name = "URL")]
    pub redis_url: Option<String>,
    /// Directory of the PostgreSQL binaries for the embedded database.
    #[arg(long, global = true, value_name = "DIR")]
    pub postgres_bin_dir: Option<PathBuf>,
    /// System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres].
    #[arg(long, global = true, value_name = "USER")]
    pub postgres_user: Option<String>,
    /// Log format: human or json [default: human].
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or chatd=debug,info [default: info].
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Who may register: open, invite or closed [default: open].
    #[arg(long, global = true, value_name = "MODE")]
    pub registration: Option<String>,
    /// Shortest accepted password, in characters [default: 8].
    #[arg(long, global = true, value_name = "N")]
    pub password_min_length: Option<usize>,
    /// Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir.
    #[arg(long, global = true, value_name = "SECRET")]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds [default: 900].
    #[arg(long, global = true, value_name = "SECS")]
    pub access_token_ttl: Option<u64>,
    /// Lifetime of refresh tokens, in seconds [default: 604800].
    #[arg(long, global = true, value_name = "SECS")]
    pub refresh_token_ttl: Option<u64>,
    /// Trust the X-Forwarded-For header for client addresses (behind a reverse proxy).
    #[arg(long, global = true, value_name = "BOOL")]
    pub trust_forwarded_for: Option<bool>,
    /// Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as
    /// `a,b`). Overrides the flags above, the variables and the file.
    #[arg(long, global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}
