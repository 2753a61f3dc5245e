//! The Prometheus endpoint on its own listener: off unless configured, and its counters
//! move with what the server does (sends, requests, the mail queue).

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::time::Duration;

use testkit::{SmtpServer, TestServer, fresh_db, test_config};

/// The integer value of the sample `name` (with its labels, as written) in `text`.
fn sample(text: &str, name: &str) -> u64 {
    testkit::metric(text, name).unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

async fn scrape(url: &str) -> String {
    let resp = reqwest::get(url).await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    resp.text().await.unwrap()
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_and_count_sends() {
    let mut config = test_config();
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::with_config(config).await;
    let url = server.metrics_url.clone().unwrap();
    // The public listener has no such route.
    let public = reqwest::get(format!("{}/metrics", server.base_url))
        .await
        .unwrap();
    assert_eq!(public.status().as_u16(), 404);

    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let before = scrape(&url).await;
    assert_eq!(sample(&before, "chatd_messages_sent_total"), 0);
    assert_eq!(sample(&before, "chatd_ws_connections"), 0);
    let (mut bob_ws, _) = testkit::ws::connect(&bob).await;

    let chat = testkit::chat::direct(&ada, bob_t.user.id).await;
    for i in 0..3 {
        testkit::chat::post(&ada, chat, &format!("hello {i}"), &format!("m{i}")).await;
        testkit::ws::expect(&mut bob_ws, "message:new").await;
    }
    // A resend stores nothing and counts nothing.
    testkit::chat::post(&ada, chat, "hello 0", "m0").await;
    let after = scrape(&url).await;
    assert_eq!(sample(&after, "chatd_messages_sent_total"), 3);
    assert!(sample(&after, "chatd_send_batch_size_count") >= 1);
    assert!(sample(&after, "chatd_fanout_deliveries_total") >= 3);
    assert_eq!(sample(&after, "chatd_ws_connections"), 1);
    assert!(
        sample(&after, "chatd_http_responses_total{class=\"2xx\"}")
            > sample(&before, "chatd_http_responses_total{class=\"2xx\"}")
    );
    assert!(sample(&after, "chatd_db_pool_size") >= 1);
    let _ = (ada_t, bob);
}

#[tokio::test]
async fn without_a_metrics_listener_there_is_none() {
    let server = TestServer::start().await;
    assert!(server.metrics_url.is_none());
    let public = reqwest::get(format!("{}/metrics", server.base_url))
        .await
        .unwrap();
    assert_eq!(public.status().as_u16(), 404);
}

/// The sample names a scrape declares: each `# TYPE` line with the suffixes its kind gets in
/// the text format, and every sample line's name (so families with no children count too).
fn declared_names(scrape: &str) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    for line in scrape.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
                continue;
            };
            let suffixes: &[&str] = match kind {
                "counter" => &["_total"],
                "histogram" => &["_bucket", "_sum", "_count"],
                _ => &[""],
            };
            names.extend(suffixes.iter().map(|s| format!("{name}{s}")));
        } else if !line.starts_with('#') {
            let end = line.find(['{', ' ']).unwrap_or(line.len());
            names.insert(line[..end].to_owned());
        }
    }
    names
}

/// Every `chatd_*` name in `text`.
fn chatd_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("chatd_") {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        names.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    names
}

#[tokio::test]
async fn every_metric_the_alert_rules_and_dashboard_use_is_exported() {
    let mut config = test_config();
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    config.redis.url = Some(chatd::config::Secret::new(
        testkit::shared_redis_url().await,
    ));
    let server = TestServer::with_config(config).await;
    let scrape = scrape(server.metrics_url.as_ref().unwrap()).await;
    let exported = declared_names(&scrape);
    // Dependencies answer, and the node states its cap.
    assert_eq!(sample(&scrape, "chatd_postgres_up"), 1);
    assert_eq!(sample(&scrape, "chatd_redis_up"), 1);
    assert_eq!(sample(&scrape, "chatd_ws_connections_max"), 20_000);

    let deploy = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy");
    let rules = std::fs::read_to_string(format!("{deploy}/prometheus/chatd-alerts.yml")).unwrap();
    let dashboard =
        std::fs::read_to_string(format!("{deploy}/grafana/chatd-dashboard.json")).unwrap();
    let _: serde_json::Value = serde_json::from_str(&dashboard).expect("the dashboard is JSON");
    for (file, text) in [("alert rules", &rules), ("dashboard", &dashboard)] {
        let used = chatd_names(text);
        assert!(used.len() >= 10, "{file}: only {} metric names", used.len());
        let unknown: Vec<_> = used.iter().filter(|n| !exported.contains(*n)).collect();
        assert!(
            unknown.is_empty(),
            "{file} uses metrics chatd does not export: {unknown:?}"
        );
    }
}

#[tokio::test]
async fn without_redis_there_is_no_redis_gauge_and_a_request_is_timed() {
    let mut config = test_config();
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::with_config(config).await;
    let url = server.metrics_url.clone().unwrap();
    let before = scrape(&url).await;
    reqwest::get(format!("{}/health", server.base_url))
        .await
        .unwrap();
    let after = scrape(&url).await;
    assert!(!after.contains("chatd_redis_up"), "{after}");
    assert!(
        sample(&after, "chatd_http_request_seconds_count")
            > sample(&before, "chatd_http_request_seconds_count")
    );
}

/// Waits (up to 30 s) until a scrape of `url` satisfies `check` (which stays true once it
/// is: the counters only grow); returns a scrape that does.
async fn scrape_until(url: &str, check: impl Fn(&str) -> bool) -> String {
    let seen = testkit::eventually(Duration::from_secs(30), || async {
        check(&scrape(url).await)
    })
    .await;
    let last = scrape(url).await;
    assert!(seen && check(&last), "the scrape never matched:\n{last}");
    last
}

#[tokio::test]
async fn the_mail_queue_counts_failed_given_up_sent_and_pending_mail() {
    const PUBLIC: &str = "https://chat.example.test";
    let db = fresh_db().await;
    // A node whose SMTP server is gone: two attempts, an hour apart unless the test says.
    let gone = SmtpServer::start().await;
    let mut config = test_config();
    gone.configure(&mut config, PUBLIC);
    drop(gone);
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    config.email.max_attempts = 2;
    config.email.retry_backoff_secs = 3600;
    let first = TestServer::on(config.clone(), db.options()).await;
    let url = first.metrics_url.clone().unwrap();
    let idle = scrape(&url).await;
    for name in [
        "chatd_mail_sent_total",
        "chatd_mail_failed_attempts_total",
        "chatd_mail_given_up_total",
        "chatd_mail_pending",
    ] {
        assert_eq!(sample(&idle, name), 0, "{name}");
    }
    let (ada, _) = first.user("ada").await;
    ada.set_email("ada@example.org", testkit::password())
        .await
        .unwrap();
    let waiting = scrape_until(&url, |s| sample(s, "chatd_mail_failed_attempts_total") == 1).await;
    assert_eq!(sample(&waiting, "chatd_mail_pending"), 1);
    assert_eq!(sample(&waiting, "chatd_mail_given_up_total"), 0);
    // The retry comes due now: it fails too, and the mail is given up.
    sqlx::query("UPDATE email_outbox SET next_attempt_at = now()")
        .execute(first.store().pool())
        .await
        .unwrap();
    let given_up = scrape_until(&url, |s| sample(s, "chatd_mail_given_up_total") == 1).await;
    assert_eq!(sample(&given_up, "chatd_mail_failed_attempts_total"), 2);
    assert_eq!(sample(&given_up, "chatd_mail_pending"), 0);
    assert_eq!(sample(&given_up, "chatd_mail_sent_total"), 0);
    first.stop().await.unwrap();

    // The node again, with a live SMTP server: a new mail is sent and counted.
    let smtp = SmtpServer::start().await;
    smtp.configure(&mut config, PUBLIC);
    let second = TestServer::on(config, db.options()).await;
    let url = second.metrics_url.clone().unwrap();
    let ada = common::client::Client::new(&second.base_url).unwrap();
    ada.login("ada", testkit::password()).await.unwrap();
    ada.resend_verification().await.unwrap();
    smtp.wait_for("ada@example.org").await;
    let sent = scrape_until(&url, |s| sample(s, "chatd_mail_sent_total") == 1).await;
    assert_eq!(sample(&sent, "chatd_mail_pending"), 0);
    assert_eq!(sample(&sent, "chatd_mail_failed_attempts_total"), 0);
}
