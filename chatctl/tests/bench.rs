//! `chatctl bench` against a real chatd: a small run delivers everything exactly once, in
//! order, and reports it (figures are for docs/benchmarks.md, not asserted here).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::process::Command;

use testkit::TestServer;

#[tokio::test]
async fn a_small_run_loses_nothing_and_reports_json() {
    let server = TestServer::start().await;
    let db = server.db().unwrap().url();
    let secret = server
        .config
        .auth
        .jwt_secret
        .as_ref()
        .unwrap()
        .expose()
        .to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_chatctl"))
            .args([
                "--json",
                "bench",
                "--users",
                "12",
                "--direct",
                "4",
                "--groups",
                "2",
                "--group-size",
                "5",
            ])
            .args(["--rate", "40", "--duration", "2", "--server"])
            .arg(&server.base_url)
            .env("CHATD_DATABASE_URL", db)
            .env("CHATD_JWT_SECRET", secret)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sent = report["sent"].as_u64().unwrap();
    assert!(sent >= 40, "{report}");
    assert_eq!(report["acked"], sent);
    assert_eq!(report["lost"], 0);
    assert_eq!(report["duplicates"], 0);
    assert_eq!(report["outOfOrder"], 0);
    assert!(report["expectedDeliveries"].as_u64().unwrap() >= sent);
    assert!(report["deliveryLatencyMs"]["p99"].as_f64().is_some());
}
