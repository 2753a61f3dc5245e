//! Member roles from the group settings form: below its fields, the arrows move over the
//! members; the owner makes one an admin (`a`) or a plain member (`m`), or hands the group
//! over (`o`, after a confirmation). The server answers with a `chat:updated` that moves
//! the roles shown.

use common::api::Role;
use common::ids::{ChatId, UserId};
use crossterm::event::{KeyCode, KeyEvent};

use super::AppState;
use super::event::Command;
use super::overlay::{Form, Overlay};
use super::social::SocialCommand;

/// A key while a member is highlighted in the group settings form; false closes the form.
pub(super) fn member_key(
    state: &mut AppState,
    form: &mut Form,
    chat_id: ChatId,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    let Some(at) = form.member else { return true };
    let Some(chat) = state.chats.iter().find(|c| c.id() == chat_id) else {
        return false;
    };
    let count = chat.participants.len();
    let member = chat.participants.get(at).map(|p| (p.user.id, p.role));
    let mine = state.my_id().and_then(|me| chat.role_of(me));
    match key.code {
        KeyCode::Up | KeyCode::BackTab => {
            form.member = at.checked_sub(1);
        }
        KeyCode::Down | KeyCode::Tab => form.member = Some((at + 1).min(count.saturating_sub(1))),
        KeyCode::Char(c @ ('a' | 'm' | 'o')) => {
            let Some((user_id, role)) = member else {
                return true;
            };
            if mine != Some(Role::Owner) {
                state.notice = Some("only the owner changes roles".into());
                return true;
            }
            if role == Role::Owner {
                state.notice = Some("that is the owner".into());
                return true;
            }
            match c {
                'o' => {
                    state.overlay = Some(Overlay::ConfirmTransfer { chat_id, user_id });
                    return false;
                }
                _ => out.push(Command::Social(SocialCommand::SetRole {
                    chat_id,
                    user_id,
                    role: if c == 'a' { Role::Admin } else { Role::Member },
                })),
            }
        }
        KeyCode::Char('p') => {
            if let Some((user, _)) = member {
                super::profiles::open(state, user, out);
            }
            // The profile box takes the form's place: the form closes (false).
            return false;
        }
        KeyCode::Char('x') => {
            if let Some((user_id, _)) = member {
                out.push(Command::Kick { chat_id, user_id });
            }
        }
        KeyCode::Enter => return false,
        _ => {}
    }
    true
}

/// The answer to "make this member the owner?".
pub(super) fn confirm_transfer(
    chat_id: ChatId,
    user_id: UserId,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) {
    if matches!(key.code, KeyCode::Char('y' | 'Y')) {
        out.push(Command::Social(SocialCommand::Transfer {
            chat_id,
            user_id,
        }));
    }
}
