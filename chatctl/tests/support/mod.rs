//! Running the real `chatctl` binary against a test database, and databases with no schema.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::Path;
use std::process::{Output, Stdio};

use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::io::AsyncWriteExt;

/// What one chatctl run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON; panics with the output when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Asserts exit 0.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "chatctl failed: {self:#?}");
        self
    }
}

/// Runs chatctl with `args`, no `CHATD_*` variable from the environment, `data_dir` as its
/// data directory, and `stdin` written to its standard input (closed when `None`).
pub async fn chatctl(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_chatctl"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CHATD_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("CHATD_DATA_DIR", data_dir)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawning chatctl: {e}"));
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).await.unwrap();
        drop(pipe);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().await.unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// A database with nothing in it (not even the schema) on the shared test cluster.
#[derive(Debug)]
pub struct EmptyDb {
    pub name: String,
    pub url: String,
    pub options: sqlx::postgres::PgConnectOptions,
}

impl EmptyDb {
    /// Creates it next to `sibling` (a test database of the same cluster).
    pub async fn create(sibling: &testkit::TestDb) -> Self {
        let name = format!("e_{}", uuid::Uuid::now_v7().simple());
        let mut admin = admin(sibling).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let url = sibling.url().replace(sibling.name(), &name);
        Self {
            options: sibling.options().database(&name),
            name,
            url,
        }
    }

    /// Drops it.
    pub async fn drop_with(self, sibling: &testkit::TestDb) {
        let mut admin = admin(sibling).await;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await
        .unwrap();
    }

    /// A connection to it.
    pub async fn connect(&self) -> PgConnection {
        self.options
            .clone()
            .log_statements(tracing::log::LevelFilter::Off)
            .connect()
            .await
            .unwrap()
    }
}

async fn admin(sibling: &testkit::TestDb) -> PgConnection {
    PgConnection::connect_with(&sibling.options().database("postgres"))
        .await
        .unwrap()
}

/// Runs chatctl on the database at `url` (no stdin).
pub async fn on_db(data_dir: &Path, url: &str, args: &[&str]) -> Run {
    let mut full = vec!["--database-url", url];
    full.extend_from_slice(args);
    chatctl(data_dir, &full, None).await
}

/// Asserts the exit code, printing the run when it differs.
#[track_caller]
pub fn assert_code(run: &Run, code: i32) {
    assert_eq!(run.code, code, "unexpected exit code: {run:#?}");
}
