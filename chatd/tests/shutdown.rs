//! SIGTERM under a send load, against the real binary: sends stop being taken (answered
//! `SERVICE_UNAVAILABLE`, never stored), a batch the writer holds is committed, acked and
//! delivered live before the sockets get `1001`, and nothing is stored but silent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::api::RegisterRequest;
use common::client::Client;
use common::{ChatId, UserId};
use futures_util::{SinkExt, StreamExt};
use sqlx::Connection;
use testkit::{ChatdProcess, eventually, fresh_db, password};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");
/// Unanswered sends a load client keeps in flight.
const WINDOW: usize = 4;
/// Sends a load client still makes after its first `SERVICE_UNAVAILABLE`.
const AFTER_REFUSAL: usize = 20;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What one socket saw: answers to its sends by client id, `message:new` by client id, and
/// the close code.
#[derive(Debug, Default)]
struct Seen {
    acked: HashSet<String>,
    refused: HashMap<String, String>,
    /// Answers in the order they came: `true` for an ack.
    answers: Vec<bool>,
    received: HashSet<String>,
    close: Option<u16>,
}

type Shared = Arc<Mutex<Seen>>;

async fn user(base: &str, name: &str) -> (Client, String, UserId) {
    let client = Client::new(base).unwrap();
    client
        .register(&RegisterRequest {
            username: name.into(),
            password: password().into(),
            password_confirm: password().into(),
            display_name: None,
            invite_code: None,
            email: None,
        })
        .await
        .unwrap();
    let tokens = client.login(name, password()).await.unwrap();
    (client, tokens.access_token, tokens.user.id)
}

async fn open(base: &str, token: &str) -> Ws {
    let url = format!("{}/ws", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    let (ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws
}

fn send_frame(chat: ChatId, client_id: &str) -> Message {
    Message::text(
        serde_json::json!({
            "type": "message:send",
            "id": client_id,
            "data": {"chatId": chat, "content": format!("load {client_id}"), "clientId": client_id},
        })
        .to_string(),
    )
}

/// Records one incoming frame; false once the socket closed.
fn record(seen: &Shared, message: Option<Result<Message, impl std::fmt::Debug>>) -> bool {
    let mut seen = seen.lock().unwrap();
    match message {
        Some(Ok(Message::Text(text))) => {
            let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            let id = frame["id"].as_str().unwrap_or_default().to_owned();
            match frame["type"].as_str().unwrap_or_default() {
                "ack" => {
                    seen.acked.insert(id);
                    seen.answers.push(true);
                }
                "error" => {
                    let code = frame["error"]["code"].as_str().unwrap_or_default();
                    seen.refused.insert(id, code.to_owned());
                    seen.answers.push(false);
                }
                "message:new" => {
                    let cid = frame["data"]["message"]["clientId"].as_str();
                    seen.received.insert(cid.unwrap_or_default().to_owned());
                }
                _ => {}
            }
            true
        }
        Some(Ok(Message::Close(frame))) => {
            seen.close = frame.map(|f| u16::from(f.code));
            false
        }
        Some(Ok(_)) => true,
        Some(Err(_)) | None => false,
    }
}

/// Sends into `chat` as fast as answers come back (up to [`WINDOW`] in flight) until the
/// socket closes, or until [`AFTER_REFUSAL`] sends after the first refusal.
async fn load(mut ws: Ws, chat: ChatId, tag: String, seen: Shared) {
    let mut sent = 0usize;
    loop {
        let (answered, refused) = {
            let seen = seen.lock().unwrap();
            (seen.answers.len(), seen.refused.len())
        };
        let more = refused == 0 || sent < answered + AFTER_REFUSAL;
        if more && sent < answered + WINDOW {
            let id = format!("{tag}-{sent}");
            sent += 1;
            if ws.send(send_frame(chat, &id)).await.is_err() {
                break;
            }
            continue;
        }
        if !record(&seen, ws.next().await) {
            break;
        }
    }
    while record(&seen, ws.next().await) {}
}

/// Reads until the socket closes.
async fn listen(mut ws: Ws, seen: Shared) {
    while record(&seen, ws.next().await) {}
}

async fn direct(client: &Client, other: UserId) -> ChatId {
    testkit::chat::direct(client, other).await
}

#[tokio::test]
async fn sigterm_under_load_publishes_what_it_stores_and_refuses_the_rest() {
    sigterm_under_load(false).await;
}

/// The same with Redis, the held send's peer on a second node: the publish queue is
/// flushed before the node stops.
#[tokio::test]
async fn sigterm_flushes_the_redis_publish_queue_to_the_other_node() {
    sigterm_under_load(true).await;
}

async fn sigterm_under_load(redis: bool) {
    let db = fresh_db().await;
    let dir = testkit::temp_dir();
    let config = dir.path().join("chatd.toml");
    let prefix = format!("t{}:", uuid::Uuid::now_v7().simple());
    std::fs::write(
        &config,
        format!(
            "[limits]\nmessages_per_sec = 100000\nmessages_burst = 100000\n\
             [http]\nshutdown_grace_secs = 30\n[redis]\nkey_prefix = \"{prefix}\"\n"
        ),
    )
    .unwrap();
    let url = db.url();
    let secret = format!("shutdown-test-secret-{}", uuid::Uuid::now_v7().simple());
    let redis_url = testkit::shared_redis_url().await;
    let mut env = vec![
        ("CHATD_DATA_DIR", dir.path().to_str().unwrap()),
        ("CHATD_DATABASE_URL", url.as_str()),
        ("CHATD_JWT_SECRET", secret.as_str()),
    ];
    if redis {
        env.push(("CHATD_REDIS_URL", redis_url.as_str()));
    }
    let chatd = ChatdProcess::start(
        Path::new(CHATD),
        &["--config", config.to_str().unwrap()],
        &env,
    );
    let base = chatd.base_url.clone();
    // The second node, which stays up: the held send's peer listens there.
    let other = if redis {
        let mut config = testkit::test_config();
        config.redis.url = Some(chatd::config::Secret::new(redis_url.clone()));
        config.redis.key_prefix.clone_from(&prefix);
        config.auth.jwt_secret = Some(chatd::config::Secret::new(secret.clone()));
        Some(testkit::TestServer::on(config, db.options()).await)
    } else {
        None
    };
    let peer_base = other.as_ref().map_or(base.clone(), |o| o.base_url.clone());

    // One pair whose chat the test will hold locked in PostgreSQL, and load pairs whose
    // chats are in other writer lanes (so that they are not queued behind it).
    let (held_sender, held_token, _) = user(&base, "held0").await;
    let (_, held_peer_token, held_peer) = user(&base, "held1").await;
    let held_chat = direct(&held_sender, held_peer).await;
    let held_lane = chatd::messages::lane_of(held_chat);
    let mut pairs = Vec::new();
    let mut i = 0;
    while pairs.len() < 3 {
        let (sender, sender_token, _) = user(&base, &format!("send{i}")).await;
        let (_, peer_token, peer) = user(&base, &format!("recv{i}")).await;
        let chat = direct(&sender, peer).await;
        if chatd::messages::lane_of(chat) != held_lane {
            pairs.push((chat, sender_token, peer_token));
        }
        i += 1;
        assert!(i < 40, "no chat outside lane {held_lane}");
    }

    let mut tasks = Vec::new();
    let mut logs = Vec::new();
    for (n, (chat, sender_token, peer_token)) in pairs.iter().enumerate() {
        let sender: Shared = Arc::default();
        let peer: Shared = Arc::default();
        let peer_ws = open(&base, peer_token).await;
        tasks.push(tokio::spawn(listen(peer_ws, peer.clone())));
        let ws = open(&base, sender_token).await;
        tasks.push(tokio::spawn(load(
            ws,
            *chat,
            format!("l{n}"),
            sender.clone(),
        )));
        logs.push((sender, peer));
    }
    // The load is flowing.
    assert!(
        eventually(Duration::from_secs(30), || async {
            logs.iter().all(|(s, _)| s.lock().unwrap().acked.len() >= 5)
        })
        .await
    );

    let held_seen: Shared = Arc::default();
    let held_peer_seen: Shared = Arc::default();
    let held_peer_task = tokio::spawn(listen(
        open(&peer_base, &held_peer_token).await,
        held_peer_seen.clone(),
    ));
    if redis {
        // Fan-out through Redis works before the test: the other node has subscribed and
        // registered the socket (probes until one arrives).
        let mut n = 0;
        let sender = &held_sender;
        assert!(
            eventually(Duration::from_secs(30), || {
                n += 1;
                let seen = held_peer_seen.clone();
                async move {
                    testkit::chat::post(sender, held_chat, "probe", &format!("probe-{n}")).await;
                    let seen = seen.lock().unwrap();
                    seen.received.iter().any(|id| id.starts_with("probe-"))
                }
            })
            .await,
            "no fan-out through Redis before the test"
        );
    } else {
        tasks.push(held_peer_task);
    }

    // A send the writer holds when the signal comes: its chat row is locked, so its batch
    // waits in PostgreSQL.
    let mut lock = sqlx::PgConnection::connect_with(&db.options())
        .await
        .unwrap();
    let mut txn = lock.begin().await.unwrap();
    sqlx::query("SELECT id FROM chats WHERE id = $1 FOR UPDATE")
        .bind(held_chat.as_uuid())
        .execute(&mut *txn)
        .await
        .unwrap();
    let mut held_ws = open(&base, &held_token).await;
    held_ws.send(send_frame(held_chat, "held")).await.unwrap();
    tasks.push(tokio::spawn(listen(held_ws, held_seen.clone())));
    let watch = sqlx::PgPool::connect_with(db.options()).await.unwrap();
    assert!(
        eventually(Duration::from_secs(30), || {
            let watch = watch.clone();
            async move {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
                .fetch_one(&watch)
                .await
                .unwrap();
                waiting > 0
            }
        })
        .await,
        "the held send never reached PostgreSQL"
    );

    chatd.sigterm();
    // Sends are refused from now on, while the sockets stay open for the held batch.
    assert!(
        eventually(Duration::from_secs(30), || async {
            logs.iter()
                .any(|(s, _)| !s.lock().unwrap().refused.is_empty())
        })
        .await,
        "no send was answered SERVICE_UNAVAILABLE after SIGTERM (closes: {:?})",
        logs.iter()
            .map(|(s, p)| (s.lock().unwrap().close, p.lock().unwrap().close))
            .collect::<Vec<_>>()
    );
    txn.commit().await.unwrap();

    for task in tasks {
        tokio::time::timeout(Duration::from_mins(1), task)
            .await
            .expect("a socket was not closed")
            .unwrap();
    }
    let (code, stderr) = tokio::task::spawn_blocking(move || chatd.wait())
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Every step finished within the grace period: the writer drained, the publisher
    // flushed, every background loop stopped on its token, every socket closed.
    assert!(!stderr.contains("cut off"), "{stderr}");
    assert!(stderr.contains("shut down"), "{stderr}");

    // The held send: committed after the signal, yet acked and seen live.
    if redis {
        assert!(
            eventually(Duration::from_secs(30), || async {
                held_peer_seen.lock().unwrap().received.contains("held")
            })
            .await,
            "the held send never reached the other node"
        );
    }
    {
        let held = held_seen.lock().unwrap();
        assert!(held.acked.contains("held"), "{held:?}\n{stderr}");
        assert_eq!(held.close, Some(1001));
        let held_peer = held_peer_seen.lock().unwrap();
        assert!(held_peer.received.contains("held"), "{held_peer:?}");
        // The other node stays up: its socket stays open.
        let expected = if redis { None } else { Some(1001) };
        assert_eq!(held_peer.close, expected);
    }

    let stored: Vec<(String,)> =
        sqlx::query_as("SELECT client_id FROM messages WHERE client_id LIKE 'l%'")
            .fetch_all(&watch)
            .await
            .unwrap();
    let stored: HashSet<String> = stored.into_iter().map(|r| r.0).collect();
    for (sender, peer) in &logs {
        let sender = sender.lock().unwrap();
        let peer = peer.lock().unwrap();
        assert_eq!(sender.close, Some(1001), "{sender:?}");
        assert_eq!(peer.close, Some(1001), "{peer:?}");
        // Once refused, never acked again: the refusal means "shutting down".
        if let Some(first) = sender.answers.iter().position(|acked| !acked) {
            assert!(
                sender.answers[first..].iter().all(|acked| !acked),
                "an ack after a refusal: {sender:?}"
            );
        }
        for (id, code) in &sender.refused {
            assert_eq!(code, "SERVICE_UNAVAILABLE", "{id}");
            assert!(!stored.contains(id), "{id} was refused yet stored");
        }
    }
    // Nothing stored but silent: its sender got the ack or its peer saw it live.
    for id in &stored {
        let heard = logs.iter().any(|(sender, peer)| {
            sender.lock().unwrap().acked.contains(id) || peer.lock().unwrap().received.contains(id)
        });
        assert!(
            heard,
            "{id} was stored, but neither acked nor delivered live"
        );
    }
}

/// Frames that arrive while the shutdown waits for those in flight are refused at once with
/// `SERVICE_UNAVAILABLE` (their id kept), so that clients that keep resending or syncing
/// cannot hold the node's sockets open until the grace ends; the frame in flight still gets
/// its answer before the socket's `1001`. (Seen in the fault suite: a SIGTERM'd node under
/// a resync load took 4.4 s of its 5 s grace to close its sockets.)
#[tokio::test]
async fn frames_arriving_during_the_drain_are_refused_and_the_one_in_flight_answered() {
    let db = fresh_db().await;
    let dir = testkit::temp_dir();
    let config = dir.path().join("chatd.toml");
    std::fs::write(&config, "[http]\nshutdown_grace_secs = 30\n").unwrap();
    let url = db.url();
    let secret = format!("shutdown-test-secret-{}", uuid::Uuid::now_v7().simple());
    let chatd = ChatdProcess::start(
        Path::new(CHATD),
        &["--config", config.to_str().unwrap()],
        &[
            ("CHATD_DATA_DIR", dir.path().to_str().unwrap()),
            ("CHATD_DATABASE_URL", url.as_str()),
            ("CHATD_JWT_SECRET", secret.as_str()),
        ],
    );
    let base = chatd.base_url.clone();
    let (_, slow_token, _) = user(&base, "slow").await;
    let (_, busy_token, _) = user(&base, "busy").await;
    let mut slow = open(&base, &slow_token).await;
    let mut busy = open(&base, &busy_token).await;

    // A frame in flight for 3 s (feature test-hooks).
    slow.send(Message::text(
        r#"{"type":"test:sleep","id":"slow-1","data":{"ms":3000}}"#,
    ))
    .await
    .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || async {
            chatd.stderr_text().contains("test:sleep frame started")
        })
        .await
    );
    chatd.sigterm();
    assert!(
        eventually(Duration::from_secs(10), || async {
            chatd
                .stderr_text()
                .contains("step=\"the writer's batches\"")
        })
        .await,
        "the shutdown began"
    );

    // A frame now is answered at once with an error that names the shutdown.
    busy.send(Message::text(
        r#"{"type":"sync","id":"sync-1","data":{"chats":[]}}"#,
    ))
    .await
    .unwrap();
    let Some(answer) = try_next_text(&mut busy).await else {
        panic!("busy's socket ended; chatd's log:\n{}", chatd.stderr_text());
    };
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(answer["id"], "sync-1", "{answer}");
    assert_eq!(answer["error"]["code"], "SERVICE_UNAVAILABLE", "{answer}");
    // ... while the frame in flight is still being handled: its answer comes after.
    let Some(slow_answer) = try_next_text(&mut slow).await else {
        panic!("slow's socket ended; chatd's log:\n{}", chatd.stderr_text());
    };
    assert_eq!(slow_answer["type"], "ack", "{slow_answer}");
    assert_eq!(slow_answer["id"], "slow-1", "{slow_answer}");
    let close = loop {
        match slow.next().await {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("socket ended without a close frame: {other:?}"),
        }
    };
    assert_eq!(close, Some(1001));
    let (status, log) = chatd.wait();
    assert_eq!(status, Some(0), "{log}");
    assert!(!log.contains("cut off after the grace period"), "{log}");
}

/// The next text frame other than presence and typing noise, as JSON; `None` when the
/// socket ended.
async fn try_next_text(ws: &mut Ws) -> Option<serde_json::Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("a frame within 20 s")?
            .expect("a frame");
        if let Message::Text(text) = message {
            let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            if frame["type"] != "hello"
                && !frame["type"].as_str().unwrap_or("").starts_with("user:")
            {
                return Some(frame);
            }
        }
    }
}
