//! Replays of what broke in the composer: Tab never moves focus, letters never act while
//! writing, the readline keys, and `/group` with a quoted name.

use common::api::User;
use common::ids::UserId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::social::SocialCommand;
use super::*;
use crate::bench;

fn press(state: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    state.update(Event::Key(KeyEvent::new(code, mods)))
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Command> {
    press(state, code, KeyModifiers::NONE)
}

fn ctrl(state: &mut AppState, c: char) -> Vec<Command> {
    press(state, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn alt(state: &mut AppState, c: char) -> Vec<Command> {
    press(state, KeyCode::Char(c), KeyModifiers::ALT)
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

fn writing() -> AppState {
    let mut state = bench::state(2, 5);
    state.focus = Focus::Composer;
    let bob = User {
        id: UserId::new(),
        username: "bob".into(),
        display_name: Some("Bob".into()),
        status_message: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        avatar_url: None,
    };
    state.users.insert(bob.id, bob);
    state
}

fn text(state: &AppState) -> String {
    state.current().unwrap().composer.text().to_owned()
}

#[test]
fn a_mention_completed_with_tab_twice_then_more_text_is_sent_whole() {
    let mut state = writing();
    let mut commands = type_text(&mut state, "hey @bo");
    commands.extend(key(&mut state, KeyCode::Tab));
    commands.extend(key(&mut state, KeyCode::Tab));
    commands.extend(type_text(&mut state, "quick question"));
    assert_eq!(state.focus, Focus::Composer);
    assert_eq!(text(&state), "hey @bob quick question");
    commands.extend(key(&mut state, KeyCode::Enter));
    assert!(!commands.contains(&Command::Quit), "{commands:?}");
    assert!(!state.quit);
    let sent: Vec<&str> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Send(data) => Some(data.content.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec!["hey @bob quick question"]);
}

#[test]
fn tab_cycles_commands_and_ctrl_w_clears_the_way_for_a_block() {
    let mut state = writing();
    type_text(&mut state, "/");
    key(&mut state, KeyCode::Tab);
    assert_eq!(text(&state), "/dm ");
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        text(&state),
        "/group ",
        "the second Tab offers the next command"
    );
    assert_eq!(state.focus, Focus::Composer);
    ctrl(&mut state, 'w');
    assert_eq!(text(&state), "");
    let mut commands = type_text(&mut state, "/block @ada");
    commands.extend(key(&mut state, KeyCode::Enter));
    assert!(
        commands.contains(&Command::Social(SocialCommand::SetBlockedByName {
            username: "ada".into(),
            blocked: true,
        })),
        "{commands:?}"
    );
}

#[test]
fn letters_that_are_action_keys_elsewhere_type_in_the_composer() {
    let mut state = writing();
    let commands = type_text(&mut state, "i quit? ryde+/Jo L");
    assert_eq!(text(&state), "i quit? ryde+/Jo L");
    assert_eq!(state.focus, Focus::Composer);
    assert!(state.overlay.is_none());
    assert!(!commands.contains(&Command::Quit));
    // Tab with nothing to complete says so and stays.
    key(&mut state, KeyCode::Tab);
    assert_eq!(state.focus, Focus::Composer);
    assert!(state.notice.is_some());
}

#[test]
fn readline_keys_edit_and_ctrl_l_redraws() {
    let mut state = writing();
    type_text(&mut state, "one two three");
    alt(&mut state, 'b');
    alt(&mut state, 'b');
    ctrl(&mut state, 'k');
    assert_eq!(text(&state), "one ");
    ctrl(&mut state, 'a');
    type_text(&mut state, ">");
    ctrl(&mut state, 'e');
    type_text(&mut state, "four");
    assert_eq!(text(&state), ">one four");
    alt(&mut state, 'b');
    alt(&mut state, 'f');
    type_text(&mut state, "!");
    assert_eq!(text(&state), ">one four!");
    ctrl(&mut state, 'w');
    assert_eq!(text(&state), ">one ");
    ctrl(&mut state, 'u');
    assert_eq!(text(&state), "");
    assert_eq!(ctrl(&mut state, 'l'), vec![Command::Redraw]);
    assert_eq!(state.focus, Focus::Composer);
}

#[test]
fn up_on_an_empty_composer_selects_and_esc_goes_back_to_writing() {
    let mut state = writing();
    key(&mut state, KeyCode::Up);
    assert_eq!(state.focus, Focus::Timeline);
    let chat = state.current().unwrap();
    assert_eq!(chat.selected, Some(chat.items_len() - 1));
    // In the selection letters act: r replies to the selected message.
    key(&mut state, KeyCode::Char('k'));
    key(&mut state, KeyCode::Char('r'));
    assert_eq!(state.focus, Focus::Composer);
    assert!(matches!(
        state.current().unwrap().composer.mode,
        composer::Mode::Reply(_)
    ));
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.current().unwrap().composer.mode, composer::Mode::New);
    // Alt-Up selects with text in the composer; Esc leaves; the draft is untouched.
    type_text(&mut state, "draft");
    press(&mut state, KeyCode::Up, KeyModifiers::ALT);
    assert_eq!(state.focus, Focus::Timeline);
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.focus, Focus::Composer);
    assert_eq!(state.current().unwrap().selected, None);
    assert_eq!(text(&state), "draft");
    // A letter with no action in the selection starts writing again.
    press(&mut state, KeyCode::Up, KeyModifiers::ALT);
    type_text(&mut state, "!");
    assert_eq!(state.focus, Focus::Composer);
    assert_eq!(text(&state), "draft!");
}

#[test]
fn group_takes_a_quoted_name_with_spaces() {
    let mut state = writing();
    let mut commands = type_text(&mut state, r#"/group "Launch Team" @bob @carol"#);
    commands.extend(key(&mut state, KeyCode::Enter));
    assert!(
        commands.contains(&Command::CreateGroup {
            name: "Launch Team".into(),
            usernames: vec!["bob".into(), "carol".into()],
        }),
        "{commands:?}"
    );
    let mut commands = type_text(&mut state, "/group solo @bob");
    commands.extend(key(&mut state, KeyCode::Enter));
    assert!(commands.contains(&Command::CreateGroup {
        name: "solo".into(),
        usernames: vec!["bob".into()],
    }));
}

/// A new user with no chat yet types what the empty screen suggests: `/dm bob` runs (it
/// used to go nowhere, as keys had no composer without an open chat), and plain text stays
/// in the box with a word on how to open a chat.
#[test]
fn with_no_chat_open_a_command_runs_and_text_waits_with_a_hint() {
    let mut state = writing();
    state.selected = None;
    let mut commands = type_text(&mut state, "/dm bob");
    assert_eq!(state.composer().text(), "/dm bob");
    commands.extend(key(&mut state, KeyCode::Enter));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::StartDirect(who) if who == "bob")),
        "{commands:?}"
    );
    assert_eq!(state.composer().text(), "");

    type_text(&mut state, "hello");
    key(&mut state, KeyCode::Backspace);
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.composer().text(), "hell");
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("No chat is open")),
        "{:?}",
        state.notice
    );
}
