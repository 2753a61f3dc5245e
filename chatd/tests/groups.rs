//! Groups people can find and join (issue 17): the profile (description, visibility, member
//! cap, avatar) and its `chat:updated`, the public directory, joining public groups, and
//! invite links (preview, join, revoke, expiry, and exactly one winner of a last use).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::api::{
    ChatCursor, ChatDetail, GroupInvite, GroupSummary, InviteList, Page, SyncRequest, SyncResponse,
    Visibility,
};
use common::client::Client;
use common::ws::ServerEvent;
use common::{ChatId, UserId};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestServer;
use testkit::ws::{connect, expect};

/// The status and JSON body of a request.
async fn req(client: &Client, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = client.request(method, path);
    if let Some(body) = body {
        r = r.json(&body);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn ok<T: serde::de::DeserializeOwned>(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> T {
    let (status, body) = req(client, method, path, body).await;
    assert!((200..300).contains(&status), "{path}: {status} {body}");
    serde_json::from_value(body).unwrap()
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn group(client: &Client, body: Value) -> ChatDetail {
    ok(client, Method::POST, "/api/chats/group", Some(body)).await
}

async fn events_after(client: &Client, chat: ChatId, seq: i64) -> Vec<ServerEvent> {
    let req = SyncRequest {
        chats: vec![ChatCursor { chat_id: chat, seq }],
        ..SyncRequest::default()
    };
    let resp: SyncResponse = client
        .send(client.request(Method::POST, "/api/sync").json(&req))
        .await
        .unwrap();
    resp.chats
        .into_iter()
        .find(|c| c.chat_id == chat)
        .map(|c| c.events)
        .unwrap_or_default()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(80, 40, image::Rgb([0, 200, 0]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn the_profile_is_set_at_creation_changed_by_admins_and_synced_to_members() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let created = group(
        &ada,
        json!({"name": "Mill", "participantIds": [bob_t.user.id],
               "description": "  *Engine* notes\n\tweekly ", "visibility": "public",
               "maxMembers": 10}),
    )
    .await;
    let chat = created.chat.id;
    assert_eq!(
        created.chat.description.as_deref(),
        Some("*Engine* notes\n\tweekly")
    );
    assert_eq!(created.chat.visibility, Visibility::Public);
    assert_eq!(created.chat.max_members, Some(10));
    // Defaults: private, 300.
    let plain = group(&ada, json!({"name": "Plain"})).await;
    assert_eq!(plain.chat.visibility, Visibility::Private);
    assert_eq!(plain.chat.max_members, Some(300));
    assert_eq!(plain.chat.description, None);

    let path = format!("/api/chats/{chat}");
    // A plain member may not change it.
    let (status, body) = req(
        &bob,
        Method::PATCH,
        &path,
        Some(json!({"description": "x"})),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
    // Bad values name their fields, all at once.
    let (status, body) = req(
        &ada,
        Method::PATCH,
        &path,
        Some(json!({"description": "x".repeat(1001), "maxMembers": 301})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["description", "maxMembers"]);
    let (status, body) = req(
        &ada,
        Method::PATCH,
        &path,
        Some(json!({"description": "clear \u{1b}[2J screen"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    // Not below the current member count (two).
    let (status, body) = req(&ada, Method::PATCH, &path, Some(json!({"maxMembers": 1}))).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));

    let (mut bob_ws, _) = connect(&bob).await;
    let before = created.chat.last_seq;
    let changed: ChatDetail = ok(
        &ada,
        Method::PATCH,
        &path,
        Some(json!({"description": "", "visibility": "private", "maxMembers": 2})),
    )
    .await;
    assert_eq!(changed.chat.description, None);
    assert_eq!(changed.chat.visibility, Visibility::Private);
    assert_eq!(changed.chat.max_members, Some(2));
    assert_eq!(changed.chat.name.as_deref(), Some("Mill"));
    // Live to members, and in sync for one who missed it.
    let (live, _) = expect(&mut bob_ws, "chat:updated").await;
    assert_eq!(live.data["profile"]["visibility"], "private");
    assert_eq!(live.data["profile"]["maxMembers"], 2);
    let synced = events_after(&bob, chat, before).await;
    let Some(ServerEvent::ChatUpdated(update)) = synced.last() else {
        panic!("{synced:?}");
    };
    let profile = update.profile.as_ref().unwrap();
    assert_eq!(profile.visibility, Visibility::Private);
    assert_eq!(profile.description, None);
    // The cap holds: a third member is refused.
    let (carl, carl_t) = server.user("carl").await;
    drop(carl);
    let (status, body) = req(
        &ada,
        Method::POST,
        &format!("{path}/participants"),
        Some(json!({"userIds": [carl_t.user.id]})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
}

#[tokio::test]
async fn group_avatars_are_set_by_admins_and_seen_by_members_or_anyone_when_public() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (eve, _) = server.user("eve").await;
    let chat = group(
        &ada,
        json!({"name": "Pics", "participantIds": [bob_t.user.id]}),
    )
    .await
    .chat
    .id;
    let upload = |client: &Client| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png()).file_name("a.png"),
        );
        client
            .request(Method::PUT, &format!("/api/chats/{chat}/avatar"))
            .multipart(form)
            .send()
    };
    assert_eq!(upload(&bob).await.unwrap().status().as_u16(), 403);
    let set = upload(&ada).await.unwrap();
    assert_eq!(set.status().as_u16(), 200);
    let url = set.json::<Value>().await.unwrap()["avatarUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.starts_with(&format!("/api/chats/{chat}/avatar?v=")));
    let detail: ChatDetail = ok(&bob, Method::GET, &format!("/api/chats/{chat}"), None).await;
    assert_eq!(detail.chat.avatar_url.as_deref(), Some(url.as_str()));
    let got = bob.request(Method::GET, &url).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    let bytes = got.bytes().await.unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (40, 40));
    // A private group's avatar is not for outsiders; a public one's is.
    let small = format!("/api/chats/{chat}/avatar?size=small");
    assert_eq!(req(&eve, Method::GET, &small, None).await.0, 404);
    ok::<Value>(
        &ada,
        Method::PATCH,
        &format!("/api/chats/{chat}"),
        Some(json!({"visibility": "public"})),
    )
    .await;
    let got = eve.request(Method::GET, &small).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    // Removed: gone for everyone.
    let (status, _) = req(
        &ada,
        Method::DELETE,
        &format!("/api/chats/{chat}/avatar"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(req(&bob, Method::GET, &small, None).await.0, 404);
    let detail: ChatDetail = ok(&bob, Method::GET, &format!("/api/chats/{chat}"), None).await;
    assert_eq!(detail.chat.avatar_url, None);
}

#[tokio::test]
async fn the_directory_lists_public_groups_by_name_or_description_a_page_at_a_time() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    for i in 0..5 {
        group(
            &ada,
            json!({"name": format!("Rust {i}"), "visibility": "public"}),
        )
        .await;
    }
    group(
        &ada,
        json!({"name": "Tea", "description": "all about 100% rust-free kettles", "visibility": "public"}),
    )
    .await;
    group(&ada, json!({"name": "Rust secret"})).await;
    let page: Page<GroupSummary> =
        ok(&bob, Method::GET, "/api/chats/public?q=RUST&limit=4", None).await;
    assert_eq!(page.items.len(), 4);
    assert!(page.items.iter().all(|g| g.member_count == 1));
    let cursor = page.next_cursor.clone().unwrap();
    let rest: Page<GroupSummary> = ok(
        &bob,
        Method::GET,
        &format!("/api/chats/public?q=rust&limit=4&cursor={cursor}"),
        None,
    )
    .await;
    let mut names: Vec<String> = page
        .items
        .iter()
        .chain(&rest.items)
        .map(|g| g.name.clone())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Rust 0", "Rust 1", "Rust 2", "Rust 3", "Rust 4", "Tea"]
    );
    assert_eq!(rest.next_cursor, None);
    // `%` is a character, not a wildcard.
    let page: Page<GroupSummary> = ok(&bob, Method::GET, "/api/chats/public?q=100%25", None).await;
    assert_eq!(page.items.len(), 1);
    let all: Page<GroupSummary> = ok(&bob, Method::GET, "/api/chats/public?limit=100", None).await;
    assert_eq!(all.items.len(), 6);
    let (status, body) = req(&bob, Method::GET, "/api/chats/public?cursor=nope", None).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
}

#[tokio::test]
async fn joining_a_public_group_and_the_refusals_private_full_and_blocked() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carl, carl_t) = server.user("carl").await;
    let (dan, dan_t) = server.user("dan").await;
    let public = group(
        &ada,
        json!({"name": "Open", "visibility": "public", "maxMembers": 3}),
    )
    .await
    .chat;
    let private = group(&ada, json!({"name": "Closed"})).await.chat;
    let (mut ada_ws, _) = connect(&ada).await;

    let joined: ChatDetail = ok(
        &bob,
        Method::POST,
        &format!("/api/chats/{}/join", public.id),
        None,
    )
    .await;
    assert_eq!(joined.participants.len(), 2);
    let (event, _) = expect(&mut ada_ws, "participant:joined").await;
    assert_eq!(event.data["user"]["id"], json!(bob_t.user.id));
    assert_eq!(event.data["addedBy"], json!(bob_t.user.id));
    // Again: the same group, no new event.
    let again: ChatDetail = ok(
        &bob,
        Method::POST,
        &format!("/api/chats/{}/join", public.id),
        None,
    )
    .await;
    assert_eq!(again.chat.last_seq, joined.chat.last_seq);
    // Private groups are not found, as any chat one is not in.
    let (status, body) = req(
        &carl,
        Method::POST,
        &format!("/api/chats/{}/join", private.id),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    // Blocked by the owner.
    ada.block(dan_t.user.id).await.unwrap();
    let (status, body) = req(
        &dan,
        Method::POST,
        &format!("/api/chats/{}/join", public.id),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "BLOCKED"));
    // Full at three.
    ok::<ChatDetail>(
        &carl,
        Method::POST,
        &format!("/api/chats/{}/join", public.id),
        None,
    )
    .await;
    ada.unblock(dan_t.user.id).await.unwrap();
    let (status, body) = req(
        &dan,
        Method::POST,
        &format!("/api/chats/{}/join", public.id),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (409, "CONFLICT"), "{body}");
    // The join is in sync like any membership change.
    let events = events_after(&ada, public.id, public.last_seq).await;
    let joined: Vec<UserId> = events
        .iter()
        .filter_map(|e| match e {
            ServerEvent::ParticipantJoined(j) => Some(j.user.id),
            _ => None,
        })
        .collect();
    assert_eq!(joined, [bob_t.user.id, carl_t.user.id]);
}

async fn create_invite(client: &Client, chat: ChatId, body: Value) -> GroupInvite {
    let (status, body) = req(
        client,
        Method::POST,
        &format!("/api/chats/{chat}/invites"),
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn invite_links_preview_join_count_uses_expire_and_revoke() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carl, _) = server.user("carl").await;
    let (dan, _) = server.user("dan").await;
    let chat = group(
        &ada,
        json!({"name": "Guild", "description": "by invitation", "participantIds": [bob_t.user.id]}),
    )
    .await
    .chat
    .id;
    // Members cannot invite; bad limits name their fields.
    let path = format!("/api/chats/{chat}/invites");
    assert_eq!(req(&bob, Method::POST, &path, Some(json!({}))).await.0, 403);
    let (status, body) = req(
        &ada,
        Method::POST,
        &path,
        Some(json!({"expiresInSecs": 5, "maxUses": 0})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    assert_eq!(body["error"]["details"].as_array().unwrap().len(), 2);

    let invite = create_invite(&ada, chat, json!({"maxUses": 2, "expiresInSecs": 3600})).await;
    let token = invite.token.clone().unwrap();
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    let link = invite.link.clone().unwrap();
    assert!(link.starts_with("chat://") && link.ends_with(&format!("/join/{token}")));
    assert_eq!(
        common::links::invite_token(&link).as_deref(),
        Some(token.as_str())
    );
    assert!(invite.web_link.unwrap().starts_with("https://"));
    // Stored hashed: the database never holds the token.
    let db = server.db().unwrap();
    let pool = sqlx::PgPool::connect_with(db.options()).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM chat_invites")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes());
    assert_eq!(stored.len(), 32);

    // Preview without joining.
    let preview: GroupSummary =
        ok(&carl, Method::GET, &format!("/api/invites/{token}"), None).await;
    assert_eq!(preview.name, "Guild");
    assert_eq!(preview.description.as_deref(), Some("by invitation"));
    assert_eq!(preview.member_count, 2);
    assert_eq!(
        req(&carl, Method::GET, &format!("/api/chats/{chat}"), None)
            .await
            .0,
        404
    );
    // Join; joining again takes no use.
    let joined: ChatDetail = ok(
        &carl,
        Method::POST,
        &format!("/api/invites/{token}/join"),
        None,
    )
    .await;
    assert_eq!(joined.chat.id, chat);
    ok::<ChatDetail>(
        &carl,
        Method::POST,
        &format!("/api/invites/{token}/join"),
        None,
    )
    .await;
    let list: InviteList = ok(&ada, Method::GET, &path, None).await;
    assert_eq!(list.invites.len(), 1);
    assert_eq!(list.invites[0].uses, 1);
    assert_eq!(list.invites[0].token, None);
    assert_eq!(req(&bob, Method::GET, &path, None).await.0, 403);
    // The second and last use, then used up.
    ok::<ChatDetail>(
        &dan,
        Method::POST,
        &format!("/api/invites/{token}/join"),
        None,
    )
    .await;
    let (eve, _) = server.user("eve").await;
    let (status, body) = req(&eve, Method::GET, &format!("/api/invites/{token}"), None).await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    let (status, _) = req(
        &eve,
        Method::POST,
        &format!("/api/invites/{token}/join"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let list: InviteList = ok(&ada, Method::GET, &path, None).await;
    assert!(list.invites.is_empty());

    // Revoked.
    let revoked = create_invite(&ada, chat, json!({})).await;
    let (status, _) = req(
        &ada,
        Method::DELETE,
        &format!("{path}/{}", revoked.id),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = req(
        &eve,
        Method::POST,
        &format!("/api/invites/{}/join", revoked.token.unwrap()),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    // Expired (the clock moved by rewriting the expiry, not by waiting).
    let expiring = create_invite(&ada, chat, json!({"expiresInSecs": 60})).await;
    sqlx::query("UPDATE chat_invites SET expires_at = now() - interval '1 second' WHERE id = $1")
        .bind(expiring.id)
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = req(
        &eve,
        Method::POST,
        &format!("/api/invites/{}/join", expiring.token.unwrap()),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        req(&eve, Method::GET, &format!("/api/chats/{chat}"), None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn two_joins_racing_for_the_last_use_have_exactly_one_winner() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let chat = group(&ada, json!({"name": "Race"})).await.chat.id;
    for round in 0..20 {
        let (one, _) = server.user(&format!("one{round}")).await;
        let (two, _) = server.user(&format!("two{round}")).await;
        let token = create_invite(&ada, chat, json!({"maxUses": 1}))
            .await
            .token
            .unwrap();
        let path = format!("/api/invites/{token}/join");
        let (a, b) = tokio::join!(
            req(&one, Method::POST, &path, None),
            req(&two, Method::POST, &path, None)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 404], "round {round}: {a:?} {b:?}");
    }
    let detail: ChatDetail = ok(&ada, Method::GET, &format!("/api/chats/{chat}"), None).await;
    assert_eq!(detail.participants.len(), 21);
}

/// Two nodes on one PostgreSQL and Redis: a join on node B is a `participant:joined` for
/// the members on node A, and the joiner's socket on B follows the group from then on.
#[tokio::test]
async fn a_join_on_one_node_reaches_members_on_the_other_and_the_joiner_follows_the_group() {
    let db = testkit::fresh_db().await;
    let mut config = testkit::test_config();
    config.redis.url = Some(chatd::config::Secret::new(
        testkit::shared_redis_url().await,
    ));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, _) = node_a.user("ada").await;
    let (bob, bob_t) = node_b.user("bob").await;
    let chat = group(&ada, json!({"name": "Bridge"})).await.chat.id;
    let token = create_invite(&ada, chat, json!({"maxUses": 1}))
        .await
        .token
        .unwrap();
    let (mut ada_ws, _) = connect(&ada).await;
    let (mut bob_ws, _) = connect(&bob).await;
    ok::<ChatDetail>(
        &bob,
        Method::POST,
        &format!("/api/invites/{token}/join"),
        None,
    )
    .await;
    let (joined, _) = expect(&mut ada_ws, "participant:joined").await;
    assert_eq!(joined.data["user"]["id"], json!(bob_t.user.id));
    let (own, _) = expect(&mut bob_ws, "participant:joined").await;
    assert_eq!(own.data["chatId"], json!(chat));
    testkit::chat::post(&ada, chat, "welcome aboard", "m-1").await;
    let (message, _) = expect(&mut bob_ws, "message:new").await;
    assert_eq!(message.data["message"]["content"], "welcome aboard");
}
