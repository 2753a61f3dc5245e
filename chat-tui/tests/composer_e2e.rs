//! The composer against a real chatd: the client's reducer and its own network task, keys
//! typed as a user types them. Formatting markers arrive on the server as
//! `metadata.formatting` ranges and an edit shows and re-derives them; `/group "Launch
//! Team"` gets a slug from its name so `chat-tui send --to "Launch Team"` reaches it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use std::path::Path;
use std::time::Duration;

use chat_tui::config::NotifyRules;
use chat_tui::keymap::Keymap;
use chat_tui::session::SessionFile;
use chat_tui::state::{AppState, Command, Event, Screen};
use common::client::{Client, PageAt};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use testkit::TestServer;
use tokio::sync::mpsc;

/// Runs the real binary with the profile's directories and this server.
async fn chat_tui(dir: &Path, server: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_chat-tui"))
        .args(args)
        .env("CHAT_TUI_CONFIG_DIR", dir)
        .env("CHAT_TUI_DATA_DIR", dir)
        .env("CHAT_SERVER", server)
        .env_remove("CHAT_PROFILE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}

/// The client without a terminal: the reducer, fed by its real network task.
struct Tui {
    state: AppState,
    events: mpsc::UnboundedReceiver<Event>,
    net: mpsc::UnboundedSender<Command>,
}

impl Tui {
    async fn start(server: &TestServer, dir: &Path, username: &str) -> Self {
        let login = chat_tui(
            dir,
            &server.base_url,
            &[
                "login",
                "--register",
                "--username",
                username,
                "--password-stdin",
            ],
            &format!("{}\n", testkit::password()),
        )
        .await;
        assert!(login.status.success(), "{login:?}");
        let (events_tx, events) = mpsc::unbounded_channel();
        let file = SessionFile::new(dir, "default");
        let net = chat_tui::net::spawn(server.base_url.clone(), file, events_tx);
        let now = time::OffsetDateTime::now_utc();
        let mut client = Self {
            state: AppState::new(Keymap::default(), NotifyRules::default(), now),
            events,
            net,
        };
        client.run(Event::Resize(100, 30));
        client
            .until("the main screen", |s| s.screen == Screen::Main)
            .await;
        client
    }

    fn run(&mut self, event: Event) {
        for command in self.state.update(event) {
            // What the terminal loop would do itself (bell, clipboard...) is not needed here.
            if !matches!(
                command,
                Command::Notify { .. } | Command::Copy(_) | Command::Redraw
            ) {
                let _ = self.net.send(command);
            }
        }
    }

    async fn until(&mut self, what: &str, check: impl Fn(&AppState) -> bool) {
        let wait = async {
            while !check(&self.state) {
                match self.events.recv().await {
                    Some(event) => self.run(event),
                    None => panic!("the network task ended waiting for {what}"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("no {what} within 20 s; notice: {:?}", self.state.notice));
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.run(Event::Key(KeyEvent::new(code, modifiers)));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn enter(&mut self) {
        self.key(KeyCode::Enter, KeyModifiers::NONE);
    }

    fn composer(&self) -> String {
        self.state
            .current()
            .map(|c| c.composer.text().to_owned())
            .unwrap_or_default()
    }
}

async fn formatting_of(bob: &Client, chat: common::ChatId, content: &str) -> serde_json::Value {
    let page = bob.messages(chat, PageAt::Latest, Some(20)).await.unwrap();
    let m = page
        .messages
        .iter()
        .find(|m| m.content.as_deref() == Some(content))
        .unwrap_or_else(|| panic!("no message {content:?} in {:?}", page.messages));
    m.metadata["formatting"].clone()
}

#[tokio::test]
async fn markers_are_sent_as_formatting_ranges_and_an_edit_round_trips_them() {
    let server = TestServer::start().await;
    let (bob, _) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let mut ada = Tui::start(&server, dir.path(), "ada").await;
    // A first chat (the composer belongs to a chat): what `/dm bob` asks for.
    ada.net.send(Command::StartDirect("bob".into())).unwrap();
    ada.until("the direct chat with bob", |s| {
        s.current()
            .is_some_and(|c| c.chat.peer.is_some() && c.loaded)
    })
    .await;
    let chat = ada.state.current().unwrap().id();

    ada.type_text("**Ship** it: `make deploy`, not 2*3*4 or snake_case, _really_ ~~now~~");
    ada.enter();
    let content = "Ship it: make deploy, not 2*3*4 or snake_case, really now";
    ada.until("the message stored", |s| {
        s.current().is_some_and(|c| {
            c.messages
                .iter()
                .any(|m| m.content.as_deref() == Some(content))
        })
    })
    .await;
    assert_eq!(
        formatting_of(&bob, chat, content).await,
        serde_json::json!([
            {"start": 0, "end": 4, "style": "bold"},
            {"start": 9, "end": 20, "style": "code"},
            {"start": 47, "end": 53, "style": "italic"},
            {"start": 54, "end": 57, "style": "strike"},
        ])
    );

    // Editing shows the markers again (italic as `*`), and the edit re-derives the ranges.
    ada.key(KeyCode::Up, KeyModifiers::NONE);
    ada.type_text("e");
    assert_eq!(
        ada.composer(),
        "**Ship** it: `make deploy`, not 2*3*4 or snake_case, *really* ~~now~~"
    );
    ada.key(KeyCode::Home, KeyModifiers::NONE);
    ada.type_text("_Please_ ");
    ada.enter();
    let edited = "Please Ship it: make deploy, not 2*3*4 or snake_case, really now";
    ada.until("the edit stored", |s| {
        s.current().is_some_and(|c| {
            c.messages
                .iter()
                .any(|m| m.content.as_deref() == Some(edited))
        })
    })
    .await;
    assert_eq!(
        formatting_of(&bob, chat, edited).await,
        serde_json::json!([
            {"start": 0, "end": 6, "style": "italic"},
            {"start": 7, "end": 11, "style": "bold"},
            {"start": 16, "end": 27, "style": "code"},
            {"start": 54, "end": 60, "style": "italic"},
            {"start": 61, "end": 64, "style": "strike"},
        ])
    );

    // An edit that takes the markers away clears the formatting on the server.
    ada.key(KeyCode::Up, KeyModifiers::NONE);
    ada.type_text("e");
    ada.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    ada.type_text("plain *again");
    ada.enter();
    ada.until("the plain edit stored", |s| {
        s.current().is_some_and(|c| {
            c.messages
                .iter()
                .any(|m| m.content.as_deref() == Some("plain *again"))
        })
    })
    .await;
    assert_eq!(
        formatting_of(&bob, chat, "plain *again").await,
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn a_group_made_with_a_name_is_reached_by_that_name_from_a_script() {
    let server = TestServer::start().await;
    let (bob, _) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let mut ada = Tui::start(&server, dir.path(), "ada").await;
    ada.net.send(Command::StartDirect("bob".into())).unwrap();
    ada.until("the direct chat with bob", |s| {
        s.current()
            .is_some_and(|c| c.chat.peer.is_some() && c.loaded)
    })
    .await;

    // Two groups of the same name: the second gets the next free slug.
    for _ in 0..2 {
        let before = ada.state.chats.len();
        ada.type_text("/group \"Launch Team\" @bob");
        ada.enter();
        ada.until("the group", |s| s.chats.len() == before + 1)
            .await;
    }
    let mut slugs: Vec<String> = ada
        .state
        .chats
        .iter()
        .filter(|c| c.chat.name.as_deref() == Some("Launch Team"))
        .filter_map(|c| c.chat.slug.clone())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["launch-team", "launch-team-2"]);

    // A script names the group as the chat list shows it, or by either slug.
    for (to, text) in [
        ("Launch Team", "by its name"),
        ("launch-team-2", "by the second slug"),
    ] {
        let out = chat_tui(
            dir.path(),
            &server.base_url,
            &["send", "--to", to, text],
            "",
        )
        .await;
        assert!(
            out.status.success(),
            "send --to {to}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let chats = bob.chats().await.unwrap().chats;
    let text_in = |slug: &str| {
        let chat = chats
            .iter()
            .find(|c| c.slug.as_deref() == Some(slug))
            .unwrap_or_else(|| panic!("bob is not in {slug}"));
        chat.last_message
            .as_ref()
            .and_then(|m| m.content.clone())
            .unwrap_or_default()
    };
    assert_eq!(text_in("launch-team"), "by its name");
    assert_eq!(text_in("launch-team-2"), "by the second slug");
}
