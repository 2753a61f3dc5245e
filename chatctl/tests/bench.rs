//! `chatctl bench` against a real chatd: a small run delivers everything exactly once, in
//! order, and reports it (figures are for docs/benchmarks.md, not asserted here).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::process::Command;

use testkit::{TestServer, fresh_db, shared_redis_url, test_config};

/// Runs `chatctl --json bench` with `args` against the database `db` and the token key
/// `secret`; returns its report.
async fn bench(args: Vec<String>, db: String, secret: String) -> serde_json::Value {
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_chatctl"))
            .arg("--json")
            .arg("bench")
            .args(args)
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
    serde_json::from_slice(&output.stdout).unwrap()
}

fn secret_of(server: &TestServer) -> String {
    server
        .config
        .auth
        .jwt_secret
        .as_ref()
        .unwrap()
        .expose()
        .to_owned()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

/// Two chatd nodes on one PostgreSQL and one Redis, users spread over both: every message
/// reaches every member exactly once (live, or through the `sync` a gap triggers), and the
/// report counts the gaps and the sync requests they cost.
#[tokio::test]
async fn two_nodes_lose_nothing_and_report_gap_syncs() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let servers = format!("{},{}", node_a.base_url, node_b.base_url);
    let mut args = strings(&[
        "--users",
        "12",
        "--direct",
        "4",
        "--groups",
        "2",
        "--group-size",
        "6",
        "--rate",
        "40",
        "--duration",
        "3",
        "--server",
    ]);
    args.push(servers);
    let report = bench(args, db.url(), secret_of(&node_a)).await;
    assert_eq!(report["servers"], 2, "{report}");
    let sent = report["sent"].as_u64().unwrap();
    assert!(sent >= 40, "{report}");
    assert_eq!(report["acked"], sent, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    assert!(report["expectedDeliveries"].as_u64().unwrap() >= sent);
    // The counts are there, whatever they are on this run.
    let gaps = report["gaps"].as_u64().unwrap();
    let syncs = report["syncRequests"].as_u64().unwrap();
    // Every gap asks for a sync (at once: no --gap-wait-ms), unless it closed live first.
    assert!(gaps == 0 || syncs > 0, "{report}");
    assert!(
        report["syncRequestsPerClientPerMinute"].as_f64().is_some(),
        "{report}"
    );
    assert!(report["recoveredBySync"].as_u64().is_some(), "{report}");
}

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
    // One node hands a chat's events out in seq order: no client ever sees a gap.
    assert_eq!(report["gaps"], 0, "{report}");
    assert_eq!(report["syncRequests"], 0, "{report}");
    assert!(report["expectedDeliveries"].as_u64().unwrap() >= sent);
    assert!(report["deliveryLatencyMs"]["p99"].as_f64().is_some());
}

/// A reconnect storm on one real chatd: 20 users in 5 groups each with history, every
/// socket dropped at once while three senders keep posting; every client reconnects and
/// resyncs through `sync` with all its cursors, and none misses a message.
#[tokio::test]
async fn a_reconnect_storm_resyncs_everyone_and_loses_nothing() {
    let server = TestServer::start().await;
    let db = server.db().unwrap().url();
    let args = strings(&[
        "--reconnect-storm",
        "--users",
        "20",
        "--chats-per-user",
        "5",
        "--group-size",
        "10",
        "--history",
        "5",
        "--storm-senders",
        "3",
        "--rate",
        "30",
        "--duration",
        "120",
        "--server",
        &server.base_url,
    ]);
    let report = bench(args, db, secret_of(&server)).await;
    assert_eq!(report["users"], 20, "{report}");
    assert_eq!(report["chats"], 10, "{report}");
    assert_eq!(report["mode"], "drop", "{report}");
    assert_eq!(report["resynced"], 20, "{report}");
    assert!(report["allResyncedSecs"].as_f64().is_some(), "{report}");
    assert!(report["resyncMs"]["p99"].as_f64().is_some(), "{report}");
    // Every client sent at least one sync after reconnecting.
    assert!(report["syncRequests"].as_u64().unwrap() >= 20, "{report}");
    assert!(report["sentDuringStorm"].as_u64().unwrap() > 0, "{report}");
    assert!(
        report["expectedDeliveries"].as_u64().unwrap() > 0,
        "{report}"
    );
    // The bench lets each sender post while every socket is gone, so some messages can
    // only have come through the resync.
    assert!(report["recoveredBySync"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
}
