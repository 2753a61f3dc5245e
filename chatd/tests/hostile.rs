//! What a hostile client can do before it has an account: login floods with huge usernames
//! must not grow the server's memory, and what it types must not forge log lines.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::path::Path;

use common::client::{Client, ClientError};
use testkit::{ChatdProcess, TestServer, fresh_db, test_config};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");

#[tokio::test]
async fn refused_logins_with_huge_usernames_do_not_grow_the_counter_table() {
    let mut config = test_config();
    config.limits.login_failures_per_ip = 20;
    config.limits.login_failures_per_user = 10;
    let server = TestServer::with_config(config).await;
    let client = server.client();
    let mut refused = 0;
    for i in 0..400 {
        // Each a different 60 KB username, as in the report (6,000 of them grew chatd by
        // 308 MiB): every attempt used to leave its username behind as a key.
        let username = format!("{i:05}{}", "u".repeat(60_000));
        match client.login(&username, "wrong password").await {
            Err(ClientError::Api { status: 429, .. }) => refused += 1,
            Err(ClientError::Api { status: 401, .. }) => {}
            other => panic!("attempt {i}: {other:?}"),
        }
    }
    assert_eq!(
        refused, 380,
        "the address limit refuses past its 20 attempts"
    );
    let table = server.rate_limit_table().expect("in-memory counters");
    // The address's key and one key per attempt the address limit let through, nothing
    // for the refused ones, and each key a fixed size however long the username.
    assert!(table.keys <= 21, "{table:?}");
    assert!(table.bytes <= 21 * 256, "{table:?}");
}

#[tokio::test]
async fn a_username_with_cr_lf_cannot_forge_a_log_line() {
    let db = fresh_db().await;
    let dir = testkit::temp_dir();
    let url = db.url();
    let chatd = ChatdProcess::start(
        Path::new(CHATD),
        &[],
        &[
            ("CHATD_DATA_DIR", dir.path().to_str().unwrap()),
            ("CHATD_DATABASE_URL", url.as_str()),
            ("CHATD_LOG_LEVEL", "debug"),
        ],
    );
    let client = Client::new(&chatd.base_url).unwrap();
    let err = client
        .login("a\r\nFAKE LINE injected", "whatever password")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Api { status: 401, .. }),
        "{err:?}"
    );
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains(r"a\r\nFAKE LINE injected"),
        "the username is logged, escaped:\n{log}"
    );
    for line in log.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with("FAKE LINE"),
            "a forged line reached the log:\n{log}"
        );
    }
}
