//! Overlays and completion: the quick switcher and new-direct pickers (chats held, then
//! people from the server's search), the emoji picker, delete confirmation, forms, and Tab
//! completion of `@user`, `:emoji:` and `/command` in the composer.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Command;
use super::overlay::{EMOJI, Overlay, PickItem, Picker, fuzzy};
use super::{AppState, Focus, forms};

/// Recomputes a picker's rows: chats held, then people found by the server's search.
pub(super) fn refilter(state: &AppState, picker: &mut Picker) {
    let mut scored: Vec<(i64, PickItem)> = state
        .chats
        .iter()
        .filter_map(|c| {
            let title = state.title_of(c);
            fuzzy(&picker.query, &title).map(|s| (s, PickItem::Chat(c.id(), title)))
        })
        .collect();
    let me = state.my_id();
    for user in &picker.users {
        let label = match &user.display_name {
            Some(d) => format!("{d} (@{})", user.username),
            None => format!("@{}", user.username),
        };
        let has_direct = state
            .chats
            .iter()
            .any(|c| c.chat.peer.as_ref().is_some_and(|p| p.id == user.id));
        if Some(user.id) != me
            && !has_direct
            && let Some(s) = fuzzy(&picker.query, &label)
        {
            scored.push((s - 1000, PickItem::User(user.id, label)));
        }
    }
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    picker.items = scored.into_iter().map(|(_, item)| item).collect();
    picker.selected = picker.selected.min(picker.items.len().saturating_sub(1));
}

pub(super) fn overlay_key(state: &mut AppState, key: &KeyEvent, out: &mut Vec<Command>) {
    let Some(mut overlay) = state.overlay.take() else {
        return;
    };
    let close = key.code == KeyCode::Esc
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c'));
    if close {
        // The add-contact picker is a step of the contacts overlay: Esc goes back to it.
        if matches!(overlay, Overlay::AddContact(_)) {
            state.overlay = Some(Overlay::Contacts(
                super::contacts::ContactsOverlay::default(),
            ));
        }
        return;
    }
    let keep = match &mut overlay {
        Overlay::Help { scroll } => {
            let rows = usize::from(state.rows.saturating_sub(4)).max(1);
            let width = usize::from(crate::ui::help_width(state.cols).saturating_sub(2));
            let theme = crate::ui::Theme::measuring(state.utc_offset);
            let total = crate::ui::help_lines(state, &theme, width).len();
            let last = total.saturating_sub(rows);
            *scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll + 1,
                KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => *scroll + rows.saturating_sub(1),
                KeyCode::PageUp => scroll.saturating_sub(rows.saturating_sub(1)),
                KeyCode::Home | KeyCode::Char('g') => 0,
                KeyCode::End | KeyCode::Char('G') => last,
                // Any other key closes the help (the overlay was taken out above).
                _ => return,
            }
            .min(last);
            true
        }
        Overlay::Switcher(picker) | Overlay::NewDirect(picker) => {
            picker_key(state, picker, key, out)
        }
        Overlay::React {
            message_id,
            selected,
        } => match key.code {
            KeyCode::Left | KeyCode::Char('h' | 'k') | KeyCode::Up => {
                *selected = selected.saturating_sub(1);
                true
            }
            KeyCode::Right | KeyCode::Char('l' | 'j') | KeyCode::Down => {
                *selected = (*selected + 1).min(EMOJI.len() - 1);
                true
            }
            KeyCode::Enter => {
                let emoji = EMOJI[*selected].1.to_owned();
                toggle_reaction(state, *message_id, emoji, out);
                false
            }
            _ => true,
        },
        Overlay::Form(form) => forms::key(state, form, key, out),
        Overlay::Text { .. } | Overlay::UserProfile(_) => false,
        Overlay::Reader { message_id, scroll } => {
            super::scroll::reader_key(state, *message_id, scroll, key)
        }
        Overlay::Search(search) => super::search::key(state, search, key, out),
        Overlay::Contacts(contacts) => super::contacts::key(state, contacts, key, out),
        Overlay::AddContact(picker) => super::contacts::add_key(state, picker, key, out),
        Overlay::Notifications(o) => super::notifications::key(state, o, key, out),
        Overlay::Privacy(o) => super::privacy::key(state, o, key, out),
        Overlay::Directory(o) => super::directory::key(o, key, out),
        Overlay::ConfirmTransfer { chat_id, user_id } => {
            super::roles::confirm_transfer(*chat_id, *user_id, key, out);
            false
        }
        Overlay::Attach(attach) => super::attachments::overlay_key(state, attach, key, out),
        Overlay::ConfirmDelete(message_id) => {
            if matches!(key.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) {
                out.push(Command::Delete(*message_id));
            }
            false
        }
    };
    if keep {
        state.overlay = Some(overlay);
    }
}

/// Adds the reaction, or removes it when the user already reacted with it.
pub(super) fn toggle_reaction(
    state: &AppState,
    message_id: common::MessageId,
    emoji: String,
    out: &mut Vec<Command>,
) {
    let me = state.my_id();
    let mine = state
        .current()
        .and_then(|c| c.message(message_id))
        .is_some_and(|m| {
            m.reactions
                .iter()
                .any(|r| r.emoji == emoji && me.is_some_and(|me| r.user_ids.contains(&me)))
        });
    out.push(Command::React {
        message_id,
        emoji,
        add: !mine,
    });
}

fn picker_key(
    state: &mut AppState,
    picker: &mut Picker,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    match key.code {
        KeyCode::Up => picker.selected = picker.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => {
            picker.selected = (picker.selected + 1).min(picker.items.len().saturating_sub(1));
        }
        KeyCode::Enter => {
            match picker.items.get(picker.selected).cloned() {
                Some(PickItem::Chat(id, _)) => {
                    state.open_chat(id, out);
                    state.focus = Focus::Composer;
                }
                Some(PickItem::User(id, _)) => {
                    if let Some(user) = state.users.get(&id) {
                        out.push(Command::StartDirect(user.username.clone()));
                    }
                }
                None => {}
            }
            return false;
        }
        KeyCode::Backspace => {
            picker.query.pop();
            picker.selected = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            picker.query.push(c);
            picker.selected = 0;
            if !picker.query.is_empty() {
                out.push(Command::SearchUsers(picker.query.clone()));
            }
        }
        _ => {}
    }
    refilter(state, picker);
    true
}
