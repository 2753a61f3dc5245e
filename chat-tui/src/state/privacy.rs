//! The privacy screen (`/privacy`): the four settings, one row each; Enter, Space or
//! Left/Right moves the highlighted one to its next value, sent to the server at once. The
//! values shown are the server's: loaded on opening, replaced by each answer and by
//! `settings:updated` from any device.

use common::api::{
    ContactRequestsFrom, DirectChatsFrom, PresenceAudience, Privacy, UpdatePrivacyRequest,
};
use crossterm::event::{KeyCode, KeyEvent};

use super::AppState;
use super::event::Command;
use super::overlay::Overlay;
use super::social::SocialCommand;

/// The rows, in order.
pub const ROWS: usize = 4;

/// The privacy overlay: which row is highlighted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrivacyOverlay {
    /// The highlighted row.
    pub selected: usize,
}

/// Opens the screen and asks for the settings.
pub(super) fn open(state: &mut AppState, out: &mut Vec<Command>) {
    state.overlay = Some(Overlay::Privacy(PrivacyOverlay::default()));
    out.push(Command::Social(SocialCommand::LoadPrivacy));
}

/// The label and the value of each row.
pub fn rows(privacy: Privacy) -> [(&'static str, &'static str); ROWS] {
    [
        (
            "Who sees my presence and last seen",
            match privacy.presence {
                PresenceAudience::Everyone => "everyone",
                PresenceAudience::Contacts => "contacts",
                PresenceAudience::Nobody => "nobody",
            },
        ),
        (
            "Who may start a direct chat with me",
            match privacy.direct_chats {
                DirectChatsFrom::Everyone => "everyone",
                DirectChatsFrom::Contacts => "contacts",
            },
        ),
        (
            "Others find me in user search",
            if privacy.searchable {
                "yes"
            } else {
                "no (contacts still do)"
            },
        ),
        (
            "Who may send me contact requests",
            match privacy.contact_requests {
                ContactRequestsFrom::Everyone => "everyone",
                ContactRequestsFrom::Nobody => "nobody",
            },
        ),
    ]
}

/// The change that moves `row` to its next value (`back`: its previous one).
fn step(privacy: Privacy, row: usize, back: bool) -> UpdatePrivacyRequest {
    let mut req = UpdatePrivacyRequest::default();
    match row {
        0 => {
            use PresenceAudience::{Contacts, Everyone, Nobody};
            let order = [Everyone, Contacts, Nobody];
            let i = order
                .iter()
                .position(|p| *p == privacy.presence)
                .unwrap_or(0);
            let next = if back { i + order.len() - 1 } else { i + 1 } % order.len();
            req.presence = Some(order[next]);
        }
        1 => {
            req.direct_chats = Some(match privacy.direct_chats {
                DirectChatsFrom::Everyone => DirectChatsFrom::Contacts,
                DirectChatsFrom::Contacts => DirectChatsFrom::Everyone,
            });
        }
        2 => req.searchable = Some(!privacy.searchable),
        _ => {
            req.contact_requests = Some(match privacy.contact_requests {
                ContactRequestsFrom::Everyone => ContactRequestsFrom::Nobody,
                ContactRequestsFrom::Nobody => ContactRequestsFrom::Everyone,
            });
        }
    }
    req
}

/// A key on the privacy screen; false closes it.
pub(super) fn key(
    state: &mut AppState,
    overlay: &mut PrivacyOverlay,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => overlay.selected = overlay.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            overlay.selected = (overlay.selected + 1).min(ROWS - 1);
        }
        KeyCode::Enter | KeyCode::Char(' ' | 'l' | 'h') | KeyCode::Right | KeyCode::Left => {
            // Nothing to change before the server said what is set.
            if let Some(privacy) = state.social.privacy {
                let back = matches!(key.code, KeyCode::Left | KeyCode::Char('h'));
                out.push(Command::Social(SocialCommand::SetPrivacy(step(
                    privacy,
                    overlay.selected,
                    back,
                ))));
            }
        }
        KeyCode::Esc | KeyCode::Char('q') => return false,
        _ => {}
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::social::SocialEvent;
    use crate::state::{Event, NetEvent};

    fn press(state: &mut AppState, code: KeyCode) -> Vec<Command> {
        state.update(Event::Key(KeyEvent::from(code)))
    }

    #[test]
    fn the_privacy_screen_loads_steps_each_setting_and_follows_other_devices() {
        let mut state = crate::bench::state(1, 0);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/privacy", &mut out);
        assert_eq!(out, vec![Command::Social(SocialCommand::LoadPrivacy)]);
        // Before the answer, keys change nothing.
        assert!(press(&mut state, KeyCode::Enter).is_empty());
        state.update(Event::Net(NetEvent::Social(SocialEvent::Privacy(
            Privacy::default(),
        ))));
        // Presence: everyone -> contacts (and Left goes back to nobody).
        assert_eq!(
            press(&mut state, KeyCode::Enter),
            vec![Command::Social(SocialCommand::SetPrivacy(
                UpdatePrivacyRequest {
                    presence: Some(PresenceAudience::Contacts),
                    ..UpdatePrivacyRequest::default()
                }
            ))]
        );
        assert_eq!(
            press(&mut state, KeyCode::Left),
            vec![Command::Social(SocialCommand::SetPrivacy(
                UpdatePrivacyRequest {
                    presence: Some(PresenceAudience::Nobody),
                    ..UpdatePrivacyRequest::default()
                }
            ))]
        );
        // Down twice: search, toggled off.
        press(&mut state, KeyCode::Down);
        press(&mut state, KeyCode::Down);
        assert_eq!(
            press(&mut state, KeyCode::Char(' ')),
            vec![Command::Social(SocialCommand::SetPrivacy(
                UpdatePrivacyRequest {
                    searchable: Some(false),
                    ..UpdatePrivacyRequest::default()
                }
            ))]
        );
        // Another device's change arrives as settings:updated and is what the screen shows.
        let changed = Privacy {
            searchable: false,
            contact_requests: ContactRequestsFrom::Nobody,
            ..Privacy::default()
        };
        let event = common::ws::ServerEvent::SettingsUpdated(common::ws::SettingsUpdated {
            user_seq: state.user_cursor.seq.map_or(1, |s| s + 1),
            dnd: None,
            mute: None,
            privacy: Some(changed),
        });
        state.update(Event::Net(NetEvent::Server(event)));
        assert_eq!(state.social.privacy, Some(changed));
        assert_eq!(rows(changed)[3].1, "nobody");
        assert!(press(&mut state, KeyCode::Esc).is_empty());
        assert!(state.overlay.is_none());
    }
}
