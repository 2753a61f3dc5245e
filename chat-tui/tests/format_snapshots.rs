//! Formatting ranges from any client and emoji sequences as the screen shows them: insta
//! snapshots of ratatui's test backend at 80x24 (styles written out as `⟨b:…⟩` marks), and
//! every row as wide as a terminal counting character by character (tmux, wcwidth) sees it.

use chat_tui::bench;
use chat_tui::config::Config;
use chat_tui::state::{AppState, Event, NetEvent};
use chat_tui::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use unicode_width::UnicodeWidthChar;

fn draw(state: &AppState, w: u16, h: u16) -> Buffer {
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, state, &theme)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen's rows with every styled stretch written `⟨bi:text⟩` (b bold, i italic,
/// r reversed, s strike, u underlined).
fn styled_rows(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut row = String::new();
        let mut open: Option<String> = None;
        let mut skip = 0;
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let m = cell.modifier;
            let marks: String = [
                (Modifier::BOLD, 'b'),
                (Modifier::ITALIC, 'i'),
                (Modifier::REVERSED, 'r'),
                (Modifier::CROSSED_OUT, 's'),
                (Modifier::UNDERLINED, 'u'),
            ]
            .iter()
            .filter(|(flag, _)| m.contains(*flag))
            .map(|(_, c)| *c)
            .collect();
            let marks = (!marks.is_empty()).then_some(marks);
            if marks != open {
                if open.is_some() {
                    row.push('⟩');
                }
                if let Some(marks) = &marks {
                    row.push('⟨');
                    row.push_str(marks);
                    row.push(':');
                }
                open = marks;
            }
            row.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        if open.is_some() {
            row.push('⟩');
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

/// Columns a terminal that adds up `wcwidth` of each character (tmux, most terminals)
/// moves for what ratatui writes on row `y`.
fn columns_counted_by_character(buffer: &Buffer, y: u16) -> usize {
    let mut cols = 0;
    let mut skip = 0;
    for x in 0..buffer.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let symbol = buffer[(x, y)].symbol();
        let by_char: usize = symbol.chars().map(|c| c.width().unwrap_or(0)).sum();
        let as_cluster = unicode_width::UnicodeWidthStr::width(symbol);
        cols += by_char;
        skip = as_cluster.saturating_sub(1);
    }
    cols
}

fn with_messages(texts: &[(&str, serde_json::Value)]) -> AppState {
    let mut state = bench::state(3, texts.len());
    state.update(Event::Net(NetEvent::Connection(
        chat_tui::state::ConnState::Connected,
    )));
    for (m, (text, metadata)) in state.chats[0].messages.iter_mut().zip(texts) {
        m.content = Some((*text).to_owned());
        m.metadata = metadata.clone();
    }
    state
}

#[test]
fn formatting_from_any_client_is_drawn_and_hostile_ranges_are_clipped() {
    let f = |list: serde_json::Value| serde_json::json!({ "formatting": list });
    let state = with_messages(&[
        (
            "bold, italic, code, strike and a link https://e.x",
            f(serde_json::json!([
                {"start": 0, "end": 4, "style": "bold"},
                {"start": 6, "end": 12, "style": "italic"},
                {"start": 14, "end": 18, "style": "code"},
                {"start": 20, "end": 26, "style": "strike"},
                {"start": 33, "end": 37, "style": "link", "url": "https://e.x"},
            ])),
        ),
        (
            "literal *stars* and snake_case stay as sent",
            serde_json::json!({}),
        ),
        (
            "overlapping and past the end: 日本語 👍🏽",
            f(serde_json::json!([
                {"start": 0, "end": 20, "style": "bold"},
                {"start": 5, "end": 9999, "style": "italic"},
                {"start": 36, "end": 37, "style": "code"},
                {"start": 7, "end": 3, "style": "strike"},
                {"start": "x", "end": 3, "style": "bold"},
                {"start": 1, "end": 2, "style": "blink"},
            ])),
        ),
        (
            "fn main() {\n    println!(\"hi\");\n}",
            f(serde_json::json!([{"start": 0, "end": 33, "style": "code", "lang": "rust"}])),
        ),
    ]);
    insta::assert_snapshot!("formatting_80x24", styled_rows(&draw(&state, 80, 24)));
}

const EMOJI_LINES: [&str; 6] = [
    "flags 🇩🇪🇫🇷🇯🇵🇺🇦 and a lone 🇩 end",
    "skin tones 👍🏽👋🏿🙏🏻 👩🏽‍💻 end",
    "families 👨‍👩‍👧 👨‍👩‍👧‍👦 🧑🏿‍🤝‍🧑🏻 🏳️‍🌈 end",
    "VS16 ❤️ ☺️ ✔️ #️⃣ 1️⃣ and text ❤ end",
    "combining é ñ̃ a\u{301}\u{302}\u{303} ก้ end",
    "🇩🇪🇫🇷🇯🇵🇺🇦🇩🇪🇫🇷🇯🇵🇺🇦🇩🇪🇫🇷🇯🇵🇺🇦🇩🇪🇫🇷🇯🇵🇺🇦👍🏽👍🏽👍🏽👍🏽👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 wrapped",
];

#[test]
fn flags_skin_tones_and_zwj_families_never_shift_a_column() {
    let mut state = with_messages(
        &EMOJI_LINES
            .iter()
            .map(|t| (*t, serde_json::json!({})))
            .collect::<Vec<_>>(),
    );
    // One's own draft too: what the composer shows is measured the same way.
    state.focus = chat_tui::state::Focus::Composer;
    state.chats[0]
        .composer
        .insert("draft 👍🏽 🇩🇪 👨‍👩‍👧 ❤️ and more 👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿👋🏿 end");
    for (w, h) in [(80, 24), (120, 40), (47, 30)] {
        let buffer = draw(&state, w, h);
        for y in 0..h {
            assert_eq!(
                columns_counted_by_character(&buffer, y),
                usize::from(w),
                "row {y} at {w}x{h}: {:?}",
                styled_rows(&buffer).lines().nth(usize::from(y))
            );
        }
        if (w, h) == (80, 24) {
            insta::assert_snapshot!("emoji_80x24", styled_rows(&buffer));
        }
    }
}

#[test]
fn the_cursor_follows_a_draft_with_emoji_and_wide_characters() {
    let mut state = bench::state(3, 5);
    state.focus = chat_tui::state::Focus::Composer;
    state.chats[0].composer.insert("abc 👍🏽 世界");
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| ui::draw(f, &state, &theme)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let cursor = terminal.get_cursor_position().unwrap();
    // The composer's text starts right of its left border.
    let row: String = (0..80)
        .map(|x| buffer[(x, cursor.y)].symbol().to_owned())
        .collect();
    let start = (0..80u16)
        .find(|&x| buffer[(x, cursor.y)].symbol() == "a")
        .unwrap();
    // "abc 👍 世界": 3 + 1 + 2 + 1 + 4 columns.
    assert_eq!(cursor.x - start, 11, "{row}");
    // At the end of a full row the cursor goes to the start of the next.
    state.chats[0].composer.set_text(&"x".repeat(58));
    terminal.draw(|f| ui::draw(f, &state, &theme)).unwrap();
    let full = terminal.get_cursor_position().unwrap();
    let buffer = terminal.backend().buffer();
    let above: String = (start..start + 58)
        .map(|x| buffer[(x, full.y - 1)].symbol().to_owned())
        .collect();
    assert_eq!((full.x, above), (start, "x".repeat(58)));
}

#[test]
fn the_help_lists_the_formatting_syntax() {
    let state = bench::state(1, 1);
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let help = ui::help_lines(&state, &theme, 200)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for (typed, what) in chat_tui::format::SYNTAX {
        assert!(
            help.contains(typed) && help.contains(what),
            "{typed}: {help}"
        );
    }
}
