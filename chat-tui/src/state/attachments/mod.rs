//! Attachments in the reducer: uploads waiting in the composer until the next send, opening
//! and saving the images and files of the selected message (a picker when it has several),
//! the small path prompt, and thumbnails asked for inline previews. No I/O: the network task reads,
//! checks and uploads files and writes downloads.

use common::api::{Attachment, Message};
use common::ids::{AttachmentId, ChatId};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::composer::Mode;
use super::event::{Command, NetEvent};
use super::overlay::Overlay;
use super::{AppState, Focus};
use crate::keymap::Action;

pub mod avatar;
mod describe;
mod types;
pub use describe::*;
pub use types::*;

/// The uploads of a chat's composer.
pub fn uploads(state: &AppState, chat: ChatId) -> &[Upload] {
    state
        .attachments
        .uploads
        .get(&chat)
        .map_or(&[], Vec::as_slice)
}

fn selected_message(state: &AppState) -> Option<&Message> {
    let chat = state.current()?;
    chat.message_at(chat.selected?)
}

/// The keys: open or save the selected message's attachment, or attach a file.
pub(super) fn action(state: &mut AppState, action: Action, out: &mut Vec<Command>) {
    if action == Action::AttachFile {
        match state.selected {
            Some(chat) => {
                state.overlay = Some(Overlay::Attach(AttachOverlay::Path {
                    purpose: PathPurpose::Upload(chat),
                    input: String::new(),
                }));
            }
            None => state.notice = Some("open a chat first".into()),
        }
        return;
    }
    let Some(message) = selected_message(state) else {
        state.notice = Some("select a message first (↑ or k)".into());
        return;
    };
    let attachments = if message.deleted {
        Vec::new()
    } else {
        message.attachments.clone()
    };
    let saving = action == Action::SaveAttachment;
    match attachments.as_slice() {
        [] => state.notice = Some("this message has no attachment".into()),
        [one] if saving => save(state, one.clone(), out),
        [one] => open(state, one.clone(), out),
        _ => {
            state.overlay = Some(Overlay::Attach(AttachOverlay::Pick {
                attachments,
                selected: 0,
            }));
        }
    }
}

fn open(state: &mut AppState, attachment: Attachment, out: &mut Vec<Command>) {
    state.notice = Some(format!(
        "downloading {}…",
        crate::sanitize::line(&attachment.name)
    ));
    out.push(Command::Attachment(AttachCommand::Open(attachment)));
}

/// Saves straight into the download directory (the network task adds a suffix rather than
/// replace a file there); without one, asks where.
fn save(state: &mut AppState, attachment: Attachment, out: &mut Vec<Command>) {
    let Some(dir) = state.attachments.downloads_dir.clone() else {
        save_prompt(state, attachment);
        return;
    };
    state.notice = Some(format!(
        "saving {}…",
        crate::sanitize::line(&attachment.name)
    ));
    out.push(Command::Attachment(AttachCommand::Save {
        attachment,
        path: dir.to_string_lossy().into_owned(),
    }));
}

/// Asks where to save, offering the download directory.
fn save_prompt(state: &mut AppState, attachment: Attachment) {
    let name = file_name(&attachment.name);
    let input = match &state.attachments.downloads_dir {
        Some(dir) => dir.join(&name).to_string_lossy().into_owned(),
        None => name,
    };
    state.overlay = Some(Overlay::Attach(AttachOverlay::Path {
        purpose: PathPurpose::SaveAs(attachment),
        input,
    }));
}

/// Keys of the attachment overlays; false closes the overlay.
pub(super) fn overlay_key(
    state: &mut AppState,
    overlay: &mut AttachOverlay,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    match overlay {
        AttachOverlay::Pick {
            attachments,
            selected,
        } => match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                *selected = selected.saturating_sub(1);
                true
            }
            KeyCode::Down | KeyCode::Char('j') => {
                *selected = (*selected + 1).min(attachments.len().saturating_sub(1));
                true
            }
            KeyCode::Char(c @ '1'..='9') => {
                let i = usize::from(c as u8 - b'1');
                if i < attachments.len() {
                    *selected = i;
                }
                true
            }
            KeyCode::Enter | KeyCode::Char('o') => {
                if let Some(a) = attachments.get(*selected).cloned() {
                    open(state, a, out);
                }
                false
            }
            KeyCode::Char('s') => {
                if let Some(a) = attachments.get(*selected).cloned() {
                    save(state, a, out);
                }
                // Closed; without a download directory `save` put the path prompt up in
                // this one's place.
                false
            }
            _ => true,
        },
        AttachOverlay::Path { purpose, input } => match key.code {
            KeyCode::Enter => {
                let path = input.trim().to_owned();
                if path.is_empty() {
                    return true;
                }
                match purpose.clone() {
                    PathPurpose::Upload(chat) => start_upload(state, chat, &path, out),
                    PathPurpose::SaveAs(attachment) => {
                        out.push(Command::Attachment(AttachCommand::Save {
                            attachment,
                            path,
                        }));
                    }
                }
                false
            }
            KeyCode::Backspace => {
                input.pop();
                true
            }
            KeyCode::Tab => {
                out.push(Command::Attachment(AttachCommand::CompletePath(
                    input.clone(),
                )));
                true
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.clear();
                true
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.push(c);
                true
            }
            _ => true,
        },
    }
}

/// Pasted text goes into the path prompt.
pub(super) fn paste(overlay: &mut AttachOverlay, text: &str) {
    if let AttachOverlay::Path { input, .. } = overlay {
        input.push_str(text.trim_matches(['\n', '\r']));
    }
}

/// Queues an upload for `chat`'s composer, unless the message is full already.
pub(super) fn start_upload(state: &mut AppState, chat: ChatId, path: &str, out: &mut Vec<Command>) {
    let list = state.attachments.uploads.entry(chat).or_default();
    let live = list
        .iter()
        .filter(|u| !matches!(u.state, UploadState::Failed(_)))
        .count();
    if live >= MAX_PER_MESSAGE {
        state.notice = Some(format!(
            "a message takes at most {MAX_PER_MESSAGE} attachments; send or /detach first"
        ));
        return;
    }
    state.attachments.next_local += 1;
    let local_id = state.attachments.next_local;
    let name = path
        .rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
        .to_owned();
    list.push(Upload {
        local_id,
        name,
        state: UploadState::Uploading,
    });
    state.focus = Focus::Composer;
    out.push(Command::Attachment(AttachCommand::Upload {
        chat_id: chat,
        local_id,
        path: path.to_owned(),
    }));
}

/// `/attach <path>`, `/detach`, `/save [path]`, `/open`.
pub(super) fn slash(state: &mut AppState, name: &str, rest: &str, out: &mut Vec<Command>) {
    let Some(chat) = state.selected else {
        state.notice = Some("open a chat first".into());
        return;
    };
    match name {
        "/attach" if rest.is_empty() => action(state, Action::AttachFile, out),
        "/attach" => start_upload(state, chat, rest, out),
        "/detach" => {
            for upload in state.attachments.uploads.remove(&chat).unwrap_or_default() {
                if let UploadState::Ready(a) = upload.state {
                    out.push(Command::Attachment(AttachCommand::Discard(a.id)));
                }
            }
            state.notice = Some("attachments removed from the message".into());
        }
        "/open" => action(state, Action::OpenAttachment, out),
        _ => {
            let first = selected_message(state)
                .filter(|m| !m.deleted)
                .and_then(|m| m.attachments.first().cloned());
            match (first, rest.is_empty()) {
                (None, _) => state.notice = Some("select a message with an attachment".into()),
                (Some(a), true) => save_prompt(state, a),
                (Some(attachment), false) => {
                    out.push(Command::Attachment(AttachCommand::Save {
                        attachment,
                        path: rest.to_owned(),
                    }));
                }
            }
        }
    }
}

/// Before a send: `Err` with a notice while an upload of this chat is still running.
pub(super) fn check_send(state: &AppState, chat: ChatId) -> Result<(), String> {
    if uploads(state, chat)
        .iter()
        .any(|u| u.state == UploadState::Uploading)
    {
        return Err("an attachment is still uploading; send when it shows ✓".into());
    }
    Ok(())
}

/// Whether the composer of `chat` holds an upload ready to send (a send without text).
pub(super) fn has_ready(state: &AppState, chat: ChatId) -> bool {
    uploads(state, chat)
        .iter()
        .any(|u| matches!(u.state, UploadState::Ready(_)))
}

/// The uploads the next send of `chat` carries; failed ones are dropped with them.
pub(super) fn take_ready(state: &mut AppState, chat: ChatId, mode: Mode) -> Vec<Attachment> {
    if matches!(mode, Mode::Edit(_)) {
        return Vec::new();
    }
    state
        .attachments
        .uploads
        .remove(&chat)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| match u.state {
            UploadState::Ready(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// Applies the network task's report.
pub(super) fn apply(state: &mut AppState, event: AttachEvent, out: &mut Vec<Command>) {
    match event {
        AttachEvent::Uploaded {
            chat_id,
            local_id,
            attachment,
        } => {
            if let Some(u) = find(state, chat_id, local_id) {
                u.state = UploadState::Ready(attachment);
            } else {
                // Removed with /detach while uploading: the server need not keep it.
                out.push(Command::Attachment(AttachCommand::Discard(attachment.id)));
            }
        }
        AttachEvent::UploadFailed {
            chat_id,
            local_id,
            reason,
        } => {
            if let Some(u) = find(state, chat_id, local_id) {
                let name = crate::sanitize::line(&u.name).into_owned();
                u.state = UploadState::Failed(reason.clone());
                state.notice = Some(format!("{name}: {reason}"));
            }
        }
        AttachEvent::Downloaded { name, path, open } => {
            let name = crate::sanitize::line(&name).into_owned();
            let shown = path.display().to_string();
            if open {
                state.notice = Some(format!("opening {name}…"));
                out.push(Command::OpenUrl(shown));
            } else {
                state.notice = Some(format!("saved {name} to {shown}"));
            }
        }
        AttachEvent::PathCompleted { typed, completed } => {
            // Only if nothing was typed since it was asked.
            if let Some(Overlay::Attach(AttachOverlay::Path { input, .. })) = &mut state.overlay {
                if *input == typed {
                    *input = completed;
                }
            } else if state.overlay.is_none() {
                // `/attach <path>` or `/save <path>` in the composer.
                super::editing::path_completed(state, &typed, &completed);
            }
        }
        AttachEvent::Avatar(url, bytes) => avatar::arrived(state, url, bytes),
        AttachEvent::Thumbnail(id, bytes) => {
            // Pure computation on a bounded input (see `preview::decode`), done once per
            // thumbnail; drawing then only copies the encoded image.
            let preview = bytes
                .zip(state.attachments.picker.as_ref())
                .and_then(|(bytes, picker)| crate::preview::decode(picker, &bytes));
            state
                .attachments
                .thumbnails
                .insert(id, preview.map_or(Thumbnail::Failed, Thumbnail::Ready));
        }
    }
}

fn find(state: &mut AppState, chat: ChatId, local_id: u64) -> Option<&mut Upload> {
    state
        .attachments
        .uploads
        .get_mut(&chat)?
        .iter_mut()
        .find(|u| u.local_id == local_id)
}

/// Asks for the thumbnails of the open chat's newest images once, when previews can be
/// drawn; only recent messages are fetched so a long history costs nothing.
pub(super) fn want_thumbnails(state: &mut AppState, out: &mut Vec<Command>) {
    if state.attachments.preview == PreviewMode::Off || state.attachments.picker.is_none() {
        return;
    }
    let Some(chat) = state.current() else { return };
    let end = chat
        .selected
        .map_or(chat.messages.len(), |i| (i + 1).min(chat.messages.len()));
    let wanted: Vec<AttachmentId> = chat.messages[end.saturating_sub(20)..end]
        .iter()
        .filter(|m| !m.deleted)
        .flat_map(|m| m.attachments.iter())
        .filter(|a| a.thumbnail)
        .map(|a| a.id)
        .filter(|id| !state.attachments.thumbnails.contains_key(id))
        .collect();
    for id in wanted {
        state.attachments.thumbnails.insert(id, Thumbnail::Loading);
        out.push(Command::Attachment(AttachCommand::Thumbnail(id)));
    }
}

impl From<AttachEvent> for NetEvent {
    fn from(event: AttachEvent) -> Self {
        Self::Attachment(event)
    }
}

#[cfg(test)]
mod tests;
