//! Test support: real PostgreSQL and Redis for the suite, started here, never mocked.
//!
//! - One PostgreSQL cluster and one Redis server are shared by every test process of a
//!   checkout. They live under a short directory in the system temp dir, are started by the
//!   first test that needs them (under a file lock) and left running for the next test
//!   binary; `scripts/test` stops them at the end (`testkit::stop_shared` semantics, see
//!   `docs/testing.md`).
//! - Every test gets its own database, cloned from a template migrated once per schema.
//! - [`TestServer`] runs a real chatd on `127.0.0.1:0` in-process; [`ChatdProcess`] runs
//!   the real binary for lifecycle tests.
//! - [`S3Server`] (feature `s3`) is an S3-compatible server in the test process.
//! - [`SmtpServer`] is a real SMTP server (`python3-aiosmtpd`) whose mail tests read.

// Test support fails loudly: a setup that cannot start is a failed test, not an error to handle.
#![allow(clippy::missing_panics_doc)]

pub mod chat;
mod postgres;
mod process;
mod redis_server;
#[cfg(feature = "s3")]
mod s3;
mod server;
mod smtp;
pub mod transport;
pub mod ws;

pub use postgres::{PrivatePostgres, TestDb, fresh_db, postmaster_pid, shared_postgres};
pub use process::ChatdProcess;
pub use redis_server::{PrivateRedis, shared_redis_url};
#[cfg(feature = "s3")]
pub use s3::S3Server;
pub use server::{TestServer, metric, password, test_config};
pub use smtp::{ReceivedMail, SmtpServer};

use std::path::PathBuf;

/// The directory holding the shared cluster and Redis of this checkout:
/// `$CHATD_TEST_DIR`, or `<tmp>/chatd-test-<hash of the workspace path>`.
pub fn shared_dir() -> PathBuf {
    use sha2::{Digest, Sha256};
    if let Some(dir) = std::env::var_os("CHATD_TEST_DIR") {
        return PathBuf::from(dir);
    }
    let workspace = env!("CARGO_MANIFEST_DIR");
    let digest = Sha256::digest(workspace.as_bytes());
    let tag = hex(&digest[..5]);
    std::env::temp_dir().join(format!("chatd-test-{tag}"))
}

/// A temporary directory the unprivileged PostgreSQL user can enter (tests run as root in CI).
pub fn temp_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("chatd-")
        .tempdir()
        .unwrap_or_else(|e| panic!("creating a temporary directory: {e}"));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("chmod of the temporary directory: {e}"));
    dir
}

/// Polls `check` every 50 ms until it returns true or `timeout` passes. Tests wait on
/// conditions, never on fixed sleeps.
pub async fn eventually<F, Fut>(timeout: std::time::Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
