//! The contacts overlay (requests both ways, contacts with presence, blocked users, each
//! section with its keys) and the add-contact picker. Names are sanitized.

use common::api::{Contact, User};
use common::ws::PresenceStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::overlays::centered;
use super::{Theme, border, text};
use crate::sanitize;
use crate::state::AppState;
use crate::state::contacts::{ContactsOverlay, Row};

/// A section's title and which rows it lists.
type Section = (&'static str, fn(&Row<'_>) -> bool);

fn who(user: &User) -> String {
    let username = sanitize::line(&user.username).into_owned();
    match &user.display_name {
        Some(d) => format!("{} (@{username})", sanitize::line(d)),
        None => format!("@{username}"),
    }
}

fn note(contact: &Contact) -> String {
    contact
        .message
        .as_deref()
        .map(|m| format!(" “{}”", sanitize::line(m)))
        .unwrap_or_default()
}

pub(super) fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    overlay: ContactsOverlay,
    theme: &Theme,
) {
    let rect = centered(area, 70, area.height.saturating_sub(2));
    let block = border(theme, true).title(" Contacts (n: add · Esc: close) ");
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let book = &state.social.book;
    let header = |title: &str| {
        Line::styled(
            text::truncate(title, width),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        )
    };
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut selected_line = 0;
    if !book.loaded {
        lines.push(Line::styled("loading…", theme.fg(Color::DarkGray)));
    }
    let rows = book.rows();
    let sections: [Section; 4] = [
        (
            "Requests for you · a accept · d decline · b block",
            |r| matches!(r, Row::Incoming(_)),
        ),
        ("Your requests · d cancel", |r| {
            matches!(r, Row::Outgoing(_))
        }),
        ("Contacts · Enter chat · d remove · b block", |r| {
            matches!(r, Row::Contact(_))
        }),
        ("Blocked · u unblock", |r| matches!(r, Row::Blocked(_))),
    ];
    for (title, belongs) in sections {
        lines.push(header(title));
        let mut any = false;
        for (i, row) in rows.iter().enumerate().filter(|(_, r)| belongs(r)) {
            any = true;
            let (lead, label) = match row {
                Row::Incoming(c) | Row::Outgoing(c) => {
                    (Span::raw("  "), format!("{}{}", who(&c.user), note(c)))
                }
                Row::Contact(c) => (
                    match state.presence.get(&c.user.id) {
                        Some(PresenceStatus::Online) => Span::styled("● ", theme.fg(Color::Green)),
                        Some(PresenceStatus::Away) => Span::styled("◐ ", theme.fg(Color::Yellow)),
                        _ => Span::styled("○ ", theme.fg(Color::DarkGray)),
                    },
                    who(&c.user),
                ),
                Row::Blocked(b) => (Span::raw("  "), who(&b.user)),
            };
            let style = if i == overlay.selected {
                selected_line = lines.len();
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::raw(" "),
                lead,
                Span::styled(text::truncate(&label, width.saturating_sub(4)), style),
            ]));
        }
        if !any {
            lines.push(Line::styled("   none", theme.fg(Color::DarkGray)));
        }
    }
    let height = usize::from(inner.height);
    let skip = (selected_line + 1).saturating_sub(height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((skip as u16, 0)),
        rect,
    );
}
