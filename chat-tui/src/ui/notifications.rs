//! The notifications overlay: newest first, unread ones marked, each with its kind, who, the
//! chat, the time and a one-line excerpt of the message when it is held. All of it sanitized.

use common::api::{Notification, NotificationKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::overlays::centered;
use super::{Theme, border, text};
use crate::sanitize;
use crate::state::AppState;
use crate::state::notifications::NotificationsOverlay;

fn kind(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Mention => "mentioned you",
        NotificationKind::Reply => "replied",
        NotificationKind::ContactRequest => "asks to be your contact",
        NotificationKind::ContactAccepted => "accepted your request",
        NotificationKind::GroupInvite => "added you",
    }
}

/// "who kind in chat: excerpt", one line.
fn describe(state: &AppState, n: &Notification) -> String {
    let who = n
        .actor_id
        .map_or_else(|| "someone".to_owned(), |id| state.name_of(id));
    let mut line = format!("{} {}", sanitize::line(&who), kind(n.kind));
    let chat = n
        .chat_id
        .and_then(|id| state.chats.iter().find(|c| c.id() == id));
    if let Some(chat) = chat {
        line.push_str(" in ");
        line.push_str(&sanitize::line(&state.title_of(chat)));
        let excerpt = n
            .message_id
            .and_then(|m| chat.message(m))
            .filter(|m| !m.deleted)
            .and_then(|m| m.content.as_deref());
        if let Some(excerpt) = excerpt {
            let flat: String = excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
            line.push_str(": ");
            line.push_str(&sanitize::line(&flat));
        }
    }
    line
}

pub(super) fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    overlay: NotificationsOverlay,
    theme: &Theme,
) {
    let list = &state.social.notifications;
    let rect = centered(area, 90, area.height.saturating_sub(2));
    let title = format!(
        " Notifications ({} unread) · Enter open · a all read · Esc close ",
        list.unread()
    );
    let block = border(theme, true).title(text::truncate(&title, usize::from(rect.width)));
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if !list.loaded {
        lines.push(Line::styled("loading…", theme.fg(Color::DarkGray)));
    } else if list.items.is_empty() {
        lines.push(Line::styled(" none", theme.fg(Color::DarkGray)));
    }
    for (i, n) in list.items.iter().enumerate() {
        let unread = n.read_at.is_none();
        let mark = if unread {
            Span::styled(" ● ", theme.fg(theme.accent))
        } else {
            Span::raw("   ")
        };
        let time = format!("{} ", theme.time(n.created_at));
        let room = width.saturating_sub(3 + text::width(&time));
        let mut style = if unread {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            theme.fg(Color::Gray)
        };
        if i == overlay.selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::from(vec![
            mark,
            Span::styled(time, theme.fg(Color::DarkGray)),
            Span::styled(text::truncate(&describe(state, n), room), style),
        ]));
    }
    let height = usize::from(inner.height);
    let skip = (overlay.selected + 1).saturating_sub(height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((skip as u16, 0)),
        rect,
    );
}
