//! The user-event cursor (`userSeq`, protocol.md client rule 13): contact, block and
//! notification events apply only at `cursor + 1`, a gap or a reconnect syncs from the
//! cursor, and only an expired cursor (`cursorExpired`) reloads the lists.

use common::api::UserSync;
use common::ws::ServerEvent;

use super::AppState;
use super::event::Command;
use super::social::SocialCommand;

/// Where the client stands in its user's event stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserCursor {
    /// The highest `userSeq` applied; `None` until the first sync says where to start.
    pub seq: Option<i64>,
    /// A sync from the cursor is on its way: live events past it wait for its answer.
    pub syncing: bool,
}

/// After every connect: catch up from the cursor, or, with none yet, learn where the
/// stream stands (the lists are loaded once that answer is in, so nothing falls between).
pub(super) fn connected(state: &mut AppState, out: &mut Vec<Command>) {
    state.user_cursor.syncing = true;
    out.push(Command::SyncUser(state.user_cursor.seq));
}

/// A live user event, under the cursor rule.
pub(super) fn live(state: &mut AppState, event: &ServerEvent, out: &mut Vec<Command>) {
    let Some(seq) = event.user_seq() else { return };
    match state.user_cursor.seq {
        // No cursor yet: the lists being loaded are the truth, the event is applied on top
        // (applying is idempotent for every user event).
        None => apply(state, event, out),
        Some(cursor) if seq <= cursor => {}
        Some(cursor) if seq == cursor + 1 => {
            state.user_cursor.seq = Some(seq);
            apply(state, event, out);
        }
        Some(cursor) => {
            // Missed one: the sync answer carries it and this one, in order.
            if !state.user_cursor.syncing {
                state.user_cursor.syncing = true;
                out.push(Command::SyncUser(Some(cursor)));
            }
        }
    }
}

/// The user part of a sync answer.
pub(super) fn synced(state: &mut AppState, user: &UserSync, out: &mut Vec<Command>) {
    state.user_cursor.syncing = false;
    let Some(cursor) = state.user_cursor.seq else {
        // The first answer: start counting here and load what the events describe.
        state.user_cursor.seq = Some(user.last_seq);
        reload(out);
        return;
    };
    if user.cursor_expired {
        // The events missed are pruned: the lists are the truth.
        state.user_cursor.seq = Some(user.last_seq);
        reload(out);
        return;
    }
    let mut at = cursor;
    for event in &user.events {
        match event.user_seq() {
            Some(seq) if seq == at + 1 => {
                at = seq;
                apply(state, event, out);
            }
            _ => {}
        }
    }
    state.user_cursor.seq = Some(at);
    if user.has_more {
        state.user_cursor.syncing = true;
        out.push(Command::SyncUser(Some(at)));
    }
}

fn reload(out: &mut Vec<Command>) {
    out.push(Command::Social(SocialCommand::LoadContacts));
    out.push(Command::Social(SocialCommand::LoadNotifications));
}

fn apply(state: &mut AppState, event: &ServerEvent, out: &mut Vec<Command>) {
    match event {
        ServerEvent::ContactRequest(_)
        | ServerEvent::ContactAccepted(_)
        | ServerEvent::ContactRemoved(_)
        | ServerEvent::BlockUpdated(_) => super::contacts::server_event(state, event, out),
        ServerEvent::NotificationNew(_) | ServerEvent::NotificationRead(_) => {
            super::notifications::server_event(state, event, out);
        }
        // A mute or do-not-disturb set on some device: the event says what it is now.
        ServerEvent::SettingsUpdated(e) => {
            let until = |s: common::api::Silence| s.active.then_some(s.until).flatten();
            if let Some(mute) = e.mute {
                super::mute::muted(state, mute.chat_id, until(mute.silence));
            }
            if let Some(dnd) = e.dnd {
                super::mute::dnd(state, until(dnd));
            }
            if let Some(privacy) = e.privacy {
                state.social.privacy = Some(privacy);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use common::ids::UserId;
    use common::ws::BlockUpdated;

    use super::*;
    use crate::state::{Event, NetEvent};

    fn block(user_seq: i64, user_id: UserId) -> ServerEvent {
        ServerEvent::BlockUpdated(BlockUpdated {
            user_seq,
            user_id,
            blocked: true,
        })
    }

    /// A state that knows three users by name.
    fn three_users() -> (AppState, Vec<UserId>) {
        let mut state = crate::bench::state(1, 1);
        let me = state.my_id();
        let Some(known) = state.users.values().find(|u| Some(u.id) != me).cloned() else {
            panic!("the bench state knows another user");
        };
        let ids: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        for id in &ids {
            let mut user = known.clone();
            user.id = *id;
            state.users.insert(*id, user);
        }
        (state, ids)
    }

    fn blocked(state: &AppState) -> Vec<UserId> {
        state.social.book.blocks.iter().map(|b| b.user.id).collect()
    }

    #[test]
    fn user_events_apply_at_cursor_plus_one_and_a_gap_syncs_from_the_cursor() {
        let (mut state, users) = three_users();
        state.user_cursor.seq = Some(4);
        // Already applied: ignored.
        state.update(Event::Net(NetEvent::Server(block(4, users[0]))));
        assert!(blocked(&state).is_empty());
        // A gap: nothing applied, a sync from the cursor asked for once.
        let commands = state.update(Event::Net(NetEvent::Server(block(6, users[1]))));
        assert_eq!(commands, vec![Command::SyncUser(Some(4))]);
        let commands = state.update(Event::Net(NetEvent::Server(block(7, users[2]))));
        assert!(
            !commands.contains(&Command::SyncUser(Some(4))),
            "{commands:?}"
        );
        assert!(blocked(&state).is_empty());
        // The answer brings 5, 6 and 7 in order, each once.
        state.update(Event::Net(NetEvent::UserSynced(UserSync {
            events: vec![block(5, users[0]), block(6, users[1]), block(7, users[2])],
            last_seq: 7,
            has_more: false,
            cursor_expired: false,
        })));
        assert_eq!(state.user_cursor.seq, Some(7));
        assert_eq!(blocked(&state).len(), 3);
        // Live copies of what the sync brought change nothing.
        state.update(Event::Net(NetEvent::Server(block(7, users[2]))));
        assert_eq!(blocked(&state).len(), 3);
    }

    #[test]
    fn a_long_absence_pages_through_the_user_events() {
        let (mut state, users) = three_users();
        state.user_cursor.seq = Some(1);
        let commands = state.update(Event::Net(NetEvent::UserSynced(UserSync {
            events: vec![block(2, users[0])],
            last_seq: 3,
            has_more: true,
            cursor_expired: false,
        })));
        assert_eq!(commands, vec![Command::SyncUser(Some(2))]);
    }
}
