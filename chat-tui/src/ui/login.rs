//! The login / register screen, with the server's field errors under their fields, and
//! the code field of a login that waits for a verified email address.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, border};
use crate::sanitize;
use crate::state::AppState;
use crate::state::login::Field;

pub(super) fn draw(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    let form = &state.login;
    let area = frame.area();
    let width = area.width.min(60);
    // Room for the "check your mail" text (three wrapped lines at most).
    let info_rows = if form.info.is_some() { 4 } else { 0 };
    let height = (form.fields().len() as u16 * 3 + 6 + info_rows).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let title = if form.verifying {
        " Verify your email address "
    } else if form.register {
        " Create an account "
    } else {
        " Log in "
    };
    let block = border(theme, true).title(title);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    // The info text wraps in rows of its own above the fields, so that the cursor's row
    // (counted in the fields' lines) stays right.
    let inner = match &form.info {
        Some(info) => {
            let top = Rect {
                height: info_rows.saturating_sub(1).min(inner.height),
                ..inner
            };
            let text = Line::styled(sanitize::line(info).into_owned(), theme.fg(theme.accent));
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), top);
            Rect {
                y: inner.y + info_rows.min(inner.height),
                height: inner.height.saturating_sub(info_rows),
                ..inner
            }
        }
        None => inner,
    };
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in form.fields().iter().enumerate() {
        let focused = i == form.focus;
        let value = form.value(*field);
        let shown = if matches!(field, Field::Password | Field::Confirm) {
            "•".repeat(value.chars().count())
        } else {
            sanitize::line(value).into_owned()
        };
        let label_style = if focused {
            theme.fg(theme.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::styled(field.label(), label_style));
        if focused {
            cursor = Some((
                inner.x + 2 + super::text::width(&shown) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![Span::raw("> "), Span::raw(shown)]));
        match form.error_of(*field) {
            Some(error) => lines.push(Line::styled(
                sanitize::line(error).into_owned(),
                theme.fg(Color::Red),
            )),
            None => lines.push(Line::raw("")),
        }
    }
    if let Some(error) = &form.error {
        lines.push(Line::styled(
            sanitize::line(error).into_owned(),
            theme.fg(Color::Red),
        ));
    }
    let hint = if form.busy {
        "Working…"
    } else if form.verifying {
        "Enter: verify and log in · Ctrl-E: mail a new code · Esc: back"
    } else if form.register {
        "Enter: next/create · Tab: move · Ctrl-R: log in instead"
    } else {
        "Enter: next/log in · Tab: move · Ctrl-R: register instead"
    };
    lines.push(Line::styled(hint, theme.fg(Color::DarkGray)));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
    }
}
