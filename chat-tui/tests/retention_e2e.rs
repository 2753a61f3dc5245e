//! Retention through the client against a real chatd: `/retention` sets the open group's
//! own retention (a value longer than the server's is refused with the server's reason),
//! and a prune reaches the open chat live as `chat:pruned`, emptying its messages. The
//! server's job judges messages two days ahead (`retention.clock_offset_secs`), so nothing
//! waits for time to pass.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::state::ConnState;
use common::api::CreateGroupRequest;
use support::Driver;
use testkit::chat::post;
use testkit::{TestServer, test_config};

#[tokio::test]
async fn retention_is_set_from_the_client_and_a_prune_empties_the_open_chat() {
    let mut config = test_config();
    config.retention.message_days = Some(30);
    config.retention.allow_chat_override = true;
    config.retention.clock_offset_secs = 2 * 24 * 3600;
    config.retention.interval_secs = 3600;
    let server = TestServer::with_config(config).await;
    let (rest, _) = server.user("ada").await;
    let chat = rest
        .create_group(&CreateGroupRequest {
            name: "Ephemeral".into(),
            slug: None,
            participant_ids: Vec::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .chat
        .id;
    post(&rest, chat, "first", "r-1").await;
    post(&rest, chat, "second", "r-2").await;

    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "ada").await;
    let mut ada = Driver::start(&server.base_url, file);
    ada.until("the group open with its messages", |s| {
        s.conn == ConnState::Connected
            && s.selected == Some(chat)
            && s.current()
                .is_some_and(|c| c.messages.iter().filter(|m| m.content.is_some()).count() == 2)
    })
    .await;

    ada.send_text("/retention 40");
    ada.until("the server's refusal", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("must be between 1 and 30"))
    })
    .await;
    ada.send_text("/retention 1");
    ada.until("the change confirmed", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("older than 1 days"))
    })
    .await;
    assert_eq!(rest.chat(chat).await.unwrap().chat.retention_days, Some(1));

    let report = server.retention().run_pass().await.unwrap();
    assert_eq!(report.messages, 2);
    ada.until("the open chat emptied by chat:pruned", |s| {
        s.current().is_some_and(|c| {
            c.messages.len() == 2 && c.messages.iter().all(|m| m.deleted && m.content.is_none())
        })
    })
    .await;
    let screen = ada.render(80, 24);
    assert!(!screen.contains("second"), "{screen}");
}
