//! Messages over REST and the WebSocket: send with commit-before-ack and idempotent resend,
//! edits, deletes, reactions, replies, mentions, pages, receipts, limits, malformed frames.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::api::{
    ChatDetail, ChatList, CreateGroupRequest, EditMessageRequest, Message, MessagePage, SendResult,
};
use common::client::{Client, Socket};
use common::ws::{ClientRequest, MessageRef, ReactionData, ReadData, SendData};
use common::{ChatId, ErrorCode, UserId};
use reqwest::Method;
use testkit::chat::{direct, send, text};
use testkit::ws::{connect, expect, frames_within};
use testkit::{TestServer, test_config};

async fn group(owner: &Client, members: &[UserId]) -> ChatId {
    let req = CreateGroupRequest {
        name: "Team".into(),
        slug: None,
        participant_ids: members.to_vec(),
        ..Default::default()
    };
    let chat: ChatDetail = owner
        .send(owner.request(Method::POST, "/api/chats/group").json(&req))
        .await
        .unwrap();
    chat.chat.id
}

async fn page(client: &Client, chat: ChatId, query: &str) -> MessagePage {
    client
        .send(client.request(Method::GET, &format!("/api/chats/{chat}/messages{query}")))
        .await
        .unwrap()
}

fn ws_send(chat: ChatId, content: &str, client_id: &str) -> ClientRequest {
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

#[tokio::test]
async fn a_resend_with_the_same_client_id_returns_the_first_message() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = direct(&ada, bob.user.id).await;
    let first = send(&ada, chat, &text("hello", "c-1")).await.unwrap();
    assert!(!first.duplicate);
    let again = send(&ada, chat, &text("hello", "c-1")).await.unwrap();
    assert!(again.duplicate);
    assert_eq!((again.message_id, again.seq), (first.message_id, first.seq));
    // Several resends at once still store it once.
    let race = text("race", "c-2");
    let (x, y) = tokio::join!(send(&ada, chat, &race), send(&ada, chat, &race));
    assert_eq!(x.unwrap().message_id, y.unwrap().message_id);
    let messages = page(&ada, chat, "").await.messages;
    assert_eq!(
        messages
            .iter()
            .map(|m| m.content.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["hello", "race"]
    );
}

/// Sends to many chats at once share the writer's batches (one statement for several
/// chats): every chat still gets gap-free sequence numbers, every sender's messages keep
/// their order, and resends store nothing twice.
#[tokio::test]
async fn concurrent_sends_to_many_chats_keep_order_and_gap_free_seqs() {
    const EACH: usize = 15;
    let server = TestServer::start().await;
    let mut users = Vec::new();
    for name in ["ada", "bob", "cyd", "dee"] {
        users.push(server.user(name).await);
    }
    let mut chats: Vec<(ChatId, Vec<usize>)> = Vec::new();
    for a in 0..users.len() {
        for b in a + 1..users.len() {
            chats.push((direct(&users[a].0, users[b].1.user.id).await, vec![a, b]));
        }
    }
    let others: Vec<UserId> = users[1..].iter().map(|u| u.1.user.id).collect();
    chats.push((group(&users[0].0, &others).await, vec![0, 1, 2, 3]));
    let mut tasks = tokio::task::JoinSet::new();
    for (c, (chat, members)) in chats.iter().enumerate() {
        for &u in members {
            let (client, chat) = (users[u].0.clone(), *chat);
            tasks.spawn(async move {
                for k in 0..EACH {
                    let req = text(&format!("{u}:{k}"), &format!("c{c}-u{u}-{k}"));
                    // Every third message is sent twice at once, as a client resending after
                    // a lost ack would.
                    if k % 3 == 0 {
                        let (x, y) =
                            tokio::join!(send(&client, chat, &req), send(&client, chat, &req));
                        assert_eq!(x.unwrap().message_id, y.unwrap().message_id);
                    } else {
                        send(&client, chat, &req).await.unwrap();
                    }
                }
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    for (chat, members) in &chats {
        let messages = page(&users[members[0]].0, *chat, "?limit=100")
            .await
            .messages;
        let seqs: Vec<i64> = messages.iter().map(|m| m.seq).collect();
        let expected: Vec<i64> = (1..=(members.len() * EACH) as i64).collect();
        let first = seqs.first().copied().unwrap_or(0);
        let shifted: Vec<i64> = seqs.iter().map(|s| s - first + 1).collect();
        assert_eq!(
            shifted, expected,
            "gap-free, each message once, in chat {chat}"
        );
        for &u in members {
            let mine: Vec<String> = messages
                .iter()
                .filter_map(|m| m.content.clone())
                .filter(|t| t.starts_with(&format!("{u}:")))
                .collect();
            let sent: Vec<String> = (0..EACH).map(|k| format!("{u}:{k}")).collect();
            assert_eq!(mine, sent, "user {u}'s messages in the order sent");
        }
    }
}

#[tokio::test]
async fn sends_are_acked_with_id_seq_and_time_and_reach_the_other_side() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let (mut ada_ws, hello) = connect(&ada).await;
    assert_eq!(hello.protocol_version, common::ws::PROTOCOL_VERSION);
    let (mut bob_ws, _) = connect(&bob).await;

    let ack = ada_ws
        .request(&ws_send(chat, "hi bob", "w-1"))
        .await
        .unwrap();
    let result: SendResult = serde_json::from_value(ack).unwrap();
    assert!(result.seq > 0);
    let (event, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(event.data["seq"], result.seq);
    assert_eq!(event.data["message"]["content"], "hi bob");
    assert_eq!(event.data["message"]["id"], result.message_id.to_string());
    // Committed before the ack: it is in the history now.
    let history = page(&bob, chat, "").await;
    assert_eq!(history.messages.last().unwrap().id, result.message_id);
    // And the sender is told it was delivered to bob's connection.
    let (receipt, _) = expect(&mut ada_ws, "message:delivered").await;
    assert_eq!(receipt.data["chatId"], chat.to_string());
    assert_eq!(
        receipt.data["receipts"][0]["userId"],
        bob_t.user.id.to_string()
    );
    assert_eq!(receipt.data["receipts"][0]["seq"], result.seq);
}

#[tokio::test]
async fn a_sender_hears_of_many_readers_in_a_few_frames_not_one_per_reader() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let mut readers = Vec::new();
    let mut ids = Vec::new();
    for i in 0..6 {
        let (client, tokens) = server.user(&format!("reader{i}")).await;
        ids.push(tokens.user.id);
        readers.push(client);
    }
    let chat = group(&ada, &ids).await;
    let mut sockets = Vec::new();
    for reader in &readers {
        sockets.push(connect(reader).await.0);
    }
    let (mut ada_ws, _) = connect(&ada).await;
    let sent = send(&ada, chat, &text("hello all", "d-1")).await.unwrap();
    for socket in &mut sockets {
        expect(socket, "message:new").await;
    }

    // Every reader's watermark reaches ada, batched per chat and flush.
    let mut heard = std::collections::HashSet::new();
    let mut frames = 0;
    while heard.len() < ids.len() {
        let (frame, _) = expect(&mut ada_ws, "message:delivered").await;
        frames += 1;
        assert_eq!(frame.data["chatId"], chat.to_string());
        for receipt in frame.data["receipts"].as_array().unwrap() {
            assert_eq!(receipt["seq"], sent.seq);
            heard.insert(receipt["userId"].as_str().unwrap().to_owned());
        }
    }
    assert!(
        frames < ids.len(),
        "{frames} delivered frames for {} readers",
        ids.len()
    );
}

#[tokio::test]
async fn edits_deletes_and_reactions_follow_the_rules_and_reach_members() {
    let server = TestServer::start().await;
    let (owner, _) = server.user("olga").await;
    let (member, member_t) = server.user("mia").await;
    let (other, other_t) = server.user("ned").await;
    let chat = group(&owner, &[member_t.user.id, other_t.user.id]).await;
    let (mut other_ws, _) = connect(&other).await;
    let sent = send(&member, chat, &text("first draft", "m-1"))
        .await
        .unwrap();
    let id = sent.message_id;
    expect(&mut other_ws, "message:new").await;

    // Only the author edits.
    let edit = EditMessageRequest {
        content: "final text".into(),
        metadata: None,
    };
    let resp = owner
        .request(Method::PUT, &format!("/api/messages/{id}"))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let edited: Message = member
        .send(
            member
                .request(Method::PUT, &format!("/api/messages/{id}"))
                .json(&edit),
        )
        .await
        .unwrap();
    assert_eq!(edited.content.as_deref(), Some("final text"));
    assert!(edited.edited_at.is_some());
    let (event, _) = expect(&mut other_ws, "message:edited").await;
    assert_eq!(event.data["message"]["content"], "final text");
    assert!(event.data["seq"].as_i64().unwrap() > sent.seq);

    // Reactions: one per user per emoji; adding twice changes nothing.
    let (mut member_ws, _) = connect(&member).await;
    let react = ClientRequest::ReactionAdd(ReactionData {
        message_id: id,
        emoji: "👍".into(),
    });
    other_ws.request(&react).await.unwrap();
    other_ws.request(&react).await.unwrap();
    let (added, _) = expect(&mut member_ws, "reaction:added").await;
    assert_eq!(added.data["emoji"], "👍");
    assert!(
        frames_within(&mut member_ws, "reaction:added", Duration::from_millis(300))
            .await
            .is_empty()
    );
    let history = page(&owner, chat, "").await;
    let reactions = &history.messages.last().unwrap().reactions;
    assert_eq!((reactions.len(), reactions[0].user_ids.len()), (1, 1));
    let remove = ClientRequest::ReactionRemove(ReactionData {
        message_id: id,
        emoji: "👍".into(),
    });
    other_ws.request(&remove).await.unwrap();
    expect(&mut member_ws, "reaction:removed").await;

    // A plain member cannot delete another's message; the author and the owner can.
    let delete = ClientRequest::Delete(MessageRef { message_id: id });
    let refused = other_ws.request(&delete).await.unwrap_err();
    assert_eq!(refused.body().unwrap().code, ErrorCode::Forbidden);
    let resp = owner
        .request(Method::DELETE, &format!("/api/messages/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let (deleted, _) = expect(&mut other_ws, "message:deleted").await;
    assert_eq!(deleted.data["messageId"], id.to_string());
    let last = page(&member, chat, "").await.messages.pop().unwrap();
    assert!(last.deleted);
    assert_eq!(
        last.content, None,
        "the content is gone from every read path"
    );
    // Nothing more can happen to a deleted message.
    let resp = member
        .request(Method::PUT, &format!("/api/messages/{id}"))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn replies_mentions_formatting_and_unread_counts() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carl, _) = server.user("carl").await;
    let chat = group(&ada, &[bob_t.user.id]).await;
    let first = send(&ada, chat, &text("question?", "r-1")).await.unwrap();
    let mut reply = text("@bob see **this**, and @carl is not here", "r-2");
    reply.reply_to_id = Some(first.message_id);
    reply.metadata =
        Some(serde_json::json!({"formatting": [{"start": 9, "end": 17, "style": "bold"}]}));
    let sent = send(&ada, chat, &reply).await.unwrap();
    assert_eq!(sent.message.reply_to_id, Some(first.message_id));
    assert_eq!(
        sent.message.mentions,
        [bob_t.user.id],
        "only members are mentioned, not carl"
    );
    assert_eq!(sent.message.metadata["formatting"][0]["style"], "bold");

    let list: ChatList = bob
        .send(bob.request(Method::GET, "/api/chats"))
        .await
        .unwrap();
    assert_eq!(
        (list.chats[0].unread_count, list.chats[0].mention_count),
        (2, 1)
    );
    assert_eq!(
        list.chats[0].last_message.as_ref().unwrap().id,
        sent.message_id
    );
    let resp = bob
        .request(Method::POST, &format!("/api/chats/{chat}/read"))
        .json(&serde_json::json!({"seq": sent.seq}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let list: ChatList = bob
        .send(bob.request(Method::GET, "/api/chats"))
        .await
        .unwrap();
    assert_eq!(
        (list.chats[0].unread_count, list.chats[0].mention_count),
        (0, 0)
    );
    // Carl, not a member, cannot move a watermark in the chat: 404, and nothing changes.
    let resp = carl
        .request(Method::POST, &format!("/api/chats/{chat}/read"))
        .json(&serde_json::json!({"seq": sent.seq}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    // A reply to a message of another chat, a bad range, too long a text: refused.
    let other_chat = direct(&ada, bob_t.user.id).await;
    let mut cross = text("x", "r-3");
    cross.reply_to_id = Some(first.message_id);
    let err = send(&ada, other_chat, &cross).await.unwrap_err();
    assert_eq!(err.body().unwrap().details[0].field, "replyToId");
    let mut bad_range = text("short", "r-4");
    bad_range.metadata =
        Some(serde_json::json!({"formatting": [{"start": 0, "end": 99, "style": "bold"}]}));
    assert_eq!(
        send(&ada, chat, &bad_range).await.unwrap_err().status(),
        Some(400)
    );
    let err = send(&ada, chat, &text(&"x".repeat(10_001), "r-5"))
        .await
        .unwrap_err();
    assert_eq!(err.body().unwrap().details[0].field, "content");
    assert!(
        send(&ada, chat, &text(&"x".repeat(10_000), "r-6"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn history_pages_by_sequence_and_around_a_message() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = direct(&ada, bob.user.id).await;
    let mut sent = Vec::new();
    for i in 0..30 {
        sent.push(
            send(&ada, chat, &text(&format!("m{i}"), &format!("p-{i}")))
                .await
                .unwrap(),
        );
    }
    let contents = |p: &MessagePage| {
        p.messages
            .iter()
            .map(|m| m.content.clone().unwrap())
            .collect::<Vec<_>>()
    };
    let latest = page(&ada, chat, "?limit=10").await;
    assert_eq!(
        contents(&latest),
        (20..30).map(|i| format!("m{i}")).collect::<Vec<_>>()
    );
    assert!(latest.has_more_before && !latest.has_more_after);
    let older = page(
        &ada,
        chat,
        &format!("?limit=10&before={}", latest.messages[0].seq),
    )
    .await;
    assert_eq!(contents(&older)[0], "m10");
    assert!(older.has_more_before && older.has_more_after);
    let newer = page(&ada, chat, &format!("?limit=5&after={}", sent[3].seq)).await;
    assert_eq!(contents(&newer), ["m4", "m5", "m6", "m7", "m8"]);
    let around = page(
        &ada,
        chat,
        &format!("?limit=6&around={}", sent[15].message_id),
    )
    .await;
    assert_eq!(
        contents(&around),
        ["m12", "m13", "m14", "m15", "m16", "m17"]
    );
    assert!(around.has_more_before && around.has_more_after);
    for bad in [
        "?limit=0",
        "?limit=101",
        "?before=5&after=1",
        "?around=nope",
    ] {
        let resp = ada
            .request(Method::GET, &format!("/api/chats/{chat}/messages{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn the_send_rate_is_limited_per_user_without_closing_the_socket() {
    let mut config = test_config();
    config.limits.messages_per_sec = 1;
    config.limits.messages_burst = 3;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = direct(&ada, bob.user.id).await;
    let (mut ws, _) = connect(&ada).await;
    let mut refused = None;
    for i in 0..6 {
        if let Err(e) = ws.request(&ws_send(chat, "spam", &format!("s-{i}"))).await {
            refused = Some(e);
            break;
        }
    }
    let refused = refused.expect("the burst was not limited");
    assert_eq!(refused.body().unwrap().code, ErrorCode::RateLimitExceeded);
    ws.request(&ClientRequest::Ping).await.unwrap();
}

async fn error_of(ws: &mut Socket, raw: &str) -> serde_json::Value {
    ws.send_text(raw).await.unwrap();
    let (frame, _) = expect(ws, "error").await;
    serde_json::to_value(frame).unwrap()
}

#[tokio::test]
async fn malformed_frames_get_an_error_frame_and_the_connection_stays() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (mut ws, _) = connect(&ada).await;
    let bad_json = error_of(&mut ws, "{not json").await;
    assert_eq!(bad_json["error"]["code"], "VALIDATION_ERROR");
    let unknown = error_of(&mut ws, r#"{"type":"message:shout","id":"u1","data":{}}"#).await;
    assert_eq!(unknown["id"], "u1");
    assert_eq!(
        unknown["error"]["message"],
        r#"unknown frame type "message:shout""#
    );
    let missing = error_of(
        &mut ws,
        r#"{"type":"message:send","id":"m1","data":{"content":"x"}}"#,
    )
    .await;
    assert_eq!(missing["error"]["code"], "VALIDATION_ERROR");
    // The parser's message as documented, without a position inside `data`.
    assert_eq!(
        missing["error"]["message"],
        "invalid message:send frame: missing field `chatId`"
    );
    let big = format!(
        r#"{{"type":"ping","id":"b1","data":{{"pad":"{}"}}}}"#,
        "x".repeat(70_000)
    );
    let oversized = error_of(&mut ws, &big).await;
    assert_eq!(oversized["error"]["code"], "PAYLOAD_TOO_LARGE");
    let not_member = ws
        .request(&ws_send(ChatId::new(), "hi", "x-1"))
        .await
        .unwrap_err();
    assert_eq!(not_member.body().unwrap().code, ErrorCode::NotFound);
    ws.request(&ClientRequest::Ping)
        .await
        .expect("still connected");
}

#[tokio::test]
async fn websocket_authentication_by_header_or_first_frame() {
    let server = TestServer::start().await;
    let (ada, tokens) = server.user("ada").await;
    let (mut ws, hello) = Socket::connect_with_auth_frame(&server.base_url, &tokens.access_token)
        .await
        .unwrap();
    assert_eq!(hello.user_id, tokens.user.id);
    ws.request(&ClientRequest::Ping).await.unwrap();
    let refused = Socket::connect_with_auth_frame(&server.base_url, "not-a-token").await;
    assert!(refused.is_err());
    assert!(
        Socket::connect(&server.base_url, "not-a-token")
            .await
            .is_err(),
        "401 before the upgrade"
    );
    // A revoked session cannot connect.
    ada.logout().await.unwrap();
    assert!(
        Socket::connect(&server.base_url, &tokens.access_token)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn read_receipts_reach_the_sender_and_never_go_backwards() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&ada, bob_t.user.id).await;
    let first = send(&ada, chat, &text("one", "rr-1")).await.unwrap();
    let second = send(&ada, chat, &text("two", "rr-2")).await.unwrap();
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut bob_ws, _) = connect(&bob).await;
    bob_ws
        .request(&ClientRequest::Read(ReadData {
            chat_id: chat,
            seq: second.seq,
        }))
        .await
        .unwrap();
    let (receipt, _) = expect(&mut ada_ws, "message:read").await;
    assert_eq!(receipt.data["seq"], second.seq);
    bob_ws
        .request(&ClientRequest::Read(ReadData {
            chat_id: chat,
            seq: first.seq,
        }))
        .await
        .unwrap();
    assert!(
        frames_within(&mut ada_ws, "message:read", Duration::from_millis(300))
            .await
            .is_empty()
    );
    let detail: ChatDetail = bob
        .send(bob.request(Method::GET, &format!("/api/chats/{chat}")))
        .await
        .unwrap();
    assert_eq!(detail.chat.last_read_seq, second.seq);
}

#[tokio::test]
async fn ending_a_session_closes_its_sockets_at_once() {
    let server = TestServer::start().await;
    let (laptop, _) = server.user("ada").await;
    let phone = server.client();
    phone.login("ada", testkit::password()).await.unwrap();
    let (laptop_ws, _) = connect(&laptop).await;
    let (mut phone_ws, _) = connect(&phone).await;
    // Revoking the laptop's session from the phone closes the laptop's socket with 4001...
    laptop
        .request(Method::GET, "/api/users/me")
        .send()
        .await
        .unwrap();
    let laptop_session = laptop.tokens().unwrap().session_id;
    phone.revoke_session(laptop_session).await.unwrap();
    assert_eq!(
        laptop_ws.closed().await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    // ...and leaves the phone's alone.
    phone_ws.request(&ClientRequest::Ping).await.unwrap();
    phone.logout().await.unwrap();
    assert_eq!(
        phone_ws.closed().await,
        Some(common::ws::close::UNAUTHORIZED)
    );
}
