//! Privacy settings against real chatd nodes, PostgreSQL and Redis: who sees presence
//! (live `user:status` on two nodes and the snapshot, which is also where member lists get
//! presence), who finds the user in search, who may start a direct chat or ask to be a
//! contact; changes are live on the user's other devices and for the audience they change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::api::{
    ContactRequest, ContactRequestsFrom, DirectChatsFrom, PresenceAudience, Privacy,
    UpdatePrivacyRequest,
};
use common::client::{Client, Socket};
use common::ws::Envelope;
use common::{ErrorCode, UserId};
use social_support::{code, group};
use testkit::chat::direct;
use testkit::ws::{connect, expect};
use testkit::{TestServer, fresh_db, shared_redis_url, test_config};

/// The presence `viewer` gets for `user` from the snapshot, if any.
async fn seen(viewer: &Client, user: UserId) -> Option<common::ws::UserStatus> {
    viewer
        .presence(vec![user])
        .await
        .unwrap()
        .users
        .into_iter()
        .find(|s| s.user_id == user)
}

/// The next `user:status` frame about `user`; the frames skipped on the way are returned.
async fn status_of(socket: &mut Socket, user: UserId) -> (Envelope, Vec<Envelope>) {
    let mut skipped = Vec::new();
    loop {
        let (frame, more) = expect(socket, "user:status").await;
        skipped.extend(more);
        if frame.data["userId"] == user.to_string() {
            return (frame, skipped);
        }
        skipped.push(frame);
    }
}

fn about(frames: &[Envelope], user: UserId) -> Vec<&Envelope> {
    frames
        .iter()
        .filter(|f| f.kind == "user:status" && f.data["userId"] == user.to_string())
        .collect()
}

async fn befriend(a: &Client, b: &Client, b_id: UserId) {
    let contact = a
        .request_contact(&ContactRequest {
            user_id: b_id,
            message: None,
        })
        .await
        .unwrap();
    b.accept_contact(contact.id).await.unwrap();
}

fn set(presence: PresenceAudience) -> UpdatePrivacyRequest {
    UpdatePrivacyRequest {
        presence: Some(presence),
        ..UpdatePrivacyRequest::default()
    }
}

#[tokio::test]
async fn presence_follows_the_setting_on_both_nodes_live_and_in_snapshots() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (ada, ada_t) = node_a.user("ada").await;
    let (bob, bob_t) = node_a.user("bob").await;
    let (cyd, cyd_t) = node_a.user("cyd").await;
    let (dan, dan_t) = node_a.user("dan").await;
    let ada_id = ada_t.user.id;
    group(
        &ada,
        "G",
        None,
        &[bob_t.user.id, cyd_t.user.id, dan_t.user.id],
    )
    .await;
    befriend(&ada, &cyd, cyd_t.user.id).await;
    // Contacts only, set through node A.
    ada.set_privacy(&set(PresenceAudience::Contacts))
        .await
        .unwrap();

    // Bob follows from node B, Cyd from node A; Ada comes online on node B.
    let on_b = |c: &Client| {
        let client = node_b.client();
        client.set_tokens(c.tokens());
        client
    };
    let (mut bob_ws, _) = connect(&on_b(&bob)).await;
    let (mut cyd_ws, _) = connect(&cyd).await;
    let ada_b = on_b(&ada);
    let (mut ada_ws, _) = connect(&ada_b).await;
    let (online, _) = status_of(&mut cyd_ws, ada_id).await;
    assert_eq!(online.data["status"], "online");
    // Dan comes online after Ada, on node B: when Bob hears Dan, Ada's status would have
    // come first.
    let (dan_ws, _) = connect(&on_b(&dan)).await;
    let (_, skipped) = status_of(&mut bob_ws, dan_t.user.id).await;
    // The only thing Bob may hear of Ada is what a hidden user looks like: offline, never
    // seen (the change to contacts-only announces that, through Redis, and it may reach
    // node B after Bob's socket did).
    assert!(
        about(&skipped, ada_id)
            .iter()
            .all(|f| f.data["status"] == "offline" && f.data["lastSeenAt"].is_null()),
        "bob heard ada: {skipped:?}"
    );
    // The snapshot agrees, on either node: Cyd (a contact) sees Ada, Bob does not, Ada
    // sees herself.
    assert!(seen(&bob, ada_id).await.is_none());
    assert!(seen(&on_b(&bob), ada_id).await.is_none());
    assert_eq!(
        seen(&cyd, ada_id).await.unwrap().status,
        common::ws::PresenceStatus::Online
    );
    assert!(seen(&ada, ada_id).await.is_some());

    // Everyone again (through node A): Bob, on node B, sees Ada online at once; Ada's
    // socket on node B hears her own settings change.
    ada.set_privacy(&set(PresenceAudience::Everyone))
        .await
        .unwrap();
    let (gained, _) = status_of(&mut bob_ws, ada_id).await;
    assert_eq!(gained.data["status"], "online");
    let (settings, _) = expect(&mut ada_ws, "settings:updated").await;
    assert_eq!(settings.data["privacy"]["presence"], "everyone");
    assert!(seen(&bob, ada_id).await.is_some());

    // Nobody: both see her go offline with no last seen time, and the snapshot leaves
    // her out.
    ada.set_privacy(&set(PresenceAudience::Nobody))
        .await
        .unwrap();
    for socket in [&mut bob_ws, &mut cyd_ws] {
        let (lost, _) = status_of(socket, ada_id).await;
        assert_eq!(lost.data["status"], "offline");
        assert!(lost.data["lastSeenAt"].is_null(), "{lost:?}");
    }
    assert!(seen(&bob, ada_id).await.is_none());
    assert!(seen(&cyd, ada_id).await.is_none());
    // Her going offline is heard by no one (the next frame Cyd gets about Ada would be it):
    // Dan going offline after her is what Cyd hears next.
    drop(ada_ws);
    assert!(
        testkit::eventually(std::time::Duration::from_secs(10), || async {
            seen(&ada, ada_id)
                .await
                .is_some_and(|s| s.status == common::ws::PresenceStatus::Offline)
        })
        .await
    );
    drop(dan_ws);
    let (_, skipped) = status_of(&mut cyd_ws, dan_t.user.id).await;
    assert!(
        about(&skipped, ada_id).is_empty(),
        "cyd heard ada: {skipped:?}"
    );
}

#[tokio::test]
async fn privacy_reads_defaults_changes_fields_and_reaches_other_devices() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    assert_eq!(ada.privacy().await.unwrap(), Privacy::default());
    let phone = server.client();
    phone.login("ada", testkit::password()).await.unwrap();
    let (mut phone_ws, _) = connect(&phone).await;
    let now = ada
        .set_privacy(&UpdatePrivacyRequest {
            searchable: Some(false),
            direct_chats: Some(DirectChatsFrom::Contacts),
            ..UpdatePrivacyRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(
        now,
        Privacy {
            searchable: false,
            direct_chats: DirectChatsFrom::Contacts,
            ..Privacy::default()
        }
    );
    assert_eq!(phone.privacy().await.unwrap(), now);
    let (event, _) = expect(&mut phone_ws, "settings:updated").await;
    assert_eq!(event.data["privacy"]["searchable"], false);
    assert_eq!(event.data["privacy"]["directChats"], "contacts");
    // `{}` changes nothing; bad values and unknown fields get the documented 400.
    assert_eq!(
        ada.set_privacy(&UpdatePrivacyRequest::default())
            .await
            .unwrap(),
        now
    );
    for body in [
        serde_json::json!({"presence": "friends"}),
        serde_json::json!({"searchable": "no"}),
        serde_json::json!({"lastSeen": "nobody"}),
        serde_json::json!({"directChats": "nobody"}),
    ] {
        let resp = ada
            .request(reqwest::Method::PUT, "/api/users/me/privacy")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let err: common::ErrorResponse = resp.json().await.unwrap();
        assert_eq!(err.error.code, ErrorCode::ValidationError);
    }
    assert_eq!(ada.privacy().await.unwrap(), now);
    // Without a token: 401.
    assert_eq!(
        code(server.client().privacy().await),
        ErrorCode::Unauthorized
    );
}

#[tokio::test]
async fn search_direct_chats_and_contact_requests_follow_the_settings() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cyd, _) = server.user("cyd").await;
    let ada_id = ada_t.user.id;
    // Bob and Ada already have a direct chat.
    let existing = direct(&bob, ada_id).await;
    ada.set_privacy(&UpdatePrivacyRequest {
        searchable: Some(false),
        direct_chats: Some(DirectChatsFrom::Contacts),
        contact_requests: Some(ContactRequestsFrom::Nobody),
        presence: None,
    })
    .await
    .unwrap();

    // Search: strangers do not find her; she finds herself.
    let found =
        |page: common::api::Page<common::api::User>| page.items.iter().any(|u| u.id == ada_id);
    assert!(!found(cyd.search_users("ad", None, None).await.unwrap()));
    assert!(found(ada.search_users("ad", None, None).await.unwrap()));
    // A new direct chat from a stranger: 403 with the documented message.
    let refused = cyd
        .send::<common::api::ChatDetail>(
            cyd.request(reqwest::Method::POST, "/api/chats/direct")
                .json(&serde_json::json!({"userId": ada_id})),
        )
        .await
        .unwrap_err();
    let body = refused.body().unwrap();
    assert_eq!(body.code, ErrorCode::Forbidden);
    assert_eq!(
        body.message,
        "this user accepts direct chats from contacts only"
    );
    // The chat Bob already has stays his.
    assert_eq!(direct(&bob, ada_id).await, existing);
    // Contact requests: refused to everyone...
    let refused = cyd
        .request_contact(&ContactRequest {
            user_id: ada_id,
            message: None,
        })
        .await;
    let err = refused.unwrap_err();
    assert_eq!(err.body().unwrap().code, ErrorCode::Forbidden);
    assert_eq!(
        err.body().unwrap().message,
        "this user does not accept contact requests"
    );
    // ...but she may still ask, and Bob may accept.
    befriend(&ada, &bob, bob_t.user.id).await;
    // Her contact finds her in search.
    assert!(found(bob.search_users("ad", None, None).await.unwrap()));
    assert!(!found(cyd.search_users("ad", None, None).await.unwrap()));
    // Once open again, Cyd can start a chat and ask.
    ada.set_privacy(&UpdatePrivacyRequest {
        searchable: Some(true),
        direct_chats: Some(DirectChatsFrom::Everyone),
        contact_requests: Some(ContactRequestsFrom::Everyone),
        presence: None,
    })
    .await
    .unwrap();
    direct(&cyd, ada_id).await;
    assert!(found(cyd.search_users("ad", None, None).await.unwrap()));
    cyd.request_contact(&ContactRequest {
        user_id: ada_id,
        message: None,
    })
    .await
    .unwrap();
}
