//! Attachments on screen: the line under a message (`▣ photo.jpg · 1.2 MiB · 1920×1080`,
//! the text fallback of a preview), the uploads in the composer's bottom border, and the
//! picker and path prompt overlays. Every name is server- or user-supplied text, so it is
//! sanitized before drawing.

use common::api::{Attachment, Message};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{Theme, border, text};
use crate::preview::PreviewImage;
use crate::sanitize;
use crate::state::AppState;
use crate::state::attachments::{self, AttachOverlay, PathPurpose, Thumbnail, UploadState};

/// The attachment lines of a message (none for a deleted one), each followed by blank rows
/// where [`draw_previews`] puts its preview when there is one.
pub(super) fn lines(
    out: &mut Vec<Line<'static>>,
    state: &AppState,
    m: &Message,
    width: usize,
    theme: &Theme,
) {
    if m.deleted {
        return;
    }
    for a in &m.attachments {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                text::truncate(&attachments::describe(a), width.saturating_sub(2)),
                theme.fg(Color::LightCyan),
            ),
        ]));
        if let Some(preview) = preview_of(state, a, width) {
            for _ in 0..preview.size().height {
                out.push(Line::raw(""));
            }
        }
    }
}

/// The preview of an image, when its thumbnail is ready and it fits the timeline's width.
fn preview_of<'a>(state: &'a AppState, a: &Attachment, width: usize) -> Option<&'a PreviewImage> {
    match state.attachments.thumbnails.get(&a.id) {
        Some(Thumbnail::Ready(p)) if usize::from(p.size().width) + 2 <= width => Some(p),
        _ => None,
    }
}

/// Draws the previews into the rows [`lines`] kept free. `items` are the timeline items in
/// screen order with their line counts; `skip` lines scrolled off the top of `area`, of
/// which `shown` lines are on screen. A preview not wholly on screen is left out (its
/// attachment line still says what it is), since not every protocol can draw a part.
#[allow(clippy::too_many_arguments)] // the timeline's layout, passed as it was computed
pub(super) fn draw_previews(
    frame: &mut Frame<'_>,
    area: Rect,
    skip: usize,
    shown: usize,
    items: &[(usize, usize)],
    chat: &crate::state::ChatView,
    state: &AppState,
) {
    let width = usize::from(area.width).saturating_sub(1);
    let mut start = 0;
    for &(index, len) in items {
        let end = start + len;
        start = end;
        let Some(m) = chat.messages.get(index).filter(|m| !m.deleted) else {
            continue;
        };
        // Attachments come last, before the reactions line.
        let mut bottom = end.saturating_sub(usize::from(!m.reactions.is_empty()));
        for a in m.attachments.iter().rev() {
            if let Some(p) = preview_of(state, a, width) {
                let size = p.size();
                let top = bottom.saturating_sub(usize::from(size.height));
                if top >= skip && bottom <= skip + shown {
                    let rect = Rect {
                        x: area.x + 3,
                        y: area.y + (top - skip) as u16,
                        width: size.width,
                        height: size.height,
                    };
                    frame.render_widget(p.widget(), rect.intersection(area));
                }
                bottom = top;
            }
            bottom = bottom.saturating_sub(1);
        }
    }
}

/// The lines of a send in flight that carries images.
pub(super) fn pending_lines(
    out: &mut Vec<Line<'static>>,
    list: &[common::api::Attachment],
    width: usize,
    theme: &Theme,
) {
    for a in list {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                text::truncate(&attachments::describe(a), width.saturating_sub(2)),
                theme.fg(Color::Gray),
            ),
        ]));
    }
}

/// The composer's uploads in its bottom border: `▣ cat.png ⏳`, `✓` when ready, `✗` refused.
pub(super) fn composer_block(
    block: Block<'static>,
    state: &AppState,
    theme: &Theme,
) -> Block<'static> {
    let Some(chat) = state.selected else {
        return block;
    };
    let uploads = attachments::uploads(state, chat);
    if uploads.is_empty() {
        return block;
    }
    let mut spans = vec![Span::raw(" ")];
    for u in uploads {
        let name = text::truncate(&sanitize::line(&u.name), 24);
        let (mark, style) = match &u.state {
            UploadState::Uploading => ("⏳ uploading", theme.fg(Color::Yellow)),
            UploadState::Ready(_) => ("✓", theme.fg(Color::Green)),
            UploadState::Failed(_) => ("✗", theme.fg(Color::Red)),
        };
        spans.push(Span::styled(format!("▣ {name} {mark} "), style));
    }
    spans.push(Span::styled("(/detach) ", theme.fg(Color::DarkGray)));
    block.title_bottom(Line::from(spans))
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The picker over a message's attachments, or the path prompt.
pub(super) fn draw_overlay(frame: &mut Frame<'_>, overlay: &AttachOverlay, theme: &Theme) {
    let area = frame.area();
    match overlay {
        AttachOverlay::Pick {
            attachments: list,
            selected,
        } => {
            let height = (list.len() as u16).saturating_add(2);
            let rect = centered(area, 64, height);
            let block = border(theme, true).title(" Attachments (Enter opens, s saves) ");
            let width = usize::from(rect.width.saturating_sub(6));
            let rows: Vec<Line<'_>> = list
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let style = if i == *selected {
                        theme
                            .fg(theme.accent)
                            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    Line::styled(
                        format!(
                            " {} {}",
                            i + 1,
                            text::truncate(&attachments::describe(a), width)
                        ),
                        style,
                    )
                })
                .collect();
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(rows).block(block), rect);
        }
        AttachOverlay::Path { purpose, input } => {
            let rect = centered(area, 70, 3);
            let title = match purpose {
                PathPurpose::Upload(_) => " Attach an image: path (Enter uploads, Esc cancels) ",
                PathPurpose::SaveAs(_) => " Save as (Enter saves, Esc cancels) ",
            };
            let block = border(theme, true).title(title);
            let inner = block.inner(rect);
            let shown = sanitize::line(input);
            // Keep the end of a long path (where the typing happens) in view.
            let w = usize::from(inner.width.saturating_sub(1));
            let skip = text::width(&shown).saturating_sub(w);
            let visible: String = shown.chars().skip(skip).collect();
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(visible.clone()).block(block), rect);
            frame.set_cursor_position((
                (inner.x + text::width(&visible) as u16).min(inner.right().saturating_sub(1)),
                inner.y,
            ));
        }
    }
}
