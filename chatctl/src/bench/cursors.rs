//! One bench client's chat cursors, kept on protocol.md's client rules: apply a numbered
//! event when its seq is the cursor + 1, ignore it at or below the cursor, and on a gap
//! (seq above cursor + 1) resync that chat from its cursor with one `sync` in flight per
//! chat. The bench counts the gaps and the `sync` requests they cost, which is what a
//! real client on two nodes would pay when events arrive ahead of their predecessors.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// A chat as one client holds it.
#[derive(Debug, Default)]
struct Chat {
    cursor: i64,
    /// Seqs seen ahead of the cursor (the gap is between the cursor and the first of them).
    ahead: BTreeSet<i64>,
    /// When the current gap opened; `None` while there is none.
    gap_since: Option<Instant>,
    /// A `sync` for this chat is in flight.
    syncing: bool,
}

impl Chat {
    /// Moves the cursor over every seq now contiguous with it; closes the gap when none
    /// is left ahead.
    fn settle(&mut self) {
        while self.ahead.first().is_some_and(|&s| s <= self.cursor + 1) {
            if let Some(s) = self.ahead.pop_first() {
                self.cursor = self.cursor.max(s);
            }
        }
        if self.ahead.is_empty() {
            self.gap_since = None;
        }
    }
}

/// The cursors of every chat of one connection.
#[derive(Debug, Default)]
pub struct Cursors {
    chats: HashMap<String, Chat>,
    /// Gaps seen (a chat going from no gap to a gap).
    pub gaps: u64,
    /// `sync` requests sent for gaps (each page of a `hasMore` answer counts).
    pub sync_requests: u64,
}

impl Cursors {
    /// Starts a chat at `seq` (from the `sync` right after `hello`).
    pub fn start(&mut self, chat: String, seq: i64) {
        self.chats.entry(chat).or_default().cursor = seq;
    }

    /// A live numbered event of `chat` at `seq`.
    pub fn live(&mut self, chat: &str, seq: i64, now: Instant) {
        let state = match self.chats.get_mut(chat) {
            Some(state) => state,
            None => self.chats.entry(chat.to_owned()).or_default(),
        };
        if seq <= state.cursor {
            return;
        }
        if seq == state.cursor + 1 {
            state.cursor = seq;
            state.settle();
            return;
        }
        state.ahead.insert(seq);
        if state.gap_since.is_none() {
            state.gap_since = Some(now);
            self.gaps += 1;
        }
    }

    /// The chats whose gap is older than `wait` and that have no `sync` in flight, with
    /// the cursor to sync from; each is marked in flight and counted.
    pub fn due(&mut self, now: Instant, wait: Duration) -> Vec<(String, i64)> {
        let mut due = Vec::new();
        for (chat, state) in &mut self.chats {
            if state.syncing {
                continue;
            }
            if state
                .gap_since
                .is_some_and(|since| now.duration_since(since) >= wait)
            {
                state.syncing = true;
                due.push((chat.clone(), state.cursor));
            }
        }
        self.sync_requests += due.len() as u64;
        due
    }

    /// When the next gap falls due, if any.
    pub fn next_due(&self, wait: Duration) -> Option<Instant> {
        self.chats
            .values()
            .filter(|c| !c.syncing)
            .filter_map(|c| c.gap_since)
            .min()
            .map(|since| since + wait)
    }

    /// A `sync` answer for `chat`: its events' seqs, and whether more follow. Returns the
    /// cursor to sync again from when `has_more` (counted as another request).
    pub fn synced(
        &mut self,
        chat: &str,
        seqs: &[i64],
        has_more: bool,
        now: Instant,
    ) -> Option<i64> {
        let state = self.chats.get_mut(chat)?;
        for &seq in seqs {
            if seq > state.cursor {
                state.ahead.insert(seq);
            }
        }
        state.settle();
        if has_more {
            self.sync_requests += 1;
            return Some(state.cursor);
        }
        state.syncing = false;
        // Something still missing (committed after the answer was read): the same gap,
        // synced again when due.
        if !state.ahead.is_empty() {
            state.gap_since = Some(now);
        }
        None
    }

    /// A `sync` for `chat` failed: let it fall due again.
    pub fn sync_failed(&mut self, chat: &str, now: Instant) {
        if let Some(state) = self.chats.get_mut(chat) {
            state.syncing = false;
            if state.gap_since.is_some() {
                state.gap_since = Some(now);
            }
        }
    }
}
