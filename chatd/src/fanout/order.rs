//! Live events of a chat leave each node in seq order, whichever node committed them.
//!
//! Two nodes commit a chat's events in seq order (the chat row's lock), but each hands its
//! own at once to its local connections and the other's a Redis hop later: without this,
//! a client on node B got B's seq 11 before A's seq 10, saw a gap and resynced, although
//! 10 arrived a moment later (issue 15 measured 2,592 such gaps in 75 s on two nodes). Two
//! tasks of one node publishing right after their commits can race the same way.
//!
//! So a node holds a chat event whose predecessor it has not delivered yet, for at most
//! `ws.reorder_window_ms`, and lets it go as soon as the predecessor comes. A predecessor
//! that never comes (its node died between commit and publish, Redis dropped it) costs
//! the chat's next events that wait once, then the client's gap resync recovers it, as
//! before. The first event a node sees of a chat sets its starting point; a chat idle for
//! a while is forgotten, so memory follows the chats active now.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use common::ids::ChatId;

use super::{Delivery, Registry};
use crate::tasks::Tasks;

/// Events held per chat at most; past this the chat's held events go out at once (a
/// predecessor this far behind is not a reordering but a loss).
const HELD_MAX: usize = 256;
/// A chat with nothing held and no event for this long is forgotten.
const IDLE: Duration = Duration::from_mins(10);

/// The reorder buffers of this node's chats.
#[derive(Debug, Default)]
pub struct Sequencer {
    /// How long an event may wait for its predecessor; zero delivers everything at once.
    window: Duration,
    chats: HashMap<ChatId, ChatOrder>,
}

#[derive(Debug)]
struct ChatOrder {
    /// The highest seq delivered.
    delivered: i64,
    /// Events waiting for their predecessors, by seq.
    held: BTreeMap<i64, Delivery>,
    /// When the oldest held event arrived (`None`: nothing held).
    waiting_since: Option<Instant>,
    last_seen: Instant,
}

impl Sequencer {
    /// A sequencer that holds events at most `window`.
    #[cfg(test)]
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            chats: HashMap::new(),
        }
    }

    /// Takes `delivery` (of `chat` at `seq`, when it is numbered) and returns what may go
    /// out now, in order.
    pub fn accept(&mut self, delivery: Delivery, now: Instant) -> Vec<Delivery> {
        let Some((chat, seq)) = delivery.ordering() else {
            return vec![delivery];
        };
        if self.window.is_zero() {
            return vec![delivery];
        }
        let Some(order) = self.chats.get_mut(&chat) else {
            self.chats.insert(
                chat,
                ChatOrder {
                    delivered: seq,
                    held: BTreeMap::new(),
                    waiting_since: None,
                    last_seen: now,
                },
            );
            return vec![delivery];
        };
        order.last_seen = now;
        // Already passed (a republished resend, or a predecessor given up on): clients
        // ignore a seq they hold, and one that synced meanwhile may still want it.
        if seq <= order.delivered {
            return vec![delivery];
        }
        if seq == order.delivered + 1 {
            order.delivered = seq;
            let mut out = vec![delivery];
            order.release_consecutive(&mut out);
            return out;
        }
        order.held.insert(seq, delivery);
        order.waiting_since.get_or_insert(now);
        if order.held.len() > HELD_MAX {
            return order.release_all();
        }
        Vec::new()
    }

    /// Events whose wait is over, in order per chat; forgets idle chats.
    pub fn due(&mut self, now: Instant) -> Vec<Delivery> {
        let mut out = Vec::new();
        let window = self.window;
        for order in self.chats.values_mut() {
            if order
                .waiting_since
                .is_some_and(|since| now.duration_since(since) >= window)
            {
                out.extend(order.release_all());
            }
        }
        self.chats.retain(|_, order| {
            !order.held.is_empty() || now.duration_since(order.last_seen) < IDLE
        });
        out
    }

    /// The chats this node tracks.
    #[cfg(test)]
    pub fn chats(&self) -> usize {
        self.chats.len()
    }
}

impl ChatOrder {
    /// Moves the held events that now follow on into `out`.
    fn release_consecutive(&mut self, out: &mut Vec<Delivery>) {
        while let Some(entry) = self.held.first_entry() {
            if *entry.key() != self.delivered + 1 {
                break;
            }
            self.delivered += 1;
            out.push(entry.remove());
        }
        if self.held.is_empty() {
            self.waiting_since = None;
        }
    }

    /// Gives up on the missing predecessors: every held event goes out, in order.
    fn release_all(&mut self) -> Vec<Delivery> {
        let held = std::mem::take(&mut self.held);
        if let Some((&last, _)) = held.last_key_value() {
            self.delivered = self.delivered.max(last);
        }
        self.waiting_since = None;
        held.into_values().collect()
    }
}

impl Registry {
    /// Hands `delivery` to this node's connections; a chat's numbered events in seq order,
    /// one that runs ahead held until its predecessor comes or its wait is over.
    pub fn deliver(&self, delivery: Delivery) {
        // Typing, presence, receipts and user events have no place in a chat's order: they
        // skip the lock every numbered event takes.
        if delivery.ordering().is_none() {
            self.dispatch(&delivery);
            return;
        }
        // Dispatched under the lock: two callers must not swap events the sequencer put
        // in order. Dispatching only queues frames, it never waits.
        let mut order = self.order.lock().unwrap_or_else(PoisonError::into_inner);
        for ready in order.accept(delivery, Instant::now()) {
            self.dispatch(&ready);
        }
    }

    /// Holds chat events that run ahead for at most `window` (zero: never), releasing those
    /// whose wait is over on a supervised timer.
    pub fn start_ordering(self: &Arc<Self>, window: Duration, tasks: &Tasks) {
        self.order
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .window = window;
        if window.is_zero() {
            return;
        }
        let tick = (window / 5).max(Duration::from_millis(5));
        let registry = self.clone();
        tasks.supervise("fanout-reorder", move |token| {
            let registry = registry.clone();
            async move {
                let mut timer = tokio::time::interval(tick);
                timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while token.run_until_cancelled(timer.tick()).await.is_some() {
                    registry.release_held(false);
                }
            }
        });
    }

    /// Sends the held events whose wait is over (all of them with `everything`).
    pub(super) fn release_held(&self, everything: bool) {
        let mut order = self.order.lock().unwrap_or_else(PoisonError::into_inner);
        let now = if everything {
            Instant::now() + order.window + IDLE
        } else {
            Instant::now()
        };
        for ready in order.due(now) {
            self.dispatch(&ready);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fanout::Target;

    fn event(chat: ChatId, seq: i64) -> Delivery {
        Delivery {
            target: Target::Chat { chat, except: None },
            frame: axum::extract::ws::Utf8Bytes::from(format!("{seq}")),
            membership: None,
            delivers: None,
            end_session: None,
            actor: None,
            block: None,
            seq: Some(seq),
        }
    }

    fn seqs(out: &[Delivery]) -> Vec<i64> {
        out.iter().map(|d| d.seq.unwrap_or(-1)).collect()
    }

    const WINDOW: Duration = Duration::from_millis(250);

    #[test]
    fn events_in_order_pass_at_once() {
        let mut s = Sequencer::new(WINDOW);
        let chat = ChatId::new();
        let now = Instant::now();
        for seq in 5..10 {
            assert_eq!(seqs(&s.accept(event(chat, seq), now)), vec![seq]);
        }
    }

    #[test]
    fn an_event_ahead_waits_for_its_predecessor_then_both_go_in_order() {
        let mut s = Sequencer::new(WINDOW);
        let chat = ChatId::new();
        let now = Instant::now();
        assert_eq!(seqs(&s.accept(event(chat, 9), now)), vec![9]);
        assert!(s.accept(event(chat, 11), now).is_empty());
        assert!(s.accept(event(chat, 12), now).is_empty());
        assert!(s.due(now + WINDOW / 2).is_empty());
        assert_eq!(seqs(&s.accept(event(chat, 10), now)), vec![10, 11, 12]);
        assert!(s.due(now + WINDOW * 2).is_empty());
    }

    #[test]
    fn a_predecessor_that_never_comes_is_given_up_after_the_window() {
        let mut s = Sequencer::new(WINDOW);
        let chat = ChatId::new();
        let now = Instant::now();
        s.accept(event(chat, 1), now);
        assert!(s.accept(event(chat, 3), now).is_empty());
        assert!(s.accept(event(chat, 5), now).is_empty());
        assert_eq!(seqs(&s.due(now + WINDOW)), vec![3, 5]);
        // Late arrivals go out at once (clients ignore what they hold), the chat moves on.
        assert_eq!(seqs(&s.accept(event(chat, 2), now + WINDOW)), vec![2]);
        assert_eq!(seqs(&s.accept(event(chat, 6), now + WINDOW)), vec![6]);
    }

    #[test]
    fn other_chats_and_unnumbered_frames_are_never_held() {
        let mut s = Sequencer::new(WINDOW);
        let (a, b) = (ChatId::new(), ChatId::new());
        let now = Instant::now();
        s.accept(event(a, 1), now);
        assert!(s.accept(event(a, 3), now).is_empty());
        assert_eq!(seqs(&s.accept(event(b, 7), now)), vec![7]);
        let mut typing = event(a, 0);
        typing.seq = None;
        assert_eq!(s.accept(typing, now).len(), 1);
    }

    #[test]
    fn too_many_held_go_out_at_once_and_a_zero_window_holds_nothing() {
        let mut s = Sequencer::new(WINDOW);
        let chat = ChatId::new();
        let now = Instant::now();
        s.accept(event(chat, 1), now);
        let mut out = Vec::new();
        for seq in 3..=(3 + HELD_MAX as i64) {
            out.extend(s.accept(event(chat, seq), now));
        }
        assert_eq!(out.len(), HELD_MAX + 1);
        assert!(out.windows(2).all(|w| w[0].seq < w[1].seq));

        let mut off = Sequencer::new(Duration::ZERO);
        off.accept(event(chat, 1), now);
        assert_eq!(seqs(&off.accept(event(chat, 3), now)), vec![3]);
    }

    #[test]
    fn idle_chats_are_forgotten_and_start_again_from_their_next_event() {
        let mut s = Sequencer::new(WINDOW);
        let chat = ChatId::new();
        let now = Instant::now();
        s.accept(event(chat, 1), now);
        assert_eq!(s.chats(), 1);
        s.due(now + IDLE);
        assert_eq!(s.chats(), 0);
        assert_eq!(seqs(&s.accept(event(chat, 40), now + IDLE)), vec![40]);
    }
}
