//! Delivery guarantees and the ephemeral side: resync after an outage with edits, deletes
//! and reactions in the gap; removed members stop receiving at once; typing expires by
//! itself; presence follows connections; and all of it across two nodes on one Redis.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::api::{
    ChatCursor, ChatDetail, CreateGroupRequest, SendResult, SyncRequest, SyncResponse,
};
use common::client::Client;
use common::ws::{
    ChatRef, ClientRequest, PresenceData, PresenceStatus, ReadData, SendData, ServerEvent,
};
use common::{ChatId, UserId};
use reqwest::Method;
use testkit::chat::{direct, post};
use testkit::ws::{connect, expect, frames_within};
use testkit::{TestServer, fresh_db, shared_redis_url, test_config};

async fn sync(client: &Client, chat: ChatId, seq: i64, limit: Option<u32>) -> SyncResponse {
    let req = SyncRequest {
        chats: vec![ChatCursor { chat_id: chat, seq }],
        limit,
        ..SyncRequest::default()
    };
    client
        .send(client.request(Method::POST, "/api/sync").json(&req))
        .await
        .unwrap()
}

#[tokio::test]
async fn resync_returns_every_missed_event_once_in_order_with_edits_and_deletes() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let seen = post(&ada, chat, "before the outage", "s-0").await;

    // Bob is away while all of this happens.
    let kept = post(&ada, chat, "kept", "s-1").await;
    let edited = post(&ada, chat, "typo", "s-2").await;
    let gone = post(&ada, chat, "secret", "s-3").await;
    ada.request(Method::PUT, &format!("/api/messages/{}", edited.message_id))
        .json(&serde_json::json!({"content": "fixed"}))
        .send()
        .await
        .unwrap();
    ada.request(
        Method::POST,
        &format!("/api/messages/{}/reactions", kept.message_id),
    )
    .json(&serde_json::json!({"emoji": "🎉"}))
    .send()
    .await
    .unwrap();
    ada.request(
        Method::DELETE,
        &format!("/api/messages/{}", gone.message_id),
    )
    .send()
    .await
    .unwrap();

    let answer = sync(&bob, chat, seen.seq, None).await;
    let chat_sync = answer.chats.iter().find(|c| c.chat_id == chat).unwrap();
    assert!(chat_sync.member && !chat_sync.has_more);
    let seqs: Vec<i64> = chat_sync
        .events
        .iter()
        .map(|e| e.seq().unwrap().1)
        .collect();
    assert_eq!(
        seqs,
        ((seen.seq + 1)..=chat_sync.last_seq).collect::<Vec<_>>(),
        "gap-free, in order, once"
    );
    let kinds: Vec<String> = chat_sync
        .events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "message:new",
            "message:new",
            "message:new",
            "message:edited",
            "reaction:added",
            "message:deleted"
        ]
    );
    let ServerEvent::MessageEdited(edit) = &chat_sync.events[3] else {
        panic!()
    };
    assert_eq!(edit.message.content.as_deref(), Some("fixed"));
    let json = serde_json::to_string(&answer).unwrap();
    assert!(
        !json.contains("secret"),
        "deleted content must not come back through sync"
    );

    // Paging through a long gap.
    let first_half = sync(&bob, chat, seen.seq, Some(2)).await;
    let c = &first_half.chats[0];
    assert!(c.has_more);
    assert_eq!(c.events.len(), 2);
    // A chat the client does not hold comes with its last seq only; one it lost, as not a member.
    let summary: SyncResponse = bob
        .send(bob.request(Method::GET, "/api/sync"))
        .await
        .unwrap();
    assert!(summary.chats[0].events.is_empty());
    assert_eq!(summary.chats[0].last_seq, chat_sync.last_seq);
    let stranger = sync(&bob, ChatId::new(), 0, None).await;
    assert!(stranger.chats.iter().any(|c| !c.member));
}

#[tokio::test]
async fn the_sync_frame_answers_like_rest_and_a_restart_loses_nothing() {
    let db = fresh_db().await;
    let config = test_config();
    let server = TestServer::on(config.clone(), db.options()).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let last = post(&ada, chat, "one", "r-1").await;
    server.stop().await.unwrap();

    // A new process on the same database: the messages sent before are all there.
    let server = TestServer::on(config, db.options()).await;
    let bob2 = server.client();
    bob2.set_tokens(bob.tokens());
    let (mut ws, _) = connect(&bob2).await;
    let answer = ws
        .request(&ClientRequest::Sync(SyncRequest {
            chats: vec![ChatCursor {
                chat_id: chat,
                seq: 0,
            }],
            limit: None,
            ..SyncRequest::default()
        }))
        .await
        .unwrap();
    let answer: SyncResponse = serde_json::from_value(answer).unwrap();
    let events = &answer.chats[0].events;
    assert_eq!(events.last().unwrap().seq().unwrap().1, last.seq);
    let _ = ada;
}

#[tokio::test]
async fn a_removed_member_stops_receiving_at_once() {
    let server = TestServer::start().await;
    let (owner, _) = server.user("olga").await;
    let (_, bob_t) = server.user("bob").await;
    let (carl, carl_t) = server.user("carl").await;
    let req = CreateGroupRequest {
        name: "G".into(),
        slug: None,
        participant_ids: vec![bob_t.user.id, carl_t.user.id],
        ..Default::default()
    };
    let chat: ChatDetail = owner
        .send(owner.request(Method::POST, "/api/chats/group").json(&req))
        .await
        .unwrap();
    let chat = chat.chat.id;
    let (mut carl_ws, _) = connect(&carl).await;
    post(&owner, chat, "welcome", "g-1").await;
    expect(&mut carl_ws, "message:new").await;
    owner
        .request(
            Method::DELETE,
            &format!("/api/chats/{chat}/participants/{}", carl_t.user.id),
        )
        .send()
        .await
        .unwrap();
    let (left, _) = expect(&mut carl_ws, "participant:left").await;
    assert_eq!(left.data["reason"], "removed");
    post(&owner, chat, "after carl left", "g-2").await;
    assert!(
        frames_within(&mut carl_ws, "message:new", Duration::from_millis(500))
            .await
            .is_empty()
    );
    // And what was sent while a member is no longer readable (documented policy).
    let resp = carl
        .request(Method::GET, &format!("/api/chats/{chat}/messages"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    // A member added later receives from then on.
    owner
        .request(Method::POST, &format!("/api/chats/{chat}/participants"))
        .json(&serde_json::json!({"userIds": [carl_t.user.id]}))
        .send()
        .await
        .unwrap();
    expect(&mut carl_ws, "participant:joined").await;
    post(&owner, chat, "welcome back", "g-3").await;
    let (again, _) = expect(&mut carl_ws, "message:new").await;
    assert_eq!(again.data["message"]["content"], "welcome back");
}

#[tokio::test]
async fn typing_starts_stops_and_expires_by_itself() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut bob_ws, _) = connect(&bob).await;
    ada_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    let (start, _) = expect(&mut bob_ws, "typing:start").await;
    assert_eq!(start.data["chatId"], chat.to_string());
    ada_ws
        .request(&ClientRequest::TypingStop(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    expect(&mut bob_ws, "typing:stop").await;
    // Started and never stopped: it ends on its own within a few seconds.
    ada_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    expect(&mut bob_ws, "typing:start").await;
    let started = std::time::Instant::now();
    expect(&mut bob_ws, "typing:stop").await;
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "it should last about 6 s"
    );
    // The typist is not told about their own typing; sending ends it.
    ada_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    expect(&mut bob_ws, "typing:start").await;
    ada_ws
        .request(&ClientRequest::Send(SendData {
            chat_id: chat,
            content: "done".into(),
            content_type: None,
            metadata: None,
            reply_to_id: None,
            client_id: "t-1".into(),
            attachment_ids: Vec::new(),
        }))
        .await
        .unwrap();
    expect(&mut bob_ws, "typing:stop").await;
    assert!(
        frames_within(&mut ada_ws, "typing:start", Duration::from_millis(200))
            .await
            .is_empty()
    );
    // Typing in a chat one is not in: not found.
    let err = bob_ws
        .request(&ClientRequest::TypingStart(ChatRef {
            chat_id: ChatId::new(),
        }))
        .await
        .unwrap_err();
    assert_eq!(err.body().unwrap().code, common::ErrorCode::NotFound);
}

/// The next `user:status` about `user` (a user is told of their own status too).
async fn status_of(ws: &mut common::client::Socket, user: UserId) -> serde_json::Value {
    loop {
        let (frame, _) = expect(ws, "user:status").await;
        if frame.data["userId"] == user.to_string() {
            return frame.data;
        }
    }
}

#[tokio::test]
async fn presence_follows_connections_across_devices() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    direct(&ada, bob_t.user.id).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let (bob_phone, _) = connect(&bob).await;
    let online = status_of(&mut ada_ws, bob_t.user.id).await;
    assert_eq!(online["status"], "online");
    let (mut bob_laptop, _) = connect(&bob).await;
    bob_laptop
        .request(&ClientRequest::Presence(PresenceData {
            status: PresenceStatus::Away,
        }))
        .await
        .unwrap();
    assert!(
        frames_within(&mut ada_ws, "user:status", Duration::from_millis(300))
            .await
            .is_empty(),
        "the phone is still online"
    );
    drop(bob_phone);
    assert_eq!(
        status_of(&mut ada_ws, bob_t.user.id).await["status"],
        "away"
    );
    // A client that connects now learns the current state in one call.
    let snapshot: common::api::PresenceList = ada
        .send(
            ada.request(Method::POST, "/api/presence")
                .json(&serde_json::json!({"userIds": [bob_t.user.id]})),
        )
        .await
        .unwrap();
    assert_eq!(snapshot.users[0].status, PresenceStatus::Away);
    drop(bob_laptop);
    let offline = status_of(&mut ada_ws, bob_t.user.id).await;
    assert_eq!(offline["status"], "offline");
    assert!(offline["lastSeenAt"].is_string());
    let snapshot: common::api::PresenceList = ada
        .send(
            ada.request(Method::POST, "/api/presence")
                .json(&serde_json::json!({"userIds": [bob_t.user.id, UserId::new()]})),
        )
        .await
        .unwrap();
    assert_eq!(snapshot.users.len(), 1, "strangers are left out");
    assert_eq!(snapshot.users[0].status, PresenceStatus::Offline);
    assert!(snapshot.users[0].last_seen_at.is_some());
}

#[tokio::test]
async fn two_nodes_exchange_messages_receipts_typing_and_presence() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, _) = node_a.user("ada").await;
    let (_, bob_t) = node_a.user("bob").await;
    let bob = node_b.client();
    bob.login("bob", testkit::password()).await.unwrap();
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut bob_ws, _) = connect(&bob).await;
    assert_eq!(
        status_of(&mut ada_ws, bob_t.user.id).await["status"],
        "online"
    );

    let sent: SendResult = serde_json::from_value(
        ada_ws
            .request(&ClientRequest::Send(SendData {
                chat_id: chat,
                content: "across nodes".into(),
                content_type: None,
                metadata: None,
                reply_to_id: None,
                client_id: "n-1".into(),
                attachment_ids: Vec::new(),
            }))
            .await
            .unwrap(),
    )
    .unwrap();
    let (event, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(event.data["message"]["content"], "across nodes");
    expect(&mut ada_ws, "message:delivered").await;
    bob_ws
        .request(&ClientRequest::Read(ReadData {
            chat_id: chat,
            seq: sent.seq,
        }))
        .await
        .unwrap();
    expect(&mut ada_ws, "message:read").await;
    bob_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    expect(&mut ada_ws, "typing:start").await;
    drop(bob_ws);
    assert_eq!(
        status_of(&mut ada_ws, bob_t.user.id).await["status"],
        "offline"
    );
}

/// Two nodes changing one user's presence at the same moment announce it once: the
/// status over every node is settled atomically in Redis, so a watcher sees one `online`
/// when two devices connect at once and one `offline` when both leave, round after round.
#[tokio::test]
async fn two_nodes_racing_on_one_user_announce_each_change_once() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, _) = node_a.user("ada").await;
    let (bob_a, bob_t) = node_a.user("bob").await;
    let bob_b = node_b.client();
    bob_b.login("bob", testkit::password()).await.unwrap();
    direct(&ada, bob_t.user.id).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let about_bob = |frames: Vec<common::ws::Envelope>| -> Vec<String> {
        frames
            .into_iter()
            .filter(|f| f.data["userId"] == bob_t.user.id.to_string())
            .map(|f| f.data["status"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    for round in 0..5 {
        let ((phone, _), (laptop, _)) = tokio::join!(connect(&bob_a), connect(&bob_b));
        assert_eq!(
            status_of(&mut ada_ws, bob_t.user.id).await["status"],
            "online",
            "round {round}"
        );
        let more = frames_within(&mut ada_ws, "user:status", Duration::from_millis(300)).await;
        assert_eq!(
            about_bob(more),
            Vec::<String>::new(),
            "round {round}: one online"
        );
        drop((phone, laptop));
        assert_eq!(
            status_of(&mut ada_ws, bob_t.user.id).await["status"],
            "offline",
            "round {round}"
        );
        let more = frames_within(&mut ada_ws, "user:status", Duration::from_millis(300)).await;
        assert_eq!(
            about_bob(more),
            Vec::<String>::new(),
            "round {round}: one offline"
        );
    }
    for node in [&node_a, &node_b] {
        let watcher = node.client();
        watcher.login("ada", testkit::password()).await.unwrap();
        let snapshot: common::api::PresenceList = watcher
            .send(
                watcher
                    .request(Method::POST, "/api/presence")
                    .json(&serde_json::json!({"userIds": [bob_t.user.id]})),
            )
            .await
            .unwrap();
        assert_eq!(snapshot.users[0].status, PresenceStatus::Offline);
        assert!(snapshot.users[0].last_seen_at.is_some());
    }
}

#[tokio::test]
async fn a_node_that_loses_redis_recovers_and_its_clients_miss_nothing() {
    let redis = testkit::PrivateRedis::start().await;
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(redis.url()));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, _) = node_a.user("ada").await;
    let (_, bob_t) = node_a.user("bob").await;
    let bob = node_b.client();
    bob.login("bob", testkit::password()).await.unwrap();
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;
    let before = post(&ada, chat, "before", "o-1").await;
    expect(&mut bob_ws, "message:new").await;

    // Redis goes away: messages are still stored (PostgreSQL is the truth)...
    redis.stop().await;
    let during = post(&ada, chat, "during the outage", "o-2").await;
    // ...and when it is back, node B tells its clients to resync, and the resync has it all.
    redis.restart().await;
    let (_, skipped) = expect(&mut bob_ws, "sync:required").await;
    let answer = sync(&bob, chat, before.seq, None).await;
    let events = &answer
        .chats
        .iter()
        .find(|c| c.chat_id == chat)
        .unwrap()
        .events;
    assert!(
        events.iter().any(|e| e.seq().unwrap().1 == during.seq),
        "{events:?} {skipped:?}"
    );
    // Live delivery works again.
    let mut delivered = false;
    for i in 0..50 {
        post(&ada, chat, "after", &format!("o-3-{i}")).await;
        if !frames_within(&mut bob_ws, "message:new", Duration::from_millis(200))
            .await
            .is_empty()
        {
            delivered = true;
            break;
        }
    }
    assert!(
        delivered,
        "live fan-out did not come back after Redis returned"
    );
}

#[tokio::test]
async fn shutdown_sends_websocket_clients_a_going_away_close() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (ws, _) = connect(&ada).await;
    let stopping = tokio::spawn(server.stop());
    assert_eq!(ws.closed().await, Some(common::ws::close::GOING_AWAY));
    stopping.await.unwrap().unwrap();
}

/// `typing:start` is checked against the node's live membership (no query per start): it
/// follows a member being added and removed while connected; a REST send ends the spell.
#[tokio::test]
async fn typing_start_follows_membership_changes_live() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let group = ada
        .create_group(&CreateGroupRequest {
            name: "crew".into(),
            slug: None,
            participant_ids: Vec::new(),
            ..Default::default()
        })
        .await
        .unwrap();
    let chat = group.chat.id;
    let (mut bob_ws, _) = connect(&bob).await;
    let start = ClientRequest::TypingStart(ChatRef { chat_id: chat });
    let outside = bob_ws.request(&start).await.unwrap_err();
    assert_eq!(outside.body().unwrap().code, common::ErrorCode::NotFound);
    ada.add_participants(chat, vec![bob_t.user.id])
        .await
        .unwrap();
    expect(&mut bob_ws, "participant:joined").await;
    let (mut ada_ws, _) = connect(&ada).await;
    bob_ws.request(&start).await.expect("a member may type");
    expect(&mut ada_ws, "typing:start").await;
    // A send over REST ends the spell as one over the WebSocket does.
    post(&bob, chat, "hi", "t-rest").await;
    expect(&mut ada_ws, "typing:stop").await;
    ada.remove_participant(chat, bob_t.user.id).await.unwrap();
    expect(&mut bob_ws, "participant:left").await;
    let removed = bob_ws.request(&start).await.unwrap_err();
    assert_eq!(removed.body().unwrap().code, common::ErrorCode::NotFound);
}
