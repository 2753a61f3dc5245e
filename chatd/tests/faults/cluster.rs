//! The system under test: two `chatd` processes on one PostgreSQL and one Redis (or the
//! embedded default: one process that manages its own PostgreSQL), each node on a port of
//! its own that stays the same across restarts, so clients reconnect to the same address.

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nix::sys::signal::Signal;
use sqlx::postgres::PgConnectOptions;
use testkit::{ChatdProcess, PrivatePostgres, PrivateRedis};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");

/// What the nodes run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Two nodes, an external PostgreSQL and Redis (each private to the scenario).
    TwoNodes,
    /// One node on its embedded default: no database URL, no Redis.
    Embedded,
}

/// One `chatd` node: its address, data directory and the process while it runs.
#[derive(Debug)]
pub struct Node {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    listen: String,
    data_dir: tempfile::TempDir,
    process: Option<ChatdProcess>,
    /// stderr of the incarnations that ended.
    past_logs: Vec<String>,
}

/// The databases, Redis and nodes of one scenario.
#[derive(Debug)]
pub struct Cluster {
    /// The layout.
    pub layout: Layout,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// PostgreSQL (absent in the embedded layout, where the node owns it), durable like a
    /// production server, so that a crash of it may lose nothing acknowledged.
    pub postgres: Option<Arc<PrivatePostgres>>,
    /// Redis (absent in the embedded layout).
    pub redis: Option<Arc<PrivateRedis>>,
    config: PathBuf,
    _dir: tempfile::TempDir,
}

/// Settings every node gets: limits out of the way of a load test, a small per-connection
/// queue so that a client that stops reading is cut off within seconds.
const CONFIG: &str = r#"
[auth]
jwt_secret = "faults-suite-shared-secret-0123456789abcdef0123456789"

[limits]
registrations_per_ip = 100000
login_failures_per_ip = 100000
messages_per_sec = 100000
messages_burst = 100000

[ws]
queue_capacity = 256

[http]
shutdown_grace_secs = 5
"#;

impl Cluster {
    /// Starts the layout's databases and nodes.
    pub async fn start(layout: Layout) -> Self {
        let dir = testkit::temp_dir();
        let config = dir.path().join("chatd.toml");
        std::fs::write(&config, CONFIG).unwrap_or_else(|e| panic!("writing the config: {e}"));
        let (postgres, redis, count) = match layout {
            Layout::TwoNodes => (
                Some(Arc::new(PrivatePostgres::start_durable().await)),
                Some(Arc::new(PrivateRedis::start().await)),
                2,
            ),
            Layout::Embedded => (None, None, 1),
        };
        let nodes = (0..count)
            .map(|_| {
                let port = free_port();
                Node {
                    url: format!("http://127.0.0.1:{port}"),
                    listen: format!("127.0.0.1:{port}"),
                    data_dir: testkit::temp_dir(),
                    process: None,
                    past_logs: Vec::new(),
                }
            })
            .collect();
        let mut cluster = Self {
            layout,
            nodes,
            postgres,
            redis,
            config,
            _dir: dir,
        };
        // One after the other: the first applies the migrations.
        for i in 0..cluster.nodes.len() {
            cluster.start_node(i);
        }
        cluster
    }

    /// The node URLs, in order.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.url.clone()).collect()
    }

    /// Starts node `i` (again) on its address and data directory.
    pub fn start_node(&mut self, i: usize) {
        let database = self.postgres.as_ref().map(|pg| pg.url());
        let redis = self.redis.as_ref().map(|redis| redis.url());
        let config = self.config.display().to_string();
        let node = &mut self.nodes[i];
        let data_dir = node.data_dir.path().display().to_string();
        let mut env = vec![
            ("CHATD_CONFIG", config.as_str()),
            ("CHATD_DATA_DIR", data_dir.as_str()),
            ("CHATD_LISTEN", node.listen.as_str()),
        ];
        if let Some(url) = &database {
            env.push(("CHATD_DATABASE_URL", url));
        }
        if let Some(url) = &redis {
            env.push(("CHATD_REDIS_URL", url));
        }
        node.process = Some(ChatdProcess::start(Path::new(CHATD), &[], &env));
    }

    /// Kills node `i` with SIGKILL.
    pub fn kill_node(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        if let Some(process) = node.process.take() {
            node.past_logs.push(process.kill());
        }
    }

    /// Stops node `i` with SIGTERM and waits for it to exit.
    pub fn terminate_node(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        if let Some(process) = node.process.take() {
            let (_, log) = process.terminate();
            node.past_logs.push(log);
        }
    }

    /// Sends `signal` to node `i`.
    pub fn signal_node(&self, i: usize, signal: Signal) {
        if let Some(process) = &self.nodes[i].process {
            process.signal(signal);
        }
    }

    /// The process id of node `i`, while it runs.
    pub fn node_pid(&self, i: usize) -> Option<i32> {
        self.nodes[i]
            .process
            .as_ref()
            .and_then(|p| i32::try_from(p.pid()).ok())
    }

    /// Kills the PostgreSQL that the embedded node manages with SIGKILL (its postmaster; the
    /// backends follow it).
    pub fn kill_embedded_postgres(&self) {
        let options = self.database();
        let Some(socket_dir) = options.get_socket() else {
            return;
        };
        let pid = testkit::postmaster_pid(socket_dir);
        let Some(pid) = pid else { return };
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
        // Dead once it is gone or a zombie (state `Z` in /proc/<pid>/stat) waiting for init.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next());
            if stat.is_empty() || state == Some("Z") {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Connection options for the chatd database, wherever it is.
    pub fn database(&self) -> PgConnectOptions {
        match (&self.postgres, self.layout) {
            (Some(pg), _) => pg.options(),
            (None, _) => chatd::embedded_pg::EmbeddedPostgres::connect_options_at(
                &self.nodes[0].data_dir.path().join("postgres"),
                chatd::embedded_pg::DATABASE,
            ),
        }
    }

    /// Every line every node wrote to stderr so far, past incarnations included.
    pub fn logs(&self) -> String {
        let mut all = String::new();
        for node in &self.nodes {
            for past in &node.past_logs {
                all.push_str(past);
                all.push('\n');
            }
            if let Some(process) = &node.process {
                all.push_str(&process.stderr_text());
                all.push('\n');
            }
        }
        all
    }

    /// Stops every node cleanly (the embedded one stops its PostgreSQL).
    pub fn stop(&mut self) {
        for i in 0..self.nodes.len() {
            self.terminate_node(i);
        }
    }
}

/// A port nothing listens on now (the node binds it a moment later; restarts reuse it).
fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or_else(|e| panic!("finding a free port: {e}"), |a| a.port())
}
