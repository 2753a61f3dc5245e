//! The privacy screen: one row per setting with its value, the highlighted one reversed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::overlays::centered;
use super::{Theme, border, text};
use crate::state::AppState;
use crate::state::privacy::{PrivacyOverlay, ROWS, rows};

pub(super) fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    overlay: PrivacyOverlay,
    theme: &Theme,
) {
    let rect = centered(area, 64, (ROWS as u16) + 4);
    let title = " Privacy · Enter/←→ change · Esc close ";
    let block = border(theme, true).title(text::truncate(title, usize::from(rect.width)));
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    match state.social.privacy {
        None => lines.push(Line::styled("loading…", theme.fg(Color::DarkGray))),
        Some(privacy) => {
            for (i, (label, value)) in rows(privacy).into_iter().enumerate() {
                let mut style = Style::default();
                if i == overlay.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let room = width.saturating_sub(text::width(value) + 1);
                let label = format!("{:<room$}", text::truncate(label, room));
                lines.push(Line::from(vec![
                    Span::styled(label, style),
                    Span::raw(" "),
                    Span::styled(value, theme.fg(theme.accent).add_modifier(Modifier::BOLD)),
                ]));
            }
        }
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
