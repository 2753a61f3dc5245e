//! Contacts and blocks: the book (accepted contacts, requests both ways, blocked users), kept
//! fresh by the `contact:*` and `block:updated` events and reloaded on every connect; the
//! contacts overlay with its actions; the add-contact picker over the user search.

use common::api::{Block, Contact, ContactStatus};
use common::ids::UserId;
use common::ws::{ContactRemovedReason, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Command;
use super::overlay::{Overlay, PickItem, Picker, fuzzy};
use super::social::SocialCommand;
use super::{AppState, Focus};

/// Contacts, requests and blocks as last heard from the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactBook {
    /// Loaded at least once.
    pub loaded: bool,
    /// Accepted contacts, by username.
    pub contacts: Vec<Contact>,
    /// Requests to the user, newest first.
    pub incoming: Vec<Contact>,
    /// The user's requests, newest first.
    pub outgoing: Vec<Contact>,
    /// Blocked users, newest first.
    pub blocks: Vec<Block>,
}

/// One row of the contacts overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row<'a> {
    /// A request to the user: accept or decline.
    Incoming(&'a Contact),
    /// The user's request: cancel.
    Outgoing(&'a Contact),
    /// A contact: chat, remove, block.
    Contact(&'a Contact),
    /// A blocked user: unblock.
    Blocked(&'a Block),
}

impl ContactBook {
    /// The overlay's rows: requests to the user, the user's requests, contacts, blocked.
    pub fn rows(&self) -> Vec<Row<'_>> {
        self.incoming
            .iter()
            .map(Row::Incoming)
            .chain(self.outgoing.iter().map(Row::Outgoing))
            .chain(self.contacts.iter().map(Row::Contact))
            .chain(self.blocks.iter().map(Row::Blocked))
            .collect()
    }

    /// Whether the user blocked `user`.
    pub fn is_blocked(&self, user: UserId) -> bool {
        self.blocks.iter().any(|b| b.user.id == user)
    }

    fn forget(&mut self, id: uuid::Uuid) {
        self.incoming.retain(|c| c.id != id);
        self.outgoing.retain(|c| c.id != id);
        self.contacts.retain(|c| c.id != id);
    }

    fn put(&mut self, contact: Contact) {
        self.forget(contact.id);
        match (contact.status, contact.outgoing) {
            (ContactStatus::Accepted, _) => {
                let at = self
                    .contacts
                    .partition_point(|c| c.user.username < contact.user.username);
                self.contacts.insert(at, contact);
            }
            (ContactStatus::Pending, true) => self.outgoing.insert(0, contact),
            (ContactStatus::Pending, false) => self.incoming.insert(0, contact),
        }
    }
}

/// The contacts overlay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContactsOverlay {
    /// The highlighted row.
    pub selected: usize,
}

/// Opens the contacts overlay (loading the book if it never was).
pub(super) fn open(state: &mut AppState, out: &mut Vec<Command>) {
    if !state.social.book.loaded {
        out.push(Command::Social(SocialCommand::LoadContacts));
    }
    state.overlay = Some(Overlay::Contacts(ContactsOverlay::default()));
}

/// A fresh book from the server.
pub(super) fn book(
    state: &mut AppState,
    contacts: Vec<Contact>,
    incoming: Vec<Contact>,
    outgoing: Vec<Contact>,
    blocks: Vec<Block>,
    out: &mut Vec<Command>,
) {
    for c in contacts.iter().chain(&incoming).chain(&outgoing) {
        state.users.insert(c.user.id, c.user.clone());
    }
    for b in &blocks {
        state.users.insert(b.user.id, b.user.clone());
    }
    let unknown: Vec<UserId> = contacts
        .iter()
        .map(|c| c.user.id)
        .filter(|u| !state.presence.contains_key(u))
        .collect();
    if !unknown.is_empty() {
        out.push(Command::LoadPresence(unknown));
    }
    state.social.book = ContactBook {
        loaded: true,
        contacts,
        incoming,
        outgoing,
        blocks,
    };
    clamp(state);
}

/// A `contact:*` or `block:updated` event.
pub(super) fn server_event(state: &mut AppState, event: &ServerEvent, out: &mut Vec<Command>) {
    let book = &mut state.social.book;
    match event {
        ServerEvent::ContactRequest(e) => {
            let contact = e.contact.clone();
            state.users.insert(contact.user.id, contact.user.clone());
            if !contact.outgoing {
                state.notice = Some(format!(
                    "@{} asks to be your contact (/contacts)",
                    contact.user.username
                ));
            }
            book.put(contact);
        }
        ServerEvent::ContactAccepted(e) => {
            let contact = e.contact.clone();
            state.users.insert(contact.user.id, contact.user.clone());
            if contact.outgoing {
                state.notice = Some(format!(
                    "@{} accepted your contact request",
                    contact.user.username
                ));
            }
            let user = contact.user.id;
            book.put(contact);
            if !state.presence.contains_key(&user) {
                out.push(Command::LoadPresence(vec![user]));
            }
        }
        ServerEvent::ContactRemoved(e) => {
            book.forget(e.contact_id);
            if e.reason == ContactRemovedReason::Declined
                && let Some(user) = state.users.get(&e.user_id)
            {
                state.notice = Some(format!("@{} declined the request", user.username));
            }
        }
        ServerEvent::BlockUpdated(e) => {
            book.blocks.retain(|b| b.user.id != e.user_id);
            if e.blocked {
                match state.users.get(&e.user_id) {
                    Some(user) => book.blocks.insert(
                        0,
                        Block {
                            user: user.clone(),
                            created_at: state.now,
                        },
                    ),
                    // A user this client never saw: the list names them.
                    None => out.push(Command::Social(SocialCommand::LoadContacts)),
                }
            }
        }
        _ => {}
    }
    clamp(state);
}

fn clamp(state: &mut AppState) {
    let len = state.social.book.rows().len();
    if let Some(Overlay::Contacts(o)) = &mut state.overlay {
        o.selected = o.selected.min(len.saturating_sub(1));
    }
}

/// A key in the contacts overlay; false closes it.
pub(super) fn key(
    state: &mut AppState,
    overlay: &mut ContactsOverlay,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    let rows = state.social.book.rows();
    let len = rows.len();
    let row = rows.get(overlay.selected).copied();
    let social = |c: SocialCommand| Command::Social(c);
    match (key.code, row) {
        (KeyCode::Up | KeyCode::Char('k'), _) => {
            overlay.selected = overlay.selected.saturating_sub(1);
        }
        (KeyCode::Down | KeyCode::Char('j'), _) => {
            overlay.selected = (overlay.selected + 1).min(len.saturating_sub(1));
        }
        (KeyCode::Char('n' | '+'), _) => {
            state.overlay = Some(Overlay::AddContact(Picker::default()));
            return false;
        }
        (KeyCode::Char('a') | KeyCode::Enter, Some(Row::Incoming(c))) => {
            out.push(social(SocialCommand::AcceptContact(c.id)));
        }
        (KeyCode::Char('d'), Some(Row::Incoming(c))) => {
            out.push(social(SocialCommand::DeclineContact(c.id)));
        }
        (KeyCode::Char('d'), Some(Row::Outgoing(c))) => {
            out.push(social(SocialCommand::CancelContact(c.id)));
        }
        (KeyCode::Char('d'), Some(Row::Contact(c))) => {
            out.push(social(SocialCommand::RemoveContact(c.id)));
        }
        (KeyCode::Char('b'), Some(Row::Incoming(c) | Row::Outgoing(c) | Row::Contact(c))) => {
            out.push(social(SocialCommand::SetBlocked {
                user_id: c.user.id,
                blocked: true,
            }));
        }
        (KeyCode::Char('u'), Some(Row::Blocked(b))) => {
            out.push(social(SocialCommand::SetBlocked {
                user_id: b.user.id,
                blocked: false,
            }));
        }
        (KeyCode::Enter, Some(Row::Contact(c))) => {
            let peer = c.user.id;
            let held = state
                .chats
                .iter()
                .find(|chat| chat.chat.peer.as_ref().is_some_and(|p| p.id == peer))
                .map(super::ChatView::id);
            match held {
                Some(id) => {
                    state.open_chat(id, out);
                    state.focus = Focus::Composer;
                }
                None => out.push(Command::StartDirect(c.user.username.clone())),
            }
            return false;
        }
        _ => {}
    }
    true
}

/// Recomputes the add-contact picker's rows: users found, not the user, not contacts yet.
pub(super) fn refilter(state: &AppState, picker: &mut Picker) {
    let me = state.my_id();
    let book = &state.social.book;
    let known = |u: UserId| {
        book.contacts
            .iter()
            .chain(&book.outgoing)
            .any(|c| c.user.id == u)
    };
    let mut scored: Vec<(i64, PickItem)> = picker
        .users
        .iter()
        .filter(|u| Some(u.id) != me && !known(u.id))
        .filter_map(|u| {
            let label = match &u.display_name {
                Some(d) => format!("{d} (@{})", u.username),
                None => format!("@{}", u.username),
            };
            fuzzy(&picker.query, &label).map(|s| (s, PickItem::User(u.id, label)))
        })
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    picker.items = scored.into_iter().map(|(_, item)| item).collect();
    picker.selected = picker.selected.min(picker.items.len().saturating_sub(1));
}

/// A key in the add-contact picker; false closes it (Enter sends the request and goes back
/// to the contacts).
pub(super) fn add_key(
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
            if let Some(PickItem::User(id, _)) = picker.items.get(picker.selected) {
                out.push(Command::Social(SocialCommand::RequestContact(*id)));
            }
            state.overlay = Some(Overlay::Contacts(ContactsOverlay::default()));
            return false;
        }
        KeyCode::Backspace => {
            picker.query.pop();
            picker.selected = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            picker.query.push(c);
            picker.selected = 0;
            out.push(Command::SearchUsers(picker.query.clone()));
        }
        _ => {}
    }
    refilter(state, picker);
    true
}

/// `/block [@user]`, `/unblock [@user]`: the named user, else the peer of the direct chat.
pub(super) fn slash_block(state: &mut AppState, blocked: bool, rest: &str, out: &mut Vec<Command>) {
    let username = rest.trim().trim_start_matches('@');
    if !username.is_empty() {
        out.push(Command::Social(SocialCommand::SetBlockedByName {
            username: username.to_owned(),
            blocked,
        }));
        return;
    }
    if let Some(user_id) = state
        .current()
        .and_then(|c| c.chat.peer.as_ref())
        .map(|p| p.id)
    {
        out.push(Command::Social(SocialCommand::SetBlocked {
            user_id,
            blocked,
        }));
    } else {
        let verb = if blocked { "/block" } else { "/unblock" };
        state.notice = Some(format!("usage: {verb} @user (or in a direct chat)"));
    }
}
