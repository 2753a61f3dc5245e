//! The directory of public groups: the words typed, then one row per group (name, member
//! count, the description's first line), the highlighted one reversed. Server text is
//! sanitized before it reaches the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::overlays::centered;
use super::{Theme, border, text};
use crate::sanitize;
use crate::state::directory::DirectoryOverlay;

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, overlay: &DirectoryOverlay, theme: &Theme) {
    let rect = centered(area, 72, area.height.saturating_sub(4).clamp(6, 20));
    let title = " Public groups · type to search · Enter joins · Esc close ";
    let block = border(theme, true).title(text::truncate(title, usize::from(rect.width)));
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = vec![Line::from(vec![
        Span::styled("search: ", theme.fg(Color::DarkGray)),
        Span::raw(text::truncate(
            &sanitize::line(&overlay.q),
            width.saturating_sub(8),
        )),
    ])];
    match &overlay.groups {
        None => lines.push(Line::styled("loading…", theme.fg(Color::DarkGray))),
        Some(groups) if groups.is_empty() => {
            lines.push(Line::styled(
                "no public group matches",
                theme.fg(Color::DarkGray),
            ));
        }
        Some(groups) => {
            let rows = usize::from(inner.height.saturating_sub(1)).max(1);
            let first = overlay.selected.saturating_sub(rows - 1);
            for (i, group) in groups.iter().enumerate().skip(first).take(rows) {
                let mut style = Style::default().add_modifier(Modifier::BOLD);
                if i == overlay.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let count = format!(" {}/{} ", group.member_count, group.max_members);
                let about = group
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().next())
                    .unwrap_or_default();
                let name = text::truncate(&sanitize::line(&group.name), width / 2);
                let room = width.saturating_sub(text::width(&name) + text::width(&count));
                lines.push(Line::from(vec![
                    Span::styled(name, style),
                    Span::styled(count, theme.fg(theme.accent)),
                    Span::styled(
                        text::truncate(&sanitize::line(about), room),
                        theme.fg(Color::DarkGray),
                    ),
                ]));
            }
        }
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
