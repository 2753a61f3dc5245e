//! Jumping to a message (a search result, a deep link, a `chat://` link in a message): the
//! chat is loaded with the messages around it (`?around=`) and the cursor put on it. A page
//! that does not meet the messages held replaces them, and the chat is *detached*: newer
//! pages are loaded as the cursor nears the bottom, until the newest message is held again.

use common::api::{ChatDetail, MessagePage};
use common::ids::{ChatId, MessageId};

use super::event::Command;
use super::social::SocialCommand;
use super::{AppState, ChatView, Focus, Screen};

/// Puts the cursor on a message, loading its chat around it unless it is held already.
pub fn to_message(
    state: &mut AppState,
    chat_id: ChatId,
    message_id: MessageId,
    out: &mut Vec<Command>,
) {
    state.overlay = None;
    let held = state
        .chat_mut(chat_id)
        .filter(|c| c.loaded)
        .and_then(|c| c.index_of(message_id));
    match held {
        Some(index) => select(state, chat_id, index, out),
        None => out.push(Command::Social(SocialCommand::JumpTo {
            chat_id,
            message_id,
        })),
    }
}

fn select(state: &mut AppState, chat_id: ChatId, index: usize, out: &mut Vec<Command>) {
    if state.selected != Some(chat_id) {
        state.open_chat(chat_id, out);
    }
    if let Some(chat) = state.chat_mut(chat_id) {
        chat.selected = Some(index);
        chat.new_line_after = None;
    }
    state.focus = Focus::Timeline;
}

/// The chat arrived with the messages around the target.
pub(super) fn jumped(
    state: &mut AppState,
    detail: ChatDetail,
    page: MessagePage,
    message_id: MessageId,
    out: &mut Vec<Command>,
) {
    let me = state.my_id().unwrap_or_default();
    for p in &detail.participants {
        state.users.insert(p.user.id, p.user.clone());
    }
    let chat_id = detail.chat.id;
    if state.chat_mut(chat_id).is_none() {
        state.chats.push(ChatView::new(detail.chat.clone()));
        state.sort_chats();
    }
    let mut detached = None;
    if let Some(chat) = state.chat_mut(chat_id) {
        chat.set_participants(detail.participants, me);
        let meets = page.messages.iter().any(|m| chat.message(m.id).is_some());
        if chat.loaded && (meets || !page.has_more_after) {
            chat.merge_page(page.messages);
        } else {
            chat.messages.clear();
            chat.selected = None;
            chat.has_more_before = page.has_more_before;
            detached = page
                .has_more_after
                .then(|| page.messages.last().map(|m| m.seq))
                .flatten();
            chat.merge_page(page.messages);
        }
        chat.loaded = true;
    }
    state.social.loading_newer.retain(|c| *c != chat_id);
    state.social.detached.remove(&chat_id);
    if let Some(last) = detached {
        state.social.detached.insert(chat_id, last);
    }
    if let Some(index) = state.chat_mut(chat_id).and_then(|c| c.index_of(message_id)) {
        select(state, chat_id, index, out);
    } else {
        state.open_chat(chat_id, out);
        state.notice = Some("that message is no longer there".into());
    }
}

/// Newer messages of a detached chat.
pub(super) fn newer(state: &mut AppState, chat_id: ChatId, page: MessagePage) {
    state.social.loading_newer.retain(|c| *c != chat_id);
    let last = page.messages.last().map(|m| m.seq);
    if let Some(chat) = state.chat_mut(chat_id) {
        chat.merge_page(page.messages);
    }
    match last {
        Some(last) if page.has_more_after => {
            state.social.detached.insert(chat_id, last);
        }
        _ => {
            state.social.detached.remove(&chat_id);
        }
    }
}

/// Asks for the next newer page when the cursor of a detached chat nears the bottom.
pub(super) fn after_update(state: &mut AppState, out: &mut Vec<Command>) {
    if state.screen != Screen::Main {
        return;
    }
    let Some(chat) = state.current() else { return };
    let id = chat.id();
    // Live messages may sit past the gap: pages continue from the last paged message.
    let Some(after) = state.social.detached.get(&id).copied() else {
        return;
    };
    if state.social.loading_newer.contains(&id) {
        return;
    }
    let paged = chat.messages.partition_point(|m| m.seq <= after);
    if chat.selected.is_none_or(|i| i + 5 >= paged) {
        state.social.loading_newer.push(id);
        out.push(Command::Social(SocialCommand::LoadNewer {
            chat_id: id,
            after,
        }));
    }
}

/// The first `chat://` link in `text` (or a web link to this server), opened in the client;
/// false when there is none.
pub(super) fn open_link_in(state: &mut AppState, text: &str, out: &mut Vec<Command>) -> bool {
    let server_host = url_host(&state.login.server);
    let link = text.split_whitespace().find(|w| {
        common::links::parse(w).is_ok_and(|l| {
            w.starts_with("chat://") || server_host.as_deref() == Some(l.host.as_str())
        })
    });
    match link {
        Some(link) => {
            state.notice = Some("opening the link…".into());
            out.push(Command::Social(SocialCommand::OpenLink(link.to_owned())));
            true
        }
        None => false,
    }
}

fn url_host(server: &str) -> Option<String> {
    let rest = server.split_once("://")?.1;
    Some(rest.split('/').next()?.to_owned())
}

/// Asks for the link of the message under the cursor (it goes to the clipboard).
pub(super) fn copy_link(state: &mut AppState, out: &mut Vec<Command>) {
    let message = state
        .current()
        .and_then(|c| c.selected.and_then(|i| c.message_at(i)))
        .map(|m| m.id);
    match message {
        Some(id) => out.push(Command::Social(SocialCommand::MessageLink(id))),
        None => state.notice = Some("select a message first (↑ or k)".into()),
    }
}
