//! The form overlays: profile, new group, group settings. Submitting one returns the
//! commands that carry it out; what the server refuses comes back as a notice.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::AppState;
use super::event::Command;
use super::overlay::{Form, FormKind, Overlay};
use crate::keymap::Action;

/// The form an action opens (group settings only in a group).
pub(super) fn open(state: &AppState, action: Action) -> Option<Overlay> {
    let form = match action {
        Action::Profile => {
            let me = state.me.as_ref();
            Form::new(
                FormKind::Profile,
                vec![
                    (
                        "Display name",
                        me.and_then(|u| u.display_name.clone()).unwrap_or_default(),
                    ),
                    (
                        "Status message",
                        me.and_then(|u| u.status_message.clone())
                            .unwrap_or_default(),
                    ),
                ],
            )
        }
        Action::NewGroup => Form::new(
            FormKind::NewGroup,
            vec![
                ("Name", String::new()),
                ("Members (usernames)", String::new()),
            ],
        ),
        Action::GroupSettings => {
            let chat = state.current().filter(|c| !c.is_direct())?;
            Form::new(
                FormKind::GroupSettings(chat.id()),
                vec![
                    ("Name", chat.chat.name.clone().unwrap_or_default()),
                    ("Invite (usernames)", String::new()),
                ],
            )
        }
        _ => return None,
    };
    Some(Overlay::Form(form))
}

/// A key in a form; false closes it.
pub(super) fn key(
    state: &mut AppState,
    form: &mut Form,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    let n = form.fields.len();
    if let FormKind::GroupSettings(chat_id) = form.kind {
        if form.member.is_some() {
            return super::roles::member_key(state, form, chat_id, key, out);
        }
        // Down from the last field moves on to the members.
        let has_members = state
            .chats
            .iter()
            .any(|c| c.id() == chat_id && !c.participants.is_empty());
        if key.code == KeyCode::Down && form.focus + 1 == n && has_members {
            form.member = Some(0);
            return true;
        }
    }
    match key.code {
        KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1) % n,
        KeyCode::BackTab | KeyCode::Up => form.focus = (form.focus + n - 1) % n,
        KeyCode::Backspace => {
            if let Some((_, v)) = form.fields.get_mut(form.focus) {
                v.pop();
            }
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            if let Some((_, v)) = form.fields.get_mut(form.focus) {
                v.push(c);
            }
        }
        KeyCode::Enter => {
            submit(state, form, out);
            return false;
        }
        _ => {}
    }
    true
}

fn usernames(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(|u| u.trim().trim_start_matches('@').to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}

fn submit(state: &mut AppState, form: &Form, out: &mut Vec<Command>) {
    match form.kind {
        FormKind::Email => super::email::submit(state, form, out),
        FormKind::Profile => out.push(Command::SetProfile {
            display_name: Some(form.value(0).trim().to_owned()),
            status_message: Some(form.value(1).trim().to_owned()),
        }),
        FormKind::NewGroup => {
            let name = form.value(0).trim();
            if name.is_empty() {
                state.notice = Some("a group needs a name".into());
                return;
            }
            out.push(Command::CreateGroup {
                name: name.to_owned(),
                usernames: usernames(form.value(1)),
            });
        }
        FormKind::GroupSettings(chat_id) => {
            let name = form.value(0).trim();
            let current = state
                .chats
                .iter()
                .find(|c| c.id() == chat_id)
                .and_then(|c| c.chat.name.clone());
            if !name.is_empty() && current.as_deref() != Some(name) {
                out.push(Command::Rename {
                    chat_id,
                    name: name.to_owned(),
                });
            }
            for username in usernames(form.value(1)) {
                out.push(Command::Invite { chat_id, username });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Event;

    #[test]
    fn new_group_form_creates_the_group_with_its_members() {
        let mut state = crate::bench::state(1, 0);
        state.overlay = open(&state, Action::NewGroup);
        let mut commands = Vec::new();
        for c in "eng".chars() {
            commands.extend(state.update(Event::Key(KeyEvent::from(KeyCode::Char(c)))));
        }
        state.update(Event::Key(KeyEvent::from(KeyCode::Tab)));
        for c in "@ada, bob".chars() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert_eq!(
            commands,
            vec![Command::CreateGroup {
                name: "eng".into(),
                usernames: vec!["ada".into(), "bob".into()]
            }]
        );
        assert!(state.overlay.is_none());
    }

    #[test]
    fn group_settings_rename_and_invite() {
        let mut state = crate::bench::state(1, 0);
        let chat_id = state.chats[0].id();
        state.overlay = open(&state, Action::GroupSettings);
        state.update(Event::Key(KeyEvent::from(KeyCode::Char('!'))));
        state.update(Event::Key(KeyEvent::from(KeyCode::Down)));
        state.update(Event::Key(KeyEvent::from(KeyCode::Char('z'))));
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert_eq!(
            commands,
            vec![
                Command::Rename {
                    chat_id,
                    name: "group 0!".into()
                },
                Command::Invite {
                    chat_id,
                    username: "z".into()
                }
            ]
        );
    }
}
