//! The reducer's half for input: keys through the keymap, text into the composer, message
//! actions, paste and mouse. Overlays and completion live in `pickers`.
//!
//! Kept whole though over 400 lines: it is one dispatch from action to effect, and its parts
//! (composer, message actions, paste, mouse) share the same guards; the effects themselves
//! live in their own modules.

use common::ws::SendData;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::chat::{PendingSend, PendingState};
use super::composer::Mode;
use super::event::Command;
use super::overlay::{Overlay, Picker};
use super::pickers::{overlay_key, refilter};
use super::{AppState, Focus, Screen, forms, slash};
use crate::keymap::{Action, Context};

pub(super) fn key(state: &mut AppState, key: &KeyEvent, out: &mut Vec<Command>) {
    match state.screen {
        Screen::Starting => {
            if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
                out.push(Command::Quit);
            }
        }
        Screen::Login => {
            if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
                out.push(Command::Quit);
            } else if let Some(cmd) = state.login.key(key) {
                out.push(cmd);
            }
        }
        Screen::Main if state.overlay.is_some() => overlay_key(state, key, out),
        Screen::Main => main_key(state, key, out),
    }
}

fn context(focus: Focus) -> Context {
    match focus {
        Focus::ChatList => Context::ChatList,
        Focus::Timeline => Context::Timeline,
        Focus::Composer => Context::Composer,
    }
}

fn main_key(state: &mut AppState, key: &KeyEvent, out: &mut Vec<Command>) {
    state.notice = None;
    let action = state.keymap.action(context(state.focus), key);
    if action != Some(Action::Complete) {
        state.completion = None;
    }
    if let Some(action) = action {
        return run(state, action, out);
    }
    let plain = matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if plain && state.focus != Focus::Composer {
        // A letter with no meaning here is the start of a message: back to writing.
        leave_selection(state);
    }
    if state.focus == Focus::Composer {
        super::editing::type_key(state, key, out);
    }
}

/// Back to writing: the selection (or the chat list) lets go of the keyboard.
fn leave_selection(state: &mut AppState) {
    if state.focus == Focus::Timeline
        && let Some(chat) = state.current_mut()
    {
        chat.selected = None;
        chat.scroll = 0;
    }
    state.focus = Focus::Composer;
}

#[allow(clippy::too_many_lines)] // one arm per action reads best as one table
fn run(state: &mut AppState, action: Action, out: &mut Vec<Command>) {
    if matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::ScrollUp
            | Action::ScrollDown
            | Action::PageUp
            | Action::PageDown
            | Action::Select
    ) {
        super::scroll::stop_landing(state);
    }
    let jump = |n: usize| Action::ALL.iter().position(|a| *a == action).map(|p| p - n);
    match action {
        Action::Quit => out.push(Command::Quit),
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::QuickSwitcher => {
            let mut picker = Picker::default();
            refilter(state, &mut picker);
            state.overlay = Some(Overlay::Switcher(picker));
        }
        Action::NextUnread => {
            let current = state.selected;
            let start = state
                .chats
                .iter()
                .position(|c| Some(c.id()) == current)
                .map_or(0, |i| i + 1);
            let n = state.chats.len();
            if let Some(id) = (0..n)
                .map(|k| &state.chats[(start + k) % n.max(1)])
                .find(|c| c.chat.unread_count > 0 && Some(c.id()) != current)
                .map(super::ChatView::id)
            {
                state.open_chat(id, out);
            }
        }
        Action::FocusNext | Action::FocusPrev => {
            let order = [Focus::ChatList, Focus::Timeline, Focus::Composer];
            let at = order.iter().position(|f| *f == state.focus).unwrap_or(0);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            state.focus = order[(at + step) % 3];
        }
        Action::ToggleMembers => state.show_members = !state.show_members,
        Action::NewDirect => state.overlay = Some(Overlay::NewDirect(Picker::default())),
        Action::NewGroup | Action::GroupSettings | Action::Profile => {
            state.overlay = forms::open(state, action);
        }
        Action::Chat1
        | Action::Chat2
        | Action::Chat3
        | Action::Chat4
        | Action::Chat5
        | Action::Chat6
        | Action::Chat7
        | Action::Chat8
        | Action::Chat9 => {
            let first = Action::ALL
                .iter()
                .position(|a| *a == Action::Chat1)
                .unwrap_or(0);
            if let Some(i) = jump(first)
                && let Some(id) = state.chats.get(i).map(super::ChatView::id)
            {
                state.open_chat(id, out);
            }
        }
        Action::Select => {
            let multi_line_up = state.focus == Focus::Composer
                && state.current_mut().is_some_and(|c| c.composer.line_up());
            if !multi_line_up {
                super::scroll::enter_selection(state);
            }
        }
        Action::Up | Action::Down | Action::Top | Action::Bottom => {
            move_cursor(state, action, out);
        }
        Action::ScrollUp => super::scroll::lines(state, -1),
        Action::ScrollDown => super::scroll::lines(state, 1),
        Action::PageUp | Action::PageDown if state.focus == Focus::ChatList => {
            move_cursor(state, action, out);
        }
        Action::PageUp => {
            let page = super::scroll::page(state);
            super::scroll::lines(state, -page);
        }
        Action::PageDown => {
            let page = super::scroll::page(state);
            super::scroll::lines(state, page);
        }
        Action::Read => super::scroll::open_reader(state),
        Action::Redraw => out.push(Command::Redraw),
        Action::Compose => leave_selection(state),
        Action::Open => state.focus = Focus::Composer,
        Action::LineStart
        | Action::LineEnd
        | Action::CharLeft
        | Action::CharRight
        | Action::WordLeft
        | Action::WordRight
        | Action::DeleteBack
        | Action::DeleteForward
        | Action::DeleteWord
        | Action::KillToStart
        | Action::KillToEnd => {
            super::editing::edit(state, action, out);
        }
        Action::Reply
        | Action::Edit
        | Action::Delete
        | Action::React
        | Action::Copy
        | Action::JumpToReply
        | Action::OpenLink => {
            message_action(state, action, out);
        }
        Action::Send => send(state, out),
        Action::Newline => {
            if let Some(chat) = state.current_mut() {
                chat.composer.insert("\n");
            }
        }
        Action::Complete => super::editing::complete(state, out),
        Action::HistoryPrev | Action::HistoryNext => {
            if let Some(chat) = state.current_mut() {
                if action == Action::HistoryPrev {
                    chat.composer.history_prev();
                } else {
                    chat.composer.history_next();
                }
            }
        }
        Action::Cancel => {
            if state.focus != Focus::Composer {
                leave_selection(state);
            } else if let Some(chat) = state.current_mut()
                && chat.composer.mode != Mode::New
            {
                if matches!(chat.composer.mode, Mode::Edit(_)) {
                    chat.composer.set_text("");
                }
                chat.composer.mode = Mode::New;
            }
        }
        Action::OpenAttachment | Action::SaveAttachment | Action::AttachFile => {
            super::attachments::action(state, action, out);
        }
        Action::ExternalEditor => {
            if let Some(chat) = state.current() {
                out.push(Command::ExternalEditor(chat.composer.text().to_owned()));
            }
        }
        Action::Search => super::search::open(state, "", out),
        Action::Contacts => super::contacts::open(state, out),
        Action::Notifications => super::notifications::open(state, out),
        Action::Mute => super::mute::toggle(state, out),
        Action::CopyLink => super::jump::copy_link(state, out),
    }
}

fn move_cursor(state: &mut AppState, action: Action, out: &mut Vec<Command>) {
    if state.focus == Focus::ChatList {
        let at = state
            .selected
            .and_then(|id| state.chats.iter().position(|c| c.id() == id));
        let last = state.chats.len().saturating_sub(1);
        let to = match (action, at) {
            (Action::Up, Some(i)) => i.saturating_sub(1),
            (Action::Down, Some(i)) => (i + 1).min(last),
            (Action::Top, _) | (_, None) => 0,
            _ => last,
        };
        if let Some(id) = state.chats.get(to).map(super::ChatView::id)
            && Some(id) != state.selected
        {
            state.open_chat(id, out);
        }
        return;
    }
    state.focus = Focus::Timeline;
    let Some(chat) = state.current_mut() else {
        return;
    };
    let len = chat.items_len();
    if len == 0 {
        return;
    }
    chat.scroll = 0;
    chat.selected = match (action, chat.selected) {
        (Action::Up, None) => Some(len - 1),
        (Action::Up, Some(i)) => Some(i.saturating_sub(1)),
        (Action::Down, Some(i)) if i + 1 < len => Some(i + 1),
        (Action::Top, _) => Some(0),
        _ => None,
    };
    // Past the newest message the selection ends: back to writing.
    if chat.selected.is_none() {
        state.focus = Focus::Composer;
    }
}

fn selected_message(state: &AppState) -> Option<common::api::Message> {
    let chat = state.current()?;
    chat.message_at(chat.selected?).cloned()
}

fn message_action(state: &mut AppState, action: Action, out: &mut Vec<Command>) {
    let me = state.my_id();
    // A failed send under the cursor: the reply key retries it.
    if action == Action::Reply
        && let Some(chat) = state.current_mut()
        && let chat_id = chat.id()
        && let Some(i) = chat
            .selected
            .and_then(|i| i.checked_sub(chat.messages.len()))
        && let Some(p) = chat.pending.get_mut(i)
    {
        if matches!(p.state, PendingState::Failed(_)) {
            p.state = PendingState::Sending;
            out.push(resend(chat_id, p));
        }
        return;
    }
    let Some(message) = selected_message(state) else {
        return;
    };
    if message.deleted && action != Action::JumpToReply {
        return;
    }
    let is_admin = state
        .current()
        .and_then(|c| me.and_then(|m| c.role_of(m)))
        .is_some_and(|r| r != common::api::Role::Member);
    let own = message.sender_id == me && me.is_some();
    match action {
        Action::Reply => {
            if let Some(chat) = state.current_mut() {
                chat.composer.mode = Mode::Reply(message.id);
            }
            leave_selection(state);
        }
        Action::Edit if own => {
            if let Some(chat) = state.current_mut() {
                chat.composer.mode = Mode::Edit(message.id);
                chat.composer.set_text(&crate::format::editable(
                    message.content.as_deref().unwrap_or(""),
                    &message.metadata,
                ));
            }
            leave_selection(state);
        }
        Action::Delete if own || is_admin => {
            state.overlay = Some(Overlay::ConfirmDelete(message.id));
        }
        Action::React => {
            state.overlay = Some(Overlay::React {
                message_id: message.id,
                selected: 0,
            });
        }
        Action::Copy => {
            out.push(Command::Copy(message.content.unwrap_or_default()));
            state.notice = Some("copied".into());
        }
        Action::OpenLink => {
            let content = message.content.unwrap_or_default();
            if super::jump::open_link_in(state, &content, out) {
                return;
            }
            match content
                .split_whitespace()
                .find(|w| w.starts_with("https://") || w.starts_with("http://"))
            {
                Some(url) => out.push(Command::OpenUrl(crate::sanitize::line(url).into_owned())),
                // A message without a link but with a file: `o` opens that.
                None if !message.deleted && !message.attachments.is_empty() => {
                    super::attachments::action(state, Action::OpenAttachment, out);
                }
                None => state.notice = Some("no link in this message".into()),
            }
        }
        Action::JumpToReply => {
            if let Some(target) = message.reply_to_id
                && let Some(chat) = state.current_mut()
            {
                if let Some(i) = chat.index_of(target) {
                    chat.selected = Some(i);
                } else {
                    state.notice = Some("the replied message is not loaded".into());
                }
            }
        }
        _ => state.notice = Some("only your own messages".into()),
    }
}

fn resend(chat_id: common::ChatId, p: &PendingSend) -> Command {
    Command::Send(SendData {
        chat_id,
        content: p.content.clone(),
        content_type: None,
        metadata: p.metadata.clone(),
        reply_to_id: p.reply_to,
        client_id: p.client_id.clone(),
        attachment_ids: p.attachments.iter().map(|a| a.id).collect(),
    })
}

/// Enter with no chat open: a command runs (a first user's `/dm ada`); text stays, with a
/// word on how to open a chat.
fn lobby_send(state: &mut AppState, out: &mut Vec<Command>) {
    let text = state.lobby.text().trim().to_owned();
    if text.is_empty() {
        return;
    }
    if text.starts_with('/') {
        state.lobby.take();
        slash::run(state, &text, out);
    } else {
        state.notice = Some(
            "No chat is open: Ctrl-G finds someone, /dm <user> or /group <name> starts one".into(),
        );
    }
}

fn send(state: &mut AppState, out: &mut Vec<Command>) {
    let now = state.now;
    let Some(chat_id) = state.selected else {
        lobby_send(state, out);
        return;
    };
    let with_images = super::attachments::has_ready(state, chat_id);
    let Some(chat) = state.current_mut() else {
        return;
    };
    let command = chat.composer.text().starts_with('/') && !chat.composer.text().starts_with("//");
    let editing = matches!(chat.composer.mode, Mode::Edit(_));
    if chat.composer.text().trim().is_empty() && (!with_images || editing) {
        return;
    }
    if !command
        && !editing
        && let Err(why) = super::attachments::check_send(state, chat_id)
    {
        state.notice = Some(why);
        return;
    }
    let Some(chat) = state.current_mut() else {
        return;
    };
    let (text, mode) = chat.composer.take();
    if text.starts_with('/') && !text.starts_with("//") {
        slash::run(state, &text, out);
        return;
    }
    let text = text.strip_prefix('/').map_or(text.clone(), |t| {
        if text.starts_with("//") {
            t.to_owned()
        } else {
            text.clone()
        }
    });
    state.stop_typing(out);
    match mode {
        Mode::Edit(message_id) => {
            // The message's own metadata keys stay; its formatting is the new text's.
            let base = state
                .current()
                .and_then(|c| c.message(message_id))
                .map_or_else(|| serde_json::json!({}), |m| m.metadata.clone());
            let (content, metadata) = crate::format::for_send(&text, Some(&base));
            out.push(Command::Edit {
                message_id,
                content,
                metadata,
            });
        }
        Mode::New | Mode::Reply(_) => {
            let attachments = super::attachments::take_ready(state, chat_id, mode);
            // Images alone: no caption rather than a whitespace one the server refuses.
            let (text, metadata) = if text.trim().is_empty() {
                (String::new(), None)
            } else {
                crate::format::for_send(&text, None)
            };
            let pending = PendingSend {
                attachments,
                client_id: uuid::Uuid::now_v7().to_string(),
                content: text,
                metadata,
                reply_to: match mode {
                    Mode::Reply(id) => Some(id),
                    _ => None,
                },
                state: PendingState::Sending,
                created_at: now,
            };
            out.push(resend(chat_id, &pending));
            if let Some(chat) = state.chat_mut(chat_id) {
                chat.pending.push(pending);
                chat.selected = None;
            }
        }
    }
}

pub(super) fn paste(state: &mut AppState, text: &str, out: &mut Vec<Command>) {
    match state.screen {
        Screen::Login => state.login.paste(text),
        Screen::Main if let Some(Overlay::Attach(attach)) = &mut state.overlay => {
            super::attachments::paste(attach, text);
        }
        Screen::Main if state.overlay.is_none() => {
            state.focus = Focus::Composer;
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            if let Some(chat) = state.current_mut() {
                chat.composer.insert(&text);
            }
            state.typing(out);
        }
        _ => {}
    }
}

pub(super) fn mouse(state: &mut AppState, mouse: MouseEvent, out: &mut Vec<Command>) {
    if state.screen != Screen::Main || state.overlay.is_some() {
        return;
    }
    match mouse.kind {
        MouseEventKind::ScrollUp => super::scroll::lines(state, -3),
        MouseEventKind::ScrollDown => super::scroll::lines(state, 3),
        MouseEventKind::Down(_) => {
            // The chat list is the left column; its rows start below the border.
            let list_width = crate::ui::list_width(state.cols);
            if mouse.column < list_width {
                let row = usize::from(mouse.row.saturating_sub(1));
                if let Some(id) = state.chats.get(row).map(super::ChatView::id) {
                    state.focus = Focus::ChatList;
                    state.open_chat(id, out);
                }
            } else {
                leave_selection(state);
            }
        }
        _ => {}
    }
}
