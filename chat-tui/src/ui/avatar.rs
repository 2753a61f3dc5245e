//! Avatars in the terminal: a user's initials in a badge, and in the profile one's own
//! picture where the terminal draws images (the attachments' preview path).

use common::api::User;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Theme;
use crate::preview::PreviewImage;
use crate::state::AppState;
use crate::state::attachments::Thumbnail;

/// Up to two letters: the first of the display name's first two words, or the first two
/// of the username. Only letters and digits, so nothing a terminal interprets.
pub fn initials(user: &User) -> String {
    let from_name: String = user
        .display_name
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .collect();
    let letters = if from_name.is_empty() {
        user.username
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(2)
            .collect()
    } else {
        from_name
    };
    letters.to_uppercase()
}

/// The badge drawn before a name: `[AL]`, and `*` after it when the user has a picture.
pub fn badge(user: &User) -> String {
    let mark = if user.avatar_url.is_some() { "*" } else { "" };
    format!("[{}]{mark}", initials(user))
}

/// The profile form's avatar lines: the badge and whether a picture is set, then room for
/// the picture where the terminal draws images. Returns the picture and its first row.
pub(super) fn profile_lines<'a>(
    state: &'a AppState,
    lines: &mut Vec<Line<'_>>,
    theme: &Theme,
) -> Option<(&'a PreviewImage, u16)> {
    let me = state.me.as_ref()?;
    let picture = if me.avatar_url.is_some() {
        "picture set (* in member lists)"
    } else {
        "no picture: /avatar PATH sets one"
    };
    lines.push(Line::styled(
        format!("Avatar {} · {picture}", badge(me)),
        theme.fg(theme.accent),
    ));
    let url = me.avatar_url.as_ref()?;
    let Some(Thumbnail::Ready(preview)) = state.attachments.avatars.get(url) else {
        return None;
    };
    let top = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    for _ in 0..preview.size().height {
        lines.push(Line::raw(""));
    }
    Some((preview, top))
}

/// Draws the picture into the rows [`profile_lines`] kept free.
pub(super) fn draw_picture(frame: &mut Frame<'_>, inner: Rect, preview: &PreviewImage, top: u16) {
    let size = preview.size();
    let at = Rect {
        x: inner.x + 2,
        y: inner.y.saturating_add(top),
        width: size.width,
        height: size.height,
    };
    frame.render_widget(preview.widget(), at.intersection(inner));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(username: &str, display: Option<&str>, avatar: bool) -> User {
        User {
            id: common::UserId::new(),
            username: username.to_owned(),
            display_name: display.map(str::to_owned),
            status_message: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            avatar_url: avatar.then(|| "/api/users/x/avatar?v=1".to_owned()),
        }
    }

    #[test]
    fn initials_come_from_the_display_name_or_the_username_and_never_carry_controls() {
        assert_eq!(
            initials(&user("ada", Some("Ada Lovelace King"), false)),
            "AL"
        );
        assert_eq!(initials(&user("bob.smith", None, false)), "BO");
        assert_eq!(
            initials(&user("zoe", Some("\u{1b}[31mx \u{202e}y"), false)),
            "3Y"
        );
        assert_eq!(initials(&user("émile", Some("émile zola"), false)), "ÉZ");
        assert_eq!(badge(&user("ada", Some("Ada"), true)), "[A]*");
        assert_eq!(badge(&user("..", None, false)), "[]");
    }
}
