//! Notifications: mentions, replies and group invitations arrive live and in the list,
//! are marked read (by ids, up to one, or all) across devices, come back with sync after
//! a reconnect; a muted chat or do-not-disturb makes them silent; a blocked sender makes
//! none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::api::{
    NotificationKind, NotificationPage, NotificationSettings, NotificationsMarked,
    SendMessageRequest, Silence,
};
use common::client::Client;
use reqwest::Method;
use serde_json::json;
use social_support::{call, group, status, sync_user, user_event_kinds};
use testkit::TestServer;
use testkit::chat::{post, send};
use testkit::ws::{connect, expect};

async fn list(client: &Client, query: &str) -> NotificationPage {
    call(
        client,
        Method::GET,
        &format!("/api/notifications{query}"),
        None,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn mentions_replies_and_invitations_arrive_live_listed_and_marked_read() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (mut bob_ws, _) = connect(&bob).await;
    let (mut bob_other_device, _) = connect(&bob).await;

    let chat = group(&ada, "Team", None, &[bob_t.user.id]).await.chat.id;
    let (invite, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(invite.data["notification"]["kind"], "group_invite");
    assert_eq!(invite.data["notification"]["chatId"], chat.to_string());
    assert_eq!(
        invite.data["notification"]["actorId"],
        ada_t.user.id.to_string()
    );

    let mention = post(&ada, chat, "@bob can you look?", "a-1").await;
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["kind"], "mention");
    assert_eq!(
        live.data["notification"]["messageId"],
        mention.message_id.to_string()
    );
    assert_eq!(live.data["notification"]["silent"], false);

    let mine = post(&bob, chat, "a question", "b-1").await;
    let reply = send(
        &ada,
        chat,
        &SendMessageRequest {
            reply_to_id: Some(mine.message_id),
            ..testkit::chat::text("an answer", "a-2")
        },
    )
    .await
    .unwrap();
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["kind"], "reply");
    assert_eq!(
        live.data["notification"]["messageId"],
        reply.message_id.to_string()
    );
    // Nobody is notified of their own words.
    post(&bob, chat, "@bob note to self", "b-2").await;
    post(&ada, chat, "@ada and @bob", "a-3").await;
    let (last, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(last.data["notification"]["kind"], "mention");

    let page = list(&bob, "").await;
    let kinds: Vec<NotificationKind> = page.notifications.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::Mention,
            NotificationKind::Reply,
            NotificationKind::Mention,
            NotificationKind::GroupInvite
        ],
        "newest first"
    );
    assert_eq!(page.unread_count, 4);
    assert!(list(&ada, "").await.notifications.is_empty());

    let first_page = list(&bob, "?limit=2").await;
    assert!(first_page.has_more);
    let next = list(
        &bob,
        &format!("?limit=2&before={}", first_page.notifications[1].id),
    )
    .await;
    assert_eq!(next.notifications.len(), 2);
    assert!(!next.has_more);

    let marked: NotificationsMarked = call(
        &bob,
        Method::POST,
        "/api/notifications/read",
        Some(json!({"ids": [page.notifications[0].id]})),
    )
    .await
    .unwrap();
    assert_eq!((marked.marked, marked.unread_count), (1, 3));
    let (read, _) = expect(&mut bob_other_device, "notification:read").await;
    assert_eq!(read.data["ids"][0], page.notifications[0].id.to_string());
    assert_eq!(list(&bob, "?unread=true").await.notifications.len(), 3);

    let marked: NotificationsMarked = call(
        &bob,
        Method::POST,
        "/api/notifications/read",
        Some(json!({"upTo": page.notifications[2].id})),
    )
    .await
    .unwrap();
    assert_eq!(
        (marked.marked, marked.unread_count),
        (2, 1),
        "the one named and the older invitation"
    );
    let marked: NotificationsMarked = call(
        &bob,
        Method::POST,
        "/api/notifications/read",
        Some(json!({})),
    )
    .await
    .unwrap();
    assert_eq!((marked.marked, marked.unread_count), (1, 0));
    assert!(
        list(&bob, "")
            .await
            .notifications
            .iter()
            .all(|n| n.read_at.is_some())
    );

    assert_eq!(
        status(
            &bob,
            Method::POST,
            "/api/notifications/read",
            Some(json!({"ids": [page.notifications[0].id], "upTo": page.notifications[0].id}))
        )
        .await,
        400
    );
    assert_eq!(
        status(&bob, Method::GET, "/api/notifications?limit=0", None).await,
        400
    );
}

#[tokio::test]
async fn notifications_missed_while_offline_come_back_with_sync() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id]).await.chat.id;
    // The invitation's notification is made off the request path: the cursor is taken after it.
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            list(&bob, "").await.notifications.len() == 1
        })
        .await
    );
    let held = sync_user(&bob, 0).await.user.unwrap().last_seq;
    post(&ada, chat, "@bob while you were away", "a-1").await;
    // The notification is made off the send path: wait for it to be there.
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            list(&bob, "").await.notifications.len() == 2
        })
        .await
    );
    let missed = sync_user(&bob, held).await;
    assert_eq!(user_event_kinds(&missed), ["notification:new"]);
    let user = missed.user.unwrap();
    assert_eq!(user.last_seq, held + 1);
    assert!(!user.has_more);
}

#[tokio::test]
async fn a_muted_chat_or_do_not_disturb_makes_notifications_silent() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id]).await.chat.id;
    // The group invitation's notification is made off the request path: let it land before
    // connecting, so the next live notification is the mention's.
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            list(&bob, "").await.notifications.len() == 1
        })
        .await
    );
    let (mut bob_ws, _) = connect(&bob).await;

    let muted: Silence = call(
        &bob,
        Method::PUT,
        &format!("/api/chats/{chat}/mute"),
        Some(json!({"forever": true})),
    )
    .await
    .unwrap();
    assert!(muted.active && muted.forever);
    post(&ada, chat, "@bob muted", "a-1").await;
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["silent"], true);

    assert_eq!(
        status(
            &bob,
            Method::DELETE,
            &format!("/api/chats/{chat}/mute"),
            None
        )
        .await,
        204
    );
    post(&ada, chat, "@bob loud", "a-2").await;
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["silent"], false);

    let until = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let dnd: Silence = call(
        &bob,
        Method::PUT,
        "/api/notifications/dnd",
        Some(
            json!({"until": until.format(&time::format_description::well_known::Rfc3339).unwrap()}),
        ),
    )
    .await
    .unwrap();
    assert!(dnd.active && !dnd.forever);
    let settings: NotificationSettings =
        call(&bob, Method::GET, "/api/notifications/settings", None)
            .await
            .unwrap();
    assert!(settings.dnd.active);
    post(&ada, chat, "@bob do not disturb", "a-3").await;
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["silent"], true);
    assert_eq!(
        status(&bob, Method::DELETE, "/api/notifications/dnd", None).await,
        204
    );
    post(&ada, chat, "@bob back", "a-4").await;
    let (live, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(live.data["notification"]["silent"], false);

    // Bad requests and chats one is not in.
    for body in [
        json!({}),
        json!({"forever": true, "until": "2999-01-01T00:00:00Z"}),
        json!({"until": "2000-01-01T00:00:00Z"}),
    ] {
        assert_eq!(
            status(
                &bob,
                Method::PUT,
                &format!("/api/chats/{chat}/mute"),
                Some(body)
            )
            .await,
            400
        );
    }
    let (cy, _) = server.user("cyd").await;
    assert_eq!(
        status(
            &cy,
            Method::PUT,
            &format!("/api/chats/{chat}/mute"),
            Some(json!({"forever": true}))
        )
        .await,
        404
    );
}

#[tokio::test]
async fn a_blocked_sender_makes_no_notification() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;
    let chat = group(&cy, "Team", None, &[ada_t.user.id, bob_t.user.id])
        .await
        .chat
        .id;
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/blocks/{}", bob_t.user.id),
            None
        )
        .await,
        204
    );
    // The invitation's notification is made off the request path: let it land first, so the
    // next live one is a mention's.
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            list(&ada, "").await.notifications.len() == 1
        })
        .await
    );
    let (mut ada_ws, _) = connect(&ada).await;
    post(&bob, chat, "@ada hey", "b-1").await;
    post(&cy, chat, "@ada hey", "c-1").await;
    let (live, _) = expect(&mut ada_ws, "notification:new").await;
    assert_eq!(
        live.data["notification"]["actorId"],
        cy_t.user.id.to_string(),
        "bob's mention came first and made nothing"
    );
    let kinds: Vec<_> = list(&ada, "")
        .await
        .notifications
        .iter()
        .map(|n| (n.kind, n.actor_id))
        .collect();
    assert_eq!(
        kinds,
        [
            (NotificationKind::Mention, Some(cy_t.user.id)),
            (NotificationKind::GroupInvite, Some(cy_t.user.id))
        ]
    );
}

/// A mute or do-not-disturb set on one device reaches the user's other devices live as
/// `settings:updated`, and one that was away gets it from `sync` by `userSeq`.
#[tokio::test]
async fn mute_and_do_not_disturb_changes_reach_the_users_other_devices() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", None, &[bob_t.user.id]).await.chat.id;
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            list(&bob, "").await.notifications.len() == 1
        })
        .await
    );
    let held = sync_user(&bob, 0).await.user.unwrap().last_seq;
    let (mut other_device, _) = connect(&bob).await;

    let _: Silence = call(
        &bob,
        Method::PUT,
        &format!("/api/chats/{chat}/mute"),
        Some(json!({"forever": true})),
    )
    .await
    .unwrap();
    let (live, _) = expect(&mut other_device, "settings:updated").await;
    assert_eq!(live.data["userSeq"], held + 1);
    assert_eq!(live.data["mute"]["chatId"], chat.to_string());
    assert_eq!(live.data["mute"]["silence"]["active"], true);
    assert!(live.data.get("dnd").is_none());

    let _: Silence = call(
        &bob,
        Method::PUT,
        "/api/notifications/dnd",
        Some(json!({"forever": true})),
    )
    .await
    .unwrap();
    let (live, _) = expect(&mut other_device, "settings:updated").await;
    assert_eq!(live.data["dnd"]["forever"], true);

    // A device that was away catches up from its cursor.
    let missed = sync_user(&bob, held).await;
    assert_eq!(
        user_event_kinds(&missed),
        ["settings:updated", "settings:updated"]
    );
    // A mute of a chat one is not in changes nothing and records nothing.
    let stranger = group(&ada, "Other", None, &[]).await.chat.id;
    assert_eq!(
        status(
            &bob,
            Method::PUT,
            &format!("/api/chats/{stranger}/mute"),
            Some(json!({"forever": true}))
        )
        .await,
        404
    );
    assert_eq!(sync_user(&bob, held).await.user.unwrap().last_seq, held + 2);
}
