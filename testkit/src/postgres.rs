//! The shared PostgreSQL cluster, per-test databases cloned from a migrated template, and
//! private clusters for tests that stop their database.

use std::fs::File;
use std::path::PathBuf;

use chatd::embedded_pg::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::sync::OnceCell;

/// The shared cluster as seen by this process.
#[derive(Debug)]
pub struct SharedPostgres {
    cluster: EmbeddedPostgres,
    template: String,
}

static SHARED: OnceCell<SharedPostgres> = OnceCell::const_new();

fn options(root: PathBuf) -> EmbeddedOptions {
    EmbeddedOptions {
        root,
        bin_dir: std::env::var_os("CHATD_POSTGRES_BIN_DIR").map(PathBuf::from),
        user_when_root: "postgres".into(),
        max_connections: 500,
        unsafe_no_fsync: true,
    }
}

/// Starts (or adopts) the shared cluster and makes sure the template of the current schema
/// exists. Safe to call from many tests and processes at once.
pub async fn shared_postgres() -> &'static SharedPostgres {
    SHARED
        .get_or_init(|| async {
            let dir = crate::shared_dir();
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
            set_traversable(&dir);
            let lock = lock_file(&dir);
            let cluster = EmbeddedPostgres::start(options(dir.join("pg")))
                .await
                .unwrap_or_else(|e| panic!("starting the test PostgreSQL: {e}"));
            let template = ensure_template(&cluster).await;
            drop(lock);
            SharedPostgres { cluster, template }
        })
        .await
}

fn set_traversable(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

fn lock_file(dir: &std::path::Path) -> File {
    let file = File::create(dir.join("setup.lock")).unwrap_or_else(|e| panic!("lock file: {e}"));
    file.lock()
        .unwrap_or_else(|e| panic!("locking the test setup: {e}"));
    file
}

/// The template is named after the migrations it holds, so a schema change makes a new one.
async fn ensure_template(cluster: &EmbeddedPostgres) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    for migration in chatd::store::MIGRATOR.iter() {
        digest.update(migration.version.to_le_bytes());
        digest.update(&*migration.checksum);
    }
    let tag = crate::hex(&digest.finalize()[..6]);
    let name = format!("tpl_{tag}");
    let mut admin = connect(cluster, "postgres").await;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    if exists.is_none() {
        let building = format!("{name}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut conn = connect(cluster, &building).await;
        chatd::store::MIGRATOR
            .run(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("migrating the template: {e}"));
        conn.close().await.unwrap_or_else(|e| panic!("{e}"));
        // Renamed only once complete, so a crash mid-way never leaves a half-built template.
        sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    name
}

async fn connect(cluster: &EmbeddedPostgres, database: &str) -> PgConnection {
    cluster
        .connect_options(database)
        .log_statements(tracing::log::LevelFilter::Off)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"))
}

/// A database of its own for one test, dropped when the test ends.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    options: PgConnectOptions,
    admin: PgConnectOptions,
}

impl TestDb {
    /// Connection options for this database.
    pub fn options(&self) -> PgConnectOptions {
        self.options.clone()
    }

    /// A `postgres://` URL for this database (over the Unix socket), for child processes.
    pub fn url(&self) -> String {
        let socket = self
            .options
            .get_socket()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        format!("postgres://chatd@localhost/{}?host={socket}", self.name)
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = self.admin.clone();
        // Drop runs outside any runtime guarantee; a short-lived runtime on its own thread
        // does the async cleanup.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = admin.connect().await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// A new database with the current schema, cloned from the template.
pub async fn fresh_db() -> TestDb {
    let shared = shared_postgres().await;
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let mut admin = connect(&shared.cluster, "postgres").await;
    sqlx::query(&format!(
        "CREATE DATABASE {name} TEMPLATE {}",
        shared.template
    ))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("creating a test database: {e}"));
    let _ = admin.close().await;
    TestDb {
        options: shared
            .cluster
            .connect_options(&name)
            .log_statements(tracing::log::LevelFilter::Off),
        admin: shared
            .cluster
            .connect_options("postgres")
            .log_statements(tracing::log::LevelFilter::Off),
        name,
    }
}

/// The pid of the postmaster serving the Unix socket in `socket_dir`, read from the socket's
/// lock file (its first line), if one is there.
pub fn postmaster_pid(socket_dir: &std::path::Path) -> Option<i32> {
    let lock = std::fs::read_dir(socket_dir).ok()?.find_map(|entry| {
        let path = entry.ok()?.path();
        let name = path.file_name()?.to_str()?;
        (name.starts_with(".s.PGSQL.") && path.extension().is_some_and(|e| e == "lock"))
            .then_some(path.clone())
    })?;
    let text = std::fs::read_to_string(lock).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// A cluster of a test's own, for tests that stop and start PostgreSQL.
#[derive(Debug)]
pub struct PrivatePostgres {
    /// The running cluster.
    pub cluster: EmbeddedPostgres,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    /// Creates and starts a throwaway cluster.
    pub async fn start() -> Self {
        let dir = crate::temp_dir();
        let cluster = EmbeddedPostgres::start(options(dir.path().join("pg")))
            .await
            .unwrap_or_else(|e| panic!("starting a private PostgreSQL: {e}"));
        Self { cluster, _dir: dir }
    }

    /// Creates and starts a throwaway cluster that keeps what it acknowledged through a crash
    /// (`fsync` and `synchronous_commit` on, as in production), for tests that kill it: the
    /// other clusters of the suite trade that away for speed.
    pub async fn start_durable() -> Self {
        let dir = crate::temp_dir();
        let mut options = options(dir.path().join("pg"));
        options.unsafe_no_fsync = false;
        let cluster = EmbeddedPostgres::start(options)
            .await
            .unwrap_or_else(|e| panic!("starting a private PostgreSQL: {e}"));
        Self { cluster, _dir: dir }
    }

    /// Stops the cluster the way a crash or `pg_ctl stop -m immediate` does (SIGQUIT to the
    /// postmaster: no checkpoint, sessions cut) and waits until it is gone.
    pub async fn stop_immediate(&self) {
        let pid = postmaster_pid(self.cluster.socket_dir());
        if let Some(pid) = pid {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGQUIT,
            );
        }
        crate::eventually(std::time::Duration::from_secs(30), || async {
            !self.cluster.is_running()
        })
        .await;
    }

    /// Starts the cluster again after [`PrivatePostgres::stop_immediate`] (crash recovery).
    pub async fn start_again(&self) {
        self.cluster
            .restart()
            .await
            .unwrap_or_else(|e| panic!("restarting the private PostgreSQL: {e}"));
    }

    /// A `postgres://` URL for the chatd database of this cluster, for child processes.
    pub fn url(&self) -> String {
        format!(
            "postgres://chatd@localhost/{}?host={}",
            chatd::embedded_pg::DATABASE,
            self.cluster.socket_dir().display()
        )
    }

    /// Options for the chatd database of this cluster.
    pub fn options(&self) -> PgConnectOptions {
        self.cluster
            .connect_options(chatd::embedded_pg::DATABASE)
            .log_statements(tracing::log::LevelFilter::Off)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let cluster = &self.cluster;
        let _ = std::thread::scope(|s| {
            s.spawn(|| {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                let _ = rt.block_on(cluster.stop());
            })
            .join()
        });
    }
}
