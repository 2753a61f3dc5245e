//! Avatars in the terminal: a user's initials in a badge, and where the terminal draws
//! images (the attachments' preview path) the picture: one's own in the profile, other
//! users' in their profile box and under the group's member list.

use common::UserId;
use common::api::User;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, border, text};
use crate::preview::PreviewImage;
use crate::sanitize;
use crate::state::AppState;
use crate::state::attachments::Thumbnail;
use crate::state::attachments::avatar::small_url;

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

/// Another user's small picture, when it is here.
fn small_picture<'a>(state: &'a AppState, user: &User) -> Option<&'a PreviewImage> {
    let url = small_url(user.avatar_url.as_deref()?);
    match state.attachments.avatars.get(&url) {
        Some(Thumbnail::Ready(preview)) => Some(preview),
        _ => None,
    }
}

/// What stands for a picture that is not drawn: why, in a few words.
fn no_picture(state: &AppState, user: &User) -> &'static str {
    if user.avatar_url.is_none() {
        "no picture"
    } else if state.attachments.picker.is_none() {
        "has a picture (this terminal draws no images)"
    } else {
        match state
            .attachments
            .avatars
            .get(&small_url(user.avatar_url.as_deref().unwrap_or("")))
        {
            Some(Thumbnail::Loading) => "picture loading…",
            Some(Thumbnail::Failed) => "picture unavailable",
            _ => "has a picture",
        }
    }
}

/// Room under the member list for the highlighted member's picture. Returns the picture
/// and its first row.
pub(super) fn member_lines<'a>(
    state: &'a AppState,
    user: &User,
    lines: &mut Vec<Line<'_>>,
    theme: &Theme,
) -> Option<(&'a PreviewImage, u16)> {
    let name = sanitize::line(&user.username).into_owned();
    let Some(preview) = small_picture(state, user) else {
        if user.avatar_url.is_some() {
            lines.push(Line::styled(
                format!("@{} {}", text::truncate(&name, 24), no_picture(state, user)),
                theme.fg(Color::DarkGray),
            ));
        }
        return None;
    };
    lines.push(Line::styled(
        format!("@{}", text::truncate(&name, 40)),
        theme.fg(theme.accent),
    ));
    let top = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    for _ in 0..preview.size().height {
        lines.push(Line::raw(""));
    }
    Some((preview, top))
}

/// Another user's profile box: badge, names, status message, presence, and the picture
/// where the terminal draws images.
pub(super) fn user_profile(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    user: UserId,
    theme: &Theme,
) {
    let Some(user) = state.users.get(&user) else {
        return;
    };
    let picture = small_picture(state, user);
    let username = sanitize::line(&user.username).into_owned();
    let name = user
        .display_name
        .as_deref()
        .map_or_else(|| username.clone(), |n| sanitize::line(n).into_owned());
    let presence = match state.presence.get(&user.id) {
        Some(common::ws::PresenceStatus::Online) => "online",
        Some(common::ws::PresenceStatus::Away) => "away",
        _ => "offline or hidden",
    };
    let mut lines = vec![
        Line::styled(
            format!("{} {}", badge(user), text::truncate(&name, 40)),
            theme.fg(theme.accent),
        ),
        Line::raw(format!("@{} · {presence}", text::truncate(&username, 30))),
        Line::raw(
            user.status_message
                .as_deref()
                .map(|s| text::truncate(&sanitize::line(s), 46))
                .unwrap_or_default(),
        ),
    ];
    let top = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    if let Some(preview) = picture {
        for _ in 0..preview.size().height {
            lines.push(Line::raw(""));
        }
    } else {
        lines.push(Line::styled(
            no_picture(state, user),
            theme.fg(Color::DarkGray),
        ));
    }
    lines.push(Line::styled("any key closes", theme.fg(Color::DarkGray)));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = super::overlays::centered(area, 50, height);
    let block = border(theme, true).title(format!(" @{} ", text::truncate(&username, 40)));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    if let Some(preview) = picture {
        draw_picture(frame, inner, preview, top);
    }
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
