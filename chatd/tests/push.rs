//! The push hook against a real HTTP receiver started here: users with no live connection
//! get a JSON POST per notification (text only when configured), retried after a failure;
//! connected users get none; endpoints are checked and capped per user; endpoints on
//! loopback and private addresses are refused unless the operator allows them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post as post_route;
use common::api::{PushDevice, PushDeviceList, PushPayload};
use common::client::Client;
use reqwest::Method;
use serde_json::json;
use social_support::{call, group, status};
use testkit::chat::post;
use testkit::ws::{connect, expect};
use testkit::{TestServer, test_config};
use tokio::sync::mpsc;

/// A push distributor: records every body; the first `fail_first` POSTs get 500.
struct Receiver {
    url: String,
    bodies: mpsc::UnboundedReceiver<PushPayload>,
    attempts: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct ReceiverState {
    tx: mpsc::UnboundedSender<PushPayload>,
    attempts: Arc<AtomicUsize>,
    fail_first: usize,
}

async fn receive(State(state): State<ReceiverState>, body: axum::Json<PushPayload>) -> StatusCode {
    let attempt = state.attempts.fetch_add(1, Ordering::SeqCst);
    if attempt < state.fail_first {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let _ = state.tx.send(body.0);
    StatusCode::OK
}

async fn receiver(fail_first: usize) -> Receiver {
    let (tx, bodies) = mpsc::unbounded_channel();
    let attempts = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/push/{topic}", post_route(receive))
        .with_state(ReceiverState {
            tx,
            attempts: attempts.clone(),
            fail_first,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver {
        url: format!("http://{addr}/push"),
        bodies,
        attempts,
    }
}

async fn next_push(receiver: &mut Receiver) -> PushPayload {
    tokio::time::timeout(Duration::from_secs(20), receiver.bodies.recv())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "no push within 20 s ({} attempts so far)",
                receiver.attempts.load(Ordering::SeqCst)
            )
        })
        .unwrap()
}

fn push_config(include_text: bool) -> chatd::config::Config {
    let mut config = test_config();
    config.push.enabled = true;
    config.push.allow_http = true;
    // The receiver is on loopback, which push refuses by default.
    config.push.allow_private = true;
    config.push.include_text = include_text;
    config.push.backoff_ms = 50;
    config.push.retries = 3;
    config.http.public_url = Some("https://chat.example.com".into());
    config
}

async fn register(client: &Client, endpoint: &str) -> PushDevice {
    call(
        client,
        Method::POST,
        "/api/push/devices",
        Some(json!({"endpoint": endpoint, "name": "phone"})),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_offline_user_is_pushed_without_text_and_a_connected_one_is_not() {
    let mut receiver = receiver(0).await;
    let server = TestServer::with_config(push_config(false)).await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;
    register(&bob, &format!("{}/bob", receiver.url)).await;
    register(&cy, &format!("{}/cy", receiver.url)).await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id, cy_t.user.id])
        .await
        .chat
        .id;
    // The invitations are pushed to both (neither is connected).
    for _ in 0..2 {
        let push = next_push(&mut receiver).await;
        assert_eq!(push.title, "ada added you to a group");
    }

    // Bob connected: his mention is not pushed; Cy's, sent after it, is.
    let (mut bob_ws, _) = connect(&bob).await;
    post(&ada, chat, "@bob here?", "a-1").await;
    expect(&mut bob_ws, "notification:new").await;
    let sent = post(&ada, chat, "@cyd secret plans", "a-2").await;
    let push = next_push(&mut receiver).await;
    assert_eq!(push.kind, "notification");
    assert_eq!(push.title, "ada mentioned you");
    assert_eq!(push.text, None, "no text unless push.include_text");
    let notification = push.notification.clone().unwrap();
    assert_eq!(notification.message_id, Some(sent.message_id));
    assert_eq!(notification.actor_id, Some(ada_t.user.id));
    assert_eq!(
        push.link.as_deref(),
        Some(format!("chat://chat.example.com/c/{chat}/m/{}", sent.message_id).as_str())
    );
    assert_eq!(receiver.attempts.load(Ordering::SeqCst), 3);
    let devices: PushDeviceList = call(&cy, Method::GET, "/api/push/devices", None)
        .await
        .unwrap();
    assert!(
        testkit::eventually(Duration::from_secs(10), || async {
            let devices: PushDeviceList = call(&cy, Method::GET, "/api/push/devices", None)
                .await
                .unwrap();
            devices.devices[0].last_success_at.is_some()
        })
        .await
    );
    assert_eq!(devices.devices[0].name.as_deref(), Some("phone"));
    let bob_devices: PushDeviceList = call(&bob, Method::GET, "/api/push/devices", None)
        .await
        .unwrap();
    assert_eq!(bob_devices.devices[0].failures, 0);
}

#[tokio::test]
async fn a_failed_push_is_retried_and_text_is_sent_when_configured() {
    let mut receiver = receiver(2).await;
    let server = TestServer::with_config(push_config(true)).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", None, &[]).await.chat.id;
    register(&bob, &format!("{}/bob", receiver.url)).await;
    let _ = status(
        &ada,
        Method::POST,
        &format!("/api/chats/{chat}/participants"),
        Some(json!({"userIds": [bob_t.user.id]})),
    )
    .await;
    let invite = next_push(&mut receiver).await;
    assert_eq!(invite.title, "ada added you to a group");
    assert_eq!(
        receiver.attempts.load(Ordering::SeqCst),
        3,
        "two refusals, then accepted"
    );
    post(&ada, chat, "@bob the numbers are in", "a-1").await;
    let push = next_push(&mut receiver).await;
    assert_eq!(push.text.as_deref(), Some("@bob the numbers are in"));

    // A direct message to an offline user is pushed too.
    let dm = testkit::chat::direct(&ada, bob_t.user.id).await;
    let sent = post(&ada, dm, "ping", "a-2").await;
    let push = next_push(&mut receiver).await;
    assert_eq!(push.kind, "message");
    assert_eq!(push.title, "ada sent you a message");
    assert_eq!(push.text.as_deref(), Some("ping"));
    let message = push.message.unwrap();
    assert_eq!((message.chat_id, message.message_id), (dm, sent.message_id));
    assert!(push.notification.is_none());
}

#[tokio::test]
async fn endpoints_are_checked_capped_and_removable() {
    let mut config = test_config();
    config.push.max_devices_per_user = 2;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    for bad in [
        "http://push.example.com/topic",
        "not a url",
        "ftp://push.example.com/x",
    ] {
        assert_eq!(
            status(
                &ada,
                Method::POST,
                "/api/push/devices",
                Some(json!({"endpoint": bad}))
            )
            .await,
            400,
            "{bad}"
        );
    }
    let one = register(&ada, "https://ntfy.example.com/ada-1").await;
    let again = register(&ada, "https://ntfy.example.com/ada-1").await;
    assert_eq!(one.id, again.id, "registering twice keeps one device");
    register(&ada, "https://ntfy.example.com/ada-2").await;
    assert_eq!(
        status(
            &ada,
            Method::POST,
            "/api/push/devices",
            Some(json!({"endpoint": "https://ntfy.example.com/ada-3"}))
        )
        .await,
        409
    );
    let (bob, _) = server.user("bob").await;
    assert_eq!(
        status(
            &bob,
            Method::DELETE,
            &format!("/api/push/devices/{}", one.id),
            None
        )
        .await,
        404,
        "not someone else's"
    );
    assert_eq!(
        status(
            &ada,
            Method::DELETE,
            &format!("/api/push/devices/{}", one.id),
            None
        )
        .await,
        204
    );
    let list: PushDeviceList = call(&ada, Method::GET, "/api/push/devices", None)
        .await
        .unwrap();
    assert_eq!(list.devices.len(), 1);
}

#[tokio::test]
async fn endpoints_on_local_addresses_are_refused_unless_allowed() {
    let mut receiver = receiver(0).await;
    let mut config = push_config(false);
    config.push.allow_private = false;
    config.push.allowed_hosts = vec!["127.0.0.1".into()];
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    for local in [
        "http://127.0.0.2/x",
        "http://10.0.0.1/x",
        "http://192.168.1.10:8080/x",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/x",
        "http://224.0.0.1/x",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://[fe80::1]/x",
        "http://[fd00::1]/x",
        "http://localhost/x",
        "http://push.localhost/x",
    ] {
        let err = call::<PushDevice>(
            &bob,
            Method::POST,
            "/api/push/devices",
            Some(json!({"endpoint": local})),
        )
        .await
        .unwrap_err();
        match err {
            common::client::ClientError::Api { body, .. } => {
                assert_eq!(body.code, common::ErrorCode::Forbidden, "{local}");
                assert!(body.message.contains("push.allowed_hosts"), "{local}");
            }
            other => panic!("{local}: {other}"),
        }
    }
    // The allowed host is accepted and pushed to.
    register(&bob, &format!("{}/allowed", receiver.url)).await;
    // Devices that passed registration before the operator narrowed `[push]`, or whose
    // name now resolves to a loopback address, get nothing either.
    let port = receiver
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    for endpoint in [
        format!("http://localhost:{port}/push/by-name"),
        format!("http://[::1]:{port}/push/literal"),
    ] {
        server
            .store()
            .add_push_device(uuid::Uuid::now_v7(), bob_t.user.id, &endpoint, None, 10)
            .await
            .unwrap()
            .unwrap();
    }
    let chat = group(&ada, "Team", None, &[bob_t.user.id]).await.chat.id;
    let push = next_push(&mut receiver).await;
    assert_eq!(push.notification.unwrap().chat_id, Some(chat));
    let refused_both = testkit::eventually(Duration::from_secs(20), || async {
        let list: PushDeviceList = call(&bob, Method::GET, "/api/push/devices", None)
            .await
            .unwrap();
        list.devices
            .iter()
            .filter(|d| {
                d.endpoint.contains("/push/by-name") || d.endpoint.contains("/push/literal")
            })
            .all(|d| d.failures == 1)
    })
    .await;
    assert!(refused_both, "both local devices recorded as failed");
    assert_eq!(
        receiver.attempts.load(Ordering::SeqCst),
        1,
        "only the allowed endpoint was reached"
    );
}

#[tokio::test]
async fn endpoints_in_special_purpose_blocks_are_refused_and_public_ones_taken() {
    let mut config = push_config(false);
    config.push.allow_private = false;
    let server = TestServer::with_config(config).await;
    let (bob, _) = server.user("bob").await;
    // Addresses that got through the filter before: IPv4-translated and IPv4-compatible
    // loopback, local-use NAT64, Teredo, benchmarking, IETF protocol assignments, reserved.
    for special in [
        "http://[::ffff:0:7f00:1]/x",
        "http://[::127.0.0.1]/x",
        "http://[64:ff9b:1::a00:1]/x",
        "http://[2001::1]/x",
        "http://[2001:db8::1]/x",
        "http://198.18.0.1/x",
        "http://192.0.0.8/x",
        "http://203.0.113.9/x",
        "http://240.0.0.1/x",
    ] {
        let err = call::<PushDevice>(
            &bob,
            Method::POST,
            "/api/push/devices",
            Some(json!({"endpoint": special})),
        )
        .await
        .unwrap_err();
        match err {
            common::client::ClientError::Api { body, .. } => {
                assert_eq!(body.code, common::ErrorCode::Forbidden, "{special}");
            }
            other => panic!("{special}: {other}"),
        }
    }
    for public in ["http://93.184.216.34/x", "http://[2606:4700::1111]/x"] {
        register(&bob, public).await;
    }
}
