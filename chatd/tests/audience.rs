//! Who hears of a chat: a member who was removed gets no notification of a reply to their
//! old messages (stored, listed or live), and no `message:read` or `message:delivered`
//! receipt for them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::api::{NotificationKind, NotificationPage, SendMessageRequest};
use common::client::{Client, Socket};
use common::ws::{ClientRequest, ReadData};
use common::{ChatId, UserId};
use reqwest::Method;
use social_support::{call, group};
use testkit::TestServer;
use testkit::chat::{direct, post, send};
use testkit::ws::{connect, expect};

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

/// Reads `ws` until the direct message `marker` arrives; returns the kinds of the frames
/// before it. Frames of one node arrive in publish order, so whatever was published for
/// this socket before the marker is among them.
async fn kinds_until(ws: &mut Socket, marker: &str) -> Vec<String> {
    let mut kinds = Vec::new();
    loop {
        let (frame, skipped) = expect(ws, "message:new").await;
        kinds.extend(skipped.into_iter().map(|f| f.kind));
        if frame.data["message"]["content"] == marker {
            return kinds;
        }
        kinds.push(frame.kind);
    }
}

#[tokio::test]
async fn a_removed_member_gets_no_notification_of_replies_to_their_old_messages() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (_, carl_t) = server.user("carl").await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id, carl_t.user.id])
        .await
        .chat
        .id;
    let old = post(&bob, chat, "an old question", "b-1").await;
    remove(&ada, chat, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;

    let reply = SendMessageRequest {
        reply_to_id: Some(old.message_id),
        ..testkit::chat::text("an answer bob will not hear of", "a-1")
    };
    send(&ada, chat, &reply).await.unwrap();
    // Notifications are made in order by one task: once carl's mention (sent after the
    // reply) is listed, the reply has been dealt with.
    post(&ada, chat, "@carl over to you", "a-2").await;
    let carl = server.client();
    carl.login("carl", testkit::password()).await.unwrap();
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            let page: NotificationPage = call(&carl, Method::GET, "/api/notifications", None)
                .await
                .unwrap();
            page.notifications
                .iter()
                .any(|n| n.kind == NotificationKind::Mention)
        })
        .await
    );
    let page: NotificationPage = call(&bob, Method::GET, "/api/notifications", None)
        .await
        .unwrap();
    assert!(
        page.notifications
            .iter()
            .all(|n| n.kind == NotificationKind::GroupInvite),
        "{:?}",
        page.notifications
    );
    let marker_chat = direct(&ada, bob_t.user.id).await;
    post(&ada, marker_chat, "marker", "a-3").await;
    let kinds = kinds_until(&mut bob_ws, "marker").await;
    assert!(!kinds.contains(&"notification:new".to_owned()), "{kinds:?}");
}

#[tokio::test]
async fn a_removed_member_gets_no_read_or_delivered_receipts() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carl, carl_t) = server.user("carl").await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id, carl_t.user.id])
        .await
        .chat
        .id;
    // Bob writes while carl is away, then is removed.
    post(&bob, chat, "from bob", "b-1").await;
    remove(&ada, chat, bob_t.user.id).await;
    let (mut bob_ws, _) = connect(&bob).await;
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut carl_ws, _) = connect(&carl).await;

    // Carl's delivered watermark moves past bob's message with ada's new one...
    let last = post(&ada, chat, "from ada", "a-1").await;
    expect(&mut carl_ws, "message:new").await;
    expect(&mut ada_ws, "message:delivered").await;
    // ...and his read watermark too.
    carl_ws
        .request(&ClientRequest::Read(ReadData {
            chat_id: chat,
            seq: last.seq,
        }))
        .await
        .unwrap();
    expect(&mut ada_ws, "message:read").await;

    let marker_chat = direct(&ada, bob_t.user.id).await;
    post(&ada, marker_chat, "marker", "a-2").await;
    let kinds = kinds_until(&mut bob_ws, "marker").await;
    assert!(
        !kinds.contains(&"message:delivered".to_owned())
            && !kinds.contains(&"message:read".to_owned()),
        "{kinds:?}"
    );
}
