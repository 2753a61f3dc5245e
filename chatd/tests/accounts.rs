//! What an account's owner changes with their password, against a real chatd and
//! PostgreSQL: a new password (other sessions end, their sockets close at once), privacy,
//! deleting the account, avatars.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::api::{ChangePasswordRequest, ContactRequest, RegisterRequest};
use common::client::{ClientError, PageAt};
use common::ws::ClientRequest;
use common::{ErrorBody, ErrorCode, UserId};
use social_support::group;
use testkit::chat::{direct, post};
use testkit::ws::{connect, expect};
use testkit::{TestServer, password, test_config};

const NEW_PASSWORD: &str = "a brand new passphrase";

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The close code of `socket`, which must close within 10 s: well before the minute after
/// which an open socket checks its session by itself.
async fn closed_soon(socket: common::client::Socket) -> Option<u16> {
    tokio::time::timeout(std::time::Duration::from_secs(10), socket.closed())
        .await
        .expect("the socket stayed open")
}

fn change(current: &str, new: &str) -> ChangePasswordRequest {
    ChangePasswordRequest {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    }
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others_at_once() {
    let server = TestServer::start().await;
    let (laptop, _) = server.user("ada").await;
    let phone = server.client();
    phone.login("ada", password()).await.unwrap();
    let (laptop_ws, _) = connect(&laptop).await;
    let (mut phone_ws, _) = connect(&phone).await;

    phone
        .change_password(&change(password(), NEW_PASSWORD))
        .await
        .unwrap();

    // The laptop's socket closes at once with 4001 and its session is gone...
    assert_eq!(
        closed_soon(laptop_ws).await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    let (status, _) = api_error(laptop.me().await);
    assert_eq!(status, 401);
    let (status, _) = api_error(laptop.refresh().await);
    assert_eq!(status, 401);
    // ...while the phone, which changed it, keeps its socket, its token and its refresh.
    phone_ws.request(&ClientRequest::Ping).await.unwrap();
    phone.me().await.unwrap();
    phone.refresh().await.unwrap();
    assert_eq!(phone.sessions().await.unwrap().sessions.len(), 1);
    // The old password no longer logs in; the new one does.
    let (status, _) = api_error(server.client().login("ada", password()).await);
    assert_eq!(status, 401);
    server.client().login("ada", NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_wrong_current_password_names_the_field_and_counts_like_a_failed_login() {
    let mut config = test_config();
    config.limits.login_failures_per_user = 3;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (ws, _) = connect(&ada).await;
    for _ in 0..3 {
        let (status, body) = api_error(
            ada.change_password(&change("not my password", NEW_PASSWORD))
                .await,
        );
        assert_eq!(status, 400);
        assert_eq!(body.code, ErrorCode::ValidationError);
        assert_eq!(body.details[0].field, "currentPassword");
    }
    // Past the login limit even the right password is refused, and nothing changed.
    let (status, body) = api_error(ada.change_password(&change(password(), NEW_PASSWORD)).await);
    assert_eq!(status, 429);
    assert_eq!(body.code, ErrorCode::RateLimitExceeded);
    // The caller's session is untouched by the failures.
    ada.me().await.unwrap();
    drop(ws);
    // The new password was never set (the account is locked for logins either way).
    let (status, _) = api_error(server.client().login("ada", NEW_PASSWORD).await);
    assert!(status == 401 || status == 429, "status {status}");
}

#[tokio::test]
async fn a_new_password_follows_the_registration_policy() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    for bad in ["short", "ada-the-great-one", "zzzzzzzzzzzz"] {
        let (status, body) = api_error(ada.change_password(&change(password(), bad)).await);
        assert_eq!(status, 400, "{bad}");
        assert!(
            body.details.iter().all(|d| d.field == "newPassword"),
            "{bad}: {body:?}"
        );
    }
    // Unknown and missing fields get the documented body.
    let resp = ada
        .request(reqwest::Method::PUT, "/api/users/me/password")
        .json(&serde_json::json!({"newPassword": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: common::ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.details[0].field, "currentPassword");
    // Without a token: 401.
    let (status, _) = api_error(
        server
            .client()
            .change_password(&change(password(), NEW_PASSWORD))
            .await,
    );
    assert_eq!(status, 401);
    // Nothing changed.
    server.client().login("ada", password()).await.unwrap();
}

fn registration(username: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.to_owned(),
        password: password().to_owned(),
        password_confirm: password().to_owned(),
        display_name: None,
        invite_code: None,
        email: None,
    }
}

async fn count(server: &TestServer, sql: &str, user: UserId) -> i64 {
    sqlx::query_scalar(sql)
        .bind(user.as_uuid())
        .fetch_one(server.store().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn deleting_an_account_keeps_its_messages_from_a_deleted_user_and_removes_the_rest() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cyd, cyd_t) = server.user("cyd").await;
    let ada_id = ada_t.user.id;
    // Ada owns a group with Bob (member) and Cyd (admin), talks to Bob directly, is Bob's
    // contact and blocks Cyd.
    let g = group(&ada, "G", None, &[bob_t.user.id, cyd_t.user.id])
        .await
        .chat
        .id;
    ada.set_role(g, cyd_t.user.id, common::api::Role::Admin)
        .await
        .unwrap();
    let dm = direct(&ada, bob_t.user.id).await;
    post(&ada, dm, "remember me", "c1").await;
    post(&ada, g, "hello group", "c2").await;
    let contact = ada
        .request_contact(&ContactRequest {
            user_id: bob_t.user.id,
            message: None,
        })
        .await
        .unwrap();
    bob.accept_contact(contact.id).await.unwrap();
    ada.block(cyd_t.user.id).await.unwrap();
    let (ada_ws, _) = connect(&ada).await;
    let (mut bob_ws, _) = connect(&bob).await;

    // Re-authentication: a wrong password names the field, nothing happens.
    let (status, body) = api_error(ada.delete_account("not it").await);
    assert_eq!((status, body.details[0].field.as_str()), (400, "password"));
    let (status, _) = api_error(server.client().delete_account(password()).await);
    assert_eq!(status, 401);
    ada.me().await.unwrap();

    let ada_again = server.client();
    ada_again.set_tokens(ada.tokens());
    ada.delete_account(password()).await.unwrap();
    // Its sockets close at once, its sessions and password are gone.
    assert_eq!(
        closed_soon(ada_ws).await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    assert_eq!(api_error(ada_again.me().await).0, 401);
    assert_eq!(
        api_error(server.client().login("ada", password()).await).0,
        401
    );
    // Bob sees Ada leave the group, whose ownership passes to Cyd (the admin).
    let (left, _) = expect(&mut bob_ws, "participant:left").await;
    assert_eq!(left.data["userId"], ada_id.to_string());
    let g_detail = bob.chat(g).await.unwrap();
    let owner = g_detail
        .participants
        .iter()
        .find(|p| p.role == common::api::Role::Owner)
        .unwrap();
    assert_eq!(owner.user.id, cyd_t.user.id);
    assert!(g_detail.participants.iter().all(|p| p.user.id != ada_id));
    // Her messages stay, from no one ("deleted user").
    let page = bob.messages(dm, PageAt::Latest, None).await.unwrap();
    let kept = page
        .messages
        .iter()
        .find(|m| m.content.as_deref() == Some("remember me"))
        .unwrap();
    assert_eq!(kept.sender_id, None);
    let page = cyd.messages(g, PageAt::Latest, None).await.unwrap();
    assert!(
        page.messages
            .iter()
            .any(|m| m.content.as_deref() == Some("hello group") && m.sender_id.is_none())
    );
    // Contacts, blocks, sessions, memberships and the profile are gone.
    assert!(bob.contacts().await.unwrap().contacts.is_empty());
    assert_eq!(api_error(bob.user(ada_id).await).0, 404);
    for sql in [
        "SELECT count(*) FROM users WHERE id = $1",
        "SELECT count(*) FROM sessions WHERE user_id = $1",
        "SELECT count(*) FROM contacts WHERE requester_id = $1 OR addressee_id = $1",
        "SELECT count(*) FROM blocks WHERE blocker_id = $1 OR blocked_id = $1",
        "SELECT count(*) FROM chat_members WHERE user_id = $1",
        "SELECT count(*) FROM push_devices WHERE user_id = $1",
        "SELECT count(*) FROM messages WHERE sender_id = $1",
    ] {
        assert_eq!(count(&server, sql, ada_id).await, 0, "{sql}");
    }
    // The username stays taken for the quarantine.
    let (status, body) = api_error(server.client().register(&registration("ada")).await);
    assert_eq!((status, body.code), (409, ErrorCode::Conflict));
}

#[tokio::test]
async fn with_erasing_on_the_messages_are_deleted_and_without_quarantine_the_name_is_free() {
    let mut config = test_config();
    config.accounts.erase_messages_on_delete = true;
    config.accounts.username_quarantine_days = 0;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let dm = direct(&ada, bob_t.user.id).await;
    let first = post(&ada, dm, "secret one", "c1").await;
    post(&ada, dm, "secret two", "c2").await;
    post(&bob, dm, "bob stays", "c3").await;
    // Ada is the only member left of a group she owns: it goes with her.
    let alone = group(&ada, "Solo", None, &[]).await.chat.id;
    let (mut bob_ws, _) = connect(&bob).await;

    ada.delete_account(password()).await.unwrap();
    // Bob is told live: both of her messages deleted, then her leaving.
    let (deleted, _) = expect(&mut bob_ws, "message:deleted").await;
    assert_eq!(deleted.data["messageId"], first.message_id.to_string());
    expect(&mut bob_ws, "message:deleted").await;
    expect(&mut bob_ws, "participant:left").await;
    let page = bob.messages(dm, PageAt::Latest, None).await.unwrap();
    let contents: Vec<Option<&str>> = page.messages.iter().map(|m| m.content.as_deref()).collect();
    assert_eq!(contents, [None, None, Some("bob stays")]);
    assert!(page.messages[..2].iter().all(|m| m.deleted));
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM messages WHERE content LIKE 'secret%'")
            .fetch_one(server.store().pool())
            .await
            .unwrap();
    assert_eq!(left, 0);
    let gone: bool = sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM chats WHERE id = $1")
        .bind(alone.as_uuid())
        .fetch_one(server.store().pool())
        .await
        .unwrap();
    assert!(gone);
    // No quarantine: a new "ada" registers at once and sees nothing of the old one.
    let (new_ada, _) = server.user("ada").await;
    assert!(new_ada.chats().await.unwrap().chats.is_empty());
}

/// A `width`x`height` JPEG, its left half red and right half blue, with an EXIF block.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let mut img = image::RgbImage::new(width, height);
    for (x, _, p) in img.enumerate_pixels_mut() {
        *p = if x < width / 2 {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        };
    }
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // An APP1 "Exif" segment with a marker string, right after SOI.
    let marker = b"Exif\0\0GPS-SECRET-LOCATION";
    let len = u16::try_from(marker.len() + 2).unwrap().to_be_bytes();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
    out.extend_from_slice(marker);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn get_avatar(
    client: &common::client::Client,
    path: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = client.request(reqwest::Method::GET, path);
    if let Some(etag) = etag {
        req = req.header("if-none-match", etag);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn avatars_are_cropped_cleaned_cached_by_etag_and_follow_privacy() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    let ada_id = ada_t.user.id;
    assert_eq!(ada.me().await.unwrap().user.avatar_url, None);
    assert_eq!(
        get_avatar(&bob, &format!("/api/users/{ada_id}/avatar"), None)
            .await
            .status(),
        404
    );

    let set = ada.set_avatar(photo(600, 300)).await.unwrap();
    // User objects carry the address, for everyone.
    assert_eq!(
        ada.me().await.unwrap().user.avatar_url.as_deref(),
        Some(set.avatar_url.as_str())
    );
    assert_eq!(
        bob.user(ada_id).await.unwrap().avatar_url,
        Some(set.avatar_url.clone())
    );
    // Large: the centred square (half red, half blue), 256x256, PNG, no EXIF left.
    let resp = get_avatar(&bob, &set.avatar_url, None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.headers()["cache-control"], "private, no-cache");
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = resp.bytes().await.unwrap();
    assert!(!bytes.windows(10).any(|w| w == b"GPS-SECRET"));
    let large = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(large.dimensions(), (256, 256));
    let (left, right) = (large.get_pixel(10, 128), large.get_pixel(245, 128));
    assert!(left[0] > 200 && left[2] < 60, "{left:?}");
    assert!(right[2] > 200 && right[0] < 60, "{right:?}");
    // Small: 64x64, its own ETag.
    let small = get_avatar(&bob, &format!("{}&size=small", set.avatar_url), None).await;
    assert_ne!(small.headers()["etag"].to_str().unwrap(), etag);
    let small = image::load_from_memory(&small.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (64, 64));
    // The same ETag: 304 with no body.
    let again = get_avatar(&bob, &set.avatar_url, Some(&etag)).await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    // Bad input: not an image, an unknown size, no token.
    let (status, body) = api_error(ada.set_avatar(b"hello".to_vec()).await);
    assert_eq!((status, body.details[0].field.as_str()), (400, "file"));
    let bad = get_avatar(&bob, &format!("/api/users/{ada_id}/avatar?size=huge"), None).await;
    assert_eq!(bad.status(), 400);
    let anonymous = get_avatar(&server.client(), &set.avatar_url, None).await;
    assert_eq!(anonymous.status(), 401);

    // Not searchable: a stranger no longer sees it; a contact (or someone in a chat) does.
    ada.set_privacy(&common::api::UpdatePrivacyRequest {
        searchable: Some(false),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(get_avatar(&bob, &set.avatar_url, None).await.status(), 404);
    direct(&bob, ada_id).await;
    assert_eq!(get_avatar(&bob, &set.avatar_url, None).await.status(), 200);

    // A new picture changes the address and the ETag; removing it leaves none.
    let newer = ada.set_avatar(photo(100, 100)).await.unwrap();
    assert_ne!(newer.avatar_url, set.avatar_url);
    let resp = get_avatar(&bob, &newer.avatar_url, Some(&etag)).await;
    assert_eq!(resp.status(), 200, "the old ETag no longer matches");
    let img = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (100, 100), "not scaled up");
    ada.delete_avatar().await.unwrap();
    assert_eq!(ada.me().await.unwrap().user.avatar_url, None);
    assert_eq!(
        get_avatar(&bob, &newer.avatar_url, None).await.status(),
        404
    );

    // Deleting the account removes it with the row.
    ada.set_avatar(photo(50, 50)).await.unwrap();
    ada.delete_account(password()).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM avatars")
        .fetch_one(server.store().pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn deleting_on_one_node_closes_the_accounts_sockets_on_another() {
    // No Redis: the notice travels through PostgreSQL, sent on the deletion's commit.
    let db = testkit::fresh_db().await;
    let node_a = TestServer::on(test_config(), db.options()).await;
    let node_b = TestServer::on(test_config(), db.options()).await;
    let (on_a, _) = node_a.user("ada").await;
    let on_b = node_b.client();
    on_b.login("ada", password()).await.unwrap();
    let (socket_b, _) = connect(&on_b).await;
    on_a.delete_account(password()).await.unwrap();
    assert_eq!(
        closed_soon(socket_b).await,
        Some(common::ws::close::UNAUTHORIZED)
    );
}
