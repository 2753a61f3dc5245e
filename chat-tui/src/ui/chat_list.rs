//! The chat list (unread count, mention badge, presence dot, muted look) and the member panel.

use common::ws::PresenceStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, border, text};
use crate::sanitize;
use crate::state::{AppState, Focus};

fn dot(theme: &Theme, presence: Option<PresenceStatus>) -> Span<'static> {
    match presence {
        Some(PresenceStatus::Online) => Span::styled("● ", theme.fg(Color::Green)),
        Some(PresenceStatus::Away) => Span::styled("◐ ", theme.fg(Color::Yellow)),
        _ => Span::styled("○ ", theme.fg(Color::DarkGray)),
    }
}

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Focus::ChatList && state.overlay.is_none();
    let block = border(theme, focused).title(" Chats ");
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let selected_at = state
        .chats
        .iter()
        .position(|c| Some(c.id()) == state.selected)
        .unwrap_or(0);
    let rows = usize::from(inner.height);
    let skip = selected_at.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line<'_>> = state
        .chats
        .iter()
        .skip(skip)
        .take(rows)
        .map(|chat| {
            let muted = chat.is_muted(state.now);
            let lead = if chat.is_direct() {
                dot(
                    theme,
                    chat.chat
                        .peer
                        .as_ref()
                        .and_then(|p| state.presence.get(&p.id).copied()),
                )
            } else {
                Span::styled("# ", theme.fg(Color::DarkGray))
            };
            let mut badge = String::new();
            if chat.chat.mention_count > 0 {
                badge.push_str(" @");
            }
            if chat.chat.unread_count > 0 {
                let n = chat.chat.unread_count;
                if n >= 1000 {
                    badge.push_str(" 999+");
                } else {
                    badge.push(' ');
                    badge.push_str(&n.to_string());
                }
            }
            let title = sanitize::line(&state.title_of(chat)).into_owned();
            let room = width.saturating_sub(2 + badge.len());
            let title = text::truncate(&title, room);
            let pad = room.saturating_sub(text::width(&title));
            let mut style = Style::default();
            if chat.chat.unread_count > 0 && !muted {
                style = style.add_modifier(Modifier::BOLD);
            }
            if muted {
                style = theme.fg(Color::DarkGray);
            }
            if Some(chat.id()) == state.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let badge_style = if chat.chat.mention_count > 0 {
                theme.fg(Color::LightRed)
            } else {
                theme.fg(theme.accent)
            };
            Line::from(vec![
                lead,
                Span::styled(format!("{title}{}", " ".repeat(pad)), style),
                Span::styled(badge, badge_style.add_modifier(Modifier::BOLD)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub(super) fn members(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let block = border(theme, false).title(" Members ");
    let inner_w = usize::from(block.inner(area).width);
    let lines: Vec<Line<'_>> = state
        .current()
        .map(|chat| {
            chat.participants
                .iter()
                .map(|p| {
                    let role = match p.role {
                        common::api::Role::Owner => " owner",
                        common::api::Role::Admin => " admin",
                        common::api::Role::Member => "",
                    };
                    let name =
                        sanitize::line(p.user.display_name.as_deref().unwrap_or(&p.user.username))
                            .into_owned();
                    let name = text::truncate(&name, inner_w.saturating_sub(2 + role.len()));
                    Line::from(vec![
                        dot(theme, state.presence.get(&p.user.id).copied()),
                        Span::raw(name),
                        Span::styled(role, theme.fg(Color::DarkGray)),
                    ])
                })
                .collect()
        })
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
