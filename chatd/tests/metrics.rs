//! The Prometheus endpoint on its own listener: off unless configured, and its counters
//! move with what the server does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use testkit::{TestServer, test_config};

/// The integer value of the sample `name` (with its labels, as written) in `text`.
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == name).then(|| value.parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
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
