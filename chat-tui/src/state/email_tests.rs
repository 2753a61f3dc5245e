//! Reducer tests of `/email` (the password asked in a form and drawn as dots, never in a
//! command's `Debug`) and `/verify`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::email::Password;
use super::social::SocialCommand;
use super::*;
use crate::bench;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(key(KeyCode::Char(c))))
        .collect()
}

fn slash(state: &mut AppState, text: &str) -> Vec<Command> {
    state.focus = Focus::Composer;
    type_text(state, text);
    state.update(key(KeyCode::Enter))
}

fn social(commands: &[Command]) -> Vec<SocialCommand> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Social(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn screen(state: &AppState) -> String {
    let theme = crate::ui::Theme::measuring(state.utc_offset);
    let backend = ratatui::backend::TestBackend::new(state.cols, state.rows);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal
        .draw(|frame| crate::ui::draw(frame, state, &theme))
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

#[test]
fn email_asks_the_password_hidden_and_sends_both() {
    let mut state = bench::state(2, 1);
    assert!(social(&slash(&mut state, "/email ada@example.org")).is_empty());
    assert!(matches!(state.overlay, Some(Overlay::Form(_))));
    assert!(type_text(&mut state, "hunter2 secret").is_empty());
    let shown = screen(&state);
    assert!(
        shown.contains("Email address") && shown.contains("ada@example.org"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains(&"•".repeat(14)), "{shown}");

    let commands = social(&state.update(key(KeyCode::Enter)));
    assert_eq!(
        commands,
        [SocialCommand::SetEmail {
            email: "ada@example.org".into(),
            password: Password("hunter2 secret".into()),
        }]
    );
    assert!(state.overlay.is_none());
    assert!(!format!("{commands:?}").contains("hunter2"));
}

#[test]
fn email_without_an_address_or_password_and_verify_without_a_code_say_how() {
    let mut state = bench::state(2, 1);
    slash(&mut state, "/email");
    assert!(state.overlay.is_none());
    assert!(state.notice.as_deref().unwrap().contains("usage: /email"));
    slash(&mut state, "/email ada@example.org");
    assert!(social(&state.update(key(KeyCode::Enter))).is_empty());
    assert!(state.notice.as_deref().unwrap().contains("your password"));
    slash(&mut state, "/verify");
    assert!(state.notice.as_deref().unwrap().contains("usage: /verify"));
    assert_eq!(
        social(&slash(&mut state, "/verify  Vw3Zp0q9v3y0Zc ")),
        [SocialCommand::VerifyEmail("Vw3Zp0q9v3y0Zc".into())]
    );
}
