//! The directory of public groups rendered to ratatui's test backend (insta snapshots at
//! 80x24 and 120x40), and server text in it that never reaches the terminal raw.

use chat_tui::bench;
use chat_tui::config::Config;
use chat_tui::state::directory::{DirectoryOverlay, GroupEvent};
use chat_tui::state::overlay::Overlay;
use chat_tui::state::social::SocialEvent;
use chat_tui::state::{AppState, Event, NetEvent};
use chat_tui::ui::{self, Theme};
use common::api::{GroupSummary, Visibility};
use common::ids::ChatId;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(state: &AppState, w: u16, h: u16) -> String {
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, state, &theme)).unwrap();
    format!("{}", terminal.backend())
}

fn group(name: &str, description: Option<&str>, members: u32) -> GroupSummary {
    GroupSummary {
        id: ChatId::new(),
        name: name.into(),
        slug: None,
        description: description.map(Into::into),
        visibility: Visibility::Public,
        member_count: members,
        max_members: 300,
        avatar_url: None,
    }
}

fn directory(groups: Vec<GroupSummary>) -> AppState {
    let mut state = bench::state(3, 5);
    state.overlay = Some(Overlay::Directory(DirectoryOverlay {
        q: "rust".into(),
        ..DirectoryOverlay::default()
    }));
    state.update(Event::Net(NetEvent::Social(SocialEvent::Groups(
        GroupEvent::Directory {
            q: "rust".into(),
            groups,
        },
    ))));
    state
}

#[test]
fn the_directory_lists_groups_with_members_and_description() {
    let state = directory(vec![
        group("Rustaceans", Some("Everything *Rust*\nsecond line"), 42),
        group("Rust in production", None, 7),
        group("Embedded Rust", Some("no_std, probes, boards"), 300),
    ]);
    insta::assert_snapshot!("directory_80x24", render(&state, 80, 24));
    insta::assert_snapshot!("directory_120x40", render(&state, 120, 40));
}

#[test]
fn hostile_group_names_and_descriptions_never_reach_the_terminal() {
    let state = directory(vec![group(
        "\u{1b}[2JRust\u{202e}ers\u{7}",
        Some("\u{1b}]52;c;ZXZpbA==\u{7}clipboard \u{9b}1mthief"),
        3,
    )]);
    let screen = render(&state, 120, 40);
    assert!(
        !screen
            .chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{screen}"
    );
    assert!(screen.contains("Rust"), "{screen}");
}
