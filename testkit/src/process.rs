//! The real `chatd` binary as a child process, for lifecycle tests (embedded default,
//! restarts, signals, two instances side by side).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A running `chatd` process; killed on drop if still running.
#[derive(Debug)]
pub struct ChatdProcess {
    child: Child,
    /// `http://addr` as printed by chatd.
    pub base_url: String,
    stderr: Arc<Mutex<Vec<String>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl ChatdProcess {
    /// Starts `binary` with `args` and `envs` (plus `CHATD_LISTEN=127.0.0.1:0` unless given)
    /// and waits for its "serving on" line.
    pub fn start(binary: &Path, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(binary);
        cmd.args(args)
            .env_remove("CHATD_DATABASE_URL")
            .env_remove("CHATD_REDIS_URL")
            .env("CHATD_LISTEN", "127.0.0.1:0")
            .env("CHATD_LOG_LEVEL", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawning chatd: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let (line_tx, line_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = line_tx.send(line);
            }
        });
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut sink) = sink.lock() {
                    sink.push(line);
                }
            }
        });
        let mut this = Self {
            child,
            base_url: String::new(),
            stderr: lines,
            stderr_reader: Some(stderr_reader),
        };
        loop {
            let Ok(line) = line_rx.recv_timeout(Duration::from_mins(2)) else {
                let log = this.stderr_text();
                panic!(
                    "chatd did not start serving:
{log}"
                );
            };
            if let Some(url) = line.strip_prefix("chatd serving on ") {
                url.trim().clone_into(&mut this.base_url);
                return this;
            }
        }
    }

    /// Everything chatd wrote to stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (e.g. SIGSTOP, SIGCONT) and returns at once.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, signal);
    }

    /// Kills the process with SIGKILL (a crash: nothing is cleaned up, an embedded
    /// PostgreSQL is left running) and waits for it; returns stderr.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        self.stderr_text()
    }

    /// Sends SIGTERM and waits for the exit; returns the exit code and stderr.
    pub fn terminate(self) -> (Option<i32>, String) {
        self.sigterm();
        self.wait()
    }

    /// Sends SIGTERM and returns at once (a test that watches the shutdown as it happens).
    pub fn sigterm(&self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    }

    /// Waits for the exit (blocking); returns the exit code and stderr.
    pub fn wait(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().ok().and_then(|s| s.code());
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        (status, self.stderr_text())
    }
}

impl Drop for ChatdProcess {
    fn drop(&mut self) {
        // SIGTERM first, so chatd stops its embedded PostgreSQL; SIGKILL only if it hangs.
        if let Ok(None) = self.child.try_wait() {
            let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            for _ in 0..200 {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
