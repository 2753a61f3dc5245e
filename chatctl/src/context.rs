//! What every verb needs: the configuration, the way to PostgreSQL (an external URL, or the
//! embedded cluster of the data directory), the PostgreSQL client programs, Redis notices
//! and deliveries, and audit records.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chatd::config::Config;
use chatd::embedded_pg::{self, EmbeddedPostgres};
use chatd::fanout::notices::AdminNotice;
use chatd::fanout::{Delivery, WireDelivery};
use chatd::store::{AuditEntry, Store};
use serde_json::{Value, json};
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;

use crate::output::Failure;

/// How long chatctl waits for PostgreSQL or Redis before it gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The configuration and output mode of one chatctl run.
#[derive(Debug)]
pub struct Context {
    /// chatd's configuration.
    pub config: Config,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// Print JSON instead of tables.
    pub json: bool,
}

/// Arguments and environment that point a PostgreSQL client program (`pg_dump`,
/// `pg_restore`) at the database, the password never on the command line.
#[derive(Debug, Default)]
pub struct PgClientArgs {
    /// Connection arguments.
    pub args: Vec<OsString>,
    /// Environment, e.g. `PGPASSWORD`.
    pub env: Vec<(String, String)>,
}

impl Context {
    /// The embedded cluster's directory, when no database URL is configured.
    pub fn embedded_root(&self) -> Option<PathBuf> {
        self.config
            .database
            .url
            .is_none()
            .then(|| self.config.data_dir.join("postgres"))
    }

    /// Connection options for chatd's database.
    pub fn connect_options(&self) -> Result<PgConnectOptions, Failure> {
        let options = match &self.config.database.url {
            Some(url) => PgConnectOptions::from_str(url.expose())
                .map_err(|e| Failure::usage(format!("database.url: {e}")))?,
            None => EmbeddedPostgres::connect_options_at(
                &self.config.data_dir.join("postgres"),
                embedded_pg::DATABASE,
            ),
        };
        Ok(options
            .application_name("chatctl")
            .log_statements(tracing::log::LevelFilter::Off))
    }

    /// A store on chatd's database, checked to answer.
    pub async fn store(&self) -> Result<Store, Failure> {
        let store = Store::connect_lazy(self.connect_options()?, 2, CONNECT_TIMEOUT);
        match tokio::time::timeout(CONNECT_TIMEOUT, store.ping()).await {
            Ok(Ok(())) => Ok(store),
            Ok(Err(e)) => Err(self.unreachable(&e.to_string())),
            Err(_) => Err(self.unreachable("no answer within 5 s")),
        }
    }

    /// Why PostgreSQL could not be reached, with what to do about it.
    pub fn unreachable(&self, cause: &str) -> Failure {
        match &self.config.database.url {
            Some(url) => Failure::failed(format!(
                "cannot reach PostgreSQL at {}: {cause}",
                url.redacted()
            )),
            None => Failure::failed(format!(
                "cannot reach the embedded PostgreSQL of the data directory {}: {cause}\n\
                 hint: chatctl uses the cluster a running chatd serves; start chatd on this \
                 data directory, set CHATD_DATA_DIR/--data-dir to the one chatd uses, or pass \
                 --database-url",
                self.config.data_dir.display()
            )),
        }
    }

    /// How `pg_dump` and `pg_restore` reach the database.
    pub fn pg_client_args(&self) -> Result<PgClientArgs, Failure> {
        let mut out = PgClientArgs::default();
        if let Some(url) = &self.config.database.url {
            let mut parsed = url::Url::parse(url.expose())
                .map_err(|e| Failure::usage(format!("database.url: {e}")))?;
            if let Some(password) = parsed.password() {
                let decoded = url::form_urlencoded::parse(format!("p={password}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                out.env.push(("PGPASSWORD".into(), decoded));
                let _ = parsed.set_password(None);
            }
            out.args.push(format!("--dbname={parsed}").into());
        } else {
            let options = self.connect_options()?;
            let host = options
                .get_socket()
                .map_or_else(|| options.get_host().into(), |s| s.as_os_str().to_owned());
            let mut host_arg = OsString::from("--host=");
            host_arg.push(host);
            out.args.push(host_arg);
            out.args
                .push(format!("--port={}", options.get_port()).into());
            out.args
                .push(format!("--username={}", options.get_username()).into());
            out.args
                .push(format!("--dbname={}", embedded_pg::DATABASE).into());
        }
        Ok(out)
    }

    /// The PostgreSQL client program `name` (`pg_dump`, `pg_restore`): next to the server
    /// binaries chatd would use (`postgres.bin_dir`, `pg_config`, PATH,
    /// `/usr/lib/postgresql/*/bin`), else the first on PATH.
    pub fn pg_program(&self, name: &str) -> Result<PathBuf, Failure> {
        let configured = self.config.postgres.bin_dir.as_deref();
        if let Some(dir) = configured
            && dir.join(name).is_file()
        {
            return Ok(dir.join(name));
        }
        if let Some(dir) = embedded_pg::locate_binaries(configured)
            && dir.join(name).is_file()
        {
            return Ok(dir.join(name));
        }
        std::env::var_os("PATH")
            .and_then(|path| {
                std::env::split_paths(&path)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
            .ok_or_else(|| {
                Failure::failed(format!(
                    "{name} not found (looked in postgres.bin_dir, pg_config --bindir, \
                     /usr/lib/postgresql/*/bin and PATH); install the PostgreSQL client \
                     programs (Debian/Ubuntu: apt-get install postgresql-client) or set \
                     CHATD_POSTGRES_BIN_DIR"
                ))
            })
    }

    /// Tells every chatd node to close the connections `notice` concerns: through
    /// PostgreSQL (`NOTIFY chatd_admin`, heard by every node, with or without Redis) and,
    /// when configured, on `<redis.key_prefix>admin`. What could not be reached is said on
    /// stderr; `Ok(true)` when at least one path reached the nodes, an error when none did
    /// (the database change stands either way).
    pub async fn publish_admin_notice(
        &self,
        store: &Store,
        notice: &AdminNotice,
    ) -> Result<bool, Failure> {
        let text = serde_json::to_string(notice)
            .map_err(|e| Failure::failed(format!("encoding a notice: {e}")))?;
        let postgres = store.notify(chatd::fanout::notices::CHANNEL, &text).await;
        let redis = self.publish("admin", std::slice::from_ref(&text)).await;
        match (postgres, redis) {
            (Ok(()), Ok(_)) => Ok(true),
            (Ok(()), Err(e)) => {
                let e = e.message;
                eprintln!("warning: {e}; the nodes were told through PostgreSQL instead");
                Ok(true)
            }
            (Err(e), Ok(true)) => {
                eprintln!(
                    "warning: notifying the nodes through PostgreSQL failed ({e}); they were \
                     told through Redis"
                );
                Ok(true)
            }
            (Err(e), Ok(false)) => Err(Failure::failed(format!(
                "the change is stored, but no chatd node could be told to close open \
                 connections (PostgreSQL NOTIFY failed: {e}; no Redis configured): they \
                 close within a minute, when their session is next checked"
            ))),
            (Err(pg), Err(redis)) => Err(Failure::failed(format!(
                "the change is stored, but no chatd node could be told to close open \
                 connections (PostgreSQL NOTIFY failed: {pg}; {}): they close within a \
                 minute, when their session is next checked",
                redis.message
            ))),
        }
    }

    /// Publishes fan-out deliveries (made by chatd's services in this process) on
    /// `<redis.key_prefix>events`, in order, so that every chatd node hands them to its
    /// connected clients. `Ok(false)` when no Redis is configured.
    pub async fn publish_deliveries(&self, deliveries: Vec<Delivery>) -> Result<bool, Failure> {
        if self.config.redis.url.is_none() {
            return Ok(false);
        }
        // Every node hands these to its registry: `origin` is none of theirs.
        let origin = uuid::Uuid::now_v7();
        let texts = deliveries
            .into_iter()
            .map(|delivery| {
                serde_json::to_string(&WireDelivery {
                    origin,
                    resync: false,
                    delivery: Some(delivery),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::failed(format!("encoding a delivery: {e}")))?;
        self.publish("events", &texts).await
    }

    /// `PUBLISH`es `messages` in order on `<redis.key_prefix><suffix>`.
    async fn publish(&self, suffix: &str, messages: &[String]) -> Result<bool, Failure> {
        let Some(url) = &self.config.redis.url else {
            return Ok(false);
        };
        let channel = format!("{}{suffix}", self.config.redis.key_prefix);
        let publish = async {
            let client = redis::Client::open(url.expose())?;
            let mut conn = client.get_multiplexed_async_connection().await?;
            for message in messages {
                redis::cmd("PUBLISH")
                    .arg(&channel)
                    .arg(message)
                    .query_async::<i64>(&mut conn)
                    .await?;
            }
            Ok::<_, redis::RedisError>(())
        };
        match tokio::time::timeout(CONNECT_TIMEOUT, publish).await {
            Ok(Ok(())) => Ok(true),
            Ok(Err(e)) => Err(Failure::failed(format!(
                "publishing on Redis channel {channel} at {}: {e}",
                url.redacted()
            ))),
            Err(_) => Err(Failure::failed(format!(
                "publishing on Redis channel {channel} at {}: no answer within 5 s",
                url.redacted()
            ))),
        }
    }

    /// Writes an audit record of an operator action; `actor_id` is NULL (the operator is
    /// not an account) and `details.via` is `chatctl`.
    pub async fn audit(
        &self,
        store: &Store,
        action: &str,
        target: Option<(&str, String)>,
        mut details: Value,
    ) -> Result<(), Failure> {
        if let Value::Object(map) = &mut details {
            map.insert("via".into(), json!("chatctl"));
            map.insert("operator".into(), json!(operator()));
        }
        let (target_type, target_id) = target.map_or((None, None), |(t, id)| (Some(t), Some(id)));
        store
            .audit(AuditEntry {
                actor_id: None,
                action,
                target_type,
                target_id,
                ip: None,
                details,
            })
            .await
            .map_err(|e| Failure::failed(format!("writing the audit record {action}: {e}")))
    }
}

/// The system user running chatctl, for the audit log.
fn operator() -> String {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| format!("uid {}", nix::unistd::geteuid()))
}

/// What `chatctl doctor` finds at the data directory, without changing anything there: a
/// directory that is missing stays missing (chatd makes it at start), so the check only
/// asks whether its nearest existing parent would let chatd make it.
pub fn probe_writable(dir: &Path) -> Result<String, String> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            writable(dir).map(|()| format!("{} is writable", dir.display()))
        }
        Ok(_) => Err(format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = dir
                .ancestors()
                .skip(1)
                .find(|a| a.is_dir())
                .unwrap_or_else(|| Path::new("/"));
            writable(parent).map(|()| {
                format!(
                    "{} does not exist yet; chatd creates it at start ({} is writable)",
                    dir.display(),
                    parent.display()
                )
            })
        }
        Err(e) => Err(format!("{}: {e}", dir.display())),
    }
}

/// Whether this process may create entries in `dir` (asked of the kernel, nothing written).
fn writable(dir: &Path) -> Result<(), String> {
    nix::unistd::access(
        dir,
        nix::unistd::AccessFlags::W_OK | nix::unistd::AccessFlags::X_OK,
    )
    .map_err(|e| format!("cannot write in {}: {e}", dir.display()))
}
