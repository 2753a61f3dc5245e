//! Other users' profiles: `/whois @name` (or `/whois` in a direct chat, for the other
//! member) and `p` on a member of the group settings open a box with the user's names,
//! status, presence and avatar. Their pictures are asked for here, small and once; the
//! member list asks for the highlighted member's.

use common::UserId;
use common::api::User;

use super::AppState;
use super::attachments::avatar;
use super::event::Command;
use super::overlay::Overlay;

/// `/whois [@name]`.
pub(super) fn whois(state: &mut AppState, rest: &str, out: &mut Vec<Command>) {
    let name = rest.trim().trim_start_matches('@');
    let user = if name.is_empty() {
        state
            .current()
            .and_then(|c| c.chat.peer.as_ref())
            .map(|u| u.id)
    } else {
        state
            .users
            .values()
            .find(|u| u.username.eq_ignore_ascii_case(name))
            .map(|u| u.id)
    };
    match user {
        Some(user) => open(state, user, out),
        None if name.is_empty() => {
            state.notice = Some("usage: /whois @user (or in a direct chat)".into());
        }
        None => {
            state.notice = Some(format!(
                "no user @{} among your chats and contacts",
                crate::sanitize::line(name)
            ));
        }
    }
}

/// Opens `user`'s profile box and asks for the picture.
pub(super) fn open(state: &mut AppState, user: UserId, out: &mut Vec<Command>) {
    if let Some(known) = state.users.get(&user).cloned() {
        avatar::want_user(state, &known, out);
    }
    state.overlay = Some(Overlay::UserProfile(user));
}

/// Asks for the picture of the member highlighted in a group's settings.
pub(super) fn want_member(
    state: &mut AppState,
    chat_id: common::ChatId,
    member: Option<usize>,
    out: &mut Vec<Command>,
) {
    let user: Option<User> = member.and_then(|at| {
        state
            .chats
            .iter()
            .find(|c| c.id() == chat_id)
            .and_then(|c| c.participants.get(at))
            .map(|p| p.user.clone())
    });
    if let Some(user) = user {
        avatar::want_user(state, &user, out);
    }
}

#[cfg(test)]
mod tests {
    use common::api::{Participant, Role};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::super::attachments::{AttachCommand, AttachEvent};
    use super::super::{Event, NetEvent};
    use super::*;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn slash(state: &mut AppState, text: &str) -> Vec<Command> {
        state.focus = super::super::Focus::Composer;
        let mut out: Vec<Command> = text
            .chars()
            .flat_map(|c| state.update(key(KeyCode::Char(c))))
            .collect();
        out.extend(state.update(key(KeyCode::Enter)));
        out
    }

    fn screen(state: &AppState) -> String {
        let theme = crate::ui::Theme::measuring(state.utc_offset);
        let backend = ratatui::backend::TestBackend::new(80, 24);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal
            .draw(|frame| crate::ui::draw(frame, state, &theme))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    /// The bench state with ada's picture at `/api/users/{id}/avatar?v=1`; her small URL.
    fn with_ada_picture() -> (AppState, UserId, String) {
        let mut state = crate::bench::state(1, 0);
        let ada = state
            .users
            .values_mut()
            .find(|u| u.username == "ada")
            .unwrap();
        ada.display_name = Some("Ada Lovelace".into());
        ada.status_message = Some("computing".into());
        let url = format!("/api/users/{}/avatar?v=1", ada.id);
        ada.avatar_url = Some(url.clone());
        let id = ada.id;
        (state, id, format!("{url}&size=small"))
    }

    #[test]
    fn without_images_or_a_picture_the_profile_shows_initials_and_fetches_nothing() {
        let (mut state, _, _) = with_ada_picture();
        assert!(state.attachments.picker.is_none());
        assert!(slash(&mut state, "/whois @ada").is_empty());
        let shown = screen(&state);
        assert!(shown.contains("[AL]* Ada Lovelace"), "{shown}");
        assert!(shown.contains("@ada · offline or hidden"), "{shown}");
        assert!(shown.contains("computing"), "{shown}");
        assert!(
            shown.contains("has a picture (this terminal draws no images)"),
            "{shown}"
        );
        state.update(key(KeyCode::Char('q')));
        assert!(state.overlay.is_none());
        // Someone with no picture; someone unknown; no name outside a direct chat.
        slash(&mut state, "/whois me");
        assert!(screen(&state).contains("no picture"));
        state.update(key(KeyCode::Esc));
        slash(&mut state, "/whois @nobody");
        assert!(state.overlay.is_none());
        assert!(state.notice.as_deref().unwrap().contains("no user @nobody"));
        slash(&mut state, "/whois");
        assert!(state.notice.as_deref().unwrap().contains("usage: /whois"));
    }

    #[cfg(feature = "graphics")]
    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(64, 64, image::Rgb([40, 40, 200]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    /// Where the terminal draws images, another user's profile asks for the small picture
    /// once, says it is loading, and draws it when it arrives.
    #[cfg(feature = "graphics")]
    #[test]
    fn whois_draws_another_users_small_avatar_fetched_once() {
        let (mut state, _, small) = with_ada_picture();
        state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
        assert_eq!(
            slash(&mut state, "/whois @ada"),
            [Command::Attachment(AttachCommand::Avatar(small.clone()))]
        );
        let shown = screen(&state);
        assert!(shown.contains("picture loading…"), "{shown}");
        assert!(!shown.contains('▀') && !shown.contains('▄'), "{shown}");
        state.update(key(KeyCode::Esc));
        // Asked once, also while it is on its way.
        assert!(slash(&mut state, "/whois @ada").is_empty());
        state.update(Event::Net(NetEvent::Attachment(AttachEvent::Avatar(
            small,
            Some(png()),
        ))));
        let shown = screen(&state);
        assert!(shown.contains('▀') || shown.contains('▄'), "{shown}");
        assert!(shown.contains("[AL]* Ada Lovelace"), "{shown}");
        state.update(key(KeyCode::Esc));
        assert!(slash(&mut state, "/whois @ada").is_empty());
    }

    /// In the group settings, the highlighted member's picture is asked for and drawn under
    /// the list; `p` opens that member's profile.
    #[cfg(feature = "graphics")]
    #[test]
    fn the_member_list_draws_the_highlighted_members_picture_and_p_opens_the_profile() {
        let (mut state, ada, small) = with_ada_picture();
        state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
        let me = state.me.clone().unwrap();
        let member = |user: User, role| Participant {
            user,
            role,
            joined_at: time::OffsetDateTime::UNIX_EPOCH,
            last_read_seq: 0,
            last_delivered_seq: 0,
        };
        let ada_user = state.users[&ada].clone();
        state.chats[0].participants = vec![member(me, Role::Owner), member(ada_user, Role::Member)];
        assert!(slash(&mut state, "/settings").is_empty());
        // Down past the four fields (name, slug, description, visibility): the first member
        // (me, no picture) asks nothing.
        for _ in 0..3 {
            state.update(key(KeyCode::Down));
        }
        assert!(state.update(key(KeyCode::Down)).is_empty());
        assert_eq!(
            state.update(key(KeyCode::Down)),
            [Command::Attachment(AttachCommand::Avatar(small.clone()))]
        );
        assert!(screen(&state).contains("@ada picture loading…"));
        state.update(Event::Net(NetEvent::Attachment(AttachEvent::Avatar(
            small,
            Some(png()),
        ))));
        let shown = screen(&state);
        assert!(shown.contains('▀') || shown.contains('▄'), "{shown}");
        // Back up and down again: held, not asked again.
        assert!(state.update(key(KeyCode::Up)).is_empty());
        assert!(state.update(key(KeyCode::Down)).is_empty());
        assert!(state.update(key(KeyCode::Char('p'))).is_empty());
        assert_eq!(state.overlay, Some(Overlay::UserProfile(ada)));
    }
}
