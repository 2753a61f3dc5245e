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
