//! One login shared by every process of a profile, against a real chatd with short-lived
//! access tokens: the client's own network task stays logged in while `chat-tui send`
//! processes run again and again across several token lifetimes, and nothing is revoked.
//! And when the session really ends, the client says so at once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use chat_tui::session::SessionFile;
use chat_tui::state::{AppState, Command, ConnState, Event, NetEvent, Screen};
use common::client::{Client, Tokens};
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

/// Waits for the next network event that `pick` wants; fails on a logout on the way.
async fn next_event<T>(
    events: &mut mpsc::UnboundedReceiver<Event>,
    what: &str,
    mut pick: impl FnMut(&NetEvent) -> Option<T>,
) -> T {
    let wait = async {
        loop {
            match events.recv().await {
                Some(Event::Net(event)) => {
                    if let NetEvent::SessionEnded(why) = &event {
                        panic!("the client was logged out waiting for {what}: {why}");
                    }
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Some(_) => {}
                None => panic!("the network task ended waiting for {what}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .unwrap_or_else(|_| panic!("no {what} within 20 s"))
}

fn session_client(server: &TestServer, file: &SessionFile) -> Client {
    let kept = file.load().expect("a kept session");
    let client = server.client();
    client.set_tokens(Some(Tokens {
        access_token: kept.access_token.unwrap_or_default(),
        refresh_token: kept.refresh_token,
        session_id: kept.session_id,
    }));
    client
}

#[tokio::test]
async fn a_running_client_and_twenty_sends_across_three_token_lifetimes_share_one_session() {
    const TTL: u64 = 2;
    let mut config = testkit::test_config();
    config.auth.access_token_ttl_secs = TTL;
    let server = TestServer::with_config(config).await;
    let (bob, _) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let login = chat_tui(
        dir.path(),
        &server.base_url,
        &[
            "login",
            "--register",
            "--username",
            "ada",
            "--password-stdin",
        ],
        &format!("{}\n", testkit::password()),
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let file = SessionFile::new(dir.path(), "default");
    let first = file.load().expect("login keeps the session");

    // The long-running client: the full-screen client's own network task.
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let net = chat_tui::net::spawn(server.base_url.clone(), file.clone(), events_tx);
    next_event(&mut events, "the login", |e| {
        matches!(e, NetEvent::LoggedIn(_)).then_some(())
    })
    .await;

    // 20 sends spread evenly over three access-token lifetimes (the pacing is the
    // scenario: a cron job next to an open client), the client busy in between.
    let start = tokio::time::Instant::now();
    let span = Duration::from_secs(3 * TTL + 1);
    let mut access_tokens = HashSet::new();
    for i in 0..20u32 {
        tokio::time::sleep_until(start + span * i / 20).await;
        let out = chat_tui(
            dir.path(),
            &server.base_url,
            &["send", "--to", "bob", &format!("note {i}")],
            "",
        )
        .await;
        assert!(
            out.status.success(),
            "send {i} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        net.send(Command::SearchUsers("bob".into())).unwrap();
        next_event(&mut events, "a user search", |e| {
            matches!(e, NetEvent::Users(u) if !u.is_empty()).then_some(())
        })
        .await;
        if let Some(token) = file.load().and_then(|s| s.access_token) {
            access_tokens.insert(token);
        }
    }
    assert!(
        access_tokens.len() >= 3,
        "the access token should have been renewed across the lifetimes, saw {}",
        access_tokens.len()
    );

    // Every send arrived, the client still works, and one session was used throughout.
    net.send(Command::SearchUsers("bob".into())).unwrap();
    next_event(&mut events, "a last user search", |e| {
        matches!(e, NetEvent::Users(_)).then_some(())
    })
    .await;
    let ada = session_client(&server, &file);
    let sessions = match ada.sessions().await {
        Ok(list) => list,
        Err(e) if e.status() == Some(401) => {
            ada.refresh().await.unwrap();
            ada.sessions().await.unwrap()
        }
        Err(e) => panic!("{e}"),
    };
    assert_eq!(sessions.sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions.sessions[0].id, first.session_id);
    bob.refresh().await.unwrap();
    let chats = bob.chats().await.unwrap();
    let chat = chats.chats.first().expect("the direct chat").id;
    let page = bob
        .messages(chat, common::client::PageAt::Latest, Some(50))
        .await
        .unwrap();
    assert_eq!(page.messages.len(), 20);
}

#[tokio::test]
async fn a_revoked_session_shows_at_once_and_the_login_screen_says_why() {
    let server = TestServer::start().await;
    let (_ada_elsewhere, _) = server.user("ada").await;
    let dir = testkit::temp_dir();
    let login = chat_tui(
        dir.path(),
        &server.base_url,
        &["login", "--username", "ada", "--password-stdin"],
        &format!("{}\n", testkit::password()),
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let file = SessionFile::new(dir.path(), "default");
    let kept = file.load().unwrap();

    let (events_tx, mut events) = mpsc::unbounded_channel();
    let _net = chat_tui::net::spawn(server.base_url.clone(), file.clone(), events_tx);
    let mut state = AppState::new(
        chat_tui::keymap::Keymap::default(),
        chat_tui::config::NotifyRules::default(),
        time::OffsetDateTime::now_utc(),
    );
    let connected = async {
        while state.conn != ConnState::Connected {
            let Some(event) = events.recv().await else {
                break;
            };
            state.update(event);
        }
    };
    tokio::time::timeout(Duration::from_secs(20), connected)
        .await
        .expect("connected");

    // The user ends this session from another device.
    let other = server.client();
    other.login("ada", testkit::password()).await.unwrap();
    other.revoke_session(kept.session_id).await.unwrap();

    let ended = async {
        while state.conn != ConnState::SessionEnded {
            let Some(event) = events.recv().await else {
                break;
            };
            state.update(event);
        }
    };
    tokio::time::timeout(Duration::from_secs(20), ended)
        .await
        .expect("the client noticed the end of its session");
    assert_eq!(state.screen, Screen::Login);
    let why = state.login.error.clone().unwrap_or_default();
    assert!(why.starts_with("Session ended: "), "{why}");
    assert!(
        why.contains("log in again") || why.contains("Log in again"),
        "{why}"
    );
    let screen = draw(&state);
    assert!(screen.contains("session ended"), "{screen}");
    assert!(screen.contains("Session ended:"), "{screen}");
    assert!(!screen.contains("connected"), "{screen}");
    // The dead session is forgotten, so the next start asks for a login.
    assert!(file.load().is_none());
    // A late event of the dead socket never shows "connected" again.
    state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    assert!(!draw(&state).contains("connected"));
}

#[tokio::test]
async fn a_disabled_account_ends_the_session_on_the_next_request() {
    let server = TestServer::start().await;
    let (_ada, ada_t) = server.user("ada").await;
    let dir = testkit::temp_dir();
    let login = chat_tui(
        dir.path(),
        &server.base_url,
        &["login", "--username", "ada", "--password-stdin"],
        &format!("{}\n", testkit::password()),
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let file = SessionFile::new(dir.path(), "default");
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let net = chat_tui::net::spawn(server.base_url.clone(), file.clone(), events_tx);
    next_event(&mut events, "the login", |e| {
        matches!(e, NetEvent::LoggedIn(_)).then_some(())
    })
    .await;
    server
        .store()
        .set_user_disabled(ada_t.user.id, true)
        .await
        .unwrap();
    net.send(Command::SearchUsers("ada".into())).unwrap();
    let why = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Some(Event::Net(NetEvent::SessionEnded(why))) => return why,
                Some(Event::Net(NetEvent::Users(_))) => panic!("a disabled user's search answered"),
                Some(_) => {}
                None => panic!("the network task ended"),
            }
        }
    })
    .await
    .expect("the session end is reported");
    assert!(!why.is_empty());
}

fn draw(state: &AppState) -> String {
    let theme = chat_tui::ui::Theme::new(
        &chat_tui::config::Config::default(),
        true,
        time::UtcOffset::UTC,
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| chat_tui::ui::draw(frame, state, &theme))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}
