//! Groups found and joined from the client against a real chatd, through the client's own
//! network task and reducer: `/join` with an invite link opens the group, `/groups` lists a
//! public group and Enter joins it, `/link` by a plain member shows the server's refusal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::state::overlay::Overlay;
use chat_tui::state::{ConnState, Event};
use common::api::{CreateGroupInviteRequest, CreateGroupRequest, Visibility};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::Driver;
use testkit::TestServer;

#[tokio::test]
async fn join_by_link_and_from_the_directory_and_link_is_for_admins() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob_t) = server.user("bob").await;
    let private = ada
        .create_group(&CreateGroupRequest {
            name: "Backroom".into(),
            ..CreateGroupRequest::default()
        })
        .await
        .unwrap();
    let public = ada
        .create_group(&CreateGroupRequest {
            name: "Lobby".into(),
            description: Some("say hi".into()),
            visibility: Some(Visibility::Public),
            ..CreateGroupRequest::default()
        })
        .await
        .unwrap();
    let invite = ada
        .create_group_invite(private.chat.id, &CreateGroupInviteRequest::default())
        .await
        .unwrap();

    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let mut bob = Driver::start(&server.base_url, file);
    bob.until("connected", |s| s.conn == ConnState::Connected)
        .await;

    bob.send_text(&format!("/join {}", invite.link.unwrap()));
    bob.until("the private group open", |s| {
        s.selected == Some(private.chat.id)
    })
    .await;

    bob.send_text("/groups lob");
    bob.until("the directory answered", |s| {
        matches!(&s.overlay, Some(Overlay::Directory(o))
            if o.groups.as_ref().is_some_and(|g| g.iter().any(|g| g.id == public.chat.id)))
    })
    .await;
    assert!(bob.render(100, 30).contains("say hi"));
    bob.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    bob.until("the public group open", |s| {
        s.selected == Some(public.chat.id)
    })
    .await;

    // A plain member gets no invite link, and is told why.
    bob.send_text("/link");
    bob.until("the refusal", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("only admins can create invite links"))
    })
    .await;

    // Both joins are the server's truth.
    for chat in [private.chat.id, public.chat.id] {
        let detail = ada.chat(chat).await.unwrap();
        assert!(
            detail
                .participants
                .iter()
                .any(|p| p.user.id == bob_t.user.id)
        );
    }
}
