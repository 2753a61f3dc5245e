//! The timeline: day separators, the "new messages" line, sender and time, edited and
//! deleted marks, quoted replies, reactions with counts, ticks on one's own messages, and
//! pending or failed sends. Only the rows on screen are shaped, so a chat of any length
//! draws in the same time.

use common::api::Message;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, text};
use crate::sanitize;
use crate::state::{AppState, ChatView, Focus, PendingState};

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Focus::Timeline && state.overlay.is_none();
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(if focused {
            theme.fg(theme.accent)
        } else {
            theme.fg(Color::DarkGray)
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(chat) = state.current() else { return };
    let width = usize::from(inner.width);
    let rows = usize::from(inner.height);
    let len = chat.items_len();
    if len == 0 {
        let hint = if chat.loaded {
            "No messages yet. Say hello!"
        } else {
            "Loading…"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.fg(Color::DarkGray))),
            inner,
        );
        return;
    }
    // The anchor (the selected item, or the newest) sits at the bottom, `scroll` lines of
    // it below the screen; older items fill the rows above it.
    let anchor = chat.selected.unwrap_or(len - 1).min(len - 1);
    let scroll = if chat.selected.is_some() {
        chat.scroll
    } else {
        0
    };
    // The selection shows only while selecting; a view merely scrolled marks nothing.
    let selecting = state.focus == Focus::Timeline;
    let mut lines: Vec<Line<'static>> = Vec::new();
    // (item, line count) in screen order, to place image previews.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut index = anchor + 1;
    while index > 0 && lines.len() < rows + scroll {
        index -= 1;
        let mut item = if index < chat.messages.len() {
            message_lines(state, chat, index, width, theme)
        } else {
            pending_lines(state, chat, index - chat.messages.len(), width, theme)
        };
        if selecting && chat.selected == Some(index) {
            for line in &mut item {
                line.spans
                    .insert(0, Span::styled("▌", theme.fg(theme.accent)));
            }
        } else {
            for line in &mut item {
                line.spans.insert(0, Span::raw(" "));
            }
        }
        items.insert(0, (index, item.len()));
        item.append(&mut lines);
        lines = item;
    }
    // Newer items below a selected one fill up to half the rows, so the cursor keeps some
    // context under it and stays visible.
    let mut below: Vec<Line<'static>> = Vec::new();
    let mut next = anchor + 1;
    while selecting
        && scroll == 0
        && chat.selected.is_some()
        && next < len
        && below.len() < rows / 2
    {
        let mut item = if next < chat.messages.len() {
            message_lines(state, chat, next, width, theme)
        } else {
            pending_lines(state, chat, next - chat.messages.len(), width, theme)
        };
        for line in &mut item {
            line.spans.insert(0, Span::raw(" "));
        }
        items.push((next, item.len()));
        below.append(&mut item);
        next += 1;
    }
    below.truncate(rows / 2);
    lines.append(&mut below);
    let end = lines.len().saturating_sub(scroll);
    let skip = end.saturating_sub(rows);
    let shown: Vec<Line<'static>> = lines.into_iter().take(end).skip(skip).collect();
    let pad = rows.saturating_sub(shown.len());
    let area = Rect {
        y: inner.y + pad as u16,
        height: inner.height - pad as u16,
        ..inner
    };
    let count = shown.len();
    frame.render_widget(Paragraph::new(shown), area);
    super::attachments::draw_previews(frame, area, skip, count, &items, chat, state);
}

/// The rows item `index` of the timeline takes at `width` columns (the same shaping the
/// drawing does), for scrolling by lines.
pub fn item_height(state: &AppState, chat: &ChatView, index: usize, width: usize) -> usize {
    let theme = Theme::measuring(state.utc_offset);
    if index < chat.messages.len() {
        message_lines(state, chat, index, width, &theme).len()
    } else {
        pending_lines(state, chat, index - chat.messages.len(), width, &theme).len()
    }
}

/// One message for the full-screen reader: who and when, then all of its text.
pub fn reader_lines(
    state: &AppState,
    m: &Message,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let sender = m
        .sender_id
        .map_or_else(|| "deleted user".to_owned(), |s| state.name_of(s));
    let local = m.created_at.to_offset(theme.offset);
    let mut header = vec![
        Span::styled(
            sanitize::line(&sender).into_owned(),
            m.sender_id.map_or(Style::default(), |s| theme.sender(s)),
        ),
        Span::styled(
            format!(
                "  {} {} {} {}",
                local.weekday(),
                local.day(),
                local.month(),
                theme.time(m.created_at)
            ),
            theme.fg(Color::DarkGray),
        ),
    ];
    if m.edited_at.is_some() && !m.deleted {
        header.push(Span::styled(" (edited)", theme.fg(Color::DarkGray)));
    }
    let mut out = vec![Line::from(header), Line::raw("")];
    if m.deleted {
        out.push(Line::styled(
            "  (message deleted)",
            theme.fg(Color::DarkGray),
        ));
    } else {
        body(&mut out, state, m, width, theme);
        super::attachments::lines(&mut out, state, m, width, theme);
    }
    out
}

/// The rows of the reader's text on a terminal `cols` wide (inside its border).
pub fn reader_height(state: &AppState, m: &Message, cols: u16) -> usize {
    let theme = Theme::measuring(state.utc_offset);
    reader_lines(state, m, usize::from(cols.saturating_sub(2)), &theme).len()
}

/// The marks after the sender: edited, mentions the user, the ticks of one's own.
fn marks(
    header: &mut Vec<Span<'static>>,
    state: &AppState,
    chat: &ChatView,
    m: &Message,
    theme: &Theme,
) {
    if m.edited_at.is_some() && !m.deleted {
        header.push(Span::styled(" (edited)", theme.fg(Color::DarkGray)));
    }
    if let Some(me) = state.my_id()
        && m.mentions.contains(&me)
        && m.sender_id != Some(me)
        && !m.deleted
    {
        header.push(Span::styled(
            " @ mentions you",
            theme.fg(Color::LightYellow).add_modifier(Modifier::BOLD),
        ));
    }
    if m.sender_id.is_some() && m.sender_id == state.my_id() && !m.deleted {
        let (delivered, read) = chat.ticks(m.seq);
        header.push(match (delivered, read) {
            (_, true) => Span::styled(" ✓✓ read", theme.fg(theme.accent)),
            (true, false) => Span::styled(" ✓✓", theme.fg(Color::DarkGray)),
            _ => Span::styled(" ✓", theme.fg(Color::DarkGray)),
        });
    }
}

fn message_lines(
    state: &AppState,
    chat: &ChatView,
    index: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let m = &chat.messages[index];
    let width = width.saturating_sub(1);
    let mut out = Vec::new();
    let local = m.created_at.to_offset(theme.offset);
    let prev = index.checked_sub(1).and_then(|i| chat.messages.get(i));
    if prev.is_none_or(|p| p.created_at.to_offset(theme.offset).date() != local.date()) {
        let day = format!(" {} {} {} ", local.weekday(), local.day(), local.month());
        let side = width.saturating_sub(day.len()) / 2;
        out.push(Line::styled(
            format!("{}{day}{}", "─".repeat(side), "─".repeat(side)),
            theme.fg(Color::DarkGray),
        ));
    }
    if let Some(after) = chat.new_line_after
        && m.seq > after
        && prev.is_none_or(|p| p.seq <= after)
    {
        let label = " new messages ";
        let side = width.saturating_sub(label.len()) / 2;
        out.push(Line::styled(
            format!("{}{label}{}", "─".repeat(side), "─".repeat(side)),
            theme.fg(Color::LightRed),
        ));
    }
    let sender = m
        .sender_id
        .map_or_else(|| "deleted user".to_owned(), |s| state.name_of(s));
    let mut header = vec![
        Span::styled(
            format!("{} ", theme.time(m.created_at)),
            theme.fg(Color::DarkGray),
        ),
        Span::styled(
            text::truncate(&sanitize::line(&sender), 24),
            m.sender_id.map_or(Style::default(), |s| theme.sender(s)),
        ),
    ];
    marks(&mut header, state, chat, m, theme);
    out.push(Line::from(header));
    if let Some(reply) = m.reply_to_id {
        let quoted = chat.message(reply).map_or_else(
            || "(earlier message)".to_owned(),
            |q| {
                let who = q.sender_id.map(|s| state.name_of(s)).unwrap_or_default();
                let what = if q.deleted {
                    "(deleted)".to_owned()
                } else {
                    q.content.clone().unwrap_or_default()
                };
                format!("{who}: {}", what.lines().next().unwrap_or(""))
            },
        );
        let quoted = text::truncate(&sanitize::line(&quoted), width.saturating_sub(4));
        out.push(Line::from(vec![
            Span::styled("  ┃ ", theme.fg(Color::DarkGray)),
            Span::styled(
                quoted,
                theme.fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            ),
        ]));
    }
    if m.deleted {
        out.push(Line::styled(
            "  (message deleted)",
            theme.fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
        ));
    } else {
        // An image without a caption has no text line.
        if m.attachments.is_empty() || m.content.as_deref().is_some_and(|c| !c.is_empty()) {
            body(&mut out, state, m, width, theme);
        }
        super::attachments::lines(&mut out, state, m, width, theme);
    }
    if !m.reactions.is_empty() {
        let me = state.my_id();
        let mut spans = vec![Span::raw("  ")];
        for r in &m.reactions {
            let mine = me.is_some_and(|me| r.user_ids.contains(&me));
            let style = if mine {
                theme.fg(theme.accent)
            } else {
                Style::default()
            };
            spans.push(Span::styled(
                format!("{} {} ", sanitize::line(&r.emoji), r.user_ids.len()),
                style,
            ));
        }
        out.push(Line::from(spans));
    }
    out
}

fn body(out: &mut Vec<Line<'static>>, state: &AppState, m: &Message, width: usize, theme: &Theme) {
    let ranges = crate::format::from_metadata(&m.metadata);
    let runs = text::formatted(
        m.content.as_deref().unwrap_or(""),
        &ranges,
        Style::default(),
    );
    let me = state.me.as_ref().map_or("", |u| u.username.as_str());
    let highlight = theme
        .fg(Color::LightYellow)
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    push_text(out, text::mark_mentions(runs, me, highlight), width);
}

/// Styled text as indented lines wrapped to `width`; an empty line stays a line.
fn push_text(out: &mut Vec<Line<'static>>, runs: Vec<(String, Style)>, width: usize) {
    let indent = Span::raw("  ");
    for line in text::split_lines(runs) {
        if line.is_empty() {
            out.push(Line::from(indent.clone()));
        } else {
            out.extend(text::wrap(&line, width, &indent));
        }
    }
}

fn pending_lines(
    state: &AppState,
    chat: &ChatView,
    index: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(p) = chat.pending.get(index) else {
        return Vec::new();
    };
    let me = state
        .me
        .as_ref()
        .map(|u| u.display_name.clone().unwrap_or_else(|| u.username.clone()))
        .unwrap_or_default();
    let status = match &p.state {
        PendingState::Sending => Span::styled(" ⏳ sending", theme.fg(Color::DarkGray)),
        PendingState::Failed(why) => Span::styled(
            format!(" ✗ failed: {} (r retries)", sanitize::line(why)),
            theme.fg(Color::Red),
        ),
    };
    let mut out = vec![Line::from(vec![
        Span::styled(
            format!("{} ", theme.time(p.created_at)),
            theme.fg(Color::DarkGray),
        ),
        Span::styled(
            sanitize::line(&me).into_owned(),
            state
                .my_id()
                .map_or(Style::default(), |id| theme.sender(id)),
        ),
        status,
    ])];
    if !p.content.is_empty() || p.attachments.is_empty() {
        let ranges = p
            .metadata
            .as_ref()
            .map(crate::format::from_metadata)
            .unwrap_or_default();
        let runs = text::formatted(&p.content, &ranges, theme.fg(Color::Gray));
        push_text(&mut out, runs, width.saturating_sub(1));
    }
    super::attachments::pending_lines(&mut out, &p.attachments, width.saturating_sub(1), theme);
    out
}
