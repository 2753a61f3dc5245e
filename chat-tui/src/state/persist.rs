//! What the offline cache should keep after each event, and the state rebuilt from it at
//! start. The reducer stays pure: it compares what an event touched before and after and
//! returns one [`Command::Cache`] with the changes; the network task's cache writer writes
//! them. Only on when a cache is open (`AppState::caching`).

use std::collections::HashSet;

use common::ids::{ChatId, MessageId};
use common::ws::ServerEvent;

use super::chat::{ChatView, PendingSend, PendingState};
use super::event::{Command, NetEvent};
use super::social::SocialEvent;
use super::{AppState, Event, Screen};
use crate::cache::{CacheWrite, ChatRow, Queued, Snapshot};

/// What the state looked like before an event, as far as the cache cares.
#[derive(Debug, Default)]
pub(super) struct Before {
    chats: Vec<ChatId>,
    queued: HashSet<String>,
    open: Option<(ChatId, i64)>,
    touched_chats: Vec<ChatId>,
    touched_messages: Vec<MessageId>,
    me: bool,
    users: bool,
}

/// Notes what the cache needs to compare after `event`.
pub(super) fn before(state: &AppState, event: &Event) -> Option<Before> {
    if !state.caching {
        return None;
    }
    let mut b = Before {
        chats: state.chats.iter().map(ChatView::id).collect(),
        queued: queued_ids(state).collect(),
        open: state.current().map(|c| (c.id(), c.chat.last_read_seq)),
        ..Before::default()
    };
    if let Event::Net(net) = event {
        touched(net, &mut b);
        pruned(state, net, &mut b);
    }
    Some(b)
}

/// A prune names no message: the cached ones at or below its floor are rewritten.
fn pruned(state: &AppState, net: &NetEvent, b: &mut Before) {
    let floors: Vec<(ChatId, i64)> = match net {
        NetEvent::Server(ServerEvent::ChatPruned(p)) => vec![(p.chat_id, p.floor_seq)],
        NetEvent::Synced(response) => response
            .chats
            .iter()
            .flat_map(|c| c.events.iter())
            .filter_map(|e| match e {
                ServerEvent::ChatPruned(p) => Some((p.chat_id, p.floor_seq)),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for (chat, floor) in floors {
        if let Some(view) = state.chats.iter().find(|c| c.id() == chat) {
            b.touched_messages.extend(
                view.messages
                    .iter()
                    .filter(|m| m.seq <= floor)
                    .map(|m| m.id),
            );
        }
    }
}

fn event(e: &ServerEvent, b: &mut Before) {
    if let Some((chat, _)) = e.seq() {
        b.touched_chats.push(chat);
    }
    match e {
        ServerEvent::MessageNew(e) | ServerEvent::MessageEdited(e) => {
            b.touched_messages.push(e.message.id);
        }
        ServerEvent::MessageDeleted(e) => b.touched_messages.push(e.message_id),
        ServerEvent::ReactionAdded(e) | ServerEvent::ReactionRemoved(e) => {
            b.touched_messages.push(e.message_id);
        }
        ServerEvent::Read(r) => b.touched_chats.push(r.chat_id),
        ServerEvent::Delivered(d) => b.touched_chats.push(d.chat_id),
        _ => {}
    }
}

fn touched(net: &NetEvent, b: &mut Before) {
    match net {
        NetEvent::LoggedIn(_) => b.me = true,
        NetEvent::Chats(chats) => b.touched_chats.extend(chats.iter().map(|c| c.id)),
        NetEvent::ChatLoaded { detail, page, .. } => {
            b.touched_chats.push(detail.chat.id);
            b.users = true;
            if let Some(page) = page {
                b.touched_messages
                    .extend(page.messages.iter().map(|m| m.id));
            }
        }
        NetEvent::Older { chat_id, page } => {
            b.touched_chats.push(*chat_id);
            b.touched_messages
                .extend(page.messages.iter().map(|m| m.id));
        }
        NetEvent::Server(e) => event(e, b),
        NetEvent::Synced(response) => {
            for chat in &response.chats {
                b.touched_chats.push(chat.chat_id);
                for e in &chat.events {
                    event(e, b);
                }
            }
        }
        NetEvent::SendAcked { result, .. } => {
            b.touched_chats.push(result.message.chat_id);
            b.touched_messages.push(result.message.id);
        }
        NetEvent::Users(_) => b.users = true,
        NetEvent::Social(SocialEvent::Settings { mutes, .. }) => {
            b.touched_chats.extend(mutes.iter().map(|(id, _)| *id));
        }
        NetEvent::Social(SocialEvent::Muted { chat_id, .. }) => b.touched_chats.push(*chat_id),
        _ => {}
    }
}

/// The changes since `before`, as one cache command.
pub(super) fn after(state: &AppState, before: Option<Before>, out: &mut Vec<Command>) {
    let Some(b) = before else { return };
    let mut write = CacheWrite::default();
    if b.me {
        write.me.clone_from(&state.me);
    }
    write.dropped = b
        .chats
        .iter()
        .filter(|id| !state.chats.iter().any(|c| c.id() == **id))
        .copied()
        .collect();
    let open = state.current().map(|c| (c.id(), c.chat.last_read_seq));
    let mut chats: Vec<ChatId> = b.touched_chats;
    if let Some((id, _)) = open.filter(|o| Some(*o) != b.open) {
        chats.push(id);
        write.open_chat = Some(id);
    }
    chats.sort_unstable();
    chats.dedup();
    for id in chats {
        if let Some(chat) = state.chats.iter().find(|c| c.id() == id) {
            write.chats.push(row(chat));
        }
    }
    let touched: HashSet<MessageId> = b.touched_messages.into_iter().collect();
    if !touched.is_empty() {
        write.messages = state
            .chats
            .iter()
            .flat_map(|c| c.messages.iter())
            .filter(|m| touched.contains(&m.id))
            .cloned()
            .collect();
    }
    if b.users {
        write.users = state.users.values().cloned().collect();
    }
    let now: HashSet<String> = queued_ids(state).collect();
    write.sent = b.queued.difference(&now).cloned().collect();
    for chat in &state.chats {
        for p in &chat.pending {
            if p.state == PendingState::Sending && !b.queued.contains(&p.client_id) {
                write.queued.push(queued(chat.id(), p));
            }
        }
    }
    if !write.is_empty() {
        out.push(Command::Cache(Box::new(write)));
    }
}

fn queued_ids(state: &AppState) -> impl Iterator<Item = String> + '_ {
    state.chats.iter().flat_map(|c| {
        c.pending
            .iter()
            .filter(|p| p.state == PendingState::Sending)
            .map(|p| p.client_id.clone())
    })
}

fn row(chat: &ChatView) -> ChatRow {
    ChatRow {
        chat: chat.chat.clone(),
        cursor: chat.cursor,
        loaded: chat.loaded,
        has_more_before: chat.has_more_before,
    }
}

fn queued(chat_id: ChatId, p: &PendingSend) -> Queued {
    Queued {
        chat_id,
        client_id: p.client_id.clone(),
        content: p.content.clone(),
        metadata: p.metadata.clone(),
        reply_to: p.reply_to,
        created_at: p.created_at,
        attachments: p.attachments.clone(),
    }
}

/// A chat's cached messages, read after the first frame: only those not held yet go in, so
/// an edit or a delete that arrived meanwhile is never undone by the older copy.
pub(super) fn cached(state: &mut AppState, chat_id: ChatId, messages: Vec<common::api::Message>) {
    let Some(chat) = state.chat_mut(chat_id) else {
        return;
    };
    let fresh: Vec<_> = messages
        .into_iter()
        .filter(|m| chat.message(m.id).is_none() && m.seq <= chat.cursor)
        .collect();
    chat.merge_page(fresh);
}

/// The chats whose cached messages [`crate::cache::load_rest`] should read.
pub fn rest(state: &AppState) -> Vec<ChatId> {
    state
        .chats
        .iter()
        .filter(|c| Some(c.id()) != state.selected && c.loaded)
        .map(ChatView::id)
        .collect()
}

/// Rebuilds the screen from the cache before the network answers: the chat list, the
/// last open chat with its messages, queued sends (resent on the first connect). Returns
/// what opening the chat asks for.
pub fn restore(state: &mut AppState, snapshot: Snapshot) -> Vec<Command> {
    let mut out = Vec::new();
    state.caching = true;
    let Some(me) = snapshot.me else {
        return out;
    };
    for user in snapshot.users {
        state.users.insert(user.id, user);
    }
    state.users.insert(me.id, me.clone());
    state.me = Some(me);
    // The user-event cursor is not kept: contacts, blocks and notifications are not cached,
    // so the first connect of every run loads them and starts counting there.
    for (row, messages) in snapshot.chats {
        if let Some(peer) = &row.chat.peer {
            state.users.insert(peer.id, peer.clone());
        }
        let mut view = ChatView::new(row.chat);
        view.cursor = row.cursor;
        view.loaded = row.loaded;
        view.has_more_before = row.has_more_before || !row.loaded;
        if !messages.is_empty() {
            view.messages = messages;
        }
        if let Some(draft) = state.restored_drafts.remove(&view.id()) {
            view.composer.set_text(&draft);
        }
        state.chats.push(view);
    }
    for q in snapshot.outbox {
        if let Some(chat) = state.chat_mut(q.chat_id) {
            chat.pending.push(PendingSend {
                client_id: q.client_id,
                content: q.content,
                metadata: q.metadata,
                reply_to: q.reply_to,
                state: PendingState::Sending,
                created_at: q.created_at,
                attachments: q.attachments,
            });
        }
    }
    state.sort_chats();
    let open = snapshot
        .open_chat
        .filter(|id| state.chats.iter().any(|c| c.id() == *id))
        .or_else(|| state.chats.first().map(ChatView::id));
    if let Some(id) = open {
        state.open_chat(id, &mut out);
    }
    state.screen = Screen::Main;
    out
}

#[cfg(test)]
mod tests {
    use common::ws::{MessageDeleted, ServerEvent};
    use crossterm::event::{KeyCode, KeyEvent};

    use super::*;
    use crate::state::{Focus, NetEvent};

    fn writes(commands: &[Command]) -> Vec<&CacheWrite> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Cache(w) => Some(&**w),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn nothing_is_written_without_a_cache() {
        let mut state = crate::bench::state(2, 3);
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Char('x'))));
        assert!(writes(&commands).is_empty());
    }

    #[test]
    fn a_delete_writes_the_message_without_its_text_and_the_cursor() {
        let mut state = crate::bench::state(2, 3);
        state.caching = true;
        let chat = state.chats[0].id();
        let victim = state.chats[0].messages[1].id;
        let commands = state.update(Event::Net(NetEvent::Server(ServerEvent::MessageDeleted(
            MessageDeleted {
                chat_id: chat,
                seq: 4,
                message_id: victim,
            },
        ))));
        let [write] = writes(&commands)[..] else {
            panic!("one write: {commands:?}");
        };
        let [message] = &write.messages[..] else {
            panic!("the deleted message: {write:?}");
        };
        assert!(message.deleted && message.content.is_none());
        assert_eq!(write.chats.len(), 1);
        assert_eq!(write.chats[0].cursor, 4);
    }

    #[test]
    fn a_send_is_queued_once_and_leaves_the_queue_when_acknowledged_or_echoed() {
        let mut state = crate::bench::state(2, 3);
        state.caching = true;
        state.focus = Focus::Composer;
        for c in "later".chars() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        let [write] = writes(&commands)[..] else {
            panic!("one write: {commands:?}");
        };
        let [queued] = &write.queued[..] else {
            panic!("the send queued: {write:?}");
        };
        assert_eq!(queued.content, "later");
        // Typing on does not queue it again.
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Char('x'))));
        assert!(writes(&commands).iter().all(|w| w.queued.is_empty()));
        // Its echo settles it: out of the queue.
        let mut echo = state.chats[0].messages[0].clone();
        echo.id = common::ids::MessageId::new();
        echo.seq = 4;
        echo.client_id = Some(queued.client_id.clone());
        let commands = state.update(Event::Net(NetEvent::Server(ServerEvent::MessageNew(
            common::ws::MessageEvent {
                chat_id: echo.chat_id,
                seq: 4,
                message: echo,
            },
        ))));
        let sent: Vec<_> = writes(&commands)
            .iter()
            .flat_map(|w| w.sent.clone())
            .collect();
        assert_eq!(sent, std::slice::from_ref(&queued.client_id));
    }
}
