//! Per-chat mute and do-not-disturb: `/mute [1h|8h|1d|forever]`, `/unmute`, the mute key,
//! `/dnd [duration|off]`. The server keeps both (a chat's `mutedUntil`, the notification
//! settings); notifications honour them. Also a group's `/retention DAYS|off`, the other
//! per-chat setting the server keeps.

use common::api::FOREVER;
use common::ids::ChatId;
use time::{Duration, OffsetDateTime};

use super::AppState;
use super::event::Command;
use super::social::{SocialCommand, Until};

/// Parses `30m`, `1h`, `8h`, `1d`, `2w` or `forever` (empty is forever).
pub fn parse_until(text: &str, now: OffsetDateTime) -> Option<Until> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() || text == "forever" {
        return Some(Until::Forever);
    }
    let unit = text.chars().last()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    if n <= 0 {
        return None;
    }
    let length = match unit {
        'm' => Duration::minutes(n),
        'h' => Duration::hours(n),
        'd' => Duration::days(n),
        'w' => Duration::weeks(n),
        _ => return None,
    };
    now.checked_add(length).map(Until::Time)
}

/// `/mute [duration]` in the open chat.
pub(super) fn slash_mute(state: &mut AppState, rest: &str, out: &mut Vec<Command>) {
    let Some(chat_id) = state.selected else {
        state.notice = Some("open a chat first".into());
        return;
    };
    match parse_until(rest, state.now) {
        Some(until) => out.push(Command::Social(SocialCommand::Mute {
            chat_id,
            until: Some(until),
        })),
        None => state.notice = Some("usage: /mute [30m|1h|8h|1d|1w|forever]".into()),
    }
}

/// `/dnd [duration|off]`.
pub(super) fn slash_dnd(state: &mut AppState, rest: &str, out: &mut Vec<Command>) {
    if rest.trim().eq_ignore_ascii_case("off") {
        out.push(Command::Social(SocialCommand::Dnd(None)));
        return;
    }
    match parse_until(rest, state.now) {
        Some(until) => out.push(Command::Social(SocialCommand::Dnd(Some(until)))),
        None => state.notice = Some("usage: /dnd [30m|1h|8h|1d|forever|off]".into()),
    }
}

/// `/retention DAYS|off` in the open group: its messages older than DAYS are deleted by
/// the server (the owner only, when the server allows it; the server says why not).
pub(super) fn slash_retention(state: &mut AppState, rest: &str, out: &mut Vec<Command>) {
    let Some(chat_id) = state.selected else {
        state.notice = Some("open a chat first".into());
        return;
    };
    let text = rest.trim().to_ascii_lowercase();
    let days = if text == "off" {
        Some(None)
    } else {
        text.trim_end_matches('d')
            .parse::<u32>()
            .ok()
            .filter(|d| *d > 0)
            .map(Some)
    };
    match days {
        Some(days) => out.push(Command::Social(SocialCommand::Retention { chat_id, days })),
        None => state.notice = Some("usage: /retention DAYS|off".into()),
    }
}

/// The mute key: unmutes a muted chat, mutes another one until turned off.
pub(super) fn toggle(state: &mut AppState, out: &mut Vec<Command>) {
    let Some(chat) = state.current() else {
        return;
    };
    let until = (!chat.is_muted(state.now)).then_some(Until::Forever);
    out.push(Command::Social(SocialCommand::Mute {
        chat_id: chat.id(),
        until,
    }));
}

/// The server changed a chat's mute.
pub(super) fn muted(state: &mut AppState, chat_id: ChatId, until: Option<OffsetDateTime>) {
    let now = state.now;
    let Some(chat) = state.chat_mut(chat_id) else {
        return;
    };
    chat.chat.muted_until = until;
    let title = state
        .chats
        .iter()
        .find(|c| c.id() == chat_id)
        .map(|c| crate::sanitize::line(&state.title_of(c)).into_owned())
        .unwrap_or_default();
    state.notice = Some(match until {
        Some(u) if u > now => format!("{title} muted {}", describe(u)),
        _ => format!("{title} unmuted"),
    });
}

/// The server changed do-not-disturb.
pub(super) fn dnd(state: &mut AppState, until: Option<OffsetDateTime>) {
    state.social.dnd_until = until;
    state.notice = Some(match until {
        Some(u) if u > state.now => format!("do not disturb {}", describe(u)),
        _ => "do not disturb off".to_owned(),
    });
}

/// "until turned off" or "until 2026-11-22 18:00 UTC".
fn describe(until: OffsetDateTime) -> String {
    if until >= FOREVER {
        return "until turned off".to_owned();
    }
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    format!(
        "until {}",
        until
            .to_offset(time::UtcOffset::UTC)
            .format(&format)
            .unwrap_or_default()
    )
}
