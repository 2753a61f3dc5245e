//! The server's notifications list (mentions, replies, contact requests and answers, group
//! invitations): loaded on connect, kept fresh by `notification:new` / `notification:read`,
//! shown in an overlay whose Enter jumps to the chat or message and marks it read.

use common::api::{MarkNotificationsRead, Notification, NotificationKind, NotificationPage};
use common::ws::{NotificationRead, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent};

use super::event::Command;
use super::overlay::Overlay;
use super::social::SocialCommand;
use super::{AppState, Focus, jump};

/// The user's notifications as last heard from the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotificationList {
    /// Loaded at least once.
    pub loaded: bool,
    /// The newest page, newest first.
    pub items: Vec<Notification>,
    /// Unread notifications older than the page held (the server counts them; the page
    /// does not show them).
    unread_beyond: u64,
}

impl NotificationList {
    /// Unread notifications in all.
    pub fn unread(&self) -> u64 {
        self.items.iter().filter(|n| n.read_at.is_none()).count() as u64 + self.unread_beyond
    }

    fn mark(&mut self, n: usize, now: time::OffsetDateTime) {
        if let Some(item) = self.items.get_mut(n)
            && item.read_at.is_none()
        {
            item.read_at = Some(now);
        }
    }
}

/// The notifications overlay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotificationsOverlay {
    /// The highlighted row.
    pub selected: usize,
}

/// Opens the overlay (loading the list if it never was).
pub(super) fn open(state: &mut AppState, out: &mut Vec<Command>) {
    if !state.social.notifications.loaded {
        out.push(Command::Social(SocialCommand::LoadNotifications));
    }
    state.overlay = Some(Overlay::Notifications(NotificationsOverlay::default()));
}

/// A fresh page from the server.
pub(super) fn loaded(state: &mut AppState, page: NotificationPage) {
    let unread_held = page
        .notifications
        .iter()
        .filter(|n| n.read_at.is_none())
        .count() as u64;
    let total = u64::try_from(page.unread_count).unwrap_or(0);
    state.social.notifications = NotificationList {
        loaded: true,
        items: page.notifications,
        unread_beyond: total.saturating_sub(unread_held),
    };
    clamp(state);
}

/// A `notification:new` or `notification:read` event.
pub(super) fn server_event(state: &mut AppState, event: &ServerEvent, out: &mut Vec<Command>) {
    match event {
        ServerEvent::NotificationNew(e) => {
            let list = &mut state.social.notifications;
            if !list.items.iter().any(|n| n.id == e.notification.id) {
                let at = list.items.partition_point(|n| n.id > e.notification.id);
                list.items.insert(at, e.notification.clone());
            }
        }
        ServerEvent::NotificationRead(e) => read(state, e, out),
        _ => {}
    }
    clamp(state);
}

fn read(state: &mut AppState, e: &NotificationRead, out: &mut Vec<Command>) {
    let now = state.now;
    let list = &mut state.social.notifications;
    if e.all {
        list.unread_beyond = 0;
        for n in 0..list.items.len() {
            list.mark(n, now);
        }
        return;
    }
    for id in &e.ids {
        match list.items.iter().position(|n| n.id == *id) {
            Some(n) => list.mark(n, now),
            // Not on the page held: one of the older unread ones, if any.
            None => list.unread_beyond = list.unread_beyond.saturating_sub(1),
        }
    }
    if let Some(up_to) = e.up_to {
        // Ids are time-ordered, so "up to" is a comparison.
        for n in 0..list.items.len() {
            if list.items[n].id <= up_to {
                list.mark(n, now);
            }
        }
        let covers_older = list.items.last().is_none_or(|oldest| oldest.id <= up_to);
        if covers_older {
            list.unread_beyond = 0;
        } else if list.unread_beyond > 0 {
            // Some older unread ones, not all: only the server knows how many are left.
            out.push(Command::Social(SocialCommand::LoadNotifications));
        }
    }
}

fn clamp(state: &mut AppState) {
    let len = state.social.notifications.items.len();
    if let Some(Overlay::Notifications(o)) = &mut state.overlay {
        o.selected = o.selected.min(len.saturating_sub(1));
    }
}

/// A key in the overlay; false closes it.
pub(super) fn key(
    state: &mut AppState,
    overlay: &mut NotificationsOverlay,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    let len = state.social.notifications.items.len();
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => overlay.selected = overlay.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            overlay.selected = (overlay.selected + 1).min(len.saturating_sub(1));
        }
        KeyCode::Char('a') if state.social.notifications.unread() > 0 => {
            let now = state.now;
            let list = &mut state.social.notifications;
            list.unread_beyond = 0;
            for n in 0..list.items.len() {
                list.mark(n, now);
            }
            out.push(Command::Social(SocialCommand::MarkNotificationsRead(
                MarkNotificationsRead::default(),
            )));
        }
        KeyCode::Enter => {
            let Some(item) = state
                .social
                .notifications
                .items
                .get(overlay.selected)
                .cloned()
            else {
                return true;
            };
            if item.read_at.is_none() {
                state.social.notifications.mark(overlay.selected, state.now);
                out.push(Command::Social(SocialCommand::MarkNotificationsRead(
                    MarkNotificationsRead {
                        ids: vec![item.id],
                        up_to: None,
                    },
                )));
            }
            go_to(state, &item, out);
            return false;
        }
        _ => {}
    }
    true
}

/// Where a notification leads: its message, its chat, or the contacts.
fn go_to(state: &mut AppState, item: &Notification, out: &mut Vec<Command>) {
    match (item.kind, item.chat_id, item.message_id) {
        (_, Some(chat_id), Some(message_id)) => jump::to_message(state, chat_id, message_id, out),
        (NotificationKind::ContactRequest | NotificationKind::ContactAccepted, _, _) => {
            super::contacts::open(state, out);
        }
        (_, Some(chat_id), None) => {
            state.overlay = None;
            if state.chats.iter().any(|c| c.id() == chat_id) {
                state.open_chat(chat_id, out);
                state.focus = Focus::Composer;
            } else {
                out.push(Command::LoadChat {
                    chat_id,
                    messages: true,
                    select: true,
                });
            }
        }
        (_, None, _) => {}
    }
}
