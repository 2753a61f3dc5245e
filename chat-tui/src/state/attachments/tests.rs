//! Reducer tests for attachments: the line's text, open and save of the right image, the
//! picker, the upload flow up to the send that carries the ids, and refusals.

use common::api::Attachment;
use common::ids::{AttachmentId, ChatId};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::bench;
use crate::state::{ConnState, Event, Focus};
use std::path::PathBuf;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(key(KeyCode::Char(c))))
        .collect()
}

fn image(name: &str, size: u64) -> Attachment {
    Attachment {
        id: AttachmentId::new(),
        name: name.to_owned(),
        mime: "image/jpeg".to_owned(),
        size,
        width: 1920,
        height: 1080,
        kind: common::api::AttachmentKind::Image,
        thumbnail: true,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

/// A chat whose newest message carries `images`, selected in the timeline.
fn with_images(images: Vec<Attachment>) -> (AppState, ChatId) {
    let mut state = bench::state(2, 4);
    state.attachments.downloads_dir = Some(PathBuf::from("/home/ada/Downloads"));
    let chat = state.chats[0].id();
    let last = state.chats[0].messages.len() - 1;
    state.chats[0].messages[last].attachments = images;
    state.focus = Focus::Timeline;
    state.chats[0].selected = Some(last);
    (state, chat)
}

fn attach_commands(commands: &[Command]) -> Vec<AttachCommand> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Attachment(a) => Some(a.clone()),
            _ => None,
        })
        .collect()
}

fn sends(commands: &[Command]) -> Vec<common::ws::SendData> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Send(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_attachment_line_names_size_and_dimensions_and_is_sanitized() {
    assert_eq!(
        describe(&image("photo.jpg", 1_258_291)),
        "▣ photo.jpg · 1.2 MiB · 1920×1080"
    );
    assert_eq!(human_size(512), "512 B");
    assert_eq!(human_size(48_213), "47.1 KiB");
    let hostile = describe(&image("\u{1b}]0;owned\u{7}cat\u{202e}gpj.exe", 10));
    assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
    assert!(hostile.contains("catgpj.exe"));
    assert_eq!(file_name("../../.bashrc"), "_.._.bashrc");
    assert_eq!(file_name("-rf"), "rf");
    assert_eq!(file_name("\u{1b}[2J"), "attachment");
}

fn file(name: &str, size: u64, mime: &str) -> Attachment {
    Attachment {
        id: AttachmentId::new(),
        name: name.to_owned(),
        mime: mime.to_owned(),
        kind: common::api::AttachmentKind::File,
        size,
        width: 0,
        height: 0,
        thumbnail: false,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

#[test]
fn a_file_s_line_names_size_and_type() {
    assert_eq!(
        describe(&file("minutes.pdf", 1_258_291, "application/pdf")),
        "▤ minutes.pdf · 1.2 MiB · application/pdf"
    );
    let hostile = describe(&file("a.bin", 1, "x/\u{1b}]0;owned\u{7}y"));
    assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
}

#[test]
fn s_saves_a_file_into_the_download_directory_and_o_opens_it() {
    let report = file("minutes.pdf", 48, "application/pdf");
    let (mut state, _) = with_images(vec![report.clone()]);
    let last = state.chats[0].messages.len() - 1;
    state.chats[0].messages[last].content = Some("the minutes".into());
    // No prompt: straight into the download directory (the network task picks a free name).
    let commands = state.update(key(KeyCode::Char('s')));
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Save {
            attachment: report.clone(),
            path: "/home/ada/Downloads".to_owned()
        }]
    );
    assert_eq!(state.notice.as_deref(), Some("saving minutes.pdf…"));
    let commands = state.update(Event::Net(NetEvent::Attachment(AttachEvent::Downloaded {
        name: report.name.clone(),
        path: PathBuf::from("/home/ada/Downloads/minutes (1).pdf"),
        open: false,
    })));
    assert!(commands.is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("saved minutes.pdf to /home/ada/Downloads/minutes (1).pdf")
    );

    // `o` on a message without a link opens its file with the system opener.
    let commands = state.update(key(KeyCode::Char('o')));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Open(report)]
    );

    // Without a download directory, `s` asks where.
    state.attachments.downloads_dir = None;
    state.update(key(KeyCode::Char('s')));
    assert!(matches!(
        state.overlay,
        Some(Overlay::Attach(AttachOverlay::Path {
            purpose: PathPurpose::SaveAs(_),
            ..
        }))
    ));
}

#[test]
fn open_and_save_act_on_the_selected_message_s_image() {
    let photo = image("photo.jpg", 1000);
    let (mut state, _) = with_images(vec![photo.clone()]);
    let commands = state.update(key(KeyCode::Char('a')));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Open(photo.clone())]
    );
    // The download answers with a path: it opens through the same path as links do.
    let commands = state.update(Event::Net(NetEvent::Attachment(AttachEvent::Downloaded {
        name: photo.name.clone(),
        path: PathBuf::from("/cache/x-photo.jpg"),
        open: true,
    })));
    assert_eq!(
        commands,
        vec![Command::OpenUrl("/cache/x-photo.jpg".to_owned())]
    );

    // `/save` asks where, offering the download directory; Enter saves there.
    state.focus = Focus::Composer;
    type_text(&mut state, "/save");
    state.update(key(KeyCode::Enter));
    let Some(Overlay::Attach(AttachOverlay::Path { input, .. })) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(input, "/home/ada/Downloads/photo.jpg");
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Save {
            attachment: photo,
            path: "/home/ada/Downloads/photo.jpg".to_owned()
        }]
    );
    assert!(state.overlay.is_none());
}

#[test]
fn a_message_without_images_says_so_and_a_deleted_one_has_none() {
    let (mut state, _) = with_images(Vec::new());
    assert!(attach_commands(&state.update(key(KeyCode::Char('a')))).is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("this message has no attachment")
    );
    let (mut state, _) = with_images(vec![image("a.png", 1)]);
    let last = state.chats[0].messages.len() - 1;
    state.chats[0].messages[last].deleted = true;
    assert!(attach_commands(&state.update(key(KeyCode::Char('a')))).is_empty());
}

#[test]
fn several_images_are_picked_from_a_list() {
    let images = vec![
        image("one.png", 1),
        image("two.png", 2),
        image("three.png", 3),
    ];
    let (mut state, _) = with_images(images.clone());
    state.update(key(KeyCode::Char('a')));
    assert!(matches!(
        state.overlay,
        Some(Overlay::Attach(AttachOverlay::Pick { selected: 0, .. }))
    ));
    state.update(key(KeyCode::Char('j')));
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Open(images[1].clone())]
    );
    // The save key opens the same list; a digit picks, `s` saves that one.
    state.update(key(KeyCode::Char('s')));
    state.update(key(KeyCode::Char('3')));
    let commands = state.update(key(KeyCode::Char('s')));
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Save {
            attachment: images[2].clone(),
            path: "/home/ada/Downloads".to_owned()
        }]
    );
}

#[test]
fn an_upload_is_pending_until_stored_and_the_next_send_carries_its_id() {
    let (mut state, chat) = with_images(Vec::new());
    state.focus = Focus::Composer;
    state.conn = ConnState::Connected;
    type_text(&mut state, "/attach ~/cat.png");
    let commands = attach_commands(&state.update(key(KeyCode::Enter)));
    let [
        AttachCommand::Upload {
            chat_id,
            local_id,
            path,
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    assert_eq!((*chat_id, path.as_str()), (chat, "~/cat.png"));
    assert_eq!(uploads(&state, chat)[0].state, UploadState::Uploading);
    assert_eq!(uploads(&state, chat)[0].name, "cat.png");

    // Sending while it uploads is refused, and the text stays.
    type_text(&mut state, "look");
    assert!(sends(&state.update(key(KeyCode::Enter))).is_empty());
    assert!(state.notice.as_deref().unwrap().contains("still uploading"));
    assert_eq!(state.current().unwrap().composer.text(), "look");

    let stored = image("cat.png", 4000);
    state.update(Event::Net(NetEvent::Attachment(AttachEvent::Uploaded {
        chat_id: chat,
        local_id: *local_id,
        attachment: stored.clone(),
    })));
    assert_eq!(
        uploads(&state, chat)[0].state,
        UploadState::Ready(stored.clone())
    );
    let sent = sends(&state.update(key(KeyCode::Enter)));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].content, "look");
    assert_eq!(sent[0].attachment_ids, vec![stored.id]);
    assert!(uploads(&state, chat).is_empty());
    assert_eq!(state.chats[0].pending[0].attachments, vec![stored.clone()]);

    // A resend after a reconnect names the same images.
    state.update(Event::Net(NetEvent::Connection(ConnState::Reconnecting {
        in_secs: 1,
    })));
    let resent = sends(&state.update(Event::Net(NetEvent::Connection(ConnState::Connected))));
    assert_eq!(resent[0].attachment_ids, vec![stored.id]);

    // The next message carries nothing.
    type_text(&mut state, "plain");
    let sent = sends(&state.update(key(KeyCode::Enter)));
    assert!(sent[0].attachment_ids.is_empty());
}

#[test]
fn an_image_needs_no_caption() {
    let (mut state, chat) = with_images(Vec::new());
    state.focus = Focus::Composer;
    let mut commands = Vec::new();
    start_upload(&mut state, chat, "/tmp/a.png", &mut commands);
    let stored = image("a.png", 10);
    state.update(Event::Net(NetEvent::Attachment(AttachEvent::Uploaded {
        chat_id: chat,
        local_id: 1,
        attachment: stored.clone(),
    })));
    // Spaces alone are no caption (the server refuses whitespace-only text).
    type_text(&mut state, "  ");
    let sent = sends(&state.update(key(KeyCode::Enter)));
    assert_eq!(sent[0].content, "");
    assert_eq!(sent[0].attachment_ids, vec![stored.id]);
}

#[test]
fn a_refused_file_says_why_and_is_never_sent() {
    let (mut state, chat) = with_images(Vec::new());
    state.focus = Focus::Composer;
    type_text(&mut state, "/attach big.png");
    let commands = attach_commands(&state.update(key(KeyCode::Enter)));
    let [AttachCommand::Upload { local_id, .. }] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let reason = "big.png is 12.0 MiB; the server takes at most 10.0 MiB".to_owned();
    state.update(Event::Net(NetEvent::Attachment(
        AttachEvent::UploadFailed {
            chat_id: chat,
            local_id: *local_id,
            reason: reason.clone(),
        },
    )));
    assert_eq!(state.notice, Some(format!("big.png: {reason}")));
    assert_eq!(uploads(&state, chat)[0].state, UploadState::Failed(reason));
    type_text(&mut state, "hi");
    let sent = sends(&state.update(key(KeyCode::Enter)));
    assert!(sent[0].attachment_ids.is_empty());
    assert!(uploads(&state, chat).is_empty());
}

#[test]
fn a_message_takes_at_most_five_and_detach_discards_them() {
    let (mut state, chat) = with_images(Vec::new());
    let mut out = Vec::new();
    for i in 0..6 {
        start_upload(&mut state, chat, &format!("/tmp/{i}.png"), &mut out);
    }
    assert_eq!(attach_commands(&out).len(), MAX_PER_MESSAGE);
    assert!(state.notice.as_deref().unwrap().contains("at most 5"));
    let stored = image("0.png", 1);
    state.update(Event::Net(NetEvent::Attachment(AttachEvent::Uploaded {
        chat_id: chat,
        local_id: 1,
        attachment: stored.clone(),
    })));
    state.focus = Focus::Composer;
    type_text(&mut state, "/detach");
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Discard(stored.id)]
    );
    assert!(uploads(&state, chat).is_empty());
    // An upload that finishes after /detach is discarded too.
    let late = image("1.png", 1);
    let commands = state.update(Event::Net(NetEvent::Attachment(AttachEvent::Uploaded {
        chat_id: chat,
        local_id: 2,
        attachment: late.clone(),
    })));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Discard(late.id)]
    );
}

#[test]
fn the_attach_key_asks_for_a_path() {
    let (mut state, chat) = with_images(Vec::new());
    state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::ALT,
    )));
    assert!(matches!(
        state.overlay,
        Some(Overlay::Attach(AttachOverlay::Path {
            purpose: PathPurpose::Upload(c),
            ..
        })) if c == chat
    ));
    state.update(Event::Paste("/tmp/x.png\n".into()));
    let commands = state.update(key(KeyCode::Enter));
    assert!(matches!(
        attach_commands(&commands).as_slice(),
        [AttachCommand::Upload { path, .. }] if path == "/tmp/x.png"
    ));
}

#[cfg(feature = "graphics")]
#[test]
fn thumbnails_are_asked_once_and_only_when_previews_can_be_drawn() {
    let photo = image("photo.jpg", 1000);
    let (mut state, _) = with_images(vec![photo.clone()]);
    assert!(attach_commands(&state.update(Event::Resize(80, 24))).is_empty());
    state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
    let commands = state.update(Event::Resize(80, 24));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::Thumbnail(photo.id)]
    );
    assert!(attach_commands(&state.update(Event::Resize(80, 24))).is_empty());
    // Bytes that are no image leave the attachment line alone.
    state.update(Event::Net(NetEvent::Attachment(AttachEvent::Thumbnail(
        photo.id,
        Some(b"<html>".to_vec()),
    ))));
    assert_eq!(
        state.attachments.thumbnails.get(&photo.id),
        Some(&Thumbnail::Failed)
    );
    state.attachments.preview = PreviewMode::Off;
    state.attachments.thumbnails.clear();
    assert!(attach_commands(&state.update(Event::Resize(80, 24))).is_empty());
}

#[test]
fn tab_in_the_path_prompt_completes_unless_typing_went_on() {
    let (mut state, _) = with_images(Vec::new());
    state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::ALT,
    )));
    type_text(&mut state, "~/Pic");
    let commands = state.update(key(KeyCode::Tab));
    assert_eq!(
        attach_commands(&commands),
        vec![AttachCommand::CompletePath("~/Pic".into())]
    );
    let completed = |typed: &str| {
        Event::Net(NetEvent::Attachment(AttachEvent::PathCompleted {
            typed: typed.into(),
            completed: "~/Pictures/".into(),
        }))
    };
    state.update(completed("~/Pi"));
    let input = |state: &AppState| match &state.overlay {
        Some(Overlay::Attach(AttachOverlay::Path { input, .. })) => input.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(input(&state), "~/Pic");
    state.update(completed("~/Pic"));
    assert_eq!(input(&state), "~/Pictures/");
}
