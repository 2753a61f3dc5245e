//! `chat-tui bench` (hidden): render and memory figures for docs/benchmarks.md, with
//! generated chats drawn on ratatui's test backend (no terminal, no server).

use std::time::Instant;

use common::api::{Chat, ChatKind, Message, Role, User};
use common::ids::{ChatId, MessageId, UserId};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;

use crate::config::{Config, NotifyRules};
use crate::keymap::{Action, Keymap};
use crate::state::{AppState, ChatView, Focus, Screen};
use crate::ui::{self, Theme};

/// A logged-in state with `chats` chats, the first holding `messages` messages.
pub fn state(chats: usize, messages: usize) -> AppState {
    let now =
        OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut state = AppState::new(Keymap::default(), NotifyRules::default(), now);
    let me = user("me");
    let other = user("ada");
    state.users.insert(other.id, other.clone());
    state.users.insert(me.id, me.clone());
    state.me = Some(me.clone());
    state.screen = Screen::Main;
    for i in 0..chats {
        let chat = Chat {
            id: ChatId::new(),
            kind: ChatKind::Group,
            name: Some(format!("group {i}")),
            slug: None,
            peer: None,
            member_count: 2,
            role: Role::Member,
            last_seq: 0,
            last_read_seq: 0,
            unread_count: (i % 3) as i64,
            mention_count: 0,
            last_message: None,
            muted_until: None,
            created_at: now,
            last_activity_at: now,
            retention_days: None,
            description: None,
            visibility: common::api::Visibility::Private,
            max_members: Some(300),
            avatar_url: None,
        };
        state.chats.push(ChatView::new(chat));
    }
    if let Some(first) = state.chats.first_mut() {
        first.loaded = true;
        for seq in 1..=messages as i64 {
            let sender = if seq % 2 == 0 { me.id } else { other.id };
            first
                .messages
                .push(message(first.chat.id, seq, sender, now));
        }
        first.cursor = messages as i64;
        first.chat.last_seq = messages as i64;
        first.chat.last_read_seq = messages as i64;
        state.selected = Some(first.id());
    }
    state.focus = Focus::Timeline;
    state
}

fn user(name: &str) -> User {
    User {
        id: UserId::new(),
        username: name.to_owned(),
        display_name: None,
        status_message: None,
        created_at: OffsetDateTime::UNIX_EPOCH,
        avatar_url: None,
    }
}

/// A generated text message.
pub fn message(chat_id: ChatId, seq: i64, sender: UserId, now: OffsetDateTime) -> Message {
    Message {
        id: MessageId::new(),
        chat_id,
        seq,
        sender_id: Some(sender),
        client_id: None,
        content: Some(format!(
            "message {seq}: the quick brown fox jumps over the lazy dog, twice, with 👍🏽 and 世界"
        )),
        content_type: "text".into(),
        // "twice" in italics, as the composer sends `*twice*`.
        metadata: {
            let start = format!("message {seq}: the quick brown fox jumps over the lazy dog, ")
                .chars()
                .count();
            serde_json::json!({"formatting": [{"start": start, "end": start + 5, "style": "italic"}]})
        },
        reply_to_id: None,
        mentions: Vec::new(),
        reactions: Vec::new(),
        attachments: Vec::new(),
        created_at: now + time::Duration::seconds(seq),
        edited_at: None,
        deleted: false,
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Prints the figures.
pub fn run() {
    let theme = Theme::new(&Config::default(), false, time::UtcOffset::UTC);
    let start = Instant::now();
    let mut st = state(200, 0);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).ok();
    if let Some(t) = terminal.as_mut() {
        let _ = t.draw(|f| ui::draw(f, &st, &theme));
    }
    println!("200 chats: state + first frame {:?}", start.elapsed());

    st = state(1, 10_000);
    let frames = 500u32;
    let start = Instant::now();
    for _ in 0..frames {
        if let Some(t) = terminal.as_mut() {
            let _ = t.draw(|f| ui::draw(f, &st, &theme));
        }
    }
    println!(
        "10,000 messages: {:?} a frame (still)",
        start.elapsed() / frames
    );
    let start = Instant::now();
    for i in 0..frames {
        let key = if i < frames / 2 {
            Action::Up
        } else {
            Action::Down
        };
        let event = crossterm::event::KeyEvent::from(if key == Action::Up {
            crossterm::event::KeyCode::Up
        } else {
            crossterm::event::KeyCode::Down
        });
        st.update(crate::state::Event::Key(event));
        if let Some(t) = terminal.as_mut() {
            let _ = t.draw(|f| ui::draw(f, &st, &theme));
        }
    }
    println!(
        "10,000 messages: {:?} a frame (scrolling, key + draw)",
        start.elapsed() / frames
    );
    // Input latency under load: 100 incoming messages a second, a key every 50 ms; each key
    // is applied and drawn after the messages queued before it (as the loop does).
    let mut st = state(1, 10_000);
    st.focus = Focus::Composer;
    let chat = st.chats[0].id();
    let sender = st
        .users
        .keys()
        .copied()
        .find(|u| Some(*u) != st.my_id())
        .unwrap_or_default();
    let mut worst = std::time::Duration::ZERO;
    let mut total = std::time::Duration::ZERO;
    let keys = 200u32;
    let mut seq = 10_000i64;
    for _ in 0..keys {
        for _ in 0..5 {
            seq += 1;
            let m = message(chat, seq, sender, st.now);
            let event = common::ws::ServerEvent::MessageNew(common::ws::MessageEvent {
                chat_id: chat,
                seq,
                message: m,
            });
            st.update(crate::state::Event::Net(crate::state::NetEvent::Server(
                event,
            )));
        }
        if let Some(t) = terminal.as_mut() {
            let _ = t.draw(|f| ui::draw(f, &st, &theme));
        }
        let start = Instant::now();
        st.update(crate::state::Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('x'),
        )));
        if let Some(t) = terminal.as_mut() {
            let _ = t.draw(|f| ui::draw(f, &st, &theme));
        }
        let took = start.elapsed();
        worst = worst.max(took);
        total += took;
    }
    println!(
        "keypress to redraw at 100 messages/s: {:?} mean, {worst:?} worst",
        total / keys
    );
    drop(st);
    let before = rss_kib();
    let st = state(1, 50_000);
    let after = rss_kib();
    println!(
        "50,000 messages: {} MiB resident ({} MiB for the messages)",
        after / 1024,
        after.saturating_sub(before) / 1024
    );
    drop(st);
}

/// Time from start to an interactive chat list against a real server, with the profile's
/// kept session: restore the session, load the user and the chat list, draw the first frame.
pub async fn startup(setup: &crate::commands::Setup) -> anyhow::Result<()> {
    let Some(session) = setup.session.load() else {
        println!("startup: skipped (no kept session; run `chat-tui login` first)");
        return Ok(());
    };
    let theme = Theme::new(&Config::default(), false, time::UtcOffset::UTC);
    let start = Instant::now();
    let client = common::client::Client::new(session.server.clone())?;
    let auth = crate::net::Auth::restore(client, setup.session.clone(), &session)
        .await
        .map_err(|e| anyhow::anyhow!(crate::net::describe(&e)))?;
    let me = auth
        .call(|c| async move { c.me().await })
        .await
        .map_err(|e| anyhow::anyhow!(crate::net::describe(&e)))?;
    let chats = auth
        .call(|c| async move { c.chats().await })
        .await
        .map_err(|e| anyhow::anyhow!(crate::net::describe(&e)))?;
    let count = chats.chats.len();
    let mut st = AppState::new(
        Keymap::default(),
        NotifyRules::default(),
        OffsetDateTime::now_utc(),
    );
    st.update(crate::state::Event::Net(crate::state::NetEvent::LoggedIn(
        me,
    )));
    st.update(crate::state::Event::Net(crate::state::NetEvent::Chats(
        chats.chats,
    )));
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    terminal.draw(|f| ui::draw(f, &st, &theme))?;
    println!(
        "startup: {count} chats listed and drawn in {:?}",
        start.elapsed()
    );
    Ok(())
}
