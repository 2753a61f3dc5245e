//! The reducer's half for network events: login results, chat loads, pushed events under
//! the cursor rule, resync answers, acks of sends, receipts, typing and presence.

use common::api::{ChatCursor, ChatKind};
use common::ws::{SendData, ServerEvent};

use super::chat::{Applied, ChatView, PendingState};
use super::event::{Command, ConnState, NetEvent};
use super::social::SocialCommand;
use super::{AppState, Focus, Overlay, Screen, TYPING_TTL_SECS};

#[allow(clippy::too_many_lines)] // one arm per network event reads best as one table
pub(super) fn apply(state: &mut AppState, event: NetEvent, out: &mut Vec<Command>) {
    match event {
        NetEvent::NeedLogin { server, reason } => {
            state.screen = Screen::Login;
            if state.conn != ConnState::SessionEnded {
                state.conn = ConnState::Offline;
            }
            if state.login.server.is_empty() {
                state.login.server = server;
            }
            state.login.busy = false;
            state.login.error = reason;
            state.me = None;
            state.chats.clear();
            state.selected = None;
            state.user_cursor = super::user_sync::UserCursor::default();
        }
        NetEvent::LoggedIn(me) => {
            state.users.insert(me.user.id, me.user.clone());
            state.me = Some(me.user);
            // Registered with an address on a server that lets unverified users in: say
            // where the code went and how to use it.
            if state.login.register && !state.login.email.trim().is_empty() {
                state.notice = Some(format!(
                    "a code was mailed to {}: /verify CODE",
                    state.login.email.trim()
                ));
            }
            state.login.password.clear();
            state.login.confirm.clear();
            state.login.code.clear();
            state.login.verifying = false;
            state.login.info = None;
            state.login.busy = false;
            state.screen = Screen::Main;
            super::attachments::avatar::want_own(state, out);
        }
        NetEvent::LoginFailed(body) => state.login.failed(&body),
        NetEvent::LoginInfo(message) => state.login.informed(message),
        // A socket of a session that has ended (or of no login yet) says nothing about this
        // screen: the status line never says "connected" on the login screen.
        NetEvent::Connection(_) if state.screen == Screen::Login => {}
        NetEvent::Transport(transport) => state.transport = Some(transport),
        NetEvent::Connection(conn) => {
            let was = state.conn;
            state.conn = conn;
            if conn == ConnState::Connected && was != ConnState::Connected {
                connected(state, out);
            }
        }
        NetEvent::Chats(chats) => {
            for chat in chats {
                if let Some(peer) = &chat.peer {
                    state.users.insert(peer.id, peer.clone());
                }
                if let Some(held) = state.chat_mut(chat.id) {
                    // A list fetched after a reconnect: keep our cursor and messages, take
                    // the server's counts.
                    let cursor = held.cursor;
                    held.chat = chat;
                    held.cursor = cursor;
                } else {
                    let mut view = ChatView::new(chat);
                    if let Some(draft) = state.restored_drafts.remove(&view.id()) {
                        view.composer.set_text(&draft);
                    }
                    state.chats.push(view);
                }
            }
            state.sort_chats();
            if state.selected.is_none()
                && let Some(first) = state.chats.first().map(ChatView::id)
            {
                state.open_chat(first, out);
            }
            let peers: Vec<_> = state
                .chats
                .iter()
                .filter_map(|c| c.chat.peer.as_ref().map(|p| p.id))
                .collect();
            if !peers.is_empty() {
                out.push(Command::LoadPresence(peers));
            }
        }
        NetEvent::ChatLoaded {
            detail,
            page,
            select,
        } => {
            let me = state.my_id().unwrap_or_default();
            for p in &detail.participants {
                state.users.insert(p.user.id, p.user.clone());
            }
            let id = detail.chat.id;
            let members: Vec<_> = detail
                .participants
                .iter()
                .map(|p| p.user.id)
                .filter(|u| !state.presence.contains_key(u))
                .collect();
            if !members.is_empty() {
                out.push(Command::LoadPresence(members));
            }
            if state.chat_mut(id).is_none() {
                state.chats.push(ChatView::new(detail.chat.clone()));
                state.sort_chats();
            }
            if let Some(chat) = state.chat_mut(id) {
                chat.set_participants(detail.participants, me);
                if let Some(page) = page.map(|p| *p) {
                    chat.has_more_before = page.has_more_before;
                    chat.merge_page(page.messages);
                    chat.loaded = true;
                }
            }
            if select || state.selected.is_none() {
                state.open_chat(id, out);
                state.focus = Focus::Composer;
            } else if state.selected == Some(id) {
                super::scroll::land_on_unread(state);
            }
        }
        NetEvent::Older { chat_id, page } => {
            state.loading_older.retain(|c| *c != chat_id);
            if let Some(chat) = state.chat_mut(chat_id) {
                chat.has_more_before = page.has_more_before;
                chat.merge_page(page.messages);
                if chat.landing {
                    chat.landing = false;
                    chat.selected = None;
                    chat.scroll = 0;
                    if state.selected == Some(chat_id) {
                        super::scroll::land_on_unread(state);
                    }
                }
            }
        }
        NetEvent::Server(event) => server_event(state, &event, out),
        NetEvent::SyncRequired => out.push(Command::Sync(state.cursors())),
        NetEvent::Synced(response) => {
            let me = state.my_id().unwrap_or_default();
            let mut again = Vec::new();
            for sync in response.chats {
                if !sync.member {
                    drop_chat(state, sync.chat_id);
                    continue;
                }
                let Some(chat) = state.chat_mut(sync.chat_id) else {
                    out.push(Command::LoadChat {
                        chat_id: sync.chat_id,
                        messages: false,
                        select: false,
                    });
                    continue;
                };
                let mut gone = false;
                for event in &sync.events {
                    gone |= chat.apply(event, me) == Applied::Gone;
                }
                chat.mark_read(sync.last_read_seq);
                if sync.has_more {
                    again.push(ChatCursor {
                        chat_id: sync.chat_id,
                        seq: chat.cursor,
                    });
                } else if sync.events.is_empty() && chat.cursor < sync.last_seq {
                    // Not named by us (or a server that paged differently): take its head.
                    chat.cursor = sync.last_seq;
                }
                if gone {
                    drop_chat(state, sync.chat_id);
                }
            }
            state.sort_chats();
            if !again.is_empty() {
                out.push(Command::Sync(again));
            }
        }
        NetEvent::Cached { chat_id, messages } => super::persist::cached(state, chat_id, messages),
        NetEvent::UserSynced(user) => super::user_sync::synced(state, &user, out),
        NetEvent::SendAcked { client_id, result } => {
            if let Some(chat) = state.chat_mut(result.message.chat_id) {
                chat.pending.retain(|p| p.client_id != client_id);
                // The ack does not move the cursor: the message:new (live or by sync)
                // does, so nothing between is skipped.
                chat.upsert(result.message);
            }
        }
        NetEvent::SendFailed { client_id, reason } => {
            for chat in &mut state.chats {
                if let Some(p) = chat.pending.iter_mut().find(|p| p.client_id == client_id) {
                    p.state = PendingState::Failed(reason.clone());
                }
            }
        }
        NetEvent::Users(users) => {
            for user in &users {
                state.users.insert(user.id, user.clone());
            }
            if let Some(mut overlay) = state.overlay.take() {
                overlay.set_users(users);
                if let Overlay::Switcher(picker) | Overlay::NewDirect(picker) = &mut overlay {
                    super::pickers::refilter(state, picker);
                } else if let Overlay::AddContact(picker) = &mut overlay {
                    super::contacts::refilter(state, picker);
                }
                state.overlay = Some(overlay);
            }
        }
        NetEvent::Presence(list) => {
            for status in list {
                state.presence.insert(status.user_id, status.status);
            }
        }
        NetEvent::Notice(text) => state.notice = Some(text),
        NetEvent::Attachment(event) => super::attachments::apply(state, event, out),
        NetEvent::SessionEnded(reason) => {
            logged_out(state);
            state.conn = ConnState::SessionEnded;
            state.login.busy = false;
            state.login.error = Some(format!("Session ended: {reason}. Log in again."));
        }
        NetEvent::LoggedOut => logged_out(state),
        NetEvent::Social(event) => super::social::apply(state, event, out),
    }
}

fn logged_out(state: &mut AppState) {
    state.screen = Screen::Login;
    state.me = None;
    state.chats.clear();
    state.selected = None;
    state.overlay = None;
    state.conn = ConnState::Offline;
    // Nothing of the old session (unread notifications, contacts) shows on the login screen.
    state.social = super::social::Social::default();
    state.user_cursor = super::user_sync::UserCursor::default();
}

/// After every (re)connect: resync all chats from their cursors and resend every send
/// that has no ack, with its first client id.
fn connected(state: &mut AppState, out: &mut Vec<Command>) {
    if !state.chats.is_empty() {
        out.push(Command::Sync(state.cursors()));
    }
    // Contact, block and notification events missed while away come from the user-event
    // cursor; mutes and do-not-disturb have no user event, so they are read again.
    super::user_sync::connected(state, out);
    out.push(Command::Social(SocialCommand::LoadSettings));
    for chat in &state.chats {
        for p in &chat.pending {
            if p.state == PendingState::Sending {
                out.push(Command::Send(SendData {
                    chat_id: chat.id(),
                    content: p.content.clone(),
                    content_type: None,
                    metadata: p.metadata.clone(),
                    reply_to_id: p.reply_to,
                    client_id: p.client_id.clone(),
                    attachment_ids: p.attachments.iter().map(|a| a.id).collect(),
                }));
            }
        }
    }
}

fn drop_chat(state: &mut AppState, id: common::ChatId) {
    state.chats.retain(|c| c.id() != id);
    if state.selected == Some(id) {
        state.selected = state.chats.first().map(ChatView::id);
    }
}

fn server_event(state: &mut AppState, event: &ServerEvent, out: &mut Vec<Command>) {
    let me = state.my_id().unwrap_or_default();
    if let Some((chat_id, _)) = event.seq() {
        if let ServerEvent::ParticipantJoined(e) = &event {
            state.users.insert(e.user.id, e.user.clone());
        }
        let Some(chat) = state.chat_mut(chat_id) else {
            // Added to a chat we do not hold: load it.
            out.push(Command::LoadChat {
                chat_id,
                messages: false,
                select: false,
            });
            return;
        };
        match chat.apply(event, me) {
            Applied::Yes => {
                if let ServerEvent::MessageNew(e) = event {
                    if let Some(sender) = e.message.sender_id
                        && let Some(list) = state.typing.get_mut(&chat_id)
                    {
                        list.retain(|(u, _)| *u != sender);
                    }
                    notify(state, chat_id, &e.message, out);
                    state.sort_chats();
                }
            }
            Applied::Old => {}
            Applied::Gap => {
                let cursor = chat.cursor;
                out.push(Command::Sync(vec![ChatCursor {
                    chat_id,
                    seq: cursor,
                }]));
            }
            Applied::Gone => drop_chat(state, chat_id),
        }
        return;
    }
    match event {
        ServerEvent::Read(r) if r.user_id == me => {
            if let Some(chat) = state.chat_mut(r.chat_id) {
                chat.mark_read(r.seq);
            }
        }
        ServerEvent::Delivered(d) => {
            if let Some(chat) = state.chat_mut(d.chat_id) {
                for r in d.receipts.iter().filter(|r| r.user_id != me) {
                    chat.receipt(r.user_id, r.seq, false);
                }
            }
        }
        ServerEvent::Read(r) => {
            if let Some(chat) = state.chat_mut(r.chat_id) {
                chat.receipt(r.user_id, r.seq, true);
            }
        }
        ServerEvent::TypingStart(t) if t.user_id != me => {
            let until = state.now + time::Duration::seconds(TYPING_TTL_SECS);
            let list = state.typing.entry(t.chat_id).or_default();
            list.retain(|(u, _)| *u != t.user_id);
            list.push((t.user_id, until));
        }
        ServerEvent::TypingStop(t) => {
            if let Some(list) = state.typing.get_mut(&t.chat_id) {
                list.retain(|(u, _)| *u != t.user_id);
            }
        }
        ServerEvent::UserStatus(s) => {
            state.presence.insert(s.user_id, s.status);
        }
        ServerEvent::ContactRequest(_)
        | ServerEvent::ContactAccepted(_)
        | ServerEvent::ContactRemoved(_)
        | ServerEvent::BlockUpdated(_)
        | ServerEvent::NotificationNew(_)
        | ServerEvent::NotificationRead(_)
        | ServerEvent::SettingsUpdated(_) => super::user_sync::live(state, event, out),
        _ => {}
    }
}

/// Mentions and direct messages outside the focused chat ring and/or notify; muted chats
/// never do.
fn notify(
    state: &AppState,
    chat_id: common::ChatId,
    message: &common::api::Message,
    out: &mut Vec<Command>,
) {
    let me = state.my_id();
    if message.sender_id == me || message.sender_id.is_none() {
        return;
    }
    let focused = state.terminal_focused && state.selected == Some(chat_id);
    let Some(chat) = state.chats.iter().find(|c| c.id() == chat_id) else {
        return;
    };
    if focused || chat.is_muted(state.now) || state.social.dnd_active(state.now) {
        return;
    }
    let mentioned = me.is_some_and(|me| message.mentions.contains(&me));
    let direct = chat.chat.kind == ChatKind::Direct;
    if (mentioned && state.notify.mentions) || (direct && state.notify.direct) {
        let sender = message
            .sender_id
            .map(|s| state.name_of(s))
            .unwrap_or_default();
        let title = if direct {
            sender
        } else {
            format!("{sender} in {}", state.title_of(chat))
        };
        let body: String = crate::sanitize::line(message.content.as_deref().unwrap_or(""))
            .chars()
            .take(200)
            .collect();
        out.push(Command::Notify {
            title: crate::sanitize::line(&title).into_owned(),
            body,
            bell: state.notify.bell,
            desktop: state.notify.desktop,
        });
    }
}
