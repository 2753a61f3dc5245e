//! Reading: the timeline scrolls by lines (a message taller than the screen can be read
//! line by line), the message selection, the full-screen reader of one message, and landing
//! on the first unread message when a chat opens.
//!
//! The view is an anchor item (`ChatView::selected`, else the newest) whose bottom line sits
//! `ChatView::scroll` lines below the bottom of the screen. Scrolling keeps the anchor the
//! item at the bottom of the screen, measured with the renderer's own line counts.

use super::overlay::Overlay;
use super::{AppState, Focus};

/// Half a screen of timeline rows.
pub(super) fn page(state: &AppState) -> isize {
    isize::try_from((state.page_rows / 2).max(1)).unwrap_or(1)
}

/// Enters the message selection at the message at the bottom of the view.
pub(super) fn enter_selection(state: &mut AppState) {
    let Some(chat) = state.current_mut() else {
        return;
    };
    let len = chat.items_len();
    if len == 0 {
        state.notice = Some("no messages to select".to_owned());
        return;
    }
    if chat.selected.is_none() {
        chat.selected = Some(len - 1);
        chat.scroll = 0;
    }
    state.focus = Focus::Timeline;
}

/// Scrolls the timeline `delta` lines (negative: up, towards older messages).
pub(super) fn lines(state: &mut AppState, delta: isize) {
    stop_landing(state);
    let Some(chat) = state.current() else {
        return;
    };
    let len = chat.items_len();
    if len == 0 {
        return;
    }
    let anchor = chat.selected.unwrap_or(len - 1).min(len - 1);
    let scroll = isize::try_from(chat.scroll).unwrap_or(0) - delta;
    place(state, anchor, scroll);
}

/// Puts the view's bottom `scroll` lines above the bottom of item `anchor`, then moves the
/// anchor until it is the item at the bottom of the screen. Back at the very bottom, a view
/// that is not a selection follows new messages again.
fn place(state: &mut AppState, mut anchor: usize, mut scroll: isize) {
    let width = crate::ui::timeline_width(state.cols, state.show_members);
    let rows = isize::try_from(state.page_rows).unwrap_or(1);
    let Some(chat) = state.current() else {
        return;
    };
    let len = chat.items_len();
    let height =
        |i: usize| isize::try_from(crate::ui::item_height(state, chat, i, width)).unwrap_or(1);
    loop {
        if scroll < 0 {
            if anchor + 1 < len {
                anchor += 1;
                scroll += height(anchor);
            } else {
                scroll = 0;
                break;
            }
        } else if scroll >= height(anchor) && anchor > 0 {
            scroll -= height(anchor);
            anchor -= 1;
        } else {
            if anchor == 0 {
                // The oldest held message: its first line never leaves the top.
                scroll = scroll.min((height(0) - rows).max(0));
            }
            break;
        }
    }
    let selecting = state.focus == Focus::Timeline;
    let Some(chat) = state.current_mut() else {
        return;
    };
    chat.scroll = usize::try_from(scroll).unwrap_or(0);
    chat.selected = if !selecting && anchor + 1 == len && scroll == 0 {
        None
    } else {
        Some(anchor)
    };
}

/// Opening a chat with unread messages: the view starts at the first unread one, under the
/// "new messages" line, when they do not all fit; only what is on screen is then read.
pub(super) fn land_on_unread(state: &mut AppState) {
    let Some(chat) = state.current() else {
        return;
    };
    let Some(after) = chat.new_line_after else {
        return;
    };
    if !chat.loaded || chat.selected.is_some() {
        return;
    }
    let Some(first) = chat.messages.iter().position(|m| m.seq > after) else {
        return;
    };
    // The first unread one is older than what is held: start at the oldest held (which
    // loads the page before it) and land again when it arrives, up to a bound.
    let beyond = first == 0
        && chat.has_more_before
        && chat.messages.first().is_some_and(|m| m.seq > after + 1)
        && chat.messages.len() < MAX_LANDING_HELD;
    let width = crate::ui::timeline_width(state.cols, state.show_members);
    let rows = isize::try_from(state.page_rows).unwrap_or(1);
    let height =
        |i: usize| isize::try_from(crate::ui::item_height(state, chat, i, width)).unwrap_or(1);
    let below: isize = (first..chat.items_len()).map(height).sum();
    if below <= rows && !beyond {
        return;
    }
    // The first unread item's top line at the top of the screen.
    let scroll = height(first) - rows;
    place(state, first, scroll);
    if let Some(chat) = state.current_mut() {
        chat.landing = beyond;
    }
}

/// Older pages are loaded to reach the first unread message only while fewer than this
/// many messages are held (a chat with thousands unread starts at the oldest held).
const MAX_LANDING_HELD: usize = 1000;

/// The user moved the view: stop landing on the first unread.
pub(super) fn stop_landing(state: &mut AppState) {
    if let Some(chat) = state.current_mut() {
        chat.landing = false;
    }
}

/// The sequence number read so far in the view: everything down to the anchor when its
/// last line is on screen, else down to the item above it.
pub(super) fn read_up_to(chat: &super::ChatView) -> Option<i64> {
    match chat.selected {
        None => chat.newest_message_seq(),
        Some(i) => {
            let whole = if chat.scroll == 0 {
                Some(i)
            } else {
                i.checked_sub(1)
            };
            whole
                .and_then(|i| chat.message_at(i.min(chat.messages.len().saturating_sub(1))))
                .map(|m| m.seq)
        }
    }
}

/// Opens the selected message in the full-screen reader.
pub(super) fn open_reader(state: &mut AppState) {
    let message = state
        .current()
        .and_then(|c| c.selected.and_then(|i| c.message_at(i)))
        .map(|m| m.id);
    match message {
        Some(message_id) => {
            state.overlay = Some(Overlay::Reader {
                message_id,
                scroll: 0,
            });
        }
        None => state.notice = Some("select a message first (Up or Alt-Up)".to_owned()),
    }
}

/// Keys of the reader: lines, pages, ends; false closes it.
pub(super) fn reader_key(
    state: &AppState,
    message_id: common::MessageId,
    scroll: &mut usize,
    key: &crossterm::event::KeyEvent,
) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    let rows = usize::from(state.rows.saturating_sub(2)).max(1);
    let total = state
        .current()
        .and_then(|c| c.message(message_id))
        .map_or(0, |m| crate::ui::reader_height(state, m, state.cols));
    let last = total.saturating_sub(rows);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let page = (rows / 2).max(1);
    *scroll = match key.code {
        KeyCode::Char('q') => return false,
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Enter => *scroll + 1,
        KeyCode::Char('e') if ctrl => *scroll + 1,
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::Char('y') if ctrl => scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll + rows.saturating_sub(1).max(1),
        KeyCode::Char('d') if ctrl => *scroll + page,
        KeyCode::PageUp | KeyCode::Char('b') => {
            scroll.saturating_sub(rows.saturating_sub(1).max(1))
        }
        KeyCode::Char('u') if ctrl => scroll.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => last,
        _ => *scroll,
    }
    .min(last);
    true
}
