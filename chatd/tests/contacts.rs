//! Contacts over REST and WebSocket: requests reach the other side live and after a
//! reconnect (sync by userSeq); accept, decline, cancel and remove; a reverse request
//! accepts; the cap on pending requests; the contacts-only policy for direct chats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::ErrorCode;
use common::api::{
    Contact, ContactList, ContactStatus, CreateDirectRequest, NotificationKind, NotificationPage,
    PendingContacts,
};
use reqwest::Method;
use serde_json::json;
use social_support::{call, code, status, sync_user, user_event_kinds};
use testkit::ws::{connect, expect};
use testkit::{TestServer, test_config};

#[tokio::test]
async fn a_request_and_its_acceptance_reach_the_other_side_live_and_after_reconnect() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (mut bob_ws, _) = connect(&bob).await;

    let (status_code, request): (u16, Contact) = {
        let resp = ada
            .request(Method::POST, "/api/contacts")
            .json(&json!({"userId": bob_t.user.id, "message": "hi, it's ada"}))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    };
    assert_eq!(status_code, 201);
    assert_eq!(request.status, ContactStatus::Pending);
    assert!(request.outgoing);
    assert_eq!(request.user.username, "bob");

    let (live, _) = expect(&mut bob_ws, "contact:request").await;
    assert_eq!(live.data["contact"]["id"], request.id.to_string());
    assert_eq!(live.data["contact"]["outgoing"], false);
    assert_eq!(live.data["contact"]["user"]["username"], "ada");
    assert_eq!(live.data["contact"]["message"], "hi, it's ada");
    let bob_seq = live.data["userSeq"].as_i64().unwrap();
    let (note, _) = expect(&mut bob_ws, "notification:new").await;
    assert_eq!(note.data["notification"]["kind"], "contact_request");

    let pending: PendingContacts = call(&bob, Method::GET, "/api/contacts/pending", None)
        .await
        .unwrap();
    assert_eq!(pending.incoming.len(), 1);
    assert!(pending.outgoing.is_empty());
    let pending: PendingContacts = call(&ada, Method::GET, "/api/contacts/pending", None)
        .await
        .unwrap();
    assert_eq!(pending.outgoing[0].id, request.id);

    // Ada is offline while Bob accepts; she learns it when she syncs.
    let ada_before = sync_user(&ada, 0).await;
    let ada_seq = ada_before.user.as_ref().unwrap().last_seq;
    let accepted: Contact = call(
        &bob,
        Method::PUT,
        &format!("/api/contacts/{}/accept", request.id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(accepted.status, ContactStatus::Accepted);
    assert!(accepted.accepted_at.is_some());
    let (live, _) = expect(&mut bob_ws, "contact:accepted").await;
    assert!(live.data["userSeq"].as_i64().unwrap() > bob_seq);

    let missed = sync_user(&ada, ada_seq).await;
    assert_eq!(
        user_event_kinds(&missed),
        ["contact:accepted", "notification:new"]
    );
    let everything = sync_user(&ada, 0).await;
    let user = everything.user.as_ref().unwrap();
    let seqs: Vec<i64> = user.events.iter().map(|e| e.user_seq().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=user.last_seq).collect::<Vec<_>>(),
        "gap-free, in order"
    );

    for (client, other) in [(&ada, "bob"), (&bob, "ada")] {
        let list: ContactList = call(client, Method::GET, "/api/contacts", None)
            .await
            .unwrap();
        assert_eq!(list.contacts.len(), 1);
        assert_eq!(list.contacts[0].user.username, other);
        assert_eq!(list.contacts[0].status, ContactStatus::Accepted);
    }
    let ada_notes: NotificationPage = call(&ada, Method::GET, "/api/notifications", None)
        .await
        .unwrap();
    assert_eq!(
        ada_notes.notifications[0].kind,
        NotificationKind::ContactAccepted
    );
    assert_eq!(ada_notes.notifications[0].actor_id, Some(bob_t.user.id));
    let _ = ada_t;
}

#[tokio::test]
async fn decline_cancel_remove_and_a_reverse_request_follow_the_rules() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let ask = |client: &common::client::Client, who: common::UserId| {
        let client = client.clone();
        async move {
            call::<Contact>(
                &client,
                Method::POST,
                "/api/contacts",
                Some(json!({"userId": who})),
            )
            .await
        }
    };

    // Decline: gone for both; the requester may ask again.
    let first = ask(&ada, bob_t.user.id).await.unwrap();
    assert_eq!(
        code(ask(&ada, ada_t.user.id).await),
        ErrorCode::ValidationError,
        "not oneself"
    );
    let again = ask(&ada, bob_t.user.id).await.unwrap();
    assert_eq!(
        again.id, first.id,
        "asking twice returns the pending request"
    );
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/contacts/{}/accept", first.id),
            None
        )
        .await,
        403,
        "the requester cannot accept"
    );
    assert_eq!(
        status(
            &bob,
            Method::PUT,
            &format!("/api/contacts/{}/cancel", first.id),
            None
        )
        .await,
        404,
        "the addressee cannot cancel"
    );
    let (mut ada_ws, _) = connect(&ada).await;
    assert_eq!(
        status(
            &bob,
            Method::PUT,
            &format!("/api/contacts/{}/decline", first.id),
            None
        )
        .await,
        204
    );
    let (removed, _) = expect(&mut ada_ws, "contact:removed").await;
    assert_eq!(removed.data["reason"], "declined");
    for client in [&ada, &bob] {
        let pending: PendingContacts = call(client, Method::GET, "/api/contacts/pending", None)
            .await
            .unwrap();
        assert!(pending.incoming.is_empty() && pending.outgoing.is_empty());
    }
    assert_eq!(
        status(
            &bob,
            Method::PUT,
            &format!("/api/contacts/{}/accept", first.id),
            None
        )
        .await,
        404,
        "a declined request cannot be accepted"
    );

    // Cancel.
    let second = ask(&ada, bob_t.user.id).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/contacts/{}/cancel", second.id),
            None
        )
        .await,
        204
    );
    let pending: PendingContacts = call(&bob, Method::GET, "/api/contacts/pending", None)
        .await
        .unwrap();
    assert!(pending.incoming.is_empty());

    // A request to someone who asked you accepts theirs.
    let third = ask(&ada, bob_t.user.id).await.unwrap();
    let resp = bob
        .request(Method::POST, "/api/contacts")
        .json(&json!({"userId": ada_t.user.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let contact: Contact = resp.json().await.unwrap();
    assert_eq!(contact.id, third.id);
    assert_eq!(contact.status, ContactStatus::Accepted);
    assert_eq!(
        code(ask(&ada, bob_t.user.id).await),
        ErrorCode::Conflict,
        "contacts already"
    );
    let chat_with_unknown = ask(&ada, common::UserId::new()).await;
    assert_eq!(code(chat_with_unknown), ErrorCode::NotFound);

    // Remove: either side, gone for both.
    assert_eq!(
        status(
            &bob,
            Method::DELETE,
            &format!("/api/contacts/{}", third.id),
            None
        )
        .await,
        204
    );
    for client in [&ada, &bob] {
        let list: ContactList = call(client, Method::GET, "/api/contacts", None)
            .await
            .unwrap();
        assert!(list.contacts.is_empty());
    }
    assert_eq!(
        status(
            &bob,
            Method::DELETE,
            &format!("/api/contacts/{}", third.id),
            None
        )
        .await,
        404
    );
    let long_note = "x".repeat(501);
    let err = call::<Contact>(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": bob_t.user.id, "message": long_note})),
    )
    .await
    .unwrap_err();
    assert_eq!(err.body().unwrap().details[0].field, "message");
}

#[tokio::test]
async fn outgoing_pending_requests_are_capped() {
    let mut config = test_config();
    config.contacts.max_pending_outgoing = 2;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let others = server.users_fast("peer", 3).await;
    let mut ids = Vec::new();
    for other in &others[..2] {
        let c: Contact = call(
            &ada,
            Method::POST,
            "/api/contacts",
            Some(json!({"userId": other})),
        )
        .await
        .unwrap();
        ids.push(c.id);
    }
    let third = call::<Contact>(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": others[2]})),
    )
    .await;
    let err = third.unwrap_err();
    assert_eq!(err.body().unwrap().code, ErrorCode::Conflict);
    assert!(err.body().unwrap().message.contains("pending"));
    assert_eq!(
        status(
            &ada,
            Method::PUT,
            &format!("/api/contacts/{}/cancel", ids[0]),
            None
        )
        .await,
        204
    );
    call::<Contact>(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": others[2]})),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn with_the_policy_on_direct_chats_need_a_contact() {
    let mut config = test_config();
    config.contacts.direct_chats_require_contact = true;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let direct = || {
        ada.send::<serde_json::Value>(ada.request(Method::POST, "/api/chats/direct").json(
            &CreateDirectRequest {
                user_id: bob_t.user.id,
            },
        ))
    };
    assert_eq!(code(direct().await), ErrorCode::Forbidden);
    let request: Contact = call(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(json!({"userId": bob_t.user.id})),
    )
    .await
    .unwrap();
    assert_eq!(
        code(direct().await),
        ErrorCode::Forbidden,
        "pending is not enough"
    );
    let _: Contact = call(
        &bob,
        Method::PUT,
        &format!("/api/contacts/{}/accept", request.id),
        None,
    )
    .await
    .unwrap();
    direct().await.unwrap();
}

#[tokio::test]
async fn pruned_user_events_make_an_older_cursor_reload_from_scratch() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cyd, _) = server.user("cyd").await;
    let request = |client: &common::client::Client| {
        client
            .request(Method::POST, "/api/contacts")
            .json(&json!({"userId": bob_t.user.id}))
            .send()
    };
    assert_eq!(request(&ada).await.unwrap().status().as_u16(), 201);
    let fresh = sync_user(&bob, 0).await;
    let user = fresh.user.as_ref().unwrap();
    assert_eq!(
        user_event_kinds(&fresh),
        ["contact:request", "notification:new"]
    );
    assert!(!user.cursor_expired);
    let old_seq = user.last_seq;

    // A month later the pruning removes them; nothing else of Bob's is kept.
    sqlx::query(
        "UPDATE user_events SET created_at = now() - interval '31 days' WHERE user_id = $1",
    )
    .bind(bob_t.user.id.as_uuid())
    .execute(server.store().pool())
    .await
    .unwrap();
    assert_eq!(
        chatd::user_events::prune(server.store(), 30).await.unwrap(),
        2
    );
    let gone = sync_user(&bob, 0).await;
    let user = gone.user.as_ref().unwrap();
    assert!(user.cursor_expired, "a cursor before the pruned events");
    assert!(user.events.is_empty());
    assert_eq!(user.last_seq, old_seq);
    // A client that had everything misses nothing.
    assert!(!sync_user(&bob, old_seq).await.user.unwrap().cursor_expired);

    // New events after the pruning: a cursor in the pruned range still has to reload, one
    // at the pruning point reads them.
    assert_eq!(request(&cyd).await.unwrap().status().as_u16(), 201);
    let behind = sync_user(&bob, old_seq - 1).await;
    assert!(behind.user.as_ref().unwrap().cursor_expired);
    assert!(behind.user.as_ref().unwrap().events.is_empty());
    let current = sync_user(&bob, old_seq).await;
    assert!(!current.user.as_ref().unwrap().cursor_expired);
    assert_eq!(
        user_event_kinds(&current),
        ["contact:request", "notification:new"]
    );
    // Ada's events are recent and kept.
    let ada_sync = sync_user(&ada, 0).await;
    assert!(!ada_sync.user.as_ref().unwrap().cursor_expired);
}
