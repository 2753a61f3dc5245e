//! The send path under injected faults (feature `test-hooks`): a writer lane that panics is
//! replaced and its sends may be resent; a message stored before its lane died reaches the
//! members when its sender resends it; a batch whose checked path fails keeps what the fast
//! path stored (answered 201, notified, counted).

#![cfg(feature = "test-hooks")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use common::api::{SendMessageRequest, SendResult};
use common::client::Client;
use common::{ChatId, MessageId};
use reqwest::Method;
use testkit::chat::{direct, text};
use testkit::ws::{connect, expect};
use testkit::{TestServer, test_config};

const PANIC_IN_LANE: &str = "test-hook:panic-in-lane";
const PANIC_AFTER_COMMIT: &str = "test-hook:panic-after-commit";
const FAIL_CHECKED: &str = "test-hook:fail-checked";

/// `POST /api/chats/{chat}/messages`: the HTTP status and the body.
async fn send_raw(
    client: &Client,
    chat: ChatId,
    req: &SendMessageRequest,
) -> (u16, serde_json::Value) {
    let resp = client
        .request(Method::POST, &format!("/api/chats/{chat}/messages"))
        .json(req)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn error_code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// The sum of the samples whose name and labels start with `prefix`, if there is any.
fn sample_starting(text: &str, prefix: &str) -> Option<u64> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            key.starts_with(prefix)
                .then(|| value.parse::<u64>().unwrap())
        })
        .reduce(|a, b| a + b)
}

async fn scrape(server: &TestServer) -> String {
    let url = server.metrics_url.clone().unwrap();
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

async fn server_with_metrics() -> TestServer {
    let mut config = test_config();
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    TestServer::with_config(config).await
}

#[tokio::test]
async fn a_writer_lane_that_panics_is_replaced_and_its_send_may_be_resent() {
    let server = server_with_metrics().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;

    let (status, body) = send_raw(&ada, chat, &text(PANIC_IN_LANE, "p-1")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");

    // The chat's lane works again: the same client id resent, and a new send.
    let (status, body) = send_raw(&ada, chat, &text("resent", "p-1")).await;
    assert_eq!(status, 201, "{body}");
    let resent: SendResult = serde_json::from_value(body).unwrap();
    assert!(!resent.duplicate);
    let (status, body) = send_raw(&ada, chat, &text("after", "p-2")).await;
    assert_eq!(status, 201, "{body}");
    let (event, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(event.data["message"]["content"], "resent");
    let (event, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(event.data["message"]["content"], "after");

    let metrics = scrape(&server).await;
    let restarts =
        sample_starting(&metrics, "chatd_task_restarts_total{task=\"writer-lane").unwrap_or(0);
    assert_eq!(restarts, 1, "{metrics}");
}

#[tokio::test]
async fn a_message_stored_before_its_lane_died_reaches_members_when_resent() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;

    // Stored, then the lane died: no answer, no live event.
    let (status, body) = send_raw(&ada, chat, &text(PANIC_AFTER_COMMIT, "c-1")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");

    // The client resends with the same id: the first result, and Bob sees it live now.
    let (status, body) = send_raw(&ada, chat, &text(PANIC_AFTER_COMMIT, "c-1")).await;
    assert_eq!(status, 200, "{body}");
    let resent: SendResult = serde_json::from_value(body).unwrap();
    assert!(resent.duplicate);
    let (event, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(event.data["seq"], resent.seq);
    assert_eq!(event.data["message"]["id"], resent.message_id.to_string());
}

#[tokio::test]
async fn a_mention_stored_by_the_fast_path_is_notified_when_its_batch_falls_back() {
    let server = server_with_metrics().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;

    // Both sends wait for each other in the lane and form one batch: the mention goes
    // through the fast path; the other (its reply target is not in the chat) takes the
    // checked path, which fails.
    let mention = text("hello @bob test-hook:batch-of:2", "f-1");
    let mut failing = text(&format!("{FAIL_CHECKED} test-hook:batch-of:2"), "f-2");
    failing.reply_to_id = Some(MessageId::from(uuid::Uuid::now_v7()));
    let ((mention_status, mention_body), (failing_status, failing_body)) = tokio::join!(
        send_raw(&ada, chat, &mention),
        send_raw(&ada, chat, &failing)
    );
    assert_eq!(mention_status, 201, "{mention_body}");
    let stored: SendResult = serde_json::from_value(mention_body).unwrap();
    assert!(!stored.duplicate);
    assert_eq!(failing_status, 503, "{failing_body}");
    assert_eq!(
        error_code(&failing_body),
        "SERVICE_UNAVAILABLE",
        "{failing_body}"
    );

    let (event, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(
        event.data["notification"]["messageId"],
        stored.message_id.to_string(),
        "{event:?}"
    );
    let metrics = scrape(&server).await;
    assert_eq!(
        sample_starting(&metrics, "chatd_messages_sent_total"),
        Some(1),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_panic_in_the_binary_is_logged_through_tracing_and_the_lane_restarted() {
    let db = testkit::fresh_db().await;
    let dir = testkit::temp_dir();
    let url = db.url();
    let chatd = testkit::ChatdProcess::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_chatd")),
        &[],
        &[
            ("CHATD_DATA_DIR", dir.path().to_str().unwrap()),
            ("CHATD_DATABASE_URL", url.as_str()),
        ],
    );
    let register = |name: &str| common::api::RegisterRequest {
        username: name.into(),
        password: testkit::password().into(),
        password_confirm: testkit::password().into(),
        display_name: None,
        invite_code: None,
        email: None,
    };
    let ada = Client::new(&chatd.base_url).unwrap();
    ada.register(&register("ada")).await.unwrap();
    ada.login("ada", testkit::password()).await.unwrap();
    let bob = Client::new(&chatd.base_url).unwrap();
    bob.register(&register("bob")).await.unwrap();
    let bob_t = bob.login("bob", testkit::password()).await.unwrap();
    let chat = direct(&ada, bob_t.user.id).await;

    let (status, body) = send_raw(&ada, chat, &text(PANIC_IN_LANE, "p-1")).await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = send_raw(&ada, chat, &text("after", "p-2")).await;
    assert_eq!(status, 201, "{body}");

    let (code, stderr) = tokio::task::spawn_blocking(move || chatd.terminate())
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    let panic_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("injected panic in a writer lane"))
        .collect();
    // The hook's event and the supervisor's, both at ERROR, naming the lane.
    assert_eq!(panic_lines.len(), 2, "{stderr}");
    assert!(panic_lines.iter().all(|l| l.contains("ERROR")), "{stderr}");
    assert!(
        panic_lines
            .iter()
            .any(|l| l.contains("restarting it") && l.contains("writer-lane-")),
        "{stderr}"
    );
    // No raw panic message or backtrace from the default hook.
    assert!(!stderr.contains("panicked at"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
}
