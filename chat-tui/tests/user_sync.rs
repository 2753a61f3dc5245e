//! The user-event cursor against a real chatd (protocol.md client rule 13): what happens to
//! the user's contacts, blocks and notifications while a client is away arrives by `sync`
//! from its `userSeq` on reconnect, with no reload of the lists; and what another device of
//! the same user does shows live.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::state::social::{SocialCommand, SocialEvent};
use chat_tui::state::{Command, ConnState, Event, NetEvent};
use common::api::ContactRequest;
use support::Driver;
use testkit::TestServer;

fn reloads(commands: &[Command]) -> usize {
    commands
        .iter()
        .filter(|c| {
            matches!(
                c,
                Command::Social(SocialCommand::LoadContacts | SocialCommand::LoadNotifications)
            )
        })
        .count()
}

#[tokio::test]
async fn a_contact_request_made_while_away_arrives_by_the_user_cursor_without_a_reload() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob_tokens) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let mut bob = Driver::start(&server.base_url, file);
    bob.until("the first connect with a user cursor", |s| {
        s.conn == ConnState::Connected && s.user_cursor.seq.is_some() && s.social.book.loaded
    })
    .await;
    let cursor = bob.state.user_cursor.seq;

    bob.disconnect();
    ada.request_contact(&ContactRequest {
        user_id: bob_tokens.user.id,
        message: Some("hi bob".into()),
    })
    .await
    .unwrap();
    bob.reconnect();
    bob.until("the request made while away", |s| {
        s.social
            .book
            .incoming
            .iter()
            .any(|c| c.user.username == "ada")
    })
    .await;
    assert!(
        bob.commands.contains(&Command::SyncUser(cursor)),
        "caught up from its cursor {cursor:?}: {:?}",
        bob.commands
    );
    assert_eq!(reloads(&bob.commands), 0, "{:?}", bob.commands);
    assert!(bob.state.user_cursor.seq > cursor);
}

#[tokio::test]
async fn a_block_from_another_device_of_the_user_shows_live_and_moves_the_cursor() {
    let server = TestServer::start().await;
    let (ada, ada_tokens) = server.user("ada").await;
    let (bob_phone, bob_tokens) = server.user("bob").await;
    // A direct chat, so that bob's client knows ada by name.
    testkit::chat::direct(&ada, bob_tokens.user.id).await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let mut bob = Driver::start(&server.base_url, file);
    bob.until("the first connect with a user cursor", |s| {
        s.conn == ConnState::Connected && s.user_cursor.seq.is_some() && s.social.book.loaded
    })
    .await;
    let before = bob.state.user_cursor.seq.unwrap();
    bob.commands.clear();
    bob_phone.block(ada_tokens.user.id).await.unwrap();
    bob.until("the block made on the phone", |s| {
        s.social
            .book
            .blocks
            .iter()
            .any(|b| b.user.id == ada_tokens.user.id)
    })
    .await;
    assert_eq!(bob.state.user_cursor.seq, Some(before + 1));
    assert!(bob.state.conn == ConnState::Connected);
    assert_eq!(reloads(&bob.commands), 0, "{:?}", bob.commands);
}

/// A mute set on another device (the phone) shows live: chatd records a `settings:updated`
/// user event and the client reads its settings again. (Failed before chatd had the event:
/// the client learnt it only at its next connect.)
#[tokio::test]
async fn a_mute_set_on_another_device_shows_live() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob_phone, bob_tokens) = server.user("bob").await;
    let chat = testkit::chat::direct(&ada, bob_tokens.user.id).await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let mut bob = Driver::start(&server.base_url, file);
    // The settings read at connect are in before the phone mutes: only a live event could
    // tell bob's client now.
    bob.until_seen("the settings read at connect", |e| {
        matches!(
            e,
            Event::Net(NetEvent::Social(SocialEvent::Settings { .. }))
        )
    })
    .await;
    assert!(bob.state.chats.iter().any(|c| c.id() == chat));
    bob_phone
        .mute_chat(
            chat,
            &common::api::SilenceRequest {
                until: None,
                forever: true,
            },
        )
        .await
        .unwrap();
    bob.until("the mute made on the phone", |s| {
        s.chats
            .iter()
            .any(|c| c.id() == chat && c.chat.muted_until.is_some())
    })
    .await;
}
