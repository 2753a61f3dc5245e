//! Writing in the composer: typed text, the readline keys (Ctrl-A/E/U/K/W, Alt-B/F) and Tab
//! completion of `@names`, `:emoji:`, `/commands` and paths (`/attach`, `/save`). Tab again
//! cycles through the matches; it never moves focus, so typing always stays typing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::attachments::AttachCommand;
use super::event::Command;
use super::overlay::EMOJI;
use super::{AppState, slash};
use crate::keymap::Action;
use common::ids::ChatId;

/// The matches of the last Tab, while the composer still shows one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    chat: ChatId,
    start: usize,
    candidates: Vec<String>,
    index: usize,
}

/// A key without an action: plain characters go in, Down moves down a line.
pub(super) fn type_key(state: &mut AppState, key: &KeyEvent, out: &mut Vec<Command>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let composer = state.composer_mut();
    match key.code {
        KeyCode::Char(ch) if !ctrl && !alt => {
            composer.insert(ch.encode_utf8(&mut [0; 4]));
            typed(state, out);
        }
        KeyCode::Down => {
            composer.line_down();
        }
        _ => {}
    }
}

/// Sends `typing:start` for text that is a message (not a command).
fn typed(state: &mut AppState, out: &mut Vec<Command>) {
    if let Some(chat) = state.current()
        && !chat.composer.is_empty()
        && !chat.composer.text().starts_with('/')
    {
        state.typing(out);
    }
}

/// The readline actions; false for any other action.
pub(super) fn edit(state: &mut AppState, action: Action, out: &mut Vec<Command>) -> bool {
    let c = state.composer_mut();
    let changed = match action {
        Action::LineStart => {
            c.home();
            false
        }
        Action::LineEnd => {
            c.end();
            false
        }
        Action::CharLeft => {
            c.left();
            false
        }
        Action::CharRight => {
            c.right();
            false
        }
        Action::WordLeft => {
            c.word_left();
            false
        }
        Action::WordRight => {
            c.word_right();
            false
        }
        Action::DeleteBack => {
            c.backspace();
            true
        }
        Action::DeleteForward => {
            c.delete();
            true
        }
        Action::DeleteWord => {
            c.delete_word();
            true
        }
        Action::KillToStart => {
            c.kill_to_start();
            true
        }
        Action::KillToEnd => {
            c.kill_to_end();
            true
        }
        _ => return false,
    };
    if changed {
        typed(state, out);
    }
    true
}

/// Tab: the next match of the last completion while it is still shown, else the first
/// match of the word before the cursor. Paths are completed by the network task (it reads
/// the directory) and come back as [`path_completed`].
pub(super) fn complete(state: &mut AppState, out: &mut Vec<Command>) {
    let Some(chat_id) = state.selected else {
        return;
    };
    if let Some(mut completion) = state.completion.take()
        && completion.chat == chat_id
        && let Some(chat) = state.current_mut()
        && let Some(shown) = completion.candidates.get(completion.index)
        && chat.composer.cursor() == completion.start + shown.len()
        && chat
            .composer
            .text()
            .get(completion.start..chat.composer.cursor())
            == Some(shown)
    {
        completion.index = (completion.index + 1) % completion.candidates.len();
        chat.composer
            .replace_word(completion.start, &completion.candidates[completion.index]);
        state.completion = Some(completion);
        return;
    }
    let names = names(state);
    let Some(chat) = state.current_mut() else {
        return;
    };
    let text = chat.composer.text().to_owned();
    let (start, word) = chat.composer.current_word();
    let word = word.to_owned();
    let candidates: Vec<String> = if let Some(prefix) = word.strip_prefix('@') {
        let prefix = prefix.to_lowercase();
        names
            .iter()
            .filter(|n| n.starts_with(&prefix))
            .map(|n| format!("@{n} "))
            .collect()
    } else if let Some(prefix) = word.strip_prefix(':').filter(|_| word.len() > 1) {
        let prefix = prefix.trim_end_matches(':');
        EMOJI
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(_, e)| (*e).to_owned())
            .collect()
    } else if start == 0 && word.starts_with('/') {
        slash::names()
            .filter(|n| n.starts_with(word.as_str()))
            .map(|n| format!("{n} "))
            .collect()
    } else if start > 0 && (text.starts_with("/attach ") || text.starts_with("/save ")) {
        out.push(Command::Attachment(AttachCommand::CompletePath(word)));
        return;
    } else {
        Vec::new()
    };
    let Some(first) = candidates.first() else {
        state.notice = Some(if word.is_empty() {
            "nothing to complete: Tab completes @name, :emoji:, /command or a path".to_owned()
        } else {
            format!("no match for {word}")
        });
        return;
    };
    chat.composer.replace_word(start, first);
    state.completion = Some(Completion {
        chat: chat_id,
        start,
        candidates,
        index: 0,
    });
}

/// Usernames for `@` completion: the open chat's members first, then everyone else seen,
/// without oneself.
fn names(state: &AppState) -> Vec<String> {
    let me = state.my_id();
    let mut names: Vec<String> = state
        .current()
        .map(|c| {
            c.participants
                .iter()
                .filter(|p| Some(p.user.id) != me)
                .map(|p| p.user.username.clone())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut others: Vec<String> = state
        .users
        .values()
        .filter(|u| Some(u.id) != me && !names.contains(&u.username))
        .map(|u| u.username.clone())
        .collect();
    others.sort();
    names.extend(others);
    names
}

/// A path completed by the network task, put in if the composer still ends in what was
/// typed when Tab was pressed.
pub(super) fn path_completed(state: &mut AppState, typed: &str, completed: &str) {
    if let Some(chat) = state.current_mut() {
        let (start, word) = chat.composer.current_word();
        if word == typed && start > 0 {
            chat.composer.replace_word(start, completed);
        }
    }
}
