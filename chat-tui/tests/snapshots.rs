//! Screens rendered to ratatui's test backend and checked as insta snapshots, at 80x24 and
//! 120x40.

use chat_tui::bench;
use chat_tui::config::Config;
use chat_tui::state::overlay::{Overlay, Picker};
use chat_tui::state::{AppState, Event, NetEvent, Screen};
use chat_tui::ui::{self, Theme};
use common::ws::{Receipt, ServerEvent, Typing};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(state: &AppState, w: u16, h: u16) -> String {
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, state, &theme)).unwrap();
    format!("{}", terminal.backend())
}

fn both(name: &str, state: &AppState) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_120x40"), render(state, 120, 40));
}

fn main_state() -> AppState {
    let mut state = bench::state(5, 30);
    state.update(Event::Net(NetEvent::Connection(
        chat_tui::state::ConnState::Connected,
    )));
    state
}

#[test]
fn login() {
    let mut state = bench::state(0, 0);
    state.screen = Screen::Login;
    state.login.server = "http://127.0.0.1:7878".into();
    state.login.username = "ada".into();
    state.login.password = "secret".into();
    state.login.error = Some("wrong username or password".into());
    both("login", &state);
}

/// The status line says which transport is connected once the network task said so.
#[test]
fn the_status_line_names_the_transport() {
    use chat_tui::state::{ConnState, Transport};
    let mut state = bench::state(5, 30);
    state.update(Event::Net(NetEvent::Transport(Transport::Sse)));
    state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    assert!(render(&state, 80, 24).contains("connected · sse"));
    state.update(Event::Net(NetEvent::Connection(ConnState::Reconnecting {
        in_secs: 1,
    })));
    let screen = render(&state, 80, 24);
    assert!(!screen.contains("connected ·"), "{screen}");
    state.update(Event::Net(NetEvent::Transport(Transport::WebSocket)));
    state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    assert!(render(&state, 80, 24).contains("connected · websocket"));
}

#[test]
fn main_screen() {
    both("main", &main_state());
}

#[test]
fn typing_and_receipts() {
    let mut state = main_state();
    let chat = state.chats[0].id();
    let me = state.my_id().unwrap();
    let other = *state.users.keys().find(|u| **u != me).unwrap();
    state.update(Event::Net(NetEvent::Server(ServerEvent::TypingStart(
        Typing {
            chat_id: chat,
            user_id: other,
        },
    ))));
    state.update(Event::Net(NetEvent::Server(ServerEvent::Read(Receipt {
        chat_id: chat,
        user_id: other,
        seq: 28,
    }))));
    both("typing_receipts", &state);
}

#[test]
fn help() {
    let mut state = main_state();
    state.overlay = Some(Overlay::Help { scroll: 0 });
    both("help", &state);
}

#[test]
fn switcher() {
    let mut state = main_state();
    state.overlay = Some(Overlay::Switcher(Picker::default()));
    state.update(Event::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('3'),
    )));
    both("switcher", &state);
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let mut state = main_state();
    let chat = &mut state.chats[0];
    chat.chat.name = Some("\u{1b}[2Jevil\u{202e}group".into());
    if let Some(m) = chat.messages.last_mut() {
        m.content = Some("\u{1b}]0;owned\u{7}hi \u{1b}[31mred\u{9b}1m \u{202e}txt.exe".into());
    }
    let screen = render(&state, 80, 24);
    assert!(
        !screen
            .chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c))
    );
    assert!(screen.contains("evilgroup"));
    assert!(screen.contains("hi red txt.exe"));
}

#[test]
fn group_settings() {
    let mut state = main_state();
    let me = state.me.clone().unwrap();
    let chat = &mut state.chats[0];
    chat.participants = vec![common::api::Participant {
        user: me,
        role: common::api::Role::Owner,
        joined_at: time::OffsetDateTime::UNIX_EPOCH,
        last_read_seq: 0,
        last_delivered_seq: 0,
    }];
    state.update(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('s'),
        crossterm::event::KeyModifiers::ALT,
    )));
    assert!(matches!(state.overlay, Some(Overlay::Form(_))));
    both("group_settings", &state);
}

#[test]
fn no_color_draws_no_colour() {
    let mut state = main_state();
    let chat = state.chats[0].id();
    let other = *state
        .users
        .keys()
        .find(|u| Some(**u) != state.my_id())
        .unwrap();
    state.update(Event::Net(NetEvent::Server(ServerEvent::TypingStart(
        Typing {
            chat_id: chat,
            user_id: other,
        },
    ))));
    state.show_members = true;
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &state, &theme)).unwrap();
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| cell.fg == ratatui::style::Color::Reset
                && cell.bg == ratatui::style::Color::Reset)
    );
}

fn social(state: &mut AppState, event: chat_tui::state::social::SocialEvent) {
    state.update(Event::Net(NetEvent::Social(event)));
}

fn someone(name: &str, display: Option<&str>) -> common::api::User {
    common::api::User {
        id: common::UserId::new(),
        username: name.into(),
        display_name: display.map(str::to_owned),
        status_message: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        avatar_url: None,
    }
}

fn search_state(snippet: &str, highlights: &[(u32, u32)]) -> AppState {
    use common::api::{SearchHit, SearchResults, TextRange};
    let mut state = main_state();
    state.update(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('f'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    for c in "deploy -staging".chars() {
        state.update(Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        )));
    }
    state.update(Event::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Enter,
    )));
    let hits = state.chats[0]
        .messages
        .iter()
        .rev()
        .take(3)
        .map(|m| SearchHit {
            message: m.clone(),
            snippet: snippet.to_owned(),
            highlights: highlights
                .iter()
                .map(|(start, end)| TextRange {
                    start: *start,
                    end: *end,
                })
                .collect(),
            rank: 0.3,
        })
        .collect();
    social(
        &mut state,
        chat_tui::state::social::SocialEvent::SearchResults {
            q: "deploy -staging".into(),
            chat_id: None,
            more: false,
            results: SearchResults {
                results: hits,
                next_cursor: Some("next".into()),
            },
        },
    );
    state
}

#[test]
fn search_results() {
    let state = search_state(
        "…the deploy of the web tier failed at 14:02, rolling back to the previous build",
        &[(5, 11)],
    );
    both("search_results", &state);
}

fn contacts_state(names: [(&str, Option<&str>); 4]) -> AppState {
    use common::api::{Block, Contact, ContactStatus};
    let mut state = main_state();
    let [a, b, c, d] = names.map(|(n, d)| someone(n, d));
    let contact = |user: &common::api::User, status, outgoing, note: Option<&str>| Contact {
        id: uuid::Uuid::now_v7(),
        user: user.clone(),
        status,
        outgoing,
        message: note.map(str::to_owned),
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        accepted_at: None,
    };
    social(
        &mut state,
        chat_tui::state::social::SocialEvent::Book {
            contacts: vec![contact(&c, ContactStatus::Accepted, false, None)],
            incoming: vec![contact(
                &a,
                ContactStatus::Pending,
                false,
                Some("hi, it's ann"),
            )],
            outgoing: vec![contact(&b, ContactStatus::Pending, true, None)],
            blocks: vec![Block {
                user: d,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
            }],
        },
    );
    state
        .presence
        .insert(c.id, common::ws::PresenceStatus::Online);
    state.update(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('c'),
        crossterm::event::KeyModifiers::ALT,
    )));
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
    state
}

#[test]
fn contacts() {
    let state = contacts_state([
        ("ann", Some("Ann Lee")),
        ("ben", None),
        ("cy", Some("Cy Young")),
        ("dee", None),
    ]);
    both("contacts", &state);
}

fn assert_clean(screen: &str) {
    assert!(
        !screen
            .chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{screen}"
    );
}

#[test]
fn hostile_snippets_and_contact_names_never_reach_the_terminal() {
    let state = search_state(
        "\u{1b}[2Jdeploy\u{1b}]0;owned\u{7} \u{202e}failed\u{9b}1m",
        &[(4, 10)],
    );
    let screen = render(&state, 120, 40);
    assert_clean(&screen);
    assert!(screen.contains("deploy failed"), "{screen}");

    let state = contacts_state([
        ("ann", Some("\u{1b}[31mAnn\u{202e} Lee")),
        ("ben\u{7}", None),
        ("cy", Some("\u{1b}]52;c;ZXZpbA==\u{7}Cy")),
        ("dee\u{9b}2J", None),
    ]);
    let screen = render(&state, 80, 24);
    assert_clean(&screen);
    assert!(screen.contains("Ann Lee (@ann)"), "{screen}");
    assert!(screen.contains("Cy (@cy)"), "{screen}");
}

#[test]
fn a_muted_chat_and_a_blocked_peer_show_in_the_header() {
    use chat_tui::state::social::SocialEvent;
    let mut state = main_state();
    let peer = someone("gus", None);
    let chat_id = state.chats[0].id();
    state.chats[0].chat.kind = common::api::ChatKind::Direct;
    state.chats[0].chat.name = None;
    state.chats[0].chat.peer = Some(peer.clone());
    assert!(!render(&state, 80, 24).contains("muted"));
    social(
        &mut state,
        SocialEvent::Muted {
            chat_id,
            until: Some(common::api::FOREVER),
        },
    );
    social(
        &mut state,
        SocialEvent::Book {
            contacts: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            blocks: vec![common::api::Block {
                user: peer,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
            }],
        },
    );
    let screen = render(&state, 120, 40);
    assert!(!screen.contains("do not disturb"));
    let header = screen.lines().next().unwrap().to_owned();
    assert!(
        header.contains("gus offline · blocked (/unblock) · muted"),
        "{header}"
    );
}

#[test]
fn do_not_disturb_shows_on_the_status_line() {
    let mut state = main_state();
    let until = state.now + time::Duration::hours(1);
    social(
        &mut state,
        chat_tui::state::social::SocialEvent::Dnd(Some(until)),
    );
    state.notice = None;
    let screen = render(&state, 80, 24);
    assert!(
        screen
            .lines()
            .last()
            .unwrap()
            .contains("@me do not disturb"),
        "{screen}"
    );
}

/// Four notifications (two unread) over the main screen, the excerpt from a held message.
fn notifications_state(excerpt: &str, actor: (&str, Option<&str>)) -> AppState {
    use chat_tui::state::social::SocialEvent;
    use common::api::{Notification, NotificationKind, NotificationPage};
    let mut state = main_state();
    let who = someone(actor.0, actor.1);
    state.users.insert(who.id, who.clone());
    let ada = state
        .users
        .values()
        .find(|u| u.username == "ada")
        .map_or(who.id, |u| u.id);
    let chat = state.chats[0].id();
    let message = state.chats[0].messages[3].id;
    state.chats[0].messages[3].content = Some(excerpt.into());
    let now = state.now;
    let note = |kind, actor, message_id, minutes: i64, read: bool| Notification {
        id: uuid::Uuid::now_v7(),
        kind,
        actor_id: Some(actor),
        chat_id: (kind != NotificationKind::ContactRequest).then_some(chat),
        message_id,
        contact_id: None,
        silent: false,
        created_at: now - time::Duration::minutes(minutes),
        read_at: read.then_some(now),
    };
    // Newest first.
    let notifications = vec![
        note(NotificationKind::Mention, who.id, Some(message), 2, false),
        note(NotificationKind::ContactRequest, who.id, None, 15, false),
        note(NotificationKind::Reply, ada, Some(message), 40, true),
        note(NotificationKind::GroupInvite, ada, None, 90, true),
    ];
    social(
        &mut state,
        SocialEvent::Notifications(NotificationPage {
            notifications,
            has_more: false,
            unread_count: 2,
        }),
    );
    state.update(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('i'),
        crossterm::event::KeyModifiers::ALT,
    )));
    state
}

#[test]
fn notifications() {
    let state = notifications_state(
        "@me can you look at the\n  deploy before lunch?",
        ("bo", Some("Bo Diaz")),
    );
    both("notifications", &state);
}

#[test]
fn hostile_notification_text_never_reaches_the_terminal() {
    let state = notifications_state(
        "\u{1b}[2Jdeploy\u{1b}]0;owned\u{7} \u{202e}failed\u{9b}1m",
        ("bo\u{7}", Some("\u{1b}[31mBo\u{202e} Diaz")),
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&state, w, h);
        assert_clean(&screen);
        assert!(screen.contains("Bo Diaz mentioned you"), "{screen}");
        assert!(screen.contains("deploy failed"), "{screen}");
    }
}

/// Another user's profile where the terminal draws no images: the initials badge, names,
/// presence, status, and why no picture is drawn.
#[test]
fn user_profile() {
    let mut state = main_state();
    let ada = state
        .users
        .values_mut()
        .find(|u| u.username == "ada")
        .unwrap();
    ada.display_name = Some("Ada Lovelace".into());
    ada.status_message = Some("on the analytical engine".into());
    ada.avatar_url = Some(format!("/api/users/{}/avatar?v=1", ada.id));
    let id = ada.id;
    state.overlay = Some(Overlay::UserProfile(id));
    both("user_profile", &state);
}
