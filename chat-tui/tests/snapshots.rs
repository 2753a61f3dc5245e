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
