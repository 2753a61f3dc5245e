//! chatctl on the embedded default: `backup restore` into a data directory where no chatd
//! runs starts the cluster itself and stops it after; the other verbs reach the cluster of
//! a running chatd over its socket.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use chatd::embedded_pg::{EmbeddedOptions, EmbeddedPostgres};
use support::chatctl;
use testkit::TestServer;

#[tokio::test]
async fn restore_starts_the_embedded_cluster_and_verbs_use_its_socket() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    server.user("ada").await;
    server.user("bob").await;
    let work = testkit::temp_dir();
    let archive = work.path().join("b.tar");
    chatctl(
        work.path(),
        &[
            "--database-url",
            &url,
            "backup",
            "create",
            "--output",
            archive.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();

    let data = testkit::temp_dir();
    let restored = chatctl(
        data.path(),
        &["backup", "restore", archive.to_str().unwrap()],
        None,
    )
    .await
    .ok();
    assert!(
        restored
            .stderr
            .contains("starting its PostgreSQL for the restore"),
        "{restored:?}"
    );

    let options = EmbeddedOptions {
        root: data.path().join("postgres"),
        bin_dir: std::env::var_os("CHATD_POSTGRES_BIN_DIR").map(Into::into),
        user_when_root: "postgres".into(),
        max_connections: 20,
        unsafe_no_fsync: true,
    };
    // The cluster was stopped after the restore: nothing answers until it runs again.
    let down = chatctl(data.path(), &["user", "list"], None).await;
    assert_eq!(down.code, 1, "{down:?}");
    // As a running chatd would, start it; chatctl then reaches it over its socket.
    let cluster = EmbeddedPostgres::start(options).await.unwrap();
    let users = chatctl(data.path(), &["--json", "user", "list"], None)
        .await
        .ok()
        .json();
    assert_eq!(users["total"], 2);
    chatctl(data.path(), &["migrate", "check"], None).await.ok();
    cluster.stop().await.unwrap();
}
