//! Overlays: help (generated from the keymap), quick switcher, new direct chat, emoji
//! picker, delete confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, border, text};
use crate::sanitize;
use crate::state::AppState;
use crate::state::overlay::{EMOJI, Form, FormKind, Overlay, Picker};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub(super) fn draw(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    let Some(overlay) = &state.overlay else {
        return;
    };
    let area = frame.area();
    match overlay {
        Overlay::Help { scroll } => {
            let rect = centered(area, help_width(area.width), area.height.saturating_sub(2));
            let lines = help_lines(state, theme, usize::from(rect.width.saturating_sub(2)));
            let rows = usize::from(rect.height.saturating_sub(2)).max(1);
            let scroll = (*scroll).min(lines.len().saturating_sub(rows));
            let title = format!(
                " Keys and commands, {}-{} of {} (↑/↓, PgUp/PgDn scroll · Esc closes) ",
                scroll + 1,
                (scroll + rows).min(lines.len()),
                lines.len()
            );
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(border(theme, true).title(title))
                    .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
                rect,
            );
        }
        Overlay::Switcher(picker) => {
            picker_box(frame, area, " Jump to (type to filter) ", picker, theme);
        }
        Overlay::NewDirect(picker) => {
            picker_box(frame, area, " New direct chat: type a name ", picker, theme);
        }
        Overlay::React { selected, .. } => {
            let rect = centered(area, 44, 5);
            let block = border(theme, true).title(" React (←/→, Enter) ");
            let mut spans = Vec::new();
            for (i, (_, emoji)) in EMOJI.iter().enumerate() {
                let style = if i == *selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                spans.push(Span::styled(emoji.to_string(), style));
                spans.push(Span::raw(" "));
            }
            let name = EMOJI.get(*selected).map_or("", |(n, _)| n);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(spans),
                    Line::styled(format!(":{name}:"), theme.fg(Color::DarkGray)),
                ])
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(block),
                rect,
            );
        }
        Overlay::Form(form) => form_box(frame, area, state, form, theme),
        Overlay::Attach(attach) => super::attachments::draw_overlay(frame, attach, theme),
        Overlay::Search(search) => super::search::draw(frame, area, state, search, theme),
        Overlay::Contacts(contacts) => super::contacts::draw(frame, area, state, *contacts, theme),
        Overlay::Notifications(o) => super::notifications::draw(frame, area, state, *o, theme),
        Overlay::Privacy(o) => super::privacy::draw(frame, area, state, *o, theme),
        Overlay::Directory(o) => super::directory::draw(frame, area, o, theme),
        Overlay::AddContact(picker) => {
            picker_box(frame, area, " Add a contact: type a name ", picker, theme);
        }
        Overlay::ConfirmTransfer { user_id, .. } => {
            let name = sanitize::line(&state.name_of(*user_id)).into_owned();
            let question = format!(
                "Make {} the owner? You become an admin. (y/n)",
                text::truncate(&name, 20)
            );
            confirm_box(frame, area, &question, theme);
        }
        Overlay::UserProfile(user) => super::avatar::user_profile(frame, area, state, *user, theme),
        Overlay::Text { title, text } => {
            let width = u16::try_from(text::width(text) + 4)
                .unwrap_or(u16::MAX)
                .clamp(40, area.width.saturating_sub(2).max(1));
            let inner = usize::from(width.saturating_sub(2)).max(1);
            let height = u16::try_from(text::width(text) / inner + 3).unwrap_or(u16::MAX);
            let rect = centered(area, width, height);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(sanitize::line(text).into_owned())
                    .wrap(ratatui::widgets::Wrap { trim: false })
                    .block(border(theme, true).title(format!(" {} ", sanitize::line(title)))),
                rect,
            );
        }
        Overlay::Reader { message_id, scroll } => reader(frame, state, *message_id, *scroll, theme),
        Overlay::ConfirmDelete(_) => {
            confirm_box(frame, area, "Delete this message? (y/n)", theme);
        }
    }
}

fn confirm_box(frame: &mut Frame<'_>, area: Rect, question: &str, theme: &Theme) {
    let rect = centered(area, (text::width(question) as u16 + 2).max(40), 3);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(question.to_owned()).block(border(theme, true)),
        rect,
    );
}

fn picker_box(frame: &mut Frame<'_>, area: Rect, title: &str, picker: &Picker, theme: &Theme) {
    let rect = centered(area, 60, 14);
    let block = border(theme, true).title(title.to_owned());
    let inner_w = usize::from(block.inner(rect).width);
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.fg(theme.accent)),
        Span::raw(sanitize::line(&picker.query).into_owned()),
    ])];
    for (i, item) in picker.items.iter().enumerate().take(10) {
        let style = if i == picker.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let kind = match item {
            crate::state::overlay::PickItem::Chat(..) => "  ",
            crate::state::overlay::PickItem::User(..) => "+ ",
        };
        lines.push(Line::styled(
            format!(
                "{kind}{}",
                text::truncate(&sanitize::line(item.label()), inner_w.saturating_sub(2))
            ),
            style,
        ));
    }
    if picker.items.is_empty() {
        lines.push(Line::styled("no match", theme.fg(Color::DarkGray)));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn form_box(frame: &mut Frame<'_>, area: Rect, state: &AppState, form: &Form, theme: &Theme) {
    let rect = centered(area, 60, area.height.saturating_sub(4).min(20));
    let block = border(theme, true).title(form.title());
    let inner = block.inner(rect);
    let mut lines = Vec::new();
    let mut cursor = None;
    let mut avatar = None;
    for (i, (label, value)) in form.fields.iter().enumerate() {
        let focused = i == form.focus && form.member.is_none();
        let style = if focused {
            theme.fg(theme.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::styled(*label, style));
        // A masked field shows nothing of what is typed, not even its length.
        let shown = if form.masked() {
            String::new()
        } else if *label == crate::state::email::PASSWORD_LABEL {
            "•".repeat(value.chars().count())
        } else {
            sanitize::line(value).into_owned()
        };
        if focused {
            cursor = Some((
                inner.x + 2 + text::width(&shown) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![Span::raw("> "), Span::raw(shown)]));
    }
    lines.push(Line::styled(
        "Enter saves · Tab moves · Esc cancels",
        theme.fg(Color::DarkGray),
    ));
    if form.kind == FormKind::Profile {
        avatar = super::avatar::profile_lines(state, &mut lines, theme);
    }
    if let FormKind::GroupSettings(chat_id) = form.kind
        && let Some(chat) = state.chats.iter().find(|c| c.id() == chat_id)
    {
        let hint = if form.member.is_some() {
            "a admin · m member · o owner · x remove · p profile"
        } else {
            "↓ to pick · /leave"
        };
        lines.push(Line::styled(
            format!("Members ({}) · {hint}", chat.chat.member_count),
            theme.fg(theme.accent),
        ));
        for (i, p) in chat.participants.iter().enumerate() {
            let role = match p.role {
                common::api::Role::Owner => "owner",
                common::api::Role::Admin => "admin",
                common::api::Role::Member => "member",
            };
            let name = sanitize::line(p.user.display_name.as_deref().unwrap_or(&p.user.username))
                .into_owned();
            let style = if form.member == Some(i) {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                format!(
                    "  {} {} @{} · {role}",
                    super::avatar::badge(&p.user),
                    text::truncate(&name, 24),
                    sanitize::line(&p.user.username)
                ),
                style,
            ));
        }
        if let Some(member) = form.member.and_then(|at| chat.participants.get(at)) {
            avatar = super::avatar::member_lines(state, &member.user, &mut lines, theme);
        }
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    if let Some((preview, top)) = avatar {
        super::avatar::draw_picture(frame, inner, preview, top);
    }
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
    }
}

/// One message on the whole screen.
fn reader(
    frame: &mut Frame<'_>,
    state: &AppState,
    message_id: common::MessageId,
    scroll: usize,
    theme: &Theme,
) {
    let area = frame.area();
    let Some(m) = state.current().and_then(|c| c.message(message_id)) else {
        return;
    };
    let lines =
        super::timeline::reader_lines(state, m, usize::from(area.width.saturating_sub(2)), theme);
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    let last = lines.len().saturating_sub(rows);
    let scroll = scroll.min(last);
    let title = format!(
        " Message, lines {}-{} of {} (j/k, PgUp/PgDn, g/G, Esc closes) ",
        scroll + 1,
        (scroll + rows).min(lines.len()),
        lines.len()
    );
    let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(rows).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(shown).block(border(theme, true).title(title)),
        area,
    );
}

/// The width of the help box on a terminal `cols` wide.
pub fn help_width(cols: u16) -> u16 {
    cols.min(96)
}

/// The help: every binding of the keymap by context, then every `/command`, one per entry,
/// wrapped to the box (`width` columns inside its border) so nothing is ever cut off.
pub fn help_lines(state: &AppState, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let heading = |text: &'static str| {
        Line::styled(text, theme.fg(theme.accent).add_modifier(Modifier::BOLD))
    };
    let mut lines = Vec::new();
    let entry = |lines: &mut Vec<Line<'static>>, left: String, what: &str| {
        let left = format!("  {left:<26} ");
        let indent = " ".repeat(text::width(&left).min(width / 2));
        let runs = [(what.to_owned(), Style::default())];
        let first = Span::styled(left, Style::default().add_modifier(Modifier::BOLD));
        let avail = width.saturating_sub(text::width(&first.content)).max(8);
        for (i, mut line) in text::wrap(&runs, avail, &Span::raw(""))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                first.clone()
            } else {
                Span::raw(indent.clone())
            };
            line.spans.insert(0, lead);
            lines.push(line);
        }
    };
    for line in text::wrap(
        &[(
            "Typing always writes in the composer. ↑ (on an empty composer) or Alt-↑ selects \
             messages; Esc goes back to writing."
                .to_owned(),
            Style::default(),
        )],
        width,
        &Span::raw(""),
    ) {
        lines.push(line);
    }
    let mut last = None;
    for (context, keys, action) in state.keymap.describe() {
        if last != Some(context) {
            lines.push(heading(context.title()));
            last = Some(context);
        }
        entry(&mut lines, keys, action.describe());
    }
    lines.push(heading("Commands"));
    for (name, args, what) in crate::state::slash_commands() {
        entry(
            &mut lines,
            format!("{name} {args}").trim_end().to_owned(),
            what,
        );
    }
    lines.push(heading(
        "Formatting (markers are sent as formatting, not as text)",
    ));
    for (typed, what) in crate::format::SYNTAX {
        entry(&mut lines, (*typed).to_owned(), what);
    }
    lines
}
