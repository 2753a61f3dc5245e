//! The form overlays: profile, new group, group settings. Submitting one returns the
//! commands that carry it out; what the server refuses comes back as a notice.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::AppState;
use super::event::{Command, Hidden};
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
                    (
                        "Description",
                        chat.chat.description.clone().unwrap_or_default(),
                    ),
                    (
                        "Visibility (public/private)",
                        chat.chat.visibility.as_str().to_owned(),
                    ),
                ],
            )
        }
        _ => return None,
    };
    Some(Overlay::Form(form))
}

/// The `/password` form: three masked fields.
pub(super) fn password() -> Overlay {
    Overlay::Form(Form::new(
        FormKind::Password,
        vec![
            ("Current password", String::new()),
            ("New password", String::new()),
            ("New password again", String::new()),
        ],
    ))
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
            let open = super::roles::member_key(state, form, chat_id, key, out);
            super::profiles::want_member(state, chat_id, form.member, out);
            return open;
        }
        // Down from the last field moves on to the members.
        let has_members = state
            .chats
            .iter()
            .any(|c| c.id() == chat_id && !c.participants.is_empty());
        if key.code == KeyCode::Down && form.focus + 1 == n && has_members {
            form.member = Some(0);
            super::profiles::want_member(state, chat_id, form.member, out);
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
        KeyCode::Enter => return !submit(state, form, out),
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

/// Carries the form out; false keeps it open (a password typed twice differently).
fn submit(state: &mut AppState, form: &mut Form, out: &mut Vec<Command>) -> bool {
    match form.kind {
        FormKind::Password => {
            if form.value(1) != form.value(2) {
                state.notice = Some("the new passwords differ; type them again".into());
                for (_, value) in form.fields.iter_mut().skip(1) {
                    value.clear();
                }
                form.focus = 1;
                return false;
            }
            if form.value(0).is_empty() || form.value(1).is_empty() {
                state.notice = Some("type the current password and a new one".into());
                return false;
            }
            out.push(Command::ChangePassword {
                current: Hidden(form.value(0).to_owned()),
                new: Hidden(form.value(1).to_owned()),
            });
        }
        FormKind::Email => super::email::submit(state, form, out),
        FormKind::Profile => out.push(Command::SetProfile {
            display_name: Some(form.value(0).trim().to_owned()),
            status_message: Some(form.value(1).trim().to_owned()),
        }),
        FormKind::NewGroup => {
            let name = form.value(0).trim();
            if name.is_empty() {
                state.notice = Some("a group needs a name".into());
                return true;
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
            if let Some(chat) = state.chats.iter().find(|c| c.id() == chat_id) {
                super::directory::settings(&chat.chat, form.value(2), form.value(3), out);
            }
        }
    }
    true
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

    fn screen(state: &AppState) -> String {
        let theme = crate::ui::Theme::measuring(state.utc_offset);
        let backend = ratatui::backend::TestBackend::new(state.cols, state.rows);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal
            .draw(|frame| crate::ui::draw(frame, state, &theme))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..buffer.area.height)
            .flat_map(|y| (0..buffer.area.width).map(move |x| (x, y)))
            .map(|(x, y)| buffer[(x, y)].symbol().to_owned())
            .collect()
    }

    fn type_text(state: &mut AppState, text: &str) {
        for c in text.chars() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
    }

    #[test]
    fn password_form_masks_what_is_typed_and_asks_again_when_the_two_differ() {
        let mut state = crate::bench::state(1, 0);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/password", &mut out);
        assert!(out.is_empty());
        assert!(matches!(&state.overlay, Some(Overlay::Form(f)) if f.kind == FormKind::Password));
        type_text(&mut state, "old-Secret-1");
        state.update(Event::Key(KeyEvent::from(KeyCode::Tab)));
        type_text(&mut state, "new-Secret-2");
        state.update(Event::Key(KeyEvent::from(KeyCode::Tab)));
        type_text(&mut state, "new-Secret-3");
        let shown = screen(&state);
        assert!(shown.contains("Change password"), "{shown}");
        assert!(!shown.contains("Secret") && !shown.contains('*'), "{shown}");
        // The two new ones differ: nothing is sent, the form stays with both cleared.
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert!(commands.is_empty());
        let Some(Overlay::Form(form)) = &state.overlay else {
            panic!("the form closed");
        };
        assert_eq!((form.value(1), form.value(2), form.focus), ("", "", 1));
        assert!(state.notice.as_deref().unwrap().contains("differ"));
        type_text(&mut state, "new-Secret-2");
        state.update(Event::Key(KeyEvent::from(KeyCode::Tab)));
        type_text(&mut state, "new-Secret-2");
        let commands = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert_eq!(
            commands,
            vec![Command::ChangePassword {
                current: Hidden("old-Secret-1".into()),
                new: Hidden("new-Secret-2".into()),
            }]
        );
        assert!(state.overlay.is_none());
        // Debug output (logs) never carries the secrets.
        assert!(!format!("{commands:?}").contains("Secret"));
    }

    #[test]
    fn avatar_command_uploads_the_path_and_the_profile_shows_initials() {
        let mut state = crate::bench::state(1, 0);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/avatar ~/me.png", &mut out);
        assert_eq!(out, vec![Command::SetAvatar("~/me.png".into())]);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/avatar", &mut out);
        assert!(out.is_empty());
        assert!(state.notice.as_deref().unwrap().contains("usage: /avatar"));
        if let Some(me) = &mut state.me {
            me.display_name = Some("Grace Hopper".into());
            me.avatar_url = None;
        }
        state.overlay = open(&state, Action::Profile);
        let shown = screen(&state);
        assert!(shown.contains("Avatar [GH]"), "{shown}");
        assert!(shown.contains("/avatar PATH sets one"), "{shown}");
    }

    /// Where the terminal draws images, the profile shows one's own picture, fetched once.
    #[cfg(feature = "graphics")]
    #[test]
    fn the_profile_draws_ones_own_avatar_where_the_terminal_draws_images() {
        use crate::state::attachments::{AttachCommand, AttachEvent};
        let mut state = crate::bench::state(1, 0);
        state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
        let mut me = common::api::Me {
            user: state.me.clone().unwrap(),
            is_admin: false,
            email: None,
            email_verified: false,
        };
        let url = format!("/api/users/{}/avatar?v=1", me.user.id);
        me.user.avatar_url = Some(url.clone());
        let out = state.update(Event::Net(crate::state::NetEvent::LoggedIn(me.clone())));
        assert_eq!(
            out,
            vec![Command::Attachment(AttachCommand::Avatar(url.clone()))]
        );
        // Asked once.
        let out = state.update(Event::Net(crate::state::NetEvent::LoggedIn(me)));
        assert!(out.is_empty());
        let img = image::RgbImage::from_pixel(64, 64, image::Rgb([200, 40, 40]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        state.update(Event::Net(crate::state::NetEvent::Attachment(
            AttachEvent::Avatar(url, Some(png)),
        )));
        state.overlay = open(&state, Action::Profile);
        let shown = screen(&state);
        assert!(shown.contains("picture set"), "{shown}");
        assert!(shown.contains('▀') || shown.contains('▄'), "{shown}");
    }
}
