//! Reducer tests of the login screen on a server that requires a verified email address:
//! the optional email field of registration, the code asked after a login refused with
//! `EMAIL_NOT_VERIFIED` (right after registering or later), a new code by Ctrl-E.

use common::ErrorBody;
use common::api::Me;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::email::Password;
use super::login::Field;
use super::*;
use crate::bench;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(key(KeyCode::Char(c))))
        .collect()
}

fn error(code: &str, details: &serde_json::Value) -> ErrorBody {
    serde_json::from_value(serde_json::json!({
        "code": code, "message": format!("{code} message"), "details": details,
        "requestId": "r", "timestamp": "t"
    }))
    .unwrap()
}

/// The login screen, and the user a later login gives.
fn login_screen() -> (AppState, common::api::User) {
    let mut state = bench::state(0, 0);
    let user = state.me.clone().unwrap();
    state.update(Event::Net(NetEvent::NeedLogin {
        server: "http://chat.test".into(),
        reason: None,
    }));
    assert_eq!(state.screen, Screen::Login);
    (state, user)
}

fn screen(state: &AppState) -> String {
    let theme = crate::ui::Theme::measuring(state.utc_offset);
    let backend = ratatui::backend::TestBackend::new(80, 24);
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

/// Fills the registration form: cleo, a password twice, no display name, `email`.
fn register(state: &mut AppState, email: &str) -> Vec<Command> {
    state.update(ctrl('r'));
    state.update(key(KeyCode::Tab));
    type_text(state, "cleo");
    for value in ["hunter2 secret", "hunter2 secret", "", email] {
        state.update(key(KeyCode::Tab));
        type_text(state, value);
    }
    state.update(key(KeyCode::Enter))
}

fn logged_in(state: &mut AppState, user: &common::api::User) {
    let mut me = serde_json::to_value(user).unwrap();
    me["isAdmin"] = false.into();
    let me: Me = serde_json::from_value(me).unwrap();
    state.update(Event::Net(NetEvent::LoggedIn(me)));
}

#[test]
fn registering_on_a_server_that_requires_email_asks_for_the_mailed_code() {
    let (mut state, user) = login_screen();
    // Without an address the server names the field; the form shows it there.
    assert!(matches!(
        register(&mut state, "").as_slice(),
        [Command::Register { email: None, .. }]
    ));
    state.update(Event::Net(NetEvent::LoginFailed(error(
        "VALIDATION_ERROR",
        &serde_json::json!([{"field": "email", "message": "this server requires an email address to register"}]),
    ))));
    assert_eq!(
        state.login.error_of(Field::Email),
        Some("this server requires an email address to register")
    );
    assert!(screen(&state).contains("this server requires an email address"));

    // The focus stays on the email field.
    type_text(&mut state, "cleo@example.org");
    let commands = state.update(key(KeyCode::Enter));
    let [Command::Register { email, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(email.as_deref(), Some("cleo@example.org"));

    // Created, but the login waits for the address: the form asks for the code.
    state.update(Event::Net(NetEvent::LoginFailed(error(
        "EMAIL_NOT_VERIFIED",
        &serde_json::json!([]),
    ))));
    assert!(state.login.verifying);
    assert_eq!(state.login.fields(), [Field::Code]);
    let shown = screen(&state);
    assert!(
        shown.contains("Account created. Check your mail"),
        "{shown}"
    );
    assert!(shown.contains("cleo@example.org"), "{shown}");
    assert!(shown.contains("Ctrl-E: mail a new code"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");

    // A wrong code: the server's refusal under the field, still asking.
    type_text(&mut state, "wrong");
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        commands,
        [Command::VerifyAndLogin {
            server: "http://chat.test".into(),
            username: "cleo".into(),
            password: Password("hunter2 secret".into()),
            code: "wrong".into(),
        }]
    );
    assert!(!format!("{commands:?}").contains("hunter2"));
    state.update(Event::Net(NetEvent::LoginFailed(error(
        "VALIDATION_ERROR",
        &serde_json::json!([{"field": "token", "message": "invalid, expired or already used token"}]),
    ))));
    assert!(state.login.verifying);
    assert!(screen(&state).contains("invalid, expired or already used token"));

    // The right code logs in; the form is reset.
    for _ in 0..5 {
        state.update(key(KeyCode::Backspace));
    }
    type_text(&mut state, "Vw3Zp0q9");
    assert!(matches!(
        state.update(key(KeyCode::Enter)).as_slice(),
        [Command::VerifyAndLogin { code, .. }] if code == "Vw3Zp0q9"
    ));
    logged_in(&mut state, &user);
    assert_eq!(state.screen, Screen::Main);
    assert!(!state.login.verifying && state.login.info.is_none());
    assert!(state.login.password.is_empty() && state.login.code.is_empty());
}

#[test]
fn a_login_refused_for_an_unverified_address_explains_and_mails_a_new_code() {
    let (mut state, _) = login_screen();
    state.update(key(KeyCode::Tab));
    type_text(&mut state, "cleo");
    state.update(key(KeyCode::Tab));
    type_text(&mut state, "hunter2 secret");
    assert!(matches!(
        state.update(key(KeyCode::Enter)).as_slice(),
        [Command::Login { .. }]
    ));
    state.update(Event::Net(NetEvent::LoginFailed(error(
        "EMAIL_NOT_VERIFIED",
        &serde_json::json!([]),
    ))));
    let shown = screen(&state);
    assert!(
        shown.contains("This server needs your email address verified"),
        "{shown}"
    );
    assert!(shown.contains("Verify your email address"), "{shown}");

    // Ctrl-E: a new code, asked by username; the answer is said on the screen.
    assert_eq!(
        state.update(ctrl('e')),
        [Command::ResendVerification {
            server: "http://chat.test".into(),
            login: "cleo".into(),
        }]
    );
    assert!(state.login.busy);
    state.update(Event::Net(NetEvent::LoginInfo(
        "A new code is on its way".into(),
    )));
    assert!(!state.login.busy);
    assert!(screen(&state).contains("A new code is on its way"));
    // An empty code is not sent.
    assert!(state.update(key(KeyCode::Enter)).is_empty());
    assert!(state.login.error.as_deref().unwrap().contains("Ctrl-E"));

    // Esc: back to the login form, the username kept.
    state.update(key(KeyCode::Esc));
    assert!(!state.login.verifying);
    assert_eq!(state.login.fields().len(), 3);
    assert!(screen(&state).contains("> cleo"));
}

#[test]
fn registering_with_an_address_where_verification_is_optional_says_where_the_code_went() {
    let (mut state, user) = login_screen();
    register(&mut state, "cleo@example.org");
    logged_in(&mut state, &user);
    assert_eq!(
        state.notice.as_deref(),
        Some("a code was mailed to cleo@example.org: /verify CODE")
    );
}
