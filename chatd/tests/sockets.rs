//! The WebSocket's lifecycle and edges against a real chatd: a member removed while their
//! socket connects never hears the group again; the per-account socket cap; a panicking
//! frame handler leaves no zombie; a client's close is answered; a slow consumer is cut
//! off with 4008 and gets the close frame, not a reset; ended sessions and disabled
//! accounts close their sockets at once, on every node.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use std::time::Duration;

use common::client::Client;
use common::ws::{ChatRef, ClientRequest, close};
use common::{ChatId, UserId};
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use social_support::group;
use testkit::chat::{direct, post};
use testkit::ws::{FRAME_WAIT, connect, expect};
use testkit::{TestServer, eventually, fresh_db, shared_redis_url, test_config};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

fn ws_request(server: &TestServer, token: Option<&str>) -> tungstenite::handshake::client::Request {
    let url = format!("ws://{}/ws", server.addr);
    let mut request = url.into_client_request().unwrap();
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    request
}

fn token(client: &Client) -> String {
    client.tokens().unwrap().access_token
}

/// Reads (and drops) raw messages until the close frame, within `wait`: its code. A socket
/// that fails instead (a reset under the close frame) fails the test.
async fn close_code<S>(ws: &mut S, wait: Duration) -> Option<u16>
where
    S: futures_util::Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    tokio::time::timeout(wait, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("the socket failed instead of closing: {e}"),
                None => return None,
            }
        }
    })
    .await
    .unwrap()
}

/// Reads raw messages until a text frame of type `kind`.
async fn raw_expect<S>(ws: &mut S, kind: &str) -> serde_json::Value
where
    S: futures_util::Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    let found = tokio::time::timeout(FRAME_WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                    if frame["type"] == kind {
                        return frame;
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("socket ended while waiting for {kind}: {other:?}"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("no {kind} within {FRAME_WAIT:?}"))
}

async fn presence_of(client: &Client, user: UserId) -> String {
    let list: common::api::PresenceList = client
        .send(
            client
                .request(Method::POST, "/api/presence")
                .json(&serde_json::json!({ "userIds": [user] })),
        )
        .await
        .unwrap();
    serde_json::to_value(list.users[0].status)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

async fn remove(owner: &Client, chat: ChatId, user: UserId) {
    let resp = owner
        .request(
            Method::DELETE,
            &format!("/api/chats/{chat}/participants/{user}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
}

async fn add(owner: &Client, chat: ChatId, user: UserId) {
    let resp = owner
        .request(Method::POST, &format!("/api/chats/{chat}/participants"))
        .json(&serde_json::json!({ "userIds": [user] }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
}

#[tokio::test]
async fn a_member_removed_while_their_socket_connects_never_hears_the_group_again() {
    let server = TestServer::start().await;
    let (olga, _) = server.user("olga").await;
    let (carl, carl_t) = server.user("carl").await;
    let carl_id = carl_t.user.id;
    let chat = group(&olga, "Race", None, &[carl_id]).await.chat.id;
    let marker_chat = direct(&olga, carl_id).await;
    for round in 0..100 {
        // The socket loads its chats and registers while the removal commits and is
        // published, in either order.
        let ((mut ws, _), ()) = tokio::join!(connect(&carl), remove(&olga, chat, carl_id));
        post(&olga, chat, "not for carl", &format!("group-{round}")).await;
        let marker = format!("marker-{round}");
        post(&olga, marker_chat, &marker, &marker).await;
        // Frames of one node arrive in publish order: the group message came first, so
        // everything carl could get of it has arrived once the marker has.
        loop {
            let (frame, _) = expect(&mut ws, "message:new").await;
            assert_ne!(
                frame.data["chatId"],
                chat.to_string(),
                "round {round}: a removed member got the group's message"
            );
            if frame.data["message"]["content"] == marker.as_str() {
                break;
            }
        }
        drop(ws);
        add(&olga, chat, carl_id).await;
    }
}

#[tokio::test]
async fn one_account_gets_at_most_its_share_of_sockets() {
    let mut config = test_config();
    config.ws.max_connections_per_user = 2;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (first, _) = connect(&ada).await;
    let (_second, _) = connect(&ada).await;

    // Authenticated by header: refused before the upgrade with the documented body.
    let refused = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&ada)))).await;
    let Err(tungstenite::Error::Http(response)) = refused else {
        panic!("expected an HTTP refusal, got {refused:?}");
    };
    assert_eq!(response.status(), 429);
    let body: serde_json::Value =
        serde_json::from_slice(response.body().as_ref().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 2"),
        "{body}"
    );

    // Authenticated by an `auth` frame: an error frame, then close code 4029.
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_request(&server, None))
        .await
        .unwrap();
    let auth = serde_json::json!({"type": "auth", "id": "a", "data": {"token": token(&ada)}});
    ws.send(Message::text(auth.to_string())).await.unwrap();
    let error = raw_expect(&mut ws, "error").await;
    assert_eq!(error["error"]["code"], "RATE_LIMIT_EXCEEDED");
    let code = loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(code, Some(close::TOO_MANY_CONNECTIONS));

    // Another account is not affected, and a closed socket frees its slot.
    let (bob, _) = server.user("bob").await;
    connect(&bob).await;
    drop(first);
    assert!(
        eventually(Duration::from_secs(10), || async {
            common::client::Socket::connect(&server.base_url, &token(&ada))
                .await
                .is_ok()
        })
        .await
    );
}

#[tokio::test]
async fn a_panicking_frame_handler_closes_the_socket_and_leaves_no_zombie() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    let chat = direct(&bob, ada_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;
    let (mut ada_ws, _) = connect(&ada).await;
    ada_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    expect(&mut bob_ws, "typing:start").await;

    ada_ws
        .send_text(r#"{"type":"test:panic","id":"boom"}"#)
        .await
        .unwrap();
    assert_eq!(ada_ws.closed().await, Some(close::SERVER_ERROR));
    // Bob sees ada stop typing and go offline: nothing of her connection is left.
    let (mut stopped, mut offline) = (false, false);
    while !(stopped && offline) {
        let frame = tokio::time::timeout(FRAME_WAIT, bob_ws.next_frame())
            .await
            .expect("bob saw ada neither stop typing nor go offline")
            .unwrap()
            .unwrap();
        stopped |= frame.kind == "typing:stop";
        offline |= frame.kind == "user:status"
            && frame.data["userId"] == ada_t.user.id.to_string()
            && frame.data["status"] == "offline";
    }
    assert_eq!(presence_of(&bob, ada_t.user.id).await, "offline");
    // The server still serves ada.
    let (mut again, _) = connect(&ada).await;
    post(&bob, chat, "still here", "b-1").await;
    expect(&mut again, "message:new").await;
}

#[tokio::test]
async fn a_clients_close_frame_is_answered_with_a_close_frame() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&ada))))
        .await
        .unwrap();
    raw_expect(&mut ws, "hello").await;
    ws.send(Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    })))
    .await
    .unwrap();
    // The server's answer arrives as a close frame (before the TCP connection ends).
    let answer = loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("the close was not answered: {other:?}"),
        }
    };
    assert_eq!(answer.map(|f| f.code), Some(CloseCode::Normal));
}

#[tokio::test]
async fn a_slow_consumer_is_cut_off_with_4008_and_gets_the_close_frame_not_a_reset() {
    let mut config = test_config();
    config.ws.queue_capacity = 8;
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (carl, carl_t) = server.user("carl").await;
    let chat = direct(&ada, carl_t.user.id).await;
    // Carl's client has a small receive buffer, so that its TCP window fills up soon.
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let tcp = tcp.connect(server.addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(ws_request(&server, Some(&token(&carl))), tcp)
        .await
        .unwrap();
    let (mut sink, mut stream) = ws.split();
    raw_expect(&mut stream, "hello").await;
    // Carl stops reading but keeps sending.
    let sending = tokio::spawn(async move {
        let mut pace = tokio::time::interval(Duration::from_millis(20));
        loop {
            pace.tick().await;
            let frame = serde_json::json!({"type": "ping"}).to_string();
            if sink.send(Message::text(frame)).await.is_err() {
                break;
            }
        }
    });
    let big = "x".repeat(9_000);
    let mut sent = 0;
    while presence_of(&ada, carl_t.user.id).await != "offline" {
        assert!(sent < 5_000, "carl was never cut off");
        for _ in 0..5 {
            post(&ada, chat, &big, &format!("m-{sent}")).await;
            sent += 1;
        }
    }
    // Reading again, carl gets what was written, then the close frame: no reset.
    let code = close_code(&mut stream, Duration::from_mins(1)).await;
    assert_eq!(code, Some(close::SLOW_CONSUMER));
    sending.abort();
    let metrics = server.metrics().await;
    assert!(
        metrics.contains("chatd_ws_slow_consumers_total 1"),
        "{metrics}"
    );
}

/// A bound far below the minute after which an open socket rechecks its session: a socket
/// that closes within it was closed by the revocation itself.
const AT_ONCE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_reused_refresh_token_closes_the_sessions_socket_at_once() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let stolen = ada.tokens();
    let (ws, _) = connect(&ada).await;
    ada.refresh().await.unwrap();
    let thief = server.client();
    thief.set_tokens(stolen);
    assert_eq!(thief.refresh().await.unwrap_err().status(), Some(401));
    let closed = tokio::time::timeout(AT_ONCE, ws.closed()).await;
    assert_eq!(closed, Ok(Some(close::UNAUTHORIZED)));
}

#[tokio::test]
async fn disabling_an_account_closes_its_socket_at_once_without_redis() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (ws, _) = connect(&ada).await;
    // What `chatctl user disable` does: the database change, then the notice.
    let user = ada_t.user.id;
    server.store().set_user_disabled(user, true).await.unwrap();
    let notice = chatd::fanout::notices::AdminNotice::UserDisabled { user_id: user };
    chatd::fanout::notices::notify(server.store(), &notice)
        .await
        .unwrap();
    let closed = tokio::time::timeout(AT_ONCE, ws.closed()).await;
    assert_eq!(closed, Ok(Some(close::UNAUTHORIZED)));
}

#[tokio::test]
async fn disabling_an_account_closes_its_socket_on_another_node_at_once() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (_, ada_t) = node_a.user("ada").await;
    let ada_on_b = node_b.client();
    ada_on_b.login("ada", testkit::password()).await.unwrap();
    let (ws, _) = connect(&ada_on_b).await;
    let user = ada_t.user.id;
    node_a.store().set_user_disabled(user, true).await.unwrap();
    let notice = chatd::fanout::notices::AdminNotice::UserDisabled { user_id: user };
    chatd::fanout::notices::notify(node_a.store(), &notice)
        .await
        .unwrap();
    let closed = tokio::time::timeout(AT_ONCE, ws.closed()).await;
    assert_eq!(closed, Ok(Some(close::UNAUTHORIZED)));
}

#[tokio::test]
async fn a_password_reset_closes_the_accounts_sockets_at_once() {
    let server = TestServer::start().await;
    let (laptop, ada_t) = server.user("ada").await;
    let phone = server.client();
    phone.login("ada", testkit::password()).await.unwrap();
    let (laptop_ws, _) = connect(&laptop).await;
    let (phone_ws, _) = connect(&phone).await;
    // What `chatctl user reset-password` does: the new hash and the revocations, then the
    // notice naming the revoked sessions.
    let user = ada_t.user.id;
    let hash = chatd::auth::PasswordHasher::new(1)
        .unwrap()
        .hash("a brand new passphrase")
        .await
        .unwrap();
    let revoked = server.store().reset_password(user, &hash).await.unwrap();
    assert_eq!(revoked.len(), 2);
    let notice = chatd::fanout::notices::AdminNotice::SessionsRevoked {
        user_id: Some(user),
        session_ids: revoked,
    };
    chatd::fanout::notices::notify(server.store(), &notice)
        .await
        .unwrap();
    for ws in [laptop_ws, phone_ws] {
        let closed = tokio::time::timeout(AT_ONCE, ws.closed()).await;
        assert_eq!(closed, Ok(Some(close::UNAUTHORIZED)));
    }
}

/// A frame over the hard limit (1 MiB, far over the documented 64 KiB) closes the socket
/// with 1009 (told apart from other read errors by its type, not its message).
#[tokio::test]
async fn a_frame_over_the_hard_limit_closes_with_1009() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (ws, _) = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&ada))))
        .await
        .unwrap();
    let (mut sink, mut stream) = ws.split();
    raw_expect(&mut stream, "hello").await;
    let huge = format!(r#"{{"type":"ping","data":"{}"}}"#, "x".repeat(1024 * 1024));
    // The server may close before it has read the whole frame: a failed send is fine.
    let _ = sink.send(Message::text(huge)).await;
    assert_eq!(close_code(&mut stream, FRAME_WAIT).await, Some(1009));
}

#[tokio::test]
async fn the_node_cap_counts_sockets_that_have_not_authenticated_yet() {
    let mut config = test_config();
    config.ws.max_connections = 2;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;

    // Two upgrades that have not sent their `auth` frame yet hold the node's two slots.
    let (mut first, _) = tokio_tungstenite::connect_async(ws_request(&server, None))
        .await
        .unwrap();
    let (second, _) = tokio_tungstenite::connect_async(ws_request(&server, None))
        .await
        .unwrap();

    // A third is refused before the upgrade with the documented body, whoever it is.
    let refused = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&ada)))).await;
    let Err(tungstenite::Error::Http(response)) = refused else {
        panic!("expected an HTTP refusal, got {refused:?}");
    };
    assert_eq!(response.status(), 503);
    let body: serde_json::Value =
        serde_json::from_slice(response.body().as_ref().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "SERVICE_UNAVAILABLE", "{body}");

    // The sockets that hold the slots work: the first authenticates.
    let auth = serde_json::json!({"type": "auth", "id": "a", "data": {"token": token(&ada)}});
    first.send(Message::text(auth.to_string())).await.unwrap();
    raw_expect(&mut first, "ack").await;

    // Closing the other frees its slot for a newcomer.
    drop(second);
    assert!(
        eventually(Duration::from_secs(10), || async {
            common::client::Socket::connect(&server.base_url, &token(&ada))
                .await
                .is_ok()
        })
        .await
    );
}

#[tokio::test]
async fn an_expired_session_closes_its_socket_at_the_nodes_next_recheck() {
    let mut config = test_config();
    config.ws.session_recheck_secs = 1;
    let server = TestServer::with_config(config).await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    let (mut ada_ws, _) = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&ada))))
        .await
        .unwrap();
    let (mut bob_ws, _) = tokio_tungstenite::connect_async(ws_request(&server, Some(&token(&bob))))
        .await
        .unwrap();
    raw_expect(&mut ada_ws, "hello").await;
    raw_expect(&mut bob_ws, "hello").await;

    // Expiry announces nothing on any bus: only the recheck can notice it.
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1")
        .bind(ada_t.user.id.as_uuid())
        .execute(server.store().pool())
        .await
        .unwrap();
    assert_eq!(
        close_code(&mut ada_ws, Duration::from_secs(15)).await,
        Some(close::UNAUTHORIZED)
    );

    // Bob's live session keeps its socket.
    bob_ws
        .send(Message::text(r#"{"type":"ping","id":"p"}"#))
        .await
        .unwrap();
    raw_expect(&mut bob_ws, "ack").await;
}
