//! The search overlay: the query, its scope and state, then the results (chat, sender, time,
//! and the snippet with its matches highlighted). Every server string is sanitized; the
//! highlight ranges are applied before sanitizing so they stay true.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::overlays::centered;
use super::{Theme, border, text};
use crate::sanitize;
use crate::state::AppState;
use crate::state::search::{SearchOverlay, snippet_parts};

pub(super) fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    search: &SearchOverlay,
    theme: &Theme,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    let block = border(theme, true).title(" Search (Enter: search, or jump · Tab: scope · Esc) ");
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let query = sanitize::line(&search.query).into_owned();
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.fg(theme.accent)),
        Span::raw(text::truncate(&query, width.saturating_sub(3))),
    ])];
    let scope = match search.scope {
        Some(id) => state.chats.iter().find(|c| c.id() == id).map_or_else(
            || "in this chat".to_owned(),
            |c| format!("in {}", sanitize::line(&state.title_of(c))),
        ),
        None => "in all chats".to_owned(),
    };
    let status = if search.loading {
        "searching…".to_owned()
    } else if let Some(error) = &search.error {
        sanitize::line(error).into_owned()
    } else if search.searched.is_none() {
        "words, \"a phrase\", -without, a OR b, prefix*".to_owned()
    } else if search.results.is_empty() {
        "no match".to_owned()
    } else {
        match (search.results.len(), search.next_cursor.is_some()) {
            (1, false) => "1 result".to_owned(),
            (n, false) => format!("{n} results"),
            (n, true) => format!("{n}+ results"),
        }
    };
    lines.push(Line::styled(
        text::truncate(&format!("{scope} · {status}"), width),
        theme.fg(Color::DarkGray),
    ));
    let per_page = usize::from(inner.height.saturating_sub(2)) / 2;
    let skip = search.selected.saturating_sub(per_page.saturating_sub(1));
    let time_format = time::macros::format_description!("[month repr:short] [day] [hour]:[minute]");
    for (i, hit) in search.results.iter().enumerate().skip(skip).take(per_page) {
        let m = &hit.message;
        let chat = state
            .chats
            .iter()
            .find(|c| c.id() == m.chat_id)
            .map_or_else(|| "(a chat)".to_owned(), |c| state.title_of(c));
        let sender = m.sender_id.map(|s| state.name_of(s)).unwrap_or_default();
        let at = m
            .created_at
            .to_offset(theme.offset)
            .format(&time_format)
            .unwrap_or_default();
        let selected = i == search.selected;
        let head_style = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let head = format!(
            "{} {} · {} · {at}",
            if selected { "▶" } else { " " },
            sanitize::line(&chat),
            sanitize::line(&sender)
        );
        lines.push(Line::styled(text::truncate(&head, width), head_style));
        let mut spans = vec![Span::raw("    ")];
        let mut room = width.saturating_sub(4);
        for (part, lit) in snippet_parts(hit) {
            if room == 0 {
                break;
            }
            let part = text::truncate(&part, room);
            room = room.saturating_sub(text::width(&part));
            let style = if lit {
                theme
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                Style::default()
            };
            spans.push(Span::styled(part, style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    frame.set_cursor_position((
        (inner.x + 2 + text::width(&query) as u16).min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
