//! The real `chatd` binary: the embedded default, restarts keeping data, two instances side
//! by side, configuration errors, readiness through PostgreSQL and Redis outages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::api::RegisterRequest;
use common::client::Client;
use testkit::{
    ChatdProcess, PrivatePostgres, PrivateRedis, TestServer, fresh_db, password, test_config,
};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");

fn registration(username: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.into(),
        password: password().into(),
        password_confirm: password().into(),
        display_name: None,
        invite_code: None,
        email: None,
    }
}

fn start(data_dir: &Path, extra_env: &[(&str, &str)]) -> ChatdProcess {
    let mut env = vec![("CHATD_DATA_DIR", data_dir.to_str().unwrap())];
    env.extend_from_slice(extra_env);
    ChatdProcess::start(Path::new(CHATD), &[], &env)
}

#[tokio::test]
async fn embedded_default_keeps_data_across_restarts_and_stops_postgres_cleanly() {
    let dir = testkit::temp_dir();
    let chatd = start(dir.path(), &[]);
    let client = Client::new(&chatd.base_url).unwrap();
    assert_eq!(client.ready().await.unwrap().redis, "not configured");
    client.register(&registration("xena")).await.unwrap();
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("stopping the embedded PostgreSQL"), "{log}");
    assert!(
        !dir.path().join("postgres/data/postmaster.pid").exists(),
        "PostgreSQL still running after chatd stopped"
    );

    let chatd = start(dir.path(), &[]);
    let client = Client::new(&chatd.base_url).unwrap();
    client.login("xena", password()).await.unwrap();
    let (code, _) = chatd.terminate();
    assert_eq!(code, Some(0));
}

#[tokio::test]
async fn two_instances_with_their_own_data_dirs_run_side_by_side() {
    let (dir_a, dir_b) = (testkit::temp_dir(), testkit::temp_dir());
    let a = start(dir_a.path(), &[]);
    let b = start(dir_b.path(), &[]);
    assert_ne!(a.base_url, b.base_url);
    let (client_a, client_b) = (
        Client::new(&a.base_url).unwrap(),
        Client::new(&b.base_url).unwrap(),
    );
    client_a.register(&registration("yuri")).await.unwrap();
    // Independent databases: the same name is free on the other one.
    client_b.register(&registration("yuri")).await.unwrap();
    client_a.login("yuri", password()).await.unwrap();
    // A second chatd on a data dir in use is refused with a clear message.
    let output = Command::new(CHATD)
        .env("CHATD_DATA_DIR", dir_a.path())
        .env("CHATD_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("another chatd is using the data directory")
    );
    assert_eq!(a.terminate().0, Some(0));
    assert_eq!(b.terminate().0, Some(0));
}

#[tokio::test]
async fn an_external_database_keeps_data_across_restarts() {
    let db = fresh_db().await;
    let dir = testkit::temp_dir();
    let url = db.url();
    let env = [("CHATD_DATABASE_URL", url.as_str())];
    let chatd = start(dir.path(), &env);
    Client::new(&chatd.base_url)
        .unwrap()
        .register(&registration("zoe"))
        .await
        .unwrap();
    assert_eq!(chatd.terminate().0, Some(0));
    assert!(
        !dir.path().join("postgres").exists(),
        "no embedded cluster with an external database"
    );

    let chatd = start(dir.path(), &env);
    Client::new(&chatd.base_url)
        .unwrap()
        .login("zoe", password())
        .await
        .unwrap();
    assert_eq!(chatd.terminate().0, Some(0));
}

#[test]
fn invalid_configuration_fails_before_anything_happens_naming_the_key() {
    let dir = testkit::temp_dir();
    let data_dir = dir.path().join("never-created");
    let output = Command::new(CHATD)
        .env("CHATD_DATA_DIR", &data_dir)
        .env("CHATD_PASSWORD_MIN_LENGTH", "2")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("auth.password_min_length") && stderr.contains("CHATD_PASSWORD_MIN_LENGTH"),
        "{stderr}"
    );
    assert!(
        !data_dir.exists(),
        "loading configuration must write nothing"
    );

    // A value of the wrong type in a generated variable names that variable.
    let output = Command::new(CHATD)
        .env("CHATD_DATA_DIR", &data_dir)
        .env("CHATD_WS_HEARTBEAT_SECS", "soon")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ws.heartbeat_secs") && stderr.contains("CHATD_WS_HEARTBEAT_SECS"),
        "{stderr}"
    );

    let file = dir.path().join("chatd.toml");
    std::fs::write(&file, "[auth]\npasword_min_length = 10\n").unwrap();
    let output = Command::new(CHATD)
        .arg("--config")
        .arg(&file)
        .env("CHATD_DATA_DIR", &data_dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pasword_min_length"));
}

#[test]
fn print_config_shows_the_effective_configuration_with_secrets_redacted() {
    let output = Command::new(CHATD)
        .arg("print-config")
        .env(
            "CHATD_DATABASE_URL",
            "postgres://chatd:topsecret@db.example/chat",
        )
        .env(
            "CHATD_JWT_SECRET",
            "this-is-a-very-long-and-very-secret-key",
        )
        .env("CHATD_LISTEN", "127.0.0.1:9999")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("listen = \"127.0.0.1:9999\""), "{text}");
    assert!(
        text.contains("postgres://chatd:<redacted>@db.example/chat"),
        "{text}"
    );
    assert!(
        !text.contains("topsecret") && !text.contains("very-secret"),
        "{text}"
    );
}

#[test]
fn missing_postgres_binaries_explain_what_to_do() {
    let dir = testkit::temp_dir();
    let output = Command::new(CHATD)
        .env("CHATD_DATA_DIR", dir.path())
        .env("CHATD_LISTEN", "127.0.0.1:0")
        .env("CHATD_POSTGRES_BIN_DIR", "/nonexistent/bin")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("apt-get install postgresql") && stderr.contains("--database-url"),
        "{stderr}"
    );
}

async fn ready_status(base_url: &str) -> (u16, serde_json::Value) {
    let resp = reqwest::get(format!("{base_url}/health/ready"))
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// Polls readiness until it answers `want` (or 20 s pass); returns the last answer.
async fn wait_for_ready_status(base_url: &str, want: u16) -> (u16, serde_json::Value) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let last = ready_status(base_url).await;
        if last.0 == want || tokio::time::Instant::now() >= deadline {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn readiness_follows_postgres_down_and_back() {
    let pg = PrivatePostgres::start().await;
    let server = TestServer::on(test_config(), pg.options()).await;
    assert_eq!(ready_status(&server.base_url).await.0, 200);
    let (adam, _) = server.user("adam").await;
    let (_, bea) = server.user("bea").await;
    let chat = testkit::chat::direct(&adam, bea.user.id).await;
    // The send's writer lane now holds a connection that the outage will break.
    let before = testkit::chat::post(&adam, chat, "before", "c-1").await;

    pg.cluster.stop().await.unwrap();
    let last = wait_for_ready_status(&server.base_url, 503).await;
    assert_eq!(last.0, 503, "still ready with PostgreSQL stopped: {last:?}");
    assert_eq!(last.1["error"]["code"], "SERVICE_UNAVAILABLE");
    assert_eq!(last.1["error"]["details"][0]["field"], "postgres");
    // Liveness is not readiness.
    assert_eq!(
        reqwest::get(format!("{}/health", server.base_url))
            .await
            .unwrap()
            .status(),
        200
    );
    // Requests that need the database fail with 503, not 500.
    let resp = server
        .client()
        .request(reqwest::Method::POST, "/api/auth/login")
        .json(&serde_json::json!({"username": "adam", "password": password()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);

    pg.cluster.restart().await.unwrap();
    let up = wait_for_ready_status(&server.base_url, 200).await;
    assert_eq!(up.0, 200, "not ready again after PostgreSQL came back");
    server.client().login("adam", password()).await.unwrap();
    // Sending works at once: nobody sees the writer's broken connection.
    let after = testkit::chat::post(&adam, chat, "after", "c-2").await;
    assert_eq!(after.seq, before.seq + 1);
}

#[tokio::test]
async fn readiness_follows_redis_down_and_back() {
    let redis = PrivateRedis::start().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(redis.url()));
    let server = TestServer::with_config(config).await;
    let (status, body) = ready_status(&server.base_url).await;
    assert_eq!((status, body["redis"].as_str()), (200, Some("ok")));

    redis.stop().await;
    let last = wait_for_ready_status(&server.base_url, 503).await;
    assert_eq!(last.0, 503, "still ready with Redis stopped: {last:?}");
    assert_eq!(last.1["error"]["details"][0]["field"], "redis");
    // A Redis outage does not lock anyone out.
    server.user("beth").await;

    redis.restart().await;
    let up = wait_for_ready_status(&server.base_url, 200).await;
    assert_eq!(up.0, 200, "not ready again after Redis came back");
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_never_a_secret() {
    let dir = testkit::temp_dir();
    let chatd = start(
        dir.path(),
        &[("CHATD_LOG_FORMAT", "json"), ("CHATD_LOG_LEVEL", "debug")],
    );
    let client = Client::new(&chatd.base_url).unwrap();
    client.register(&registration("lena")).await.unwrap();
    let tokens = client.login("lena", password()).await.unwrap();
    client.refresh().await.unwrap();
    let resp = reqwest::Client::new()
        .get(format!("{}/api/users/me", chatd.base_url))
        .header("x-request-id", "trace-me-42")
        .bearer_auth(client.tokens().unwrap().access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0));

    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let served = lines
        .iter()
        .find(|l| l["message"] == "served" && l["span"]["request_id"] == "trace-me-42")
        .unwrap_or_else(|| panic!("no `served` line for the request:\n{log}"));
    assert_eq!(served["status"], 200);
    assert_eq!(served["span"]["route"], "/api/users/me");
    for secret in [password(), &tokens.refresh_token, &tokens.access_token] {
        assert!(!log.contains(secret), "a secret reached the log");
    }
}

/// A request that meets a PostgreSQL outage is answered 503 and its cause is logged once,
/// by the edge that answered it: not where the store error was converted, not twice.
#[tokio::test]
async fn a_database_outage_is_logged_once_per_request_with_its_cause() {
    let pg = PrivatePostgres::start().await;
    let dir = testkit::temp_dir();
    let url = pg.url();
    let chatd = start(
        dir.path(),
        &[
            ("CHATD_DATABASE_URL", url.as_str()),
            ("CHATD_LOG_FORMAT", "json"),
        ],
    );
    Client::new(&chatd.base_url)
        .unwrap()
        .register(&registration("olga"))
        .await
        .unwrap();
    pg.cluster.stop().await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/auth/login", chatd.base_url))
        .header("x-request-id", "outage-1")
        .json(&serde_json::json!({"username": "olga", "password": password()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "the database is unavailable; try again shortly"
    );
    let (_, log) = chatd.terminate();
    // Only the edges log this line, so the one request of the outage makes one, in its span.
    let reported: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|l: &serde_json::Value| l["message"] == "database unavailable")
        .collect();
    assert_eq!(reported.len(), 1, "logged other than once:\n{log}");
    assert_eq!(reported[0]["level"], "WARN", "{log}");
    assert_eq!(reported[0]["span"]["request_id"], "outage-1", "{log}");
    assert!(
        reported[0]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "the cause is in the line: {log}"
    );
}

#[tokio::test]
async fn piped_human_logs_carry_no_colour_escapes() {
    let dir = testkit::temp_dir();
    let chatd = start(dir.path(), &[("CHATD_LOG_FORMAT", "human")]);
    let client = Client::new(&chatd.base_url).unwrap();
    client.register(&registration("nico")).await.unwrap();
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("INFO"), "no log lines to check:\n{log}");
    assert!(
        !log.contains('\u{1b}'),
        "an ANSI escape in a piped log:\n{}",
        log.escape_debug()
    );
}
