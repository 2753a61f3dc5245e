//! The composer box: the draft in rows of the box's width, the reply or edit it is for in
//! the title, uploads in the bottom border, and the terminal cursor where the next
//! character goes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

use super::{Theme, attachments, border, text};
use crate::sanitize;
use crate::state::composer::Mode;
use crate::state::{AppState, Focus};

pub(super) fn height(state: &AppState, width: u16) -> u16 {
    let w = usize::from(width.saturating_sub(2).max(1));
    let composer = state.composer();
    let text = composer.text();
    let lines: usize = text.split('\n').map(|l| rows(l, w).len()).sum();
    // Room for the cursor when it sits after a full last row.
    let lines = lines.max(cursor(text, composer.cursor(), w).0 + 1);
    (lines.min(6) as u16) + 2
}

/// The cursor's row and column in the draft's rows.
fn cursor(text: &str, at: usize, w: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let (done, current) = before.rsplit_once('\n').unwrap_or(("", before));
    let mut row = if before.contains('\n') {
        done.split('\n').map(|l| rows(l, w).len()).sum()
    } else {
        0
    };
    let current = rows(current, w);
    row += current.len() - 1;
    let col = current.last().map_or(0, |r| text::width(r));
    // After a full row the cursor sits at the start of the next one.
    if col >= w { (row + 1, 0) } else { (row, col) }
}

/// One line of the draft as shown, in rows of `w` columns: sanitized like every text on
/// screen (a pasted control character or an emoji sequence terminals measure differently
/// must not move the cursor away from the text) and cut by grapheme, never by word, so the
/// cursor is found the same way.
fn rows(line: &str, w: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut used = 0;
    for g in sanitize::line(line).graphemes(true) {
        let gw = text::width(g);
        if used + gw > w && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push_str(g);
        }
        used += gw;
    }
    rows
}

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Focus::Composer && state.overlay.is_none();
    let composer = state.composer();
    let chat = state.current();
    let title = match (chat, composer.mode) {
        (None, _) => " no chat open: commands only ".to_owned(),
        (Some(_), Mode::New) => String::new(),
        (Some(chat), Mode::Reply(id)) => {
            let who = chat
                .message(id)
                .and_then(|m| m.sender_id)
                .map(|s| state.name_of(s))
                .unwrap_or_default();
            format!(" replying to {} (Esc cancels) ", sanitize::line(&who))
        }
        (Some(_), Mode::Edit(_)) => " editing (Esc cancels) ".to_owned(),
    };
    let block = attachments::composer_block(border(theme, focused).title(title), state, theme);
    let inner = block.inner(area);
    let w = usize::from(inner.width.max(1));
    let text = composer.text();
    let placeholder = text.is_empty() && (!focused || chat.is_none());
    let (row, col) = cursor(text, composer.cursor(), w);
    let lines: Vec<Line<'_>> = if placeholder {
        let hint = if chat.is_some() {
            "Type a message · ↑ selects messages · F1 help"
        } else {
            "/dm <user> or /group <name> starts a chat · Ctrl-G finds someone · F1 help"
        };
        vec![Line::styled(hint, theme.fg(Color::DarkGray))]
    } else {
        text.split('\n')
            .flat_map(|l| rows(l, w).into_iter().map(Line::from))
            .collect()
    };
    // Keep the cursor's line in view.
    let skip = row.saturating_sub(usize::from(inner.height.saturating_sub(1)));
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((skip as u16, 0)),
        area,
    );
    if focused {
        frame.set_cursor_position((
            (inner.x + col as u16).min(inner.right().saturating_sub(1)),
            inner.y + (row - skip) as u16,
        ));
    }
}
