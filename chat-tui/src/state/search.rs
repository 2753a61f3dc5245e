//! The search overlay over `GET /api/messages/search`: type a query, Enter searches, the
//! arrows pick a result, Enter on an unchanged query jumps to the message in its chat with
//! its context; Tab limits the search to the open chat; moving past the last result loads
//! the next page. Requests go out as commands; results come back as events.

use common::api::SearchHit;
use common::ids::ChatId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Command;
use super::overlay::Overlay;
use super::social::SocialCommand;
use super::{AppState, jump};

/// The search overlay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchOverlay {
    /// What is typed.
    pub query: String,
    /// Only this chat (Tab toggles).
    pub scope: Option<ChatId>,
    /// The chat that was open, which Tab scopes to.
    pub here: Option<ChatId>,
    /// The query and scope the results are for.
    pub searched: Option<(String, Option<ChatId>)>,
    /// Results, best first, every page loaded so far.
    pub results: Vec<SearchHit>,
    /// The cursor of the next page.
    pub next_cursor: Option<String>,
    /// The highlighted result.
    pub selected: usize,
    /// A request is under way.
    pub loading: bool,
    /// The server refused the query.
    pub error: Option<String>,
}

impl SearchOverlay {
    fn search(&mut self, out: &mut Vec<Command>) {
        let q = self.query.trim().to_owned();
        if q.is_empty() {
            return;
        }
        self.loading = true;
        self.error = None;
        self.searched = Some((q.clone(), self.scope));
        self.results.clear();
        self.next_cursor = None;
        self.selected = 0;
        out.push(Command::Social(SocialCommand::Search {
            q,
            chat_id: self.scope,
            cursor: None,
        }));
    }

    fn more(&mut self, out: &mut Vec<Command>) {
        if self.loading {
            return;
        }
        if let (Some((q, chat_id)), Some(cursor)) = (&self.searched, &self.next_cursor) {
            self.loading = true;
            out.push(Command::Social(SocialCommand::Search {
                q: q.clone(),
                chat_id: *chat_id,
                cursor: Some(cursor.clone()),
            }));
        }
    }

    fn is_current(&self) -> bool {
        self.searched
            .as_ref()
            .is_some_and(|(q, scope)| *q == self.query.trim() && *scope == self.scope)
    }
}

/// Opens the overlay; with a query, searches at once.
pub(super) fn open(state: &mut AppState, query: &str, out: &mut Vec<Command>) {
    let mut overlay = SearchOverlay {
        query: query.to_owned(),
        here: state.selected,
        ..SearchOverlay::default()
    };
    overlay.search(out);
    state.overlay = Some(Overlay::Search(overlay));
}

/// A key in the overlay; false closes it.
pub(super) fn key(
    state: &mut AppState,
    search: &mut SearchOverlay,
    key: &KeyEvent,
    out: &mut Vec<Command>,
) -> bool {
    match key.code {
        KeyCode::Enter if search.is_current() => {
            let Some(hit) = search.results.get(search.selected) else {
                return true;
            };
            let (chat_id, message_id) = (hit.message.chat_id, hit.message.id);
            jump::to_message(state, chat_id, message_id, out);
            return false;
        }
        KeyCode::Enter => search.search(out),
        KeyCode::Up => search.selected = search.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::PageDown => {
            let step = if key.code == KeyCode::PageDown { 10 } else { 1 };
            let last = search.results.len().saturating_sub(1);
            if search.selected + step > last && search.next_cursor.is_some() {
                search.more(out);
            }
            search.selected = (search.selected + step).min(last);
        }
        KeyCode::PageUp => search.selected = search.selected.saturating_sub(10),
        KeyCode::Tab => {
            search.scope = match search.scope {
                Some(_) => None,
                None => search.here,
            };
            if search.searched.is_some() {
                search.search(out);
            }
        }
        KeyCode::Backspace => {
            search.query.pop();
        }
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let kept = search.query.trim_end().rfind(' ').map_or(0, |i| i + 1);
            search.query.truncate(kept);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            search.query.push(c);
        }
        _ => {}
    }
    true
}

/// A page of results arrived; pages of an older query are dropped.
pub(super) fn results(
    state: &mut AppState,
    q: &str,
    chat_id: Option<ChatId>,
    more: bool,
    page: common::api::SearchResults,
) {
    let Some(Overlay::Search(search)) = &mut state.overlay else {
        return;
    };
    if search.searched.as_ref() != Some(&(q.to_owned(), chat_id)) {
        return;
    }
    search.loading = false;
    if !more {
        search.results.clear();
        search.selected = 0;
    }
    search.results.extend(page.results);
    search.next_cursor = page.next_cursor;
}

/// The server refused the search.
pub(super) fn failed(state: &mut AppState, reason: String) {
    if let Some(Overlay::Search(search)) = &mut state.overlay {
        search.loading = false;
        search.error = Some(reason);
    } else {
        state.notice = Some(reason);
    }
}

/// The snippet cut at the highlight ranges (characters, as the server counts them), each
/// part sanitized on its own so the ranges stay true; `true` marks a match.
pub fn snippet_parts(hit: &SearchHit) -> Vec<(String, bool)> {
    let chars: Vec<char> = hit.snippet.chars().collect();
    let mut ranges: Vec<(usize, usize)> = hit
        .highlights
        .iter()
        .map(|r| (r.start as usize, r.end as usize))
        .filter(|(s, e)| s < e)
        .collect();
    ranges.sort_unstable();
    let mut parts = Vec::new();
    let mut at = 0;
    let mut push = |from: usize, to: usize, lit: bool| {
        let to = to.min(chars.len());
        if from < to {
            let raw: String = chars[from..to].iter().collect();
            let clean = crate::sanitize::line(&raw).into_owned();
            if !clean.is_empty() {
                parts.push((clean, lit));
            }
        }
    };
    for (start, end) in ranges {
        let start = start.max(at);
        if start >= end {
            continue;
        }
        push(at, start, false);
        push(start, end, true);
        at = end;
    }
    push(at, chars.len(), false);
    parts
}
