//! This node's live connections, by user and by chat, and the dispatch of frames to them.
//! Each connection has a bounded queue; one that is full is closed as a slow consumer (it
//! reconnects and resyncs) instead of silently losing frames. Chat memberships live in
//! [`Membership`], which keeps them right while they are loaded.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::ws::Utf8Bytes;
use common::ids::{ChatId, MessageId, SessionId, UserId};
use tokio::sync::mpsc;

use super::membership::{Membership, MembershipLoad};
use super::{Delivery, Target};
use crate::blocks::BlockCache;

/// Identifies a connection on this node.
pub type ConnId = u64;

/// What a connection's writer task receives.
#[derive(Debug, Clone)]
pub enum Outbound {
    /// A text frame; `delivers` is `(chat, seq)` of a `message:new` for the receipt.
    Frame {
        /// The frame (cheap to clone: shared bytes).
        text: Utf8Bytes,
        /// For delivered receipts.
        delivers: Option<(ChatId, i64)>,
    },
    /// Close with this code and reason.
    Close(u16, &'static str),
}

#[derive(Debug)]
struct Conn {
    user: UserId,
    session: SessionId,
    tx: mpsc::Sender<Outbound>,
    kill: tokio::sync::watch::Sender<Option<(u16, &'static str)>>,
}

#[derive(Debug, Default)]
pub(super) struct Inner {
    conns: HashMap<ConnId, Conn>,
    pub(super) by_user: HashMap<UserId, HashSet<ConnId>>,
    pub(super) membership: Membership,
}

/// The registry of one node.
#[derive(Debug, Default)]
pub struct Registry {
    pub(super) inner: RwLock<Inner>,
    next_id: AtomicU64,
    blocks: BlockCache,
    /// Frames queued to connections (for metrics).
    deliveries: prometheus_client::metrics::counter::Counter,
    /// Connections cut off as slow consumers (for metrics).
    slow_consumers: prometheus_client::metrics::counter::Counter,
    /// Set by [`Registry::close_all`]: a connection registered after it is closed at once.
    closing: std::sync::Mutex<Option<(u16, &'static str)>>,
    /// Chat events waiting for their predecessors (`order.rs`).
    pub(super) order: std::sync::Mutex<super::order::Sequencer>,
}

/// A registered connection: its id, queue and kill switch, and the membership load it
/// must finish with [`Registry::load_chats`].
#[derive(Debug)]
pub struct Registration {
    /// The id.
    pub id: ConnId,
    /// Frames to write.
    pub rx: mpsc::Receiver<Outbound>,
    /// Set when the connection must close (slow consumer, session ended, shutdown).
    pub kill: tokio::sync::watch::Receiver<Option<(u16, &'static str)>>,
    /// A sender to the same queue, for answers to the client's own frames.
    pub tx: mpsc::Sender<Outbound>,
    /// The load of the user's chats that registration began.
    pub load: MembershipLoad,
}

/// The user has as many connections on this node as they may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyConnections;

impl Registry {
    /// A new, empty registry.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Adds a connection of `user` (on `session`) with a queue of `capacity` that starts
    /// with `first` (the `hello`), unless the user already has `max_per_user` here.
    ///
    /// The connection is registered before its chats are read, so that it hears every
    /// membership event from then on; it gets chat frames once [`Self::load_chats`] has
    /// applied what the returned load read.
    pub fn register(
        self: &Arc<Self>,
        user: UserId,
        session: SessionId,
        capacity: usize,
        first: Outbound,
        max_per_user: usize,
    ) -> Result<Registration, TooManyConnections> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let _ = tx.try_send(first);
        let (kill_tx, kill_rx) = tokio::sync::watch::channel(None);
        let mut inner = self.inner.write().map_err(|_| TooManyConnections)?;
        if inner.by_user.get(&user).map_or(0, HashSet::len) >= max_per_user {
            return Err(TooManyConnections);
        }
        inner.conns.insert(
            id,
            Conn {
                user,
                session,
                tx: tx.clone(),
                kill: kill_tx,
            },
        );
        if let Ok(Some((code, reason))) = self.closing.lock().map(|c| *c) {
            let _ = tx.try_send(Outbound::Close(code, reason));
        }
        inner.by_user.entry(user).or_default().insert(id);
        let since = inner.membership.begin_load();
        drop(inner);
        Ok(Registration {
            id,
            rx,
            kill: kill_rx,
            tx,
            load: MembershipLoad {
                registry: self.clone(),
                since,
            },
        })
    }

    /// Removes a connection; returns how many connections its user still has here.
    pub fn unregister(&self, id: ConnId) -> usize {
        let Ok(mut inner) = self.inner.write() else {
            return 0;
        };
        let Some(conn) = inner.conns.remove(&id) else {
            return 0;
        };
        let remaining = inner.by_user.get_mut(&conn.user).map_or(0, |set| {
            set.remove(&id);
            set.len()
        });
        if remaining == 0 {
            inner.by_user.remove(&conn.user);
            inner.membership.forget_user(conn.user);
        }
        remaining
    }

    /// Connections cut off as slow consumers.
    pub fn slow_consumers(&self) -> &prometheus_client::metrics::counter::Counter {
        &self.slow_consumers
    }

    /// Open connections of `user` on this node.
    pub fn user_connection_count(&self, user: UserId) -> usize {
        self.inner
            .read()
            .map_or(0, |i| i.by_user.get(&user).map_or(0, HashSet::len))
    }

    /// The blocks this node applies to fan-out (a handle on the same cache).
    pub fn blocks(&self) -> BlockCache {
        self.blocks.clone()
    }

    /// How many connections this node holds.
    pub fn deliveries(&self) -> &prometheus_client::metrics::counter::Counter {
        &self.deliveries
    }

    /// Open connections on this node.
    pub fn connection_count(&self) -> usize {
        self.inner.read().map_or(0, |i| i.conns.len())
    }

    /// The sessions that have a connection on this node, each once.
    pub fn sessions(&self) -> Vec<SessionId> {
        self.inner.read().map_or_else(
            |_| Vec::new(),
            |i| {
                let set: HashSet<SessionId> = i.conns.values().map(|c| c.session).collect();
                set.into_iter().collect()
            },
        )
    }

    /// A connection of `session` on this node, if it has one (the event stream a
    /// `POST /api/frames` caller's presence is set for).
    pub fn conn_of_session(&self, session: SessionId) -> Option<ConnId> {
        self.inner.read().ok().and_then(|i| {
            i.conns
                .iter()
                .filter(|(_, c)| c.session == session)
                .map(|(id, _)| *id)
                .max()
        })
    }

    /// Whether `user` has a connection on this node.
    pub fn is_connected(&self, user: UserId) -> bool {
        self.inner
            .read()
            .is_ok_and(|i| i.by_user.contains_key(&user))
    }

    /// Whether `user`, who has a connection on this node, is a current member of `chat`.
    pub fn is_member(&self, chat: ChatId, user: UserId) -> bool {
        self.inner.read().is_ok_and(|i| {
            i.membership
                .members(&chat)
                .is_some_and(|users| users.contains(&user))
        })
    }

    /// Hands `delivery` to the connections it targets, applying its membership change.
    pub fn dispatch(&self, delivery: &Delivery) {
        if let Some(session) = delivery.end_session {
            self.kill_session(session);
            return;
        }
        if let Some(change) = &delivery.membership
            && !change.joined.is_empty()
            && let Ok(mut inner) = self.inner.write()
        {
            for user in &change.joined {
                if inner.by_user.contains_key(user) {
                    inner.membership.join(*user, change.chat);
                }
            }
        }
        if let Some(change) = delivery.block {
            self.blocks.apply(change);
        }
        let hidden = delivery
            .actor
            .map(|actor| (self.blocks.hidden_from(&actor), actor.placeholder));
        // The stand-in, serialized once for all its recipients (`Some(None)`: it could not
        // be, and they are left to resync).
        let mut placeholder: Option<Option<Utf8Bytes>> = None;
        let mut slow = Vec::new();
        let mut queued = 0u64;
        let text = delivery.frame.clone();
        if let Ok(inner) = self.inner.read() {
            let users: Vec<UserId> = match &delivery.target {
                Target::Chat { chat, except } => inner
                    .membership
                    .members(chat)
                    .map(|set| {
                        set.iter()
                            .filter(|u| Some(**u) != *except)
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default(),
                Target::Users { users } => users.clone(),
            };
            for user in users {
                let Some(conns) = inner.by_user.get(&user) else {
                    continue;
                };
                let mut receipt = delivery
                    .delivers
                    .filter(|(_, _, sender)| *sender != user)
                    .map(|(chat, seq, _)| (chat, seq));
                let mut frame_text = &text;
                if let Some((users, stand_in)) = &hidden
                    && users.contains(&user)
                {
                    let Some(stand_in) = stand_in else {
                        continue;
                    };
                    let Some(text) = placeholder.get_or_insert_with(|| hidden_frame(*stand_in))
                    else {
                        continue;
                    };
                    frame_text = text;
                    receipt = None;
                }
                for id in conns {
                    let Some(conn) = inner.conns.get(id) else {
                        continue;
                    };
                    let frame = Outbound::Frame {
                        text: frame_text.clone(),
                        delivers: receipt,
                    };
                    if conn.tx.try_send(frame).is_err() {
                        slow.push(*id);
                    } else {
                        queued += 1;
                    }
                }
            }
        }
        self.deliveries.inc_by(queued);
        for id in slow {
            self.kill(
                id,
                common::ws::close::SLOW_CONSUMER,
                "too far behind: reconnect and sync",
            );
        }
        if let Some(change) = &delivery.membership
            && !change.left.is_empty()
            && let Ok(mut inner) = self.inner.write()
        {
            for user in &change.left {
                if inner.by_user.contains_key(user) {
                    inner.membership.leave(*user, change.chat);
                }
            }
        }
    }

    /// Closes every connection of `user` (account disabled, all sessions revoked).
    pub fn kill_user(&self, user: UserId, code: u16, reason: &'static str) {
        self.kill_where(|c| c.user == user, code, reason);
    }

    /// Closes every connection (shutdown), after the frames already queued to it; a full
    /// queue is closed at once.
    pub fn close_all(&self, code: u16, reason: &'static str) {
        // Events still waiting for a predecessor go out before the close.
        self.release_held(true);
        if let Ok(mut closing) = self.closing.lock() {
            *closing = Some((code, reason));
        }
        if let Ok(inner) = self.inner.read() {
            for conn in inner.conns.values() {
                if conn.tx.try_send(Outbound::Close(code, reason)).is_err() {
                    let _ = conn.kill.send(Some((code, reason)));
                }
            }
        }
    }

    /// Closes the connections of an ended session with 4001.
    pub fn kill_session(&self, session: SessionId) {
        self.kill_where(
            |c| c.session == session,
            common::ws::close::UNAUTHORIZED,
            "session ended",
        );
    }

    fn kill_where(&self, matches: impl Fn(&Conn) -> bool, code: u16, reason: &'static str) {
        if let Ok(inner) = self.inner.read() {
            for conn in inner.conns.values().filter(|c| matches(c)) {
                conn.kill.send_if_modified(|current| {
                    current.get_or_insert((code, reason));
                    true
                });
            }
        }
    }

    /// Closes one connection with `code`; the first reason given wins.
    pub fn kill(&self, id: ConnId, code: u16, reason: &'static str) {
        if let Ok(inner) = self.inner.read()
            && let Some(conn) = inner.conns.get(&id)
        {
            let first = conn.kill.send_if_modified(|current| {
                if current.is_some() {
                    return false;
                }
                *current = Some((code, reason));
                true
            });
            if first && code == common::ws::close::SLOW_CONSUMER {
                self.slow_consumers.inc();
            }
        }
    }

    /// The users connected here.
    pub fn local_users(&self) -> Vec<UserId> {
        self.inner
            .read()
            .map(|i| i.by_user.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Tells every connection to resync (after this node missed deliveries).
    pub fn ask_everyone_to_resync(&self) {
        let frame = Utf8Bytes::from_static(r#"{"type":"sync:required","data":{}}"#);
        let mut slow = Vec::new();
        if let Ok(inner) = self.inner.read() {
            for (id, conn) in &inner.conns {
                let out = Outbound::Frame {
                    text: frame.clone(),
                    delivers: None,
                };
                if conn.tx.try_send(out).is_err() {
                    slow.push(*id);
                }
            }
        }
        for id in slow {
            self.kill(
                id,
                common::ws::close::SLOW_CONSUMER,
                "too far behind: reconnect and sync",
            );
        }
    }
}

/// The `message:hidden` frame that stands in for a message of a blocked sender; `None`
/// (logged) when it cannot be serialized: its recipients miss the seq and resync.
fn hidden_frame((chat_id, seq, message_id): (ChatId, i64, MessageId)) -> Option<Utf8Bytes> {
    let event = common::ws::ServerEvent::MessageHidden(common::ws::MessageHidden {
        chat_id,
        seq,
        message_id,
    });
    match serde_json::to_string(&event) {
        Ok(text) => Some(Utf8Bytes::from(text)),
        Err(e) => {
            tracing::warn!(error = %e, "cannot serialize a message:hidden stand-in");
            None
        }
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
