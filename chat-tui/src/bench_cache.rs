//! `chat-tui bench --first-frame`: the time from start to the first full frame (the chat
//! list and the open chat's messages), with a warm offline cache of 200 chats and the
//! server unreachable, and with a cold (empty) cache against the real server.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use crate::cache::{CacheWrite, ChatRow, DEFAULT_MESSAGES_PER_CHAT, Store, Writer};
use crate::config::{Config, NotifyRules};
use crate::keymap::Keymap;
use crate::session::{Session, SessionFile};
use crate::state::{AppState, Command};
use crate::ui::{self, Theme};

/// Chats in the warm cache, as in the figure asked for.
const CHATS: usize = 200;
/// Messages of the open chat (the others hold a page of 50).
const OPEN_MESSAGES: usize = 2_000;
const RUNS: usize = 20;

/// Prints both figures (the cold one only with a kept session).
pub async fn run(setup: &crate::commands::Setup) -> anyhow::Result<()> {
    warm()?;
    cold(setup).await
}

/// A cache as a working week leaves it: 200 chats with their newest 50 messages each, the
/// open one with 2,000; the kept session names a port where nothing listens. (Needs a
/// tokio runtime: the network task starts as in the real client.)
fn warm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.cache.sqlite");
    let generated = crate::bench::state(CHATS, OPEN_MESSAGES);
    let me = generated
        .me
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the generated state has a user"))?;
    let mut write = CacheWrite {
        me: Some(me.clone()),
        users: generated.users.values().cloned().collect(),
        open_chat: generated.selected,
        ..CacheWrite::default()
    };
    for (i, chat) in generated.chats.iter().enumerate() {
        let mut messages = chat.messages.clone();
        if i > 0 {
            messages = (1..=50)
                .map(|seq| crate::bench::message(chat.id(), seq, me.id, generated.now))
                .collect();
        }
        let mut row = chat.chat.clone();
        row.last_seq = messages.len() as i64;
        row.last_message = messages.last().cloned();
        write.chats.push(ChatRow {
            chat: row,
            cursor: messages.len() as i64,
            loaded: true,
            has_more_before: false,
        });
        write.messages.extend(messages);
    }
    Store::open(&path, DEFAULT_MESSAGES_PER_CHAT)?.write(&write)?;
    let file = SessionFile::new(dir.path(), "bench");
    file.save(&Session {
        server: "http://127.0.0.1:9".into(),
        user_id: me.id,
        username: me.username.clone(),
        session_id: common::ids::SessionId::new(),
        refresh_token: "unused".into(),
        access_token: None,
        access_expires_at: None,
    })?;
    let newest = format!("message {OPEN_MESSAGES}:");
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let store = Store::open(&path, DEFAULT_MESSAGES_PER_CHAT)?;
        let snapshot = store.load()?;
        let mut state = fresh_state();
        let first = crate::state::persist::restore(&mut state, snapshot);
        let writer = Writer::spawn(store);
        let (tx, _events) = mpsc::unbounded_channel();
        let net =
            crate::net::spawn_cached("http://127.0.0.1:9".into(), file.clone(), tx, Some(writer));
        for command in first {
            let _ = net.send(command);
        }
        let frame = draw(&state)?;
        times.push(start.elapsed());
        if state.chats.len() != CHATS || !frame.contains(&newest) {
            anyhow::bail!("the first frame is not the full screen:\n{frame}");
        }
    }
    report(
        &format!("first full frame, warm cache ({CHATS} chats), server unreachable"),
        &mut times,
    );
    Ok(())
}

/// An empty cache: the first full frame waits for the login, the chat list and the open
/// chat's first page from the real server.
async fn cold(setup: &crate::commands::Setup) -> anyhow::Result<()> {
    if setup.session.load().is_none() {
        println!("first full frame, cold cache: skipped (no kept session; `chat-tui login`)");
        return Ok(());
    }
    let mut times = Vec::with_capacity(RUNS / 4);
    let mut chats = 0;
    for _ in 0..RUNS / 4 {
        let dir = tempfile::tempdir()?;
        let start = Instant::now();
        let store = Store::open(
            &dir.path().join("cold.cache.sqlite"),
            DEFAULT_MESSAGES_PER_CHAT,
        )?;
        let snapshot = store.load()?;
        let mut state = fresh_state();
        let first = crate::state::persist::restore(&mut state, snapshot);
        let writer = Writer::spawn(store);
        let (tx, mut events) = mpsc::unbounded_channel();
        let net = crate::net::spawn_cached(
            setup.server.clone(),
            setup.session.clone(),
            tx,
            Some(writer.clone()),
        );
        for command in first {
            let _ = net.send(command);
        }
        let wait = async {
            while !state.current().is_some_and(|c| c.loaded) {
                let Some(event) = events.recv().await else {
                    return;
                };
                for command in state.update(event) {
                    match command {
                        Command::Cache(write) => writer.write(*write),
                        other => {
                            let _ = net.send(other);
                        }
                    }
                }
            }
        };
        if tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .is_err()
        {
            anyhow::bail!("no chat opened within 30 s (does the user have a chat?)");
        }
        draw(&state)?;
        times.push(start.elapsed());
        chats = state.chats.len();
    }
    report(
        &format!("first full frame, cold cache ({chats} chats), server reachable"),
        &mut times,
    );
    Ok(())
}

fn fresh_state() -> AppState {
    AppState::new(
        Keymap::default(),
        NotifyRules::default(),
        time::OffsetDateTime::now_utc(),
    )
}

fn draw(state: &AppState) -> anyhow::Result<String> {
    let theme = Theme::new(&Config::default(), false, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    terminal.draw(|f| ui::draw(f, state, &theme))?;
    Ok(format!("{}", terminal.backend()))
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let worst = times.last().copied().unwrap_or_default();
    println!(
        "{what}: {median:?} median, {worst:?} worst of {} runs",
        times.len()
    );
}
