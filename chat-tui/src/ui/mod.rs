//! Render functions of the state: they only read [`AppState`] and draw. The layout fits
//! 80x24 and grows with the terminal.

mod attachments;
pub mod avatar;
mod chat_list;
mod composer;
mod contacts;
mod directory;
mod login;
mod notifications;
mod overlays;
mod privacy;
mod search;
pub mod text;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use time::UtcOffset;
use time::format_description::OwnedFormatItem;

use crate::sanitize;
use crate::state::{AppState, ConnState, Focus, Screen};
use common::ws::PresenceStatus;

/// Width of the chat list for a terminal this wide.
pub fn list_width(cols: u16) -> u16 {
    (cols / 4).clamp(18, 32)
}

/// Columns of the timeline on a terminal `cols` wide (the layout of [`draw`]), for
/// measuring in the reducer.
pub fn timeline_width(cols: u16, show_members: bool) -> usize {
    let members = if show_members && cols >= 60 { 24 } else { 0 };
    usize::from(
        cols.saturating_sub(list_width(cols))
            .saturating_sub(members)
            .max(20),
    )
}

pub use overlays::{help_lines, help_width};
pub use timeline::{item_height, reader_height};

/// Colours and formats, decided once at start.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Colours on (off with `NO_COLOR`).
    pub color: bool,
    /// Focus and selection colour.
    pub accent: Color,
    /// Sender name colours.
    pub senders: Vec<Color>,
    /// Timestamp format.
    pub time_format: OwnedFormatItem,
    /// The local UTC offset for timestamps.
    pub offset: UtcOffset,
}

impl Theme {
    /// From the config, honouring `NO_COLOR`.
    pub fn new(config: &crate::config::Config, no_color: bool, offset: UtcOffset) -> Self {
        let parse = |s: &str| s.replace('-', "").parse::<Color>().ok();
        let senders: Vec<Color> = config
            .theme
            .senders
            .iter()
            .filter_map(|s| parse(s))
            .collect();
        let time_format = config
            .time_format
            .as_deref()
            .and_then(|f| time::format_description::parse_owned::<2>(f).ok())
            .unwrap_or_else(default_time_format);
        Self {
            color: !no_color,
            accent: config
                .theme
                .accent
                .as_deref()
                .and_then(parse)
                .unwrap_or(Color::Cyan),
            senders: if senders.is_empty() {
                vec![
                    Color::LightBlue,
                    Color::LightGreen,
                    Color::LightMagenta,
                    Color::Yellow,
                    Color::LightCyan,
                    Color::LightRed,
                ]
            } else {
                senders
            },
            time_format,
            offset,
        }
    }

    /// The default theme at `offset`, for measuring rows (colours never change a count).
    pub fn measuring(offset: UtcOffset) -> Self {
        Self::new(&crate::config::Config::default(), true, offset)
    }

    /// `style` without colours when they are off.
    pub fn style(&self, style: Style) -> Style {
        if self.color {
            style
        } else {
            Style {
                fg: None,
                bg: None,
                ..style
            }
        }
    }

    /// A foreground colour.
    pub fn fg(&self, color: Color) -> Style {
        self.style(Style::default().fg(color))
    }

    /// The colour of a sender, stable per user.
    pub fn sender(&self, id: common::UserId) -> Style {
        let n = id
            .as_uuid()
            .as_u128()
            .to_le_bytes()
            .iter()
            .fold(0usize, |a, b| {
                a.wrapping_mul(31).wrapping_add(usize::from(*b))
            });
        self.fg(self.senders[n % self.senders.len()])
            .add_modifier(Modifier::BOLD)
    }

    /// A timestamp.
    pub fn time(&self, at: time::OffsetDateTime) -> String {
        at.to_offset(self.offset)
            .format(&self.time_format)
            .unwrap_or_default()
    }
}

fn default_time_format() -> OwnedFormatItem {
    time::format_description::parse_owned::<2>("[hour]:[minute]")
        .unwrap_or_else(|_| OwnedFormatItem::Compound(Box::new([])))
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    match state.screen {
        Screen::Starting => {
            let area = frame.area();
            // Nothing cached to show: say why nothing comes (the server named, the retry).
            let mut lines = vec![Line::from("Connecting…")];
            if let ConnState::Reconnecting { in_secs } = state.conn {
                if let Some(notice) = &state.notice {
                    lines.push(Line::from(sanitize::line(notice).into_owned()));
                }
                lines.push(Line::from(format!("offline · reconnecting in {in_secs}s")));
            }
            let y = area.height / 2;
            let height = (lines.len() as u16).min(area.height.saturating_sub(y));
            frame.render_widget(Paragraph::new(lines).centered(), Rect { y, height, ..area });
        }
        Screen::Login => {
            login::draw(frame, state, theme);
            // Why the login screen is back, on the line where the connection always shows.
            if state.conn == ConnState::SessionEnded {
                let area = frame.area();
                let row = Rect {
                    y: area.bottom().saturating_sub(1),
                    height: 1.min(area.height),
                    ..area
                };
                status_line(frame, row, state, theme);
            }
        }
        Screen::Main => {
            main(frame, state, theme);
            overlays::draw(frame, state, theme);
        }
    }
}

fn border(theme: &Theme, focused: bool) -> Block<'static> {
    let style = if focused {
        theme.fg(theme.accent)
    } else {
        theme.fg(Color::DarkGray)
    };
    Block::default().borders(Borders::ALL).border_style(style)
}

fn main(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    let area = frame.area();
    let [body, status] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let list_w = list_width(area.width);
    let members_w = if state.show_members && area.width >= 60 {
        24
    } else {
        0
    };
    let [list, middle, members] = Layout::horizontal([
        Constraint::Length(list_w),
        Constraint::Min(20),
        Constraint::Length(members_w),
    ])
    .areas(body);
    chat_list::draw(frame, list, state, theme);
    let composer_h = composer::height(state, middle.width);
    let [header, timeline_area, composer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(composer_h),
    ])
    .areas(middle);
    header_line(frame, header, state, theme);
    timeline::draw(frame, timeline_area, state, theme);
    composer::draw(frame, composer, state, theme);
    if members_w > 0 {
        chat_list::members(frame, members, state, theme);
    }
    status_line(frame, status, state, theme);
}

fn header_line(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let Some(chat) = state.current() else {
        frame.render_widget(
            Paragraph::new(" No chat yet: Ctrl-G to find someone, /dm <user>, /group <name>"),
            area,
        );
        return;
    };
    let title = sanitize::line(&state.title_of(chat)).into_owned();
    let mut spans = vec![Span::styled(
        format!(" {} ", text::truncate(&title, 30)),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if chat.is_direct() {
        if let Some(peer) = &chat.chat.peer {
            let presence = state
                .presence
                .get(&peer.id)
                .copied()
                .unwrap_or(PresenceStatus::Offline);
            spans.push(Span::styled(
                format!("{presence:?}").to_lowercase(),
                theme.fg(Color::DarkGray),
            ));
            if state.social.book.is_blocked(peer.id) {
                spans.push(Span::styled(
                    " · blocked (/unblock)",
                    theme.fg(Color::LightRed),
                ));
            }
        }
    } else {
        spans.push(Span::styled(
            format!("{} members", chat.chat.member_count),
            theme.fg(Color::DarkGray),
        ));
    }
    if chat.is_muted(state.now) {
        spans.push(Span::styled(" · muted", theme.fg(Color::DarkGray)));
    }
    if let Some(typing) = state.typing_line(chat.id()) {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            sanitize::line(&typing).into_owned(),
            theme.fg(Color::Yellow).add_modifier(Modifier::ITALIC),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let (dot, text, color) = match state.conn {
        ConnState::Connected => match state.transport {
            Some(transport) => (
                "●",
                format!("connected · {}", transport.label()),
                Color::Green,
            ),
            None => ("●", "connected".to_owned(), Color::Green),
        },
        ConnState::Connecting => ("○", "connecting…".to_owned(), Color::Yellow),
        ConnState::Reconnecting { in_secs } => {
            // "offline": what shows is the cached history until the server answers.
            (
                "○",
                format!("offline · reconnecting in {in_secs}s"),
                Color::Yellow,
            )
        }
        ConnState::Offline => ("○", "offline".to_owned(), Color::Red),
        ConnState::SessionEnded => ("○", "session ended".to_owned(), Color::Red),
    };
    let user = state
        .me
        .as_ref()
        .map(|u| format!(" @{} ", sanitize::line(&u.username)))
        .unwrap_or_default();
    let (mode, hint) = match state.focus {
        Focus::Composer => ("write", " F1 help · Ctrl-G switch · ↑ select messages"),
        Focus::Timeline => (
            "select",
            " r reply · e edit · d delete · + react · Enter read · Esc back to writing",
        ),
        Focus::ChatList => ("chats", " ↑/↓ move · Enter open · Esc back to writing"),
    };
    let mut spans = vec![
        Span::styled(format!(" {dot} {text} "), theme.fg(color)),
        Span::styled(user, Style::default().add_modifier(Modifier::BOLD)),
    ];
    if state.social.dnd_active(state.now) {
        spans.push(Span::styled("do not disturb ", theme.fg(Color::LightRed)));
    }
    let unread = state.social.notifications.unread();
    if unread > 0 {
        spans.push(Span::styled(
            format!("🔔 {unread} "),
            theme.fg(Color::LightYellow).add_modifier(Modifier::BOLD),
        ));
    }
    if state.screen == Screen::Main {
        spans.push(Span::styled(
            format!("[{mode}] "),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(notice) = &state.notice {
        spans.push(Span::styled(
            format!(" {}", sanitize::line(notice)),
            theme.fg(Color::Yellow),
        ));
    } else {
        spans.push(Span::styled(hint, theme.fg(Color::DarkGray)));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.style(Style::default().bg(Color::Black))),
        area,
    );
}
