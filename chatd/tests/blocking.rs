//! Blocking: a blocked user cannot message the blocker in their direct chat, open one,
//! or ask to be a contact; presence and typing do not pass a block either way; in groups
//! the blocker sees `message:hidden` instead of the blocked user's messages, live, in
//! pages and in sync, unless asking for them; blocking ends contacts and requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::ErrorCode;
use common::api::{
    BlockList, ChatCursor, Contact, ContactList, CreateDirectRequest, MessagePage, PendingContacts,
    PresenceList, SyncRequest, SyncResponse,
};
use common::client::Client;
use common::ws::{ChatRef, ClientRequest, SendData};
use common::{ChatId, UserId};
use reqwest::Method;
use serde_json::json;
use social_support::{call, code, group, has_frame, status};
use testkit::TestServer;
use testkit::chat::{direct, post, send, text};
use testkit::ws::{connect, expect};

async fn block(client: &Client, user: UserId) {
    assert_eq!(
        status(client, Method::PUT, &format!("/api/blocks/{user}"), None).await,
        204
    );
}

#[tokio::test]
async fn a_blocked_user_cannot_message_open_a_direct_chat_or_ask_the_blocker() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = direct(&bob, ada_t.user.id).await;
    post(&bob, chat, "hello", "b-1").await;
    let (mut ada_ws, _) = connect(&ada).await;

    block(&ada, bob_t.user.id).await;
    let (update, _) = expect(&mut ada_ws, "block:updated").await;
    assert_eq!(update.data["userId"], bob_t.user.id.to_string());
    assert_eq!(update.data["blocked"], true);
    let blocks: BlockList = call(&ada, Method::GET, "/api/blocks", None).await.unwrap();
    assert_eq!(blocks.blocks.len(), 1);
    assert_eq!(blocks.blocks[0].user.username, "bob");
    block(&ada, bob_t.user.id).await; // blocking twice changes nothing

    let refused = send(&bob, chat, &text("are you there?", "b-2")).await;
    let err = refused.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.body().unwrap().code, ErrorCode::Blocked);
    let (mut bob_ws, _) = connect(&bob).await;
    let over_ws = bob_ws
        .request(&ClientRequest::Send(SendData {
            chat_id: chat,
            content: "over the socket".into(),
            content_type: None,
            metadata: None,
            reply_to_id: None,
            client_id: "b-3".into(),
            attachment_ids: Vec::new(),
        }))
        .await
        .unwrap_err();
    let common::client::ClientError::Frame(body) = over_ws else {
        panic!("{over_ws:?}")
    };
    assert_eq!(body.code, ErrorCode::Blocked);
    // The blocker cannot send either: the chat is closed both ways until unblocked.
    assert_eq!(
        code(send(&ada, chat, &text("bye", "a-1")).await),
        ErrorCode::Blocked
    );

    let open = bob
        .send::<serde_json::Value>(bob.request(Method::POST, "/api/chats/direct").json(
            &CreateDirectRequest {
                user_id: ada_t.user.id,
            },
        ))
        .await;
    assert_eq!(code(open), ErrorCode::Blocked);
    let ask = call::<Contact>(
        &bob,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": ada_t.user.id})),
    )
    .await;
    assert_eq!(code(ask), ErrorCode::Blocked);
    let page: MessagePage = call(
        &ada,
        Method::GET,
        &format!("/api/chats/{chat}/messages"),
        None,
    )
    .await
    .unwrap();
    assert!(
        page.messages
            .iter()
            .all(|m| m.content.as_deref() != Some("are you there?")),
        "nothing refused was stored"
    );

    // Unblocked: the chat works again.
    assert_eq!(
        status(
            &ada,
            Method::DELETE,
            &format!("/api/blocks/{}", bob_t.user.id),
            None
        )
        .await,
        204
    );
    let (update, _) = expect(&mut ada_ws, "block:updated").await;
    assert_eq!(update.data["blocked"], false);
    post(&bob, chat, "are you there now?", "b-4").await;
    let (frame, _) = expect(&mut ada_ws, "message:new").await;
    assert_eq!(frame.data["message"]["content"], "are you there now?");
}

#[tokio::test]
async fn presence_and_typing_do_not_pass_a_block_in_either_direction() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;
    let chat = group(&ada, "G", None, &[bob_t.user.id, cy_t.user.id])
        .await
        .chat
        .id;
    block(&ada, bob_t.user.id).await;

    // Bob coming online reaches Cy, not Ada; Cy coming online afterwards reaches Ada.
    let (mut ada_ws, _) = connect(&ada).await;
    ada_ws.request(&ClientRequest::Ping).await.unwrap();
    let (mut bob_ws, _) = connect(&bob).await;
    bob_ws.request(&ClientRequest::Ping).await.unwrap();
    let (mut cy_ws, _) = connect(&cy).await;
    cy_ws.request(&ClientRequest::Ping).await.unwrap();
    let (status_frame, skipped) = expect(&mut ada_ws, "user:status").await;
    let mut statuses = skipped;
    statuses.push(status_frame);
    while !has_frame(
        &statuses,
        "user:status",
        "userId",
        &cy_t.user.id.to_string(),
    ) {
        let (next, more) = expect(&mut ada_ws, "user:status").await;
        statuses.extend(more);
        statuses.push(next);
    }
    assert!(
        !has_frame(
            &statuses,
            "user:status",
            "userId",
            &bob_t.user.id.to_string()
        ),
        "ada never sees bob's presence: {statuses:?}"
    );

    // Neither sees the other's presence in the snapshot.
    let ids = json!({"userIds": [ada_t.user.id, bob_t.user.id, cy_t.user.id]});
    let seen_by_ada: PresenceList = call(&ada, Method::POST, "/api/presence", Some(ids.clone()))
        .await
        .unwrap();
    let names: Vec<UserId> = seen_by_ada.users.iter().map(|u| u.user_id).collect();
    assert!(names.contains(&cy_t.user.id) && !names.contains(&bob_t.user.id));
    let seen_by_bob: PresenceList = call(&bob, Method::POST, "/api/presence", Some(ids))
        .await
        .unwrap();
    let names: Vec<UserId> = seen_by_bob.users.iter().map(|u| u.user_id).collect();
    assert!(names.contains(&cy_t.user.id) && !names.contains(&ada_t.user.id));

    // Typing: Bob's does not reach Ada, Ada's does not reach Bob; Cy sees both.
    bob_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    let (typing, _) = expect(&mut cy_ws, "typing:start").await;
    assert_eq!(typing.data["userId"], bob_t.user.id.to_string());
    cy_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    let (typing, skipped) = expect(&mut ada_ws, "typing:start").await;
    assert_eq!(
        typing.data["userId"],
        cy_t.user.id.to_string(),
        "bob's typing came first and was left out: {skipped:?}"
    );
    ada_ws
        .request(&ClientRequest::TypingStart(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    cy_ws
        .request(&ClientRequest::TypingStop(ChatRef { chat_id: chat }))
        .await
        .unwrap();
    let (typing, skipped) = expect(&mut bob_ws, "typing:start").await;
    assert_eq!(typing.data["userId"], cy_t.user.id.to_string());
    let (stop, skipped_more) = expect(&mut bob_ws, "typing:stop").await;
    assert_eq!(stop.data["userId"], cy_t.user.id.to_string());
    assert!(
        !has_frame(
            &skipped,
            "typing:start",
            "userId",
            &ada_t.user.id.to_string()
        ) && !has_frame(
            &skipped_more,
            "typing:start",
            "userId",
            &ada_t.user.id.to_string()
        ),
        "bob never sees ada typing"
    );
}

async fn sync_chat(client: &Client, chat: ChatId, include_blocked: bool) -> SyncResponse {
    let req = SyncRequest {
        chats: vec![ChatCursor {
            chat_id: chat,
            seq: 0,
        }],
        include_blocked,
        ..SyncRequest::default()
    };
    client
        .send(client.request(Method::POST, "/api/sync").json(&req))
        .await
        .unwrap()
}

#[tokio::test]
async fn in_groups_the_blocker_gets_stand_ins_for_the_blocked_users_messages() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;
    let chat = group(&ada, "G", None, &[bob_t.user.id, cy_t.user.id])
        .await
        .chat
        .id;
    block(&ada, bob_t.user.id).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut cy_ws, _) = connect(&cy).await;

    let hidden = post(&bob, chat, "from bob", "b-1").await;
    let shown = post(&cy, chat, "from cy", "c-1").await;
    let (stand_in, skipped) = expect(&mut ada_ws, "message:hidden").await;
    assert!(
        skipped.iter().all(|f| f.kind != "message:new"),
        "{skipped:?}"
    );
    assert_eq!(stand_in.data["seq"], hidden.seq);
    assert_eq!(stand_in.data["messageId"], hidden.message_id.to_string());
    assert!(stand_in.data.get("message").is_none(), "no content");
    let (next, _) = expect(&mut ada_ws, "message:new").await;
    assert_eq!(next.data["message"]["id"], shown.message_id.to_string());
    // Everyone else sees Bob as usual.
    let (for_cy, _) = expect(&mut cy_ws, "message:new").await;
    assert_eq!(for_cy.data["message"]["content"], "from bob");

    let page: MessagePage = call(
        &ada,
        Method::GET,
        &format!("/api/chats/{chat}/messages"),
        None,
    )
    .await
    .unwrap();
    let contents: Vec<_> = page
        .messages
        .iter()
        .filter_map(|m| m.content.clone())
        .collect();
    assert_eq!(contents, ["from cy"]);
    let page: MessagePage = call(
        &ada,
        Method::GET,
        &format!("/api/chats/{chat}/messages?includeBlocked=true"),
        None,
    )
    .await
    .unwrap();
    let contents: Vec<_> = page
        .messages
        .iter()
        .filter_map(|m| m.content.clone())
        .collect();
    assert_eq!(contents, ["from bob", "from cy"]);

    let answer = sync_chat(&ada, chat, false).await;
    let events = &answer
        .chats
        .iter()
        .find(|c| c.chat_id == chat)
        .unwrap()
        .events;
    let kinds: Vec<String> = events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(kinds.contains(&"message:hidden".to_owned()), "{kinds:?}");
    let seqs: Vec<i64> = events.iter().map(|e| e.seq().unwrap().1).collect();
    assert_eq!(
        seqs,
        (1..=*seqs.last().unwrap()).collect::<Vec<_>>(),
        "stand-ins keep the seqs gap-free"
    );
    let answer = sync_chat(&ada, chat, true).await;
    let events = &answer
        .chats
        .iter()
        .find(|c| c.chat_id == chat)
        .unwrap()
        .events;
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, common::ws::ServerEvent::MessageHidden(_)))
    );
    // Bob is not told anything, and still sees Ada.
    let bob_page: MessagePage = call(
        &bob,
        Method::GET,
        &format!("/api/chats/{chat}/messages"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(bob_page.messages.len(), 2);
}

#[tokio::test]
async fn blocking_ends_the_contact_and_pending_requests() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;
    // Ada and Bob are contacts; Cy has asked Ada.
    let request: Contact = call(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": bob_t.user.id})),
    )
    .await
    .unwrap();
    let _: Contact = call(
        &bob,
        Method::PUT,
        &format!("/api/contacts/{}/accept", request.id),
        None,
    )
    .await
    .unwrap();
    let _: Contact = call(
        &cy,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": ada_t.user.id})),
    )
    .await
    .unwrap();
    let (mut bob_ws, _) = connect(&bob).await;

    block(&ada, bob_t.user.id).await;
    block(&ada, cy_t.user.id).await;
    let (removed, _) = expect(&mut bob_ws, "contact:removed").await;
    assert_eq!(removed.data["reason"], "removed", "bob is not told why");
    for client in [&ada, &bob] {
        let list: ContactList = call(client, Method::GET, "/api/contacts", None)
            .await
            .unwrap();
        assert!(list.contacts.is_empty());
    }
    for client in [&ada, &cy] {
        let pending: PendingContacts = call(client, Method::GET, "/api/contacts/pending", None)
            .await
            .unwrap();
        assert!(pending.incoming.is_empty() && pending.outgoing.is_empty());
    }
    // Blocking oneself or nobody is refused.
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/blocks/{}", ada_t.user.id),
            None
        )
        .await,
        400
    );
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/blocks/{}", UserId::new()),
            None
        )
        .await,
        404
    );
}

#[tokio::test]
async fn a_block_made_on_one_node_holds_on_the_other() {
    let db = testkit::fresh_db().await;
    let mut config = testkit::test_config();
    config.redis.url = Some(chatd::config::Secret::new(
        testkit::shared_redis_url().await,
    ));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, ada_t) = node_a.user("ada").await;
    let (bob_on_a, bob_t) = node_a.user("bob").await;
    let (cyd, cyd_t) = node_a.user("cyd").await;
    let ada_on_b = node_b.client();
    ada_on_b.login("ada", testkit::password()).await.unwrap();
    let bob_on_b = node_b.client();
    bob_on_b.login("bob", testkit::password()).await.unwrap();
    let dm = direct(&ada, bob_t.user.id).await;
    let team = group(&cyd, "Team", None, &[ada_t.user.id, bob_t.user.id])
        .await
        .chat
        .id;
    let (mut ada_b_ws, _) = connect(&ada_on_b).await;

    block(&ada, bob_t.user.id).await;
    // Node B applies the block before it delivers the block's event to Ada's socket there.
    expect(&mut ada_b_ws, "block:updated").await;
    assert_eq!(
        code(send(&bob_on_b, dm, &text("via b", "b-1")).await),
        ErrorCode::Blocked
    );
    let hidden = post(&bob_on_a, team, "from node a", "b-2").await;
    post(&cyd, team, "marker", "c-1").await;
    let (stand_in, skipped) = expect(&mut ada_b_ws, "message:hidden").await;
    assert_eq!(stand_in.data["messageId"], hidden.message_id.to_string());
    assert!(skipped.iter().all(|f| f.kind != "message:new"));
    let (next, _) = expect(&mut ada_b_ws, "message:new").await;
    assert_eq!(next.data["message"]["content"], "marker");
    let _ = cyd_t;
}
