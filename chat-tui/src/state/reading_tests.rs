//! Reading: a message longer than the screen is reachable line by line in the timeline and
//! in the reader, and opening a chat with many unread messages lands on the first unread
//! one and marks read only what was shown.

use common::api::Message;
use common::ids::{MessageId, UserId};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::bench;

fn press(state: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    state.update(Event::Key(KeyEvent::new(code, mods)))
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

fn words() -> Vec<String> {
    (1..=834).map(|i| format!("w{i:04}")).collect()
}

/// Two chats; the second holds `n` messages, the one in the middle 5,000 characters long.
fn long_chat(cols: u16, rows: u16, n: i64) -> AppState {
    let mut state = bench::state(2, 1);
    let template = state.chats[0].messages[0].clone();
    state.update(Event::Resize(cols, rows));
    let chat = &mut state.chats[1];
    for seq in 1..=n {
        let mut m: Message = template.clone();
        m.id = MessageId::new();
        m.chat_id = chat.id();
        m.seq = seq;
        m.content = Some(if seq == n / 2 {
            words().join(" ")
        } else {
            format!("short {seq}")
        });
        chat.messages.push(m);
    }
    chat.loaded = true;
    chat.has_more_before = false;
    chat.cursor = n;
    chat.chat.last_seq = n;
    chat.chat.last_read_seq = n;
    chat.chat.unread_count = 0;
    state.focus = Focus::Composer;
    press(&mut state, KeyCode::Char('2'), KeyModifiers::ALT);
    state
}

fn every_line_of_a_long_message_is_reachable(cols: u16, rows: u16) {
    let mut state = long_chat(cols, rows, 9);
    assert_eq!(words().join(" ").chars().count(), 834 * 6 - 1);
    let mut seen = std::collections::HashSet::new();
    let mut record = |state: &AppState| {
        let text = screen(state);
        for w in words() {
            if text.contains(&w) {
                seen.insert(w);
            }
        }
    };
    // Select it (Up from the empty composer, then up to the long one), then line by line.
    press(&mut state, KeyCode::Up, KeyModifiers::NONE);
    for _ in 0..5 {
        press(&mut state, KeyCode::Up, KeyModifiers::NONE);
    }
    assert_eq!(state.current().unwrap().selected, Some(3));
    record(&state);
    for _ in 0..200 {
        press(&mut state, KeyCode::Up, KeyModifiers::SHIFT);
        record(&state);
    }
    assert_eq!(
        seen.len(),
        834,
        "timeline at {cols}x{rows}: every line reachable"
    );
    // Scrolled to the top, the first line of the chat shows; back down it is selected again.
    assert!(screen(&state).contains("short 1"));
    for _ in 0..400 {
        press(&mut state, KeyCode::Down, KeyModifiers::SHIFT);
    }
    assert_eq!(state.current().unwrap().selected, Some(8));

    // The reader: the whole message, page by page and line by line.
    let mut state = long_chat(cols, rows, 9);
    press(&mut state, KeyCode::Up, KeyModifiers::ALT);
    for _ in 0..5 {
        press(&mut state, KeyCode::Char('k'), KeyModifiers::NONE);
    }
    let long = state.current().unwrap().messages[3].id;
    press(&mut state, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        matches!(state.overlay, Some(Overlay::Reader { message_id, .. }) if message_id == long),
        "{:?} {:?} {:?} {:?}",
        state.overlay,
        state.focus,
        state.notice,
        state.current().unwrap().selected
    );
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let text = screen(&state);
        for w in words() {
            if text.contains(&w) {
                seen.insert(w);
            }
        }
        press(&mut state, KeyCode::Char('j'), KeyModifiers::NONE);
    }
    assert_eq!(
        seen.len(),
        834,
        "reader at {cols}x{rows}: every line reachable"
    );
    press(&mut state, KeyCode::Esc, KeyModifiers::NONE);
    assert!(state.overlay.is_none());
}

#[test]
fn a_5000_character_message_is_readable_line_by_line_at_80x24() {
    every_line_of_a_long_message_is_reachable(80, 24);
}

#[test]
fn a_5000_character_message_is_readable_line_by_line_at_120x40() {
    every_line_of_a_long_message_is_reachable(120, 40);
}

#[test]
fn opening_a_chat_with_161_unread_lands_on_the_first_and_marks_only_what_is_shown() {
    let mut state = long_chat(80, 24, 200);
    // Back to the first chat, then the second one gets 161 unread.
    press(&mut state, KeyCode::Char('1'), KeyModifiers::ALT);
    let chat = &mut state.chats[1];
    chat.chat.last_read_seq = 39;
    chat.chat.unread_count = 161;
    for m in &mut chat.messages {
        m.content = Some(format!("short {}", m.seq));
    }
    let commands = press(&mut state, KeyCode::Char('2'), KeyModifiers::ALT);
    let read: Vec<i64> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Read { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    let text = screen(&state);
    assert!(text.contains("new messages"), "{text}");
    assert!(
        text.contains("short 40"),
        "the first unread is shown:\n{text}"
    );
    assert!(!text.contains("short 39 "), "{text}");
    assert!(
        read.iter().all(|seq| *seq < 60),
        "only what is on screen is read: {read:?}"
    );
    assert!(state.chats[1].chat.unread_count > 100);
    // Typing does not move the view; the newest messages are read once reached.
    press(&mut state, KeyCode::Char('x'), KeyModifiers::NONE);
    assert!(screen(&state).contains("short 40"));
    let mut reads = Vec::new();
    for _ in 0..100 {
        reads.extend(press(&mut state, KeyCode::PageDown, KeyModifiers::NONE));
        if state.current().unwrap().selected.is_none() {
            break;
        }
    }
    assert!(reads.contains(&Command::Read {
        chat_id: state.chats[1].id(),
        seq: 200
    }));
    assert_eq!(state.chats[1].chat.unread_count, 0);
}

#[test]
fn the_help_lists_every_key_and_command_and_scrolls_to_the_last() {
    let mut state = long_chat(80, 24, 3);
    let theme = crate::ui::Theme::measuring(state.utc_offset);
    let text: String = crate::ui::help_lines(&state, &theme, 400)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for action in crate::keymap::Action::ALL {
        assert!(text.contains(action.describe()), "{action:?}");
    }
    for (name, _, what) in slash_commands() {
        assert!(text.contains(name) && text.contains(what), "{name}");
    }
    press(&mut state, KeyCode::F(1), KeyModifiers::NONE);
    assert!(screen(&state).contains("Typing always writes"));
    press(&mut state, KeyCode::End, KeyModifiers::NONE);
    let bottom = screen(&state);
    assert!(bottom.contains("/save [path]"), "{bottom}");
    assert!(matches!(state.overlay, Some(Overlay::Help { .. })));
    // Every line was reachable: paging down from the top shows each command once.
    press(&mut state, KeyCode::Home, KeyModifiers::NONE);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        let shown = screen(&state);
        for (name, args, _) in slash_commands() {
            if shown.contains(&format!("{name} {args}").trim_end().to_owned()) {
                seen.insert(*name);
            }
        }
        press(&mut state, KeyCode::PageDown, KeyModifiers::NONE);
    }
    assert_eq!(seen.len(), slash_commands().len());
}

#[test]
fn a_message_mentioning_me_is_marked() {
    let mut state = long_chat(80, 24, 3);
    let me = state.my_id().unwrap();
    let chat = state.current_mut().unwrap();
    let last = chat.messages.last_mut().unwrap();
    last.content = Some("ping @me about it".into());
    last.mentions = vec![me];
    last.sender_id = Some(UserId::new());
    let text = screen(&state);
    assert!(text.contains("@ mentions you"), "{text}");
    assert!(text.contains("ping @me about it"), "{text}");
}

#[test]
fn unread_older_than_the_first_page_are_reached_by_loading_older_pages() {
    let mut state = long_chat(80, 24, 200);
    press(&mut state, KeyCode::Char('1'), KeyModifiers::ALT);
    // Only the newest page (151..=200) is held; 40..=200 are unread.
    let chat = &mut state.chats[1];
    chat.chat.last_read_seq = 39;
    chat.chat.unread_count = 161;
    for m in &mut chat.messages {
        m.content = Some(format!("short {}", m.seq));
    }
    let all = std::mem::take(&mut chat.messages);
    chat.messages = all[150..].to_vec();
    chat.has_more_before = true;
    let chat_id = chat.id();
    let mut commands = press(&mut state, KeyCode::Char('2'), KeyModifiers::ALT);
    for before in [151, 101, 51] {
        assert!(
            commands.contains(&Command::LoadOlder { chat_id, before }),
            "{before}: {commands:?}"
        );
        let from = usize::try_from(before).unwrap() - 51;
        let page = common::api::MessagePage {
            messages: all[from..from + 50].to_vec(),
            has_more_before: before > 51,
            has_more_after: false,
        };
        commands = state.update(Event::Net(NetEvent::Older { chat_id, page }));
    }
    let text = screen(&state);
    assert!(text.contains("new messages"), "{text}");
    assert!(text.contains("short 40"), "{text}");
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::LoadOlder { .. }))
    );
    assert!(state.chats[1].chat.unread_count > 100);
}
