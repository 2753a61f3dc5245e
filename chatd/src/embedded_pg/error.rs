//! What can go wrong with the embedded cluster.

use std::path::PathBuf;

/// Why the embedded PostgreSQL could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No PostgreSQL binaries were found.
    #[error(
        "no PostgreSQL server binaries found (looked for initdb, pg_ctl and postgres via \
         postgres.bin_dir, pg_config, PATH and /usr/lib/postgresql/*/bin).\n\
         Install them (Debian/Ubuntu: `apt-get install postgresql`), set \
         CHATD_POSTGRES_BIN_DIR to their directory, or point chatd at a server with \
         --database-url postgres://user:password@host/db"
    )]
    NoBinaries,
    /// chatd runs as root and the configured user does not exist.
    #[error(
        "chatd runs as root and PostgreSQL refuses to; the system user `{0}` that should run \
         it does not exist. Create it, set CHATD_POSTGRES_USER to another unprivileged user, \
         or run chatd as a normal user"
    )]
    NoSuchUser(String),
    /// A PostgreSQL program failed.
    #[error("{program} failed: {message}")]
    Command {
        /// The program.
        program: String,
        /// Its output, and the server log's tail where there is one.
        message: String,
    },
    /// The unprivileged user cannot reach the cluster directory.
    #[error(
        "the PostgreSQL user `{user}` cannot reach {path}: a parent directory is closed to it. \
         Make the parents traversable (chmod o+x) or choose a data directory elsewhere, \
         e.g. CHATD_DATA_DIR=/var/lib/chatd"
    )]
    Unreachable {
        /// The user.
        user: String,
        /// The cluster directory.
        path: PathBuf,
    },
    /// A file operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The cluster started but chatd could not prepare its database.
    #[error("preparing the chatd database: {0}")]
    Database(#[from] sqlx::Error),
}
