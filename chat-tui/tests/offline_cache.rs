//! The offline cache against a real chatd: a start with the server down draws the cached
//! chat list and the last open chat, marked offline; sends typed offline survive a restart
//! and go out once, in order, when the server is back; edits and deletes made while away
//! reach the cache by sync and a deleted message's text leaves the file; the per-chat
//! bound holds; `chat-tui cache clear` empties it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use std::path::Path;

use chat_tui::state::ConnState;
use common::api::EditMessageRequest;
use common::client::Client;
use common::client::PageAt;
use common::{ChatId, UserId};
use support::Driver;
use testkit::TestServer;

/// Ada, bob and their direct chat with three messages from ada; bob's client logged in.
async fn world(server: &TestServer, dir: &Path) -> (Client, UserId, ChatId) {
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = testkit::chat::direct(&ada, bob.user.id).await;
    for i in 1..=3 {
        testkit::chat::post(&ada, chat, &format!("hello from ada {i}"), &format!("a{i}")).await;
    }
    support::login(server, dir, "bob").await;
    (ada, bob.user.id, chat)
}

fn loaded(chat: ChatId) -> impl FnMut(&chat_tui::state::AppState) -> bool {
    move |s| {
        s.conn == ConnState::Connected
            && s.selected == Some(chat)
            && s.current().is_some_and(|c| c.loaded)
    }
}

async fn texts(client: &Client, chat: ChatId) -> Vec<String> {
    let page = client
        .messages(chat, PageAt::Latest, Some(100))
        .await
        .unwrap();
    page.messages
        .into_iter()
        .filter_map(|m| m.content)
        .collect()
}

#[tokio::test]
async fn a_start_with_the_server_down_draws_the_cached_chats_marked_offline() {
    let db = testkit::fresh_db().await;
    let server = TestServer::on(testkit::test_config(), db.options()).await;
    let dir = testkit::temp_dir();
    let (_ada, _, chat) = world(&server, dir.path()).await;
    let file = chat_tui::session::SessionFile::new(dir.path(), "default");
    let path = dir.path().join("default.cache.sqlite");
    let mut bob = Driver::start_cached(&server.base_url, file.clone(), &path, 2_000);
    bob.until("the chat loaded", loaded(chat)).await;
    bob.flush().await;
    bob.disconnect();
    let base_url = server.base_url.clone();
    server.stop().await.unwrap();

    // Nothing answers now: the screen comes from the cache before any network event.
    let mut bob = Driver::start_cached(&base_url, file, &path, 2_000);
    let screen = bob.render(100, 30);
    assert!(screen.contains("ada"), "{screen}");
    assert!(screen.contains("hello from ada 3"), "{screen}");
    assert!(screen.contains("@bob"), "{screen}");
    bob.until("the failed connect", |s| {
        matches!(s.conn, ConnState::Reconnecting { .. })
    })
    .await;
    let screen = bob.render(100, 30);
    assert!(screen.contains("offline"), "{screen}");
    assert!(screen.contains("hello from ada 1"), "{screen}");
    // Mode 0600: it holds the user's messages.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_first_start_with_nothing_cached_and_the_server_down_says_why_and_retries() {
    let server = TestServer::start().await;
    server.user("bob").await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let base_url = server.base_url.clone();
    server.stop().await.unwrap();
    let path = dir.path().join("default.cache.sqlite");
    let mut bob = Driver::start_cached(&base_url, file, &path, 2_000);
    bob.until("the failed connect", |s| {
        matches!(s.conn, ConnState::Reconnecting { .. }) && s.notice.is_some()
    })
    .await;
    for (w, h) in [(80, 24), (40, 2), (20, 1)] {
        let screen = bob.render(w, h);
        if h == 24 {
            assert!(screen.contains("cannot reach the server at"), "{screen}");
            assert!(screen.contains("offline · reconnecting in"), "{screen}");
        }
    }
}

#[tokio::test]
async fn sends_typed_offline_survive_a_restart_and_go_out_once_in_order() {
    let db = testkit::fresh_db().await;
    let server = TestServer::on(testkit::test_config(), db.options()).await;
    let dir = testkit::temp_dir();
    let (ada, _, chat) = world(&server, dir.path()).await;
    let file = chat_tui::session::SessionFile::new(dir.path(), "default");
    let path = dir.path().join("default.cache.sqlite");
    let mut bob = Driver::start_cached(&server.base_url, file.clone(), &path, 2_000);
    bob.until("the chat loaded", loaded(chat)).await;
    bob.flush().await;
    bob.disconnect();
    let mut config = server.config.clone();
    config.listen = server.addr;
    let base_url = server.base_url.clone();
    server.stop().await.unwrap();

    let mut bob = Driver::start_cached(&base_url, file.clone(), &path, 2_000);
    bob.until("the failed connect", |s| {
        matches!(s.conn, ConnState::Reconnecting { .. })
    })
    .await;
    for text in ["offline one", "offline two", "offline three"] {
        bob.send_text(text);
    }
    assert_eq!(bob.state.current().unwrap().pending.len(), 3);
    bob.flush().await;
    bob.disconnect();
    drop(bob);

    // A restart, still offline: the queue comes back from the cache, in order.
    let mut bob = Driver::start_cached(&base_url, file, &path, 2_000);
    let pending: Vec<String> = bob
        .state
        .current()
        .unwrap()
        .pending
        .iter()
        .map(|p| p.content.clone())
        .collect();
    assert_eq!(pending, ["offline one", "offline two", "offline three"]);

    let _server = TestServer::on(config, db.options()).await;
    bob.until("the queue delivered", |s| {
        s.conn == ConnState::Connected && s.current().is_some_and(|c| c.pending.is_empty())
    })
    .await;
    let on_server = texts(&ada, chat).await;
    assert_eq!(
        on_server,
        [
            "hello from ada 1",
            "hello from ada 2",
            "hello from ada 3",
            "offline one",
            "offline two",
            "offline three"
        ]
    );
    bob.flush().await;
    let outbox = chat_tui::cache::Store::open(&path, 2_000)
        .unwrap()
        .load()
        .unwrap()
        .outbox;
    assert!(outbox.is_empty(), "{outbox:?}");
    // Another start sends nothing again.
    bob.disconnect();
    bob.reconnect();
    bob.until("connected again", |s| s.conn == ConnState::Connected)
        .await;
    assert_eq!(texts(&ada, chat).await.len(), 6);
}

#[tokio::test]
async fn edits_and_deletes_made_while_away_reach_the_cache_and_deleted_text_leaves_the_file() {
    let server = TestServer::start().await;
    let dir = testkit::temp_dir();
    let (ada, _, chat) = world(&server, dir.path()).await;
    let doomed = testkit::chat::post(&ada, chat, "the secret plan is 4417", "d1").await;
    let typo = testkit::chat::post(&ada, chat, "a tpyo here", "t1").await;
    let file = chat_tui::session::SessionFile::new(dir.path(), "default");
    let path = dir.path().join("default.cache.sqlite");
    let mut bob = Driver::start_cached(&server.base_url, file, &path, 2_000);
    bob.until("the chat loaded", loaded(chat)).await;
    bob.flush().await;
    let raw = std::fs::read(&path).unwrap();
    assert!(contains(&raw, "the secret plan is 4417"), "cached first");

    bob.disconnect();
    ada.edit_message(
        typo.message_id,
        &EditMessageRequest {
            content: "no typo here".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    ada.delete_message(doomed.message_id).await.unwrap();
    bob.reconnect();
    bob.until("the edit and the delete by sync", |s| {
        s.current().is_some_and(|c| {
            c.message(doomed.message_id).is_some_and(|m| m.deleted)
                && c.message(typo.message_id)
                    .is_some_and(|m| m.content.as_deref() == Some("no typo here"))
        })
    })
    .await;
    bob.flush().await;
    let snapshot = chat_tui::cache::Store::open(&path, 2_000)
        .unwrap()
        .load()
        .unwrap();
    let (_, messages) = snapshot
        .chats
        .iter()
        .find(|(row, _)| row.chat.id == chat)
        .unwrap();
    let deleted = messages.iter().find(|m| m.id == doomed.message_id).unwrap();
    assert!(deleted.deleted && deleted.content.is_none());
    let edited = messages.iter().find(|m| m.id == typo.message_id).unwrap();
    assert_eq!(edited.content.as_deref(), Some("no typo here"));
    let raw = std::fs::read(&path).unwrap();
    assert!(
        !contains(&raw, "the secret plan is 4417"),
        "deleted text in the file"
    );
    assert!(!contains(&raw, "a tpyo here"), "replaced text in the file");
    assert!(contains(&raw, "no typo here"));
}

#[tokio::test]
async fn the_cache_keeps_at_most_the_bound_per_chat_and_cache_clear_empties_it() {
    let server = TestServer::start().await;
    let dir = testkit::temp_dir();
    let (ada, _, chat) = world(&server, dir.path()).await;
    for i in 4..=12 {
        testkit::chat::post(&ada, chat, &format!("hello from ada {i}"), &format!("a{i}")).await;
    }
    let file = chat_tui::session::SessionFile::new(dir.path(), "default");
    let path = dir.path().join("default.cache.sqlite");
    let mut bob = Driver::start_cached(&server.base_url, file, &path, 5);
    bob.until("the chat loaded", loaded(chat)).await;
    testkit::chat::post(&ada, chat, "hello from ada 13", "a13").await;
    bob.until("the live message", |s| {
        s.current()
            .and_then(|c| c.messages.last())
            .is_some_and(|m| m.content.as_deref() == Some("hello from ada 13"))
    })
    .await;
    bob.flush().await;
    let held = |path: &Path| {
        let snapshot = chat_tui::cache::Store::open(path, 5)
            .unwrap()
            .load()
            .unwrap();
        snapshot
            .chats
            .iter()
            .find(|(row, _)| row.chat.id == chat)
            .map(|(_, m)| {
                m.iter()
                    .filter_map(|m| m.content.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        held(&path),
        (9..=13)
            .map(|i| format!("hello from ada {i}"))
            .collect::<Vec<_>>()
    );
    bob.disconnect();
    drop(bob);

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_chat-tui"))
        .args(["cache", "clear"])
        .env("CHAT_TUI_CONFIG_DIR", dir.path())
        .env("CHAT_TUI_DATA_DIR", dir.path())
        .env_remove("CHAT_PROFILE")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (chats, messages) = chat_tui::cache::Store::open(&path, 5)
        .unwrap()
        .counts()
        .unwrap();
    assert_eq!((chats, messages), (0, 0));
    assert!(!contains(&std::fs::read(&path).unwrap(), "hello from ada"));
    // The session is untouched: only the cache went.
    assert!(dir.path().join("default.session.json").exists());
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
