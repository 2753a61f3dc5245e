//! `chatctl migrate`, `stats` and `doctor` against real PostgreSQL and Redis, and the
//! exit codes of the command line itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use support::{EmptyDb, chatctl};
use testkit::{TestServer, shared_redis_url};

#[tokio::test]
async fn migrate_status_check_and_run() {
    let db = testkit::fresh_db().await;
    let dir = testkit::temp_dir();
    let d = dir.path();
    let known = chatd::store::MIGRATOR.iter().count();

    let status = chatctl(
        d,
        &["--database-url", &db.url(), "--json", "migrate", "status"],
        None,
    )
    .await
    .ok()
    .json();
    let list = status.as_array().unwrap();
    assert_eq!(list.len(), known);
    assert!(
        list.iter().all(|m| m["state"] == "applied"
            && m["appliedAt"].is_string()
            && m["version"].is_i64())
    );
    chatctl(d, &["--database-url", &db.url(), "migrate", "check"], None)
        .await
        .ok();

    let empty = EmptyDb::create(&db).await;
    let pending = chatctl(
        d,
        &["--database-url", &empty.url, "--json", "migrate", "status"],
        None,
    )
    .await
    .ok()
    .json();
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "pending" && m["appliedAt"].is_null())
    );
    let check = chatctl(d, &["--database-url", &empty.url, "migrate", "check"], None).await;
    assert_eq!(check.code, 3, "{check:?}");
    assert!(check.stderr.contains("pending"));
    let table = chatctl(
        d,
        &["--database-url", &empty.url, "migrate", "status"],
        None,
    )
    .await
    .ok();
    assert!(table.stdout.starts_with("VERSION") && table.stdout.contains("pending"));

    chatctl(d, &["--database-url", &empty.url, "migrate", "run"], None)
        .await
        .ok();
    chatctl(d, &["--database-url", &empty.url, "migrate", "check"], None)
        .await
        .ok();
    let mut conn = empty.connect().await;
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'admin.migrate'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    drop(conn);
    empty.drop_with(&db).await;
}

#[tokio::test]
async fn stats_counts_users_activity_and_messages() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let (_, ada) = server.user("ada").await;
    server.user("bob").await;
    let pool = server.store().pool();
    let chat = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO chats (id, kind, name) VALUES ($1, 'group', 'g')")
        .bind(chat)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (id, chat_id, seq, sender_id, content, created_at) \
         SELECT gen_random_uuid(), $1, n, $2, 'm' || n, now() - (n % 2) * interval '1 day' \
         FROM generate_series(1, 5) n",
    )
    .bind(chat)
    .bind(ada.user.id.0)
    .execute(pool)
    .await
    .unwrap();
    let dir = testkit::temp_dir();
    let stats = chatctl(
        dir.path(),
        &["--database-url", &url, "--json", "stats"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(stats["users"], 2);
    assert_eq!(stats["activeUsers7d"], 2);
    assert_eq!(stats["admins"], 0);
    assert_eq!(stats["disabledUsers"], 0);
    assert_eq!(stats["chats"], 1);
    assert_eq!(stats["messages"], 5);
    let days = stats["messagesPerDay"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(
        days.iter()
            .map(|d| d["messages"].as_i64().unwrap())
            .sum::<i64>(),
        5
    );
    assert!(days[6]["date"].as_str().unwrap().len() == 10);
    assert!(stats["databaseSizeBytes"].as_i64().unwrap() > 0);
    let table = chatctl(dir.path(), &["--database-url", &url, "stats"], None)
        .await
        .ok();
    assert!(table.stdout.contains("active users (7 days)") && table.stdout.contains("DAY (UTC)"));
}

#[tokio::test]
async fn doctor_reports_each_check() {
    let db = testkit::fresh_db().await;
    let dir = testkit::temp_dir();
    let d = dir.path();
    let redis = shared_redis_url().await;
    let report = chatctl(
        d,
        &[
            "--database-url",
            &db.url(),
            "--redis-url",
            &redis,
            "--json",
            "doctor",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(report["ok"], true);
    let checks: Vec<(&str, &str)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("configuration", "ok"),
            ("postgresql", "ok"),
            ("migrations", "ok"),
            ("clock", "ok"),
            ("redis", "ok"),
            ("data directory", "ok")
        ]
    );

    // Nothing listens there, and the migrations of an empty database are pending.
    let down = chatctl(
        d,
        &[
            "--database-url",
            "postgres://chatd@127.0.0.1:1/chatd",
            "--redis-url",
            "redis://127.0.0.1:1",
            "doctor",
        ],
        None,
    )
    .await;
    assert_eq!(down.code, 1, "{down:?}");
    assert!(
        down.stdout.contains("fail  postgresql")
            && down.stdout.contains("fail  redis")
            && down.stdout.contains("hint:"),
        "{down:?}"
    );
    let empty = EmptyDb::create(&db).await;
    let pending = chatctl(d, &["--database-url", &empty.url, "--json", "doctor"], None).await;
    assert_eq!(pending.code, 1);
    let json = pending.json();
    assert_eq!(json["checks"][2]["status"], "fail");
    assert!(
        json["checks"][2]["hint"]
            .as_str()
            .unwrap()
            .contains("migrate run")
    );
    empty.drop_with(&db).await;

    // The directory doctor inspects is never made by it: a missing one stays missing.
    let missing = d.join("not-yet");
    let report = chatctl(
        &missing,
        &["--database-url", &db.url(), "--json", "doctor"],
        None,
    )
    .await
    .ok()
    .json();
    assert!(!missing.exists(), "doctor created the data directory");
    let data_dir = &report["checks"][5];
    assert_eq!(data_dir["check"], "data directory");
    assert_eq!(data_dir["status"], "ok", "{report}");
    assert!(
        data_dir["detail"]
            .as_str()
            .unwrap()
            .contains("does not exist yet"),
        "{report}"
    );

    // The embedded default with no chatd running says what to do.
    let embedded = chatctl(d, &["user", "list"], None).await;
    assert_eq!(embedded.code, 1);
    assert!(embedded.stderr.contains("start chatd"), "{embedded:?}");
}

#[tokio::test]
async fn usage_and_configuration_errors_exit_2_and_help_lists_exit_codes() {
    let dir = testkit::temp_dir();
    let d = dir.path();
    assert_eq!(chatctl(d, &["frobnicate"], None).await.code, 2);
    assert_eq!(
        chatctl(d, &["--database-url", "mysql://x", "stats"], None)
            .await
            .code,
        2
    );
    let help = chatctl(d, &["--help"], None).await.ok();
    for line in ["Exit status:", "3  `migrate check`", "4  not found"] {
        assert!(help.stdout.contains(line), "{line}: {}", help.stdout);
    }
}
