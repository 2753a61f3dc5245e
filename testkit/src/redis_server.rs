//! A real `redis-server`, shared by the suite or private to one test, on a Unix socket.

use std::path::{Path, PathBuf};
use std::process::Command;

use tokio::sync::OnceCell;

static SHARED: OnceCell<String> = OnceCell::const_new();

/// The URL of the shared Redis server, started on first use and left running.
pub async fn shared_redis_url() -> String {
    SHARED
        .get_or_init(|| async {
            let dir = crate::shared_dir().join("redis");
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
            let lock = std::fs::File::create(dir.join("setup.lock"))
                .unwrap_or_else(|e| panic!("lock file: {e}"));
            lock.lock()
                .unwrap_or_else(|e| panic!("locking the Redis setup: {e}"));
            let socket = dir.join("redis.sock");
            if !answers(&socket).await {
                start(&dir, &socket);
                assert!(
                    crate::eventually(std::time::Duration::from_secs(10), || answers(&socket))
                        .await,
                    "the test Redis did not come up; see {}",
                    dir.join("redis.log").display()
                );
            }
            url(&socket)
        })
        .await
        .clone()
}

fn url(socket: &Path) -> String {
    format!("redis+unix://{}", socket.display())
}

async fn answers(socket: &Path) -> bool {
    let Ok(client) = redis::Client::open(url(socket)) else {
        return false;
    };
    let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
        return false;
    };
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .is_ok()
}

fn start(dir: &Path, socket: &Path) {
    let status = Command::new("redis-server")
        .args([
            "--port",
            "0",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ])
        .arg("--unixsocket")
        .arg(socket)
        .args(["--unixsocketperm", "700"])
        .arg("--pidfile")
        .arg(dir.join("redis.pid"))
        .arg("--logfile")
        .arg(dir.join("redis.log"))
        .arg("--dir")
        .arg(dir)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run redis-server ({e}); install it: apt-get install -y redis-server")
        });
    assert!(status.success(), "redis-server failed to start");
}

/// A Redis server of a test's own, for tests that stop it. Killed on drop.
#[derive(Debug)]
pub struct PrivateRedis {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl PrivateRedis {
    /// Starts a private server and waits until it answers.
    pub async fn start() -> Self {
        let dir = crate::temp_dir();
        let socket = dir.path().join("redis.sock");
        start(dir.path(), &socket);
        assert!(
            crate::eventually(std::time::Duration::from_secs(10), || answers(&socket)).await,
            "a private Redis did not come up"
        );
        Self { dir, socket }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        url(&self.socket)
    }

    /// Stops the server (SIGTERM) and waits until it no longer answers.
    pub async fn stop(&self) {
        self.signal_and_wait(nix::sys::signal::Signal::SIGTERM)
            .await;
    }

    /// Kills the server with SIGKILL (no save, no goodbye to clients) and waits until it no
    /// longer answers.
    pub async fn kill(&self) {
        self.signal_and_wait(nix::sys::signal::Signal::SIGKILL)
            .await;
        // A killed server leaves its socket and pid files behind.
        let _ = std::fs::remove_file(&self.socket);
        let _ = std::fs::remove_file(self.dir.path().join("redis.pid"));
    }

    async fn signal_and_wait(&self, signal: nix::sys::signal::Signal) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("redis.pid"))
            && let Ok(pid) = pid.trim().parse::<i32>()
        {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal);
        }
        let socket = self.socket.clone();
        crate::eventually(std::time::Duration::from_secs(10), || {
            let socket = socket.clone();
            async move { !answers(&socket).await }
        })
        .await;
    }

    /// Starts it again on the same socket.
    pub async fn restart(&self) {
        start(self.dir.path(), &self.socket);
        assert!(
            crate::eventually(std::time::Duration::from_secs(10), || answers(&self.socket)).await,
            "the private Redis did not come back"
        );
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("redis.pid"))
            && let Ok(pid) = pid.trim().parse::<i32>()
        {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}
