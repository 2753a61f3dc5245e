//! The REST client's calls for search, contacts, blocks, mutes, do-not-disturb, links and
//! member roles (common/src/client/{search,social}.rs), against a real chatd: what the
//! terminal client sends is what the server takes, and the answers decode.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::ErrorCode;
use common::api::{
    ContactRequest, ContactStatus, FOREVER, MarkNotificationsRead, NotificationKind, Role,
    SilenceRequest,
};
use common::client::PageAt;
use common::client::search::MessageSearch;
use social_support::{code, group};
use testkit::TestServer;
use testkit::chat::{direct, post};

#[tokio::test]
async fn search_pages_and_scopes_and_the_hit_opens_with_its_context() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob_t) = server.user("bob").await;
    let ops = group(&ada, "Ops", Some("ops-room"), &[bob_t.user.id])
        .await
        .chat
        .id;
    let other = group(&ada, "Other", None, &[]).await.chat.id;
    let mut sent = Vec::new();
    for i in 0..30 {
        let text = if i % 3 == 0 {
            format!("deploy {i} failed on staging")
        } else {
            format!("deploy {i} failed")
        };
        sent.push(post(&ada, ops, &text, &format!("o{i}")).await);
    }
    post(&ada, other, "deploy failed elsewhere", "x").await;

    let mut search = MessageSearch {
        q: "\"deploy\" failed -staging".into(),
        chat_id: Some(ops),
        limit: Some(8),
        ..MessageSearch::default()
    };
    let mut found = Vec::new();
    loop {
        let page = ada.search_messages(&search).await.unwrap();
        assert!(page.results.iter().all(|h| h.message.chat_id == ops));
        assert!(page.results.iter().all(|h| !h.snippet.contains("staging")));
        found.extend(page.results.into_iter().map(|h| h.message.id));
        match page.next_cursor {
            Some(cursor) => search.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(found.len(), 20);
    let everywhere = ada
        .search_messages(&MessageSearch {
            q: "elsewhere".into(),
            ..MessageSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(everywhere.results.len(), 1);
    assert_eq!(everywhere.results[0].message.chat_id, other);

    // A hit's message opens with the messages around it.
    let target = sent[15].message_id;
    let page = ada
        .messages(ops, PageAt::Around(target), Some(6))
        .await
        .unwrap();
    assert!(page.messages.iter().any(|m| m.id == target));
    assert!(page.has_more_before && page.has_more_after);

    // Its link resolves to it, by the slug.
    let link = ada.message_link(target).await.unwrap();
    assert!(link.link.contains("/c/ops-room/m/"), "{}", link.link);
    let resolved = ada.resolve_link(&link.link).await.unwrap();
    assert_eq!((resolved.chat_id, resolved.message_id), (ops, Some(target)));
    let resolved = ada.resolve_link(&link.web_link).await.unwrap();
    assert_eq!(resolved.message_id, Some(target));
    assert_eq!(
        code(ada.resolve_link("chat://h/c/nope!/m/x").await),
        ErrorCode::ValidationError
    );
}

#[tokio::test]
async fn contacts_blocks_mutes_and_roles_through_the_client() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (cy, cy_t) = server.user("cyd").await;

    // ada asks bob, bob accepts; ada asks cy, cy declines; bob asks cy and cancels.
    let asked = ada
        .request_contact(&ContactRequest {
            user_id: bob_t.user.id,
            message: Some("hi".into()),
        })
        .await
        .unwrap();
    let pending = bob.pending_contacts().await.unwrap();
    assert_eq!(pending.incoming[0].id, asked.id);
    let accepted = bob.accept_contact(asked.id).await.unwrap();
    assert_eq!(accepted.status, ContactStatus::Accepted);
    // The acceptance is a notification of ada's, unread until she marks all read.
    let notes = ada.notifications().await.unwrap();
    assert_eq!(
        notes.notifications[0].kind,
        NotificationKind::ContactAccepted
    );
    assert_eq!(notes.unread_count, 1);
    let marked = ada
        .mark_notifications_read(&MarkNotificationsRead::default())
        .await
        .unwrap();
    assert_eq!((marked.marked, marked.unread_count), (1, 0));
    let notes = ada.notifications().await.unwrap();
    assert!(notes.notifications[0].read_at.is_some());
    assert_eq!(notes.unread_count, 0);
    let to_cy = ada
        .request_contact(&ContactRequest {
            user_id: cy_t.user.id,
            message: None,
        })
        .await
        .unwrap();
    cy.decline_contact(to_cy.id).await.unwrap();
    let bob_to_cy = bob
        .request_contact(&ContactRequest {
            user_id: cy_t.user.id,
            message: None,
        })
        .await
        .unwrap();
    bob.cancel_contact(bob_to_cy.id).await.unwrap();
    assert!(ada.pending_contacts().await.unwrap().outgoing.is_empty());
    assert!(cy.pending_contacts().await.unwrap().incoming.is_empty());
    let contacts = ada.contacts().await.unwrap().contacts;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].user.username, "bob");
    ada.remove_contact(contacts[0].id).await.unwrap();
    assert!(bob.contacts().await.unwrap().contacts.is_empty());

    // Blocks.
    ada.block(cy_t.user.id).await.unwrap();
    let blocks = ada.blocks().await.unwrap().blocks;
    assert_eq!(blocks[0].user.username, "cyd");
    assert_eq!(
        code(
            cy.request_contact(&ContactRequest {
                user_id: ada_t.user.id,
                message: None,
            })
            .await
        ),
        ErrorCode::Blocked
    );
    ada.unblock(cy_t.user.id).await.unwrap();
    assert!(ada.blocks().await.unwrap().blocks.is_empty());

    // Mute shows in the chat list; do-not-disturb in the settings.
    let chat = direct(&ada, bob_t.user.id).await;
    let until = time::OffsetDateTime::now_utc() + time::Duration::hours(8);
    let silence = ada
        .mute_chat(
            chat,
            &SilenceRequest {
                until: Some(until),
                forever: false,
            },
        )
        .await
        .unwrap();
    assert!(silence.active && !silence.forever);
    let listed = ada.chats().await.unwrap().chats;
    let muted = listed.iter().find(|c| c.id == chat).unwrap().muted_until;
    assert_eq!(
        muted.map(time::OffsetDateTime::unix_timestamp),
        Some(until.unix_timestamp())
    );
    ada.unmute_chat(chat).await.unwrap();
    let listed = ada.chats().await.unwrap().chats;
    assert!(
        listed
            .iter()
            .find(|c| c.id == chat)
            .unwrap()
            .muted_until
            .is_none()
    );
    let dnd = ada
        .set_dnd(&SilenceRequest {
            until: None,
            forever: true,
        })
        .await
        .unwrap();
    assert_eq!(dnd.until, Some(FOREVER));
    assert!(ada.notification_settings().await.unwrap().dnd.active);
    ada.end_dnd().await.unwrap();
    assert!(!ada.notification_settings().await.unwrap().dnd.active);

    // Roles: the owner makes bob an admin, then hands the group to him.
    let team = group(&ada, "Team", None, &[bob_t.user.id, cy_t.user.id])
        .await
        .chat
        .id;
    ada.set_role(team, bob_t.user.id, Role::Admin)
        .await
        .unwrap();
    assert_eq!(
        code(bob.set_role(team, cy_t.user.id, Role::Admin).await),
        ErrorCode::Forbidden
    );
    ada.transfer_ownership(team, bob_t.user.id).await.unwrap();
    let detail = bob.chat(team).await.unwrap();
    let role = |name: &str| {
        detail
            .participants
            .iter()
            .find(|p| p.user.username == name)
            .unwrap()
            .role
    };
    assert_eq!((role("bob"), role("ada")), (Role::Owner, Role::Admin));
}
