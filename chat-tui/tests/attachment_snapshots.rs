//! The timeline with attachment lines (and hostile file names), the composer's uploads and
//! the attachment overlays, as insta snapshots at 80x24 and 120x40.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use chat_tui::bench;
use chat_tui::config::Config;
use chat_tui::state::attachments::{AttachEvent, AttachOverlay};
use chat_tui::state::overlay::Overlay;
use chat_tui::state::{AppState, ConnState, Event, NetEvent};
use chat_tui::ui::{self, Theme};
use common::api::Attachment;
use common::ids::AttachmentId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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

fn image(name: &str, size: u64, width: u32, height: u32) -> Attachment {
    Attachment {
        id: AttachmentId::new(),
        name: name.to_owned(),
        mime: "image/png".to_owned(),
        size,
        width,
        height,
        kind: common::api::AttachmentKind::Image,
        thumbnail: true,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The newest messages carry images: one with a caption, one without caption with two
/// images, one of them named to attack the terminal.
fn state() -> AppState {
    let mut state = bench::state(5, 30);
    state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    let chat = &mut state.chats[0];
    let n = chat.messages.len();
    chat.messages[n - 3].attachments = vec![image("photo.jpg", 1_258_291, 1920, 1080)];
    chat.messages[n - 1].content = Some(String::new());
    chat.messages[n - 1].attachments = vec![
        image("diagram.png", 48_213, 800, 600),
        image(
            "\u{1b}]0;owned\u{7}\u{1b}[2Jinvoice\u{202e}gnp.exe",
            900,
            64,
            48,
        ),
    ];
    state
}

#[test]
fn timeline_with_attachments() {
    let state = state();
    let screen = render(&state, 80, 24);
    assert!(screen.contains("▣ photo.jpg · 1.2 MiB · 1920×1080"));
    assert!(screen.contains("▣ invoicegnp.exe · 900 B · 64×48"));
    assert!(
        !screen
            .chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c))
    );
    both("attachments_timeline", &state);
}

#[test]
fn timeline_with_a_file() {
    let mut state = bench::state(5, 30);
    state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    let chat = &mut state.chats[0];
    let n = chat.messages.len();
    chat.messages[n - 1].content = Some("minutes of today".into());
    chat.messages[n - 1].attachments = vec![Attachment {
        id: AttachmentId::new(),
        name: "minutes 2026-12-04.pdf".to_owned(),
        mime: "application/pdf".to_owned(),
        size: 2_400_000,
        width: 0,
        height: 0,
        kind: common::api::AttachmentKind::File,
        thumbnail: false,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
    }];
    let screen = render(&state, 80, 24);
    assert!(
        screen.contains("▤ minutes 2026-12-04.pdf · 2.3 MiB · application/pdf"),
        "{screen}"
    );
    both("attachments_file", &state);
}

#[test]
fn uploads_in_the_composer() {
    let mut state = state();
    let chat = state.chats[0].id();
    state.focus = chat_tui::state::Focus::Composer;
    for c in "/attach ~/Pictures/cat.png".chars() {
        state.update(key(KeyCode::Char(c)));
    }
    state.update(key(KeyCode::Enter));
    for c in "/attach big.png".chars() {
        state.update(key(KeyCode::Char(c)));
    }
    state.update(key(KeyCode::Enter));
    for c in "/attach dog.png".chars() {
        state.update(key(KeyCode::Char(c)));
    }
    state.update(key(KeyCode::Enter));
    state.update(Event::Net(NetEvent::Attachment(AttachEvent::Uploaded {
        chat_id: chat,
        local_id: 1,
        attachment: image("cat.png", 20_000, 640, 480),
    })));
    state.update(Event::Net(NetEvent::Attachment(
        AttachEvent::UploadFailed {
            chat_id: chat,
            local_id: 2,
            reason: "big.png is 12.0 MiB; the server takes at most 10.0 MiB".into(),
        },
    )));
    for c in "look at this".chars() {
        state.update(key(KeyCode::Char(c)));
    }
    let screen = render(&state, 120, 40);
    assert!(screen.contains("▣ cat.png ✓"), "{screen}");
    assert!(screen.contains("▣ big.png ✗"), "{screen}");
    assert!(screen.contains("▣ dog.png ⏳ uploading"), "{screen}");
    both("attachments_composer", &state);
}

#[test]
fn picker_over_several_images() {
    let mut state = state();
    let n = state.chats[0].messages.len();
    state.chats[0].selected = Some(n - 1);
    state.focus = chat_tui::state::Focus::Timeline;
    state.update(key(KeyCode::Char('a')));
    assert!(matches!(
        state.overlay,
        Some(Overlay::Attach(AttachOverlay::Pick { .. }))
    ));
    both("attachments_picker", &state);
}

/// A PNG thumbnail, as the server sends it.
#[cfg(feature = "graphics")]
fn thumbnail() -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, _| {
        if x < 160 {
            image::Rgb([220, 40, 40])
        } else {
            image::Rgb([40, 40, 220])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[cfg(feature = "graphics")]
#[test]
fn previews_sit_under_their_attachment_line() {
    let mut state = state();
    // Half blocks stand in for a graphics protocol: the same placement, drawable here.
    state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
    let commands = state.update(Event::Resize(80, 24));
    let wanted: Vec<AttachmentId> = commands
        .iter()
        .filter_map(|c| match c {
            chat_tui::state::Command::Attachment(
                chat_tui::state::attachments::AttachCommand::Thumbnail(id),
            ) => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(wanted.len(), 3);
    for id in wanted {
        state.update(Event::Net(NetEvent::Attachment(AttachEvent::Thumbnail(
            id,
            Some(thumbnail()),
        ))));
    }
    let theme = Theme::new(&Config::default(), true, time::UtcOffset::UTC);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| ui::draw(f, &state, &theme)).unwrap();
    let buffer = terminal.backend().buffer();
    // The thumbnail's colours are on screen, in the timeline (right of the chat list).
    let drawn: Vec<(u16, u16)> = buffer
        .content()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.bg == ratatui::style::Color::Rgb(220, 40, 40))
        .map(|(i, _)| buffer.pos_of(i))
        .collect();
    assert!(!drawn.is_empty());
    assert!(drawn.iter().all(|(x, y)| *x > 20 && *y > 1 && *y < 20));
    let screen = render(&state, 80, 24);
    // The text line stays above each preview.
    assert!(screen.contains("▣ invoicegnp.exe · 900 B · 64×48"));
    both("attachments_previews", &state);
}
