//! The core protocol over both transports: the WebSocket, and Server-Sent Events
//! (`GET /api/events`) with frames by `POST /api/frames`. Each scenario runs once per
//! transport, against a real chatd and PostgreSQL; then what only the event stream has
//! (its caps, its close, its heartbeats, resuming with `Last-Event-ID`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::ErrorCode;
use common::api::{ChatCursor, SendResult, SyncRequest, SyncResponse};
use common::client::{Client, EventStream};
use common::ws::{ChatRef, ClientRequest, PresenceData, PresenceStatus, ReadData, SendData};
use common::{ChatId, UserId};
use reqwest::Method;
use testkit::chat::{direct, post};
use testkit::transport::{BOTH, Conn, Transport};
use testkit::{TestServer, test_config};

fn send(chat: ChatId, content: &str, client_id: &str) -> ClientRequest {
    ClientRequest::Send(SendData {
        chat_id: chat,
        content: content.into(),
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: client_id.into(),
        attachment_ids: Vec::new(),
    })
}

/// Two users with a direct chat, named for the transport (one server serves both runs).
async fn pair(server: &TestServer, transport: Transport) -> (Client, Client, UserId, ChatId) {
    let tag = format!("{transport:?}").to_lowercase();
    let (ada, _) = server.user(&format!("ada{tag}")).await;
    let (bob, bob_t) = server.user(&format!("bob{tag}")).await;
    let chat = direct(&ada, bob_t.user.id).await;
    (ada, bob, bob_t.user.id, chat)
}

#[tokio::test]
async fn sends_are_acked_and_reach_the_other_side_in_order_over_both_transports() {
    let server = TestServer::start().await;
    for transport in BOTH {
        let (ada, bob, bob_id, chat) = pair(&server, transport).await;
        let (mut ada_c, hello) = Conn::connect(&ada, transport).await;
        assert_eq!(hello.protocol_version, common::ws::PROTOCOL_VERSION);
        let (mut bob_c, _) = Conn::connect(&bob, transport).await;
        let mut acked = Vec::new();
        for i in 0..3 {
            let ack = ada_c
                .request(&send(chat, &format!("hi {i}"), &format!("c-{i}")))
                .await
                .unwrap();
            let result: SendResult = serde_json::from_value(ack).unwrap();
            acked.push(result);
        }
        // A resend with the same client id returns the first result.
        let again = ada_c.request(&send(chat, "hi 0", "c-0")).await.unwrap();
        let again: SendResult = serde_json::from_value(again).unwrap();
        assert_eq!(again.message_id, acked[0].message_id, "{transport:?}");
        for (i, result) in acked.iter().enumerate() {
            let (event, _) = bob_c.expect("message:new").await;
            assert_eq!(event.data["seq"], result.seq, "{transport:?}: in order");
            assert_eq!(event.data["message"]["content"], format!("hi {i}"));
        }
        // The sender hears that bob's connection got them.
        let (receipt, _) = ada_c.expect("message:delivered").await;
        assert_eq!(receipt.data["receipts"][0]["userId"], bob_id.to_string());
    }
}

#[tokio::test]
async fn typing_and_read_reach_the_other_member_over_both_transports() {
    let server = TestServer::start().await;
    for transport in BOTH {
        let (ada, bob, _, chat) = pair(&server, transport).await;
        let (mut ada_c, _) = Conn::connect(&ada, transport).await;
        let (mut bob_c, _) = Conn::connect(&bob, transport).await;
        ada_c
            .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
            .await
            .unwrap();
        let (start, _) = bob_c.expect("typing:start").await;
        assert_eq!(start.data["chatId"], chat.to_string(), "{transport:?}");
        ada_c
            .request(&ClientRequest::TypingStop(ChatRef { chat_id: chat }))
            .await
            .unwrap();
        bob_c.expect("typing:stop").await;
        let sent = post(&ada, chat, "read me", &format!("r-{transport:?}")).await;
        bob_c.expect("message:new").await;
        bob_c
            .request(&ClientRequest::Read(ReadData {
                chat_id: chat,
                seq: sent.seq,
            }))
            .await
            .unwrap();
        let (read, _) = ada_c.expect("message:read").await;
        assert_eq!(read.data["chatId"], chat.to_string(), "{transport:?}");
        // Typing in a chat one is not in: not found, the connection stays.
        let err = bob_c
            .request(&ClientRequest::TypingStart(ChatRef {
                chat_id: ChatId::new(),
            }))
            .await
            .unwrap_err();
        assert_eq!(err.body().unwrap().code, ErrorCode::NotFound);
        bob_c.request(&ClientRequest::Ping).await.unwrap();
    }
}

#[tokio::test]
async fn malformed_frames_get_an_error_frame_over_both_transports() {
    let server = TestServer::start().await;
    for transport in BOTH {
        let (ada, _, _, _) = pair(&server, transport).await;
        let (mut conn, _) = Conn::connect(&ada, transport).await;
        let bad_json = conn.error_for("{not json").await;
        assert_eq!(bad_json.error.unwrap().code, ErrorCode::ValidationError);
        let unknown = conn
            .error_for(r#"{"type":"message:shout","id":"u1","data":{}}"#)
            .await;
        assert_eq!(unknown.id.as_deref(), Some("u1"), "{transport:?}");
        assert_eq!(
            unknown.error.unwrap().message,
            r#"unknown frame type "message:shout""#
        );
        let missing = conn
            .error_for(r#"{"type":"message:send","id":"m1","data":{"content":"x"}}"#)
            .await;
        assert_eq!(
            missing.error.unwrap().message,
            "invalid message:send frame: missing field `chatId`"
        );
        let big = format!(
            r#"{{"type":"ping","id":"b1","data":{{"pad":"{}"}}}}"#,
            "x".repeat(70_000)
        );
        let oversized = conn.error_for(&big).await;
        assert_eq!(oversized.error.unwrap().code, ErrorCode::PayloadTooLarge);
        let not_member = conn
            .request(&send(ChatId::new(), "hi", "x-1"))
            .await
            .unwrap_err();
        assert_eq!(not_member.body().unwrap().code, ErrorCode::NotFound);
        conn.request(&ClientRequest::Ping)
            .await
            .expect("still connected");
    }
}

#[tokio::test]
async fn a_gap_is_resynced_from_the_cursors_over_both_transports() {
    let server = TestServer::start().await;
    for transport in BOTH {
        let (ada, bob, _, chat) = pair(&server, transport).await;
        let (mut bob_c, _) = Conn::connect(&bob, transport).await;
        let first = post(&ada, chat, "before", &format!("g0-{transport:?}")).await;
        bob_c.expect("message:new").await;
        let last_event = bob_c.last_event_id();
        drop(bob_c);
        // Bob is away for these.
        let mut missed = Vec::new();
        for i in 1..=3 {
            let sent = post(
                &ada,
                chat,
                &format!("gap {i}"),
                &format!("g{i}-{transport:?}"),
            )
            .await;
            missed.push(sent.seq);
        }
        let (mut bob_c, _) = Conn::resume(&bob, transport, last_event.as_deref()).await;
        if transport == Transport::Sse {
            assert!(last_event.is_some(), "events carry ids");
            // The stream cannot replay: it says so right after hello.
            let next = bob_c.next_frame().await.unwrap();
            assert_eq!(next.kind, "sync:required");
        }
        let answer = bob_c
            .request(&ClientRequest::Sync(SyncRequest {
                chats: vec![ChatCursor {
                    chat_id: chat,
                    seq: first.seq,
                }],
                ..SyncRequest::default()
            }))
            .await
            .unwrap();
        let answer: SyncResponse = serde_json::from_value(answer).unwrap();
        let seqs: Vec<i64> = answer.chats[0]
            .events
            .iter()
            .map(|e| e.seq().unwrap().1)
            .collect();
        assert_eq!(
            seqs, missed,
            "{transport:?}: every missed event once, in order"
        );
        // And live delivery goes on after the resync.
        let live = post(&ada, chat, "after", &format!("g4-{transport:?}")).await;
        let (event, _) = bob_c.expect("message:new").await;
        assert_eq!(event.data["seq"], live.seq);
    }
}

#[tokio::test]
async fn the_event_stream_has_the_sockets_caps_close_and_heartbeats() {
    let mut config = test_config();
    config.ws.max_connections_per_user = 1;
    config.ws.heartbeat_secs = 1;
    // The stream outlives the request timeout (it bounds the answer's start, not its body).
    config.http.request_timeout_secs = 1;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (mut stream, hello) = EventStream::connect(&ada, None).await.unwrap();
    assert_eq!(hello.heartbeat_secs, 1);
    // The account's cap counts event streams and sockets alike.
    let over = EventStream::connect(&ada, None).await.unwrap_err();
    assert_eq!(over.status(), Some(429));
    let ws =
        common::client::Socket::connect(ada.base_url(), &ada.tokens().unwrap().access_token).await;
    assert!(ws.is_err(), "a socket is over the cap too");
    // Presence is the stream's: a posted frame sets it for the caller's stream; a caller
    // with no stream has none to set.
    ada.post_frame(
        "p1",
        &ClientRequest::Presence(PresenceData {
            status: PresenceStatus::Away,
        }),
    )
    .await
    .unwrap();
    let (bob, _) = server.user("bob").await;
    let streamless = bob
        .post_frame(
            "p2",
            &ClientRequest::Presence(PresenceData {
                status: PresenceStatus::Away,
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(streamless.body().unwrap().code, ErrorCode::ValidationError);
    // Heartbeats are comments, at the heartbeat interval: seen on the raw body, three of
    // them (past the request timeout).
    let mut raw = bob
        .request(Method::GET, "/api/events")
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = String::new();
    while body.matches("\n: heartbeat\n").count() < 3 {
        let chunk = tokio::time::timeout(testkit::ws::FRAME_WAIT, raw.chunk())
            .await
            .expect("a heartbeat within the wait")
            .unwrap()
            .expect("the stream stays open");
        body.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(body.contains(r#""type":"hello""#), "{body}");
    // Ending the session closes the stream with the socket's code.
    ada.logout().await.unwrap();
    loop {
        let next = tokio::time::timeout(testkit::ws::FRAME_WAIT, stream.next_frame())
            .await
            .expect("closed within the wait")
            .unwrap();
        if next.is_none() {
            break;
        }
    }
    assert_eq!(
        stream.close().map(|c| c.0),
        Some(common::ws::close::UNAUTHORIZED)
    );
    // Its registration is gone with it: the account may open a stream again.
    ada.login("ada", testkit::password()).await.unwrap();
    let reopened = testkit::eventually(testkit::ws::FRAME_WAIT, || async {
        EventStream::connect(&ada, None).await.is_ok()
    })
    .await;
    assert!(reopened, "the closed stream still counts against the cap");
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

#[tokio::test]
async fn an_event_stream_that_is_not_read_is_cut_off_as_a_slow_consumer() {
    use tokio::io::AsyncWriteExt;
    let mut config = test_config();
    config.ws.queue_capacity = 8;
    config.ws.max_connections_per_user = 1;
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (carl, carl_t) = server.user("carl").await;
    let chat = direct(&ada, carl_t.user.id).await;
    // Carl's client has a small receive buffer and never reads after its request.
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let mut tcp = tcp.connect(server.addr).await.unwrap();
    let token = carl.tokens().unwrap().access_token;
    let request = format!(
        "GET /api/events HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {token}\r\naccept: text/event-stream\r\n\r\n",
        server.addr
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let online = testkit::eventually(testkit::ws::FRAME_WAIT, || async {
        presence_of(&ada, carl_t.user.id).await == "online"
    })
    .await;
    assert!(online, "the stream never registered");
    let big = "x".repeat(9_000);
    let mut sent = 0;
    while presence_of(&ada, carl_t.user.id).await != "offline" {
        assert!(sent < 5_000, "carl was never cut off");
        for _ in 0..5 {
            post(&ada, chat, &big, &format!("m-{sent}")).await;
            sent += 1;
        }
    }
    let metrics = server.metrics().await;
    assert!(
        metrics.contains("chatd_ws_slow_consumers_total 1"),
        "{metrics}"
    );
    // Its slot is free: carl may open a stream again (the cap is one).
    let (_stream, _) = EventStream::connect(&carl, None).await.unwrap();
    drop(tcp);
}
