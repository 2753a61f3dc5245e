//! The embedded default: a private PostgreSQL cluster under the data directory, reached on a
//! Unix socket, started with chatd and stopped with it, run by the machine's own binaries.
//!
//! PostgreSQL refuses to run as root, so when chatd is root the cluster belongs to an
//! unprivileged system user (`postgres.user`) and every PostgreSQL program runs as that user.

mod error;
mod locate;
mod paths;
mod pidfile;

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tracing::{info, warn};

pub use error::EmbeddedError;
pub use locate::locate_binaries;
use paths::{create_private_dir, socket_dir_for};

/// The role and database chatd uses inside its cluster.
pub const ROLE: &str = "chatd";
/// The database chatd serves from.
pub const DATABASE: &str = "chatd";
/// The port names the socket file; nothing listens on TCP.
const PORT: u16 = 5432;
/// Unix socket paths are limited to about 107 bytes.
const SOCKET_PATH_MAX: usize = 100;

/// How to run the cluster.
#[derive(Clone, Debug)]
pub struct EmbeddedOptions {
    /// The cluster's own directory, e.g. `<data_dir>/postgres`.
    pub root: PathBuf,
    /// Where the binaries are, when configured.
    pub bin_dir: Option<PathBuf>,
    /// The user that runs PostgreSQL when this process is root.
    pub user_when_root: String,
    /// `max_connections` of the cluster.
    pub max_connections: u32,
    /// Skip fsync: for throwaway test clusters only, never for real data.
    pub unsafe_no_fsync: bool,
}

/// A running embedded cluster. Stop it with [`EmbeddedPostgres::stop`].
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    owner: Option<nix::unistd::User>,
    /// Only the handle [`EmbeddedPostgres::start`] returns stops the cluster on drop, not
    /// the copies made for blocking work.
    stop_on_drop: bool,
}

impl EmbeddedPostgres {
    /// Creates the cluster on first use, starts it (or adopts one left running by a previous
    /// chatd on the same directory) and makes sure the chatd database exists.
    pub async fn start(options: EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let bin_dir =
            locate_binaries(options.bin_dir.as_deref()).ok_or(EmbeddedError::NoBinaries)?;
        let owner = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name(&options.user_when_root)
                .ok()
                .flatten()
                .ok_or_else(|| EmbeddedError::NoSuchUser(options.user_when_root.clone()))?;
            Some(user)
        } else {
            None
        };
        let cluster = Self {
            bin_dir,
            pgdata: options.root.join("data"),
            socket_dir: socket_dir_for(&options.root),
            log_file: options.root.join("postgres.log"),
            owner,
            stop_on_drop: false,
        };
        let prepared = cluster.clone_paths();
        let opts = options.clone();
        tokio::task::spawn_blocking(move || prepared.prepare_and_start(&opts))
            .await
            .map_err(|e| EmbeddedError::Command {
                program: "pg_ctl".into(),
                message: e.to_string(),
            })??;
        let mut cluster = cluster;
        cluster.stop_on_drop = true;
        if let Err(e) = cluster.ensure_database().await {
            // Never leave a cluster running behind a failed start.
            let _ = cluster.stop().await;
            return Err(e);
        }
        Ok(cluster)
    }

    fn clone_paths(&self) -> Self {
        Self {
            bin_dir: self.bin_dir.clone(),
            pgdata: self.pgdata.clone(),
            socket_dir: self.socket_dir.clone(),
            log_file: self.log_file.clone(),
            owner: self.owner.clone(),
            stop_on_drop: false,
        }
    }

    fn prepare_and_start(&self, options: &EmbeddedOptions) -> Result<(), EmbeddedError> {
        create_private_dir(&options.root)?;
        create_private_dir(&self.socket_dir)?;
        if let Some(owner) = &self.owner {
            for dir in [&options.root, &self.socket_dir] {
                nix::unistd::chown(dir.as_path(), Some(owner.uid), Some(owner.gid)).map_err(
                    |e| EmbeddedError::Io {
                        action: "changing the owner of",
                        path: dir.clone(),
                        source: e.into(),
                    },
                )?;
            }
        }
        if let Some(owner) = &self.owner {
            // initdb would fail with a bare "permission denied"; say what to do instead.
            let reachable = Command::new("/bin/sh")
                .args(["-c", "test -w \"$1\" -a -x \"$1\"", "sh"])
                .arg(&options.root)
                .uid(owner.uid.as_raw())
                .gid(owner.gid.as_raw())
                .current_dir("/")
                .status()
                .is_ok_and(|s| s.success());
            if !reachable {
                return Err(EmbeddedError::Unreachable {
                    user: owner.name.clone(),
                    path: options.root.clone(),
                });
            }
        }
        if !self.pgdata.join("PG_VERSION").exists() {
            info!(path = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
            let mut initdb = self.command("initdb");
            initdb.arg("-D").arg(&self.pgdata).args([
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]);
            if options.unsafe_no_fsync {
                initdb.arg("--no-sync");
            }
            self.run(initdb, "initdb")?;
            let conf = self.pgdata.join("postgresql.conf");
            let mut text = fs::read_to_string(&conf).map_err(|source| EmbeddedError::Io {
                action: "reading",
                path: conf.clone(),
                source,
            })?;
            text.push_str(
                "\n# Written by chatd on every start.\ninclude_if_exists = 'chatd.conf'\n",
            );
            self.write_as_owner(&conf, &text)?;
        }
        let fsync = if options.unsafe_no_fsync {
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        } else {
            ""
        };
        let settings = format!(
            "listen_addresses = ''\nport = {PORT}\nunix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\nmax_connections = {}\n{fsync}",
            self.socket_dir.display().to_string().replace('\'', "''"),
            options.max_connections,
        );
        self.write_as_owner(&self.pgdata.join("chatd.conf"), &settings)?;

        if let pidfile::PidFile::Stale(pid) = pidfile::inspect(&self.pgdata) {
            // A crash left the lock files; their PID may now be any other process, which
            // must be neither adopted nor signalled.
            warn!(
                ?pid,
                "removing a stale postmaster.pid: it names no PostgreSQL of this data directory"
            );
            pidfile::remove_stale(
                &self.pgdata,
                &self.socket_dir.join(format!(".s.PGSQL.{PORT}.lock")),
            )
            .map_err(|source| EmbeddedError::Io {
                action: "removing the stale lock files of",
                path: self.pgdata.clone(),
                source,
            })?;
        }
        if self.is_running() {
            info!("adopting the embedded PostgreSQL left running on this data directory");
            return Ok(());
        }
        info!(socket = %self.socket_dir.display(), "starting the embedded PostgreSQL");
        let mut start = self.command("pg_ctl");
        start
            .arg("start")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("-l")
            .arg(&self.log_file)
            .args(["-w", "-t", "120", "-s"]);
        self.run(start, "pg_ctl start")
    }

    /// Whether the cluster's postmaster is running.
    pub fn is_running(&self) -> bool {
        let mut status = self.command("pg_ctl");
        status.arg("status").arg("-D").arg(&self.pgdata);
        status.output().is_ok_and(|o| o.status.success())
    }

    /// Stops the cluster, letting it finish cleanly ("fast" shutdown: sessions are ended,
    /// everything committed is on disk).
    pub async fn stop(&self) -> Result<(), EmbeddedError> {
        let this = self.clone_paths();
        tokio::task::spawn_blocking(move || {
            if !this.is_running() {
                return Ok(());
            }
            info!("stopping the embedded PostgreSQL");
            let mut stop = this.command("pg_ctl");
            stop.arg("stop")
                .arg("-D")
                .arg(&this.pgdata)
                .args(["-m", "fast", "-w", "-t", "60", "-s"]);
            this.run(stop, "pg_ctl stop")
        })
        .await
        .map_err(|e| EmbeddedError::Command {
            program: "pg_ctl".into(),
            message: e.to_string(),
        })?
    }

    /// Starts a stopped cluster again (used by tests of outages).
    pub async fn restart(&self) -> Result<(), EmbeddedError> {
        let this = self.clone_paths();
        tokio::task::spawn_blocking(move || {
            let mut start = this.command("pg_ctl");
            start
                .arg("start")
                .arg("-D")
                .arg(&this.pgdata)
                .arg("-l")
                .arg(&this.log_file)
                .args(["-w", "-t", "120", "-s"]);
            this.run(start, "pg_ctl start")
        })
        .await
        .map_err(|e| EmbeddedError::Command {
            program: "pg_ctl".into(),
            message: e.to_string(),
        })?
    }

    /// Connection options for `database` as the chatd role, over the Unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(ROLE)
            .database(database)
            .application_name("chatd")
    }

    /// Connection options for `database` of the cluster under `root` (e.g.
    /// `<data_dir>/postgres`), without starting it: for tools such as `chatctl` that reach
    /// the cluster a running chatd manages.
    pub fn connect_options_at(root: &Path, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(socket_dir_for(root))
            .port(PORT)
            .username(ROLE)
            .database(database)
    }

    /// The directory of the cluster's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedError> {
        let mut conn = self
            .connect_options("postgres")
            .log_statements(tracing::log::LevelFilter::Off)
            .connect()
            .await?;
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(DATABASE)
                .fetch_optional(&mut conn)
                .await?;
        if exists.is_none() {
            sqlx::query(&format!("CREATE DATABASE {DATABASE}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        // The owner may not be able to enter our working directory; its own directory it can.
        if let Some(parent) = self.pgdata.parent() {
            cmd.current_dir(parent);
        }
        cmd.env_remove("PGDATA").env("LC_ALL", "C");
        if let Some(owner) = &self.owner {
            cmd.uid(owner.uid.as_raw()).gid(owner.gid.as_raw());
        }
        cmd
    }

    fn run(&self, mut cmd: Command, program: &str) -> Result<(), EmbeddedError> {
        let output: Output = cmd.output().map_err(|e| EmbeddedError::Command {
            program: program.into(),
            message: e.to_string(),
        })?;
        if output.status.success() {
            return Ok(());
        }
        let mut message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if let Ok(log) = fs::read_to_string(&self.log_file) {
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            message.push_str("\n--- PostgreSQL log (last lines) ---\n");
            message.push_str(&tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        Err(EmbeddedError::Command {
            program: program.into(),
            message,
        })
    }

    fn write_as_owner(&self, path: &Path, text: &str) -> Result<(), EmbeddedError> {
        fs::write(path, text).map_err(|source| EmbeddedError::Io {
            action: "writing",
            path: path.to_path_buf(),
            source,
        })?;
        if let Some(owner) = &self.owner {
            nix::unistd::chown(path, Some(owner.uid), Some(owner.gid)).map_err(|e| {
                EmbeddedError::Io {
                    action: "changing the owner of",
                    path: path.to_path_buf(),
                    source: e.into(),
                }
            })?;
        }
        Ok(())
    }
}
