//! This node's live connections, by user and by chat, and the dispatch of frames to them.
//! Each connection has a bounded queue; one that is full is closed as a slow consumer (it
//! reconnects and resyncs) instead of silently losing frames.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{BlockCache, Delivery, Target};

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
        delivers: Option<(Uuid, i64)>,
    },
    /// Close with this code and reason.
    Close(u16, &'static str),
}

#[derive(Debug)]
struct Conn {
    user: Uuid,
    session: Uuid,
    tx: mpsc::Sender<Outbound>,
    kill: tokio::sync::watch::Sender<Option<(u16, &'static str)>>,
}

#[derive(Debug, Default)]
struct Inner {
    conns: HashMap<ConnId, Conn>,
    by_user: HashMap<Uuid, HashSet<ConnId>>,
    /// Chat -> local users who are members.
    chats: HashMap<Uuid, HashSet<Uuid>>,
    /// User -> chats, to undo `chats` when the user's last connection goes.
    user_chats: HashMap<Uuid, HashSet<Uuid>>,
}

/// The registry of one node.
#[derive(Debug, Default)]
pub struct Registry {
    inner: RwLock<Inner>,
    next_id: AtomicU64,
    blocks: BlockCache,
    /// Frames queued to connections (for metrics).
    deliveries: prometheus_client::metrics::counter::Counter,
    /// Set by [`Registry::close_all`]: a connection registered after it is closed at once.
    closing: std::sync::Mutex<Option<(u16, &'static str)>>,
}

/// A registered connection: its id, queue and kill switch.
#[derive(Debug)]
pub struct Registration {
    /// The id.
    pub id: ConnId,
    /// Frames to write.
    pub rx: mpsc::Receiver<Outbound>,
    /// Set when the connection must close (slow consumer, account disabled).
    pub kill: tokio::sync::watch::Receiver<Option<(u16, &'static str)>>,
    /// A sender to the same queue, for answers to the client's own frames.
    pub tx: mpsc::Sender<Outbound>,
}

impl Registry {
    /// A new, empty registry.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Adds a connection of `user` (on `session`), a member of `chats`, with a queue of
    /// `capacity`.
    pub fn register(
        &self,
        user: Uuid,
        session: Uuid,
        chats: &[Uuid],
        capacity: usize,
    ) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(capacity);
        let (kill_tx, kill_rx) = tokio::sync::watch::channel(None);
        let Ok(mut inner) = self.inner.write() else {
            return Registration {
                id,
                rx,
                kill: kill_rx,
                tx,
            };
        };
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
        for chat in chats {
            inner.chats.entry(*chat).or_default().insert(user);
            inner.user_chats.entry(user).or_default().insert(*chat);
        }
        Registration {
            id,
            rx,
            kill: kill_rx,
            tx,
        }
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
            let chats = inner.user_chats.remove(&conn.user).unwrap_or_default();
            for chat in chats {
                if let Some(users) = inner.chats.get_mut(&chat) {
                    users.remove(&conn.user);
                    if users.is_empty() {
                        inner.chats.remove(&chat);
                    }
                }
            }
        }
        remaining
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

    /// Whether `user` has a connection on this node.
    pub fn is_connected(&self, user: Uuid) -> bool {
        self.inner
            .read()
            .is_ok_and(|i| i.by_user.contains_key(&user))
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
                    inner.chats.entry(change.chat).or_default().insert(*user);
                    inner
                        .user_chats
                        .entry(*user)
                        .or_default()
                        .insert(change.chat);
                }
            }
        }
        if let Some(change) = delivery.block {
            self.blocks.apply(change);
        }
        let hidden = delivery
            .actor
            .map(|actor| (self.blocks.hidden_from(&actor), actor.placeholder));
        let mut placeholder: Option<Utf8Bytes> = None;
        let mut slow = Vec::new();
        let mut queued = 0u64;
        let text = Utf8Bytes::from(delivery.frame.to_string());
        if let Ok(inner) = self.inner.read() {
            let users: Vec<Uuid> = match &delivery.target {
                Target::Chat { chat, except } => inner
                    .chats
                    .get(chat)
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
                    frame_text = placeholder.get_or_insert_with(|| hidden_frame(*stand_in));
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
                if let Some(users) = inner.chats.get_mut(&change.chat) {
                    users.remove(user);
                }
                if let Some(chats) = inner.user_chats.get_mut(user) {
                    chats.remove(&change.chat);
                }
            }
        }
    }

    /// Closes every connection of `user` (account disabled, all sessions revoked).
    pub fn kill_user(&self, user: Uuid, code: u16, reason: &'static str) {
        self.kill_where(|c| c.user == user, code, reason);
    }

    /// Closes every connection (shutdown), after the frames already queued to it; a full
    /// queue is closed at once.
    pub fn close_all(&self, code: u16, reason: &'static str) {
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
    pub fn kill_session(&self, session: Uuid) {
        self.kill_where(
            |c| c.session == session,
            common::ws::close::UNAUTHORIZED,
            "session ended",
        );
    }

    fn kill_where(&self, matches: impl Fn(&Conn) -> bool, code: u16, reason: &'static str) {
        if let Ok(inner) = self.inner.read() {
            for conn in inner.conns.values().filter(|c| matches(c)) {
                let _ = conn.kill.send(Some((code, reason)));
            }
        }
    }

    /// Closes one connection with `code`.
    pub fn kill(&self, id: ConnId, code: u16, reason: &'static str) {
        if let Ok(inner) = self.inner.read()
            && let Some(conn) = inner.conns.get(&id)
        {
            let _ = conn.kill.send(Some((code, reason)));
        }
    }

    /// The users connected here.
    pub fn local_users(&self) -> Vec<Uuid> {
        self.inner
            .read()
            .map(|i| i.by_user.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Replaces the chat memberships of the users connected here with `memberships`
    /// (`(user, chat)` pairs read from PostgreSQL), after deliveries may have been missed.
    pub fn replace_memberships(&self, memberships: &[(Uuid, Uuid)]) {
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        let local: HashSet<Uuid> = inner.by_user.keys().copied().collect();
        inner.chats.clear();
        inner.user_chats.clear();
        for (user, chat) in memberships {
            if local.contains(user) {
                inner.chats.entry(*chat).or_default().insert(*user);
                inner.user_chats.entry(*user).or_default().insert(*chat);
            }
        }
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

/// The `message:hidden` frame that stands in for a message of a blocked sender.
fn hidden_frame((chat, seq, message): (Uuid, i64, Uuid)) -> Utf8Bytes {
    let event = common::ws::ServerEvent::MessageHidden(common::ws::MessageHidden {
        chat_id: chat.into(),
        seq,
        message_id: message.into(),
    });
    Utf8Bytes::from(serde_json::to_string(&event).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fanout::MembershipChange;

    fn delivery(target: Target, membership: Option<MembershipChange>) -> Delivery {
        Delivery {
            target,
            frame: Arc::from("{}"),
            membership,
            delivers: None,
            end_session: None,
            actor: None,
            block: None,
        }
    }

    #[tokio::test]
    async fn frames_reach_members_and_follow_membership_changes() {
        let registry = Registry::new();
        let (alice, bob, chat) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut a = registry.register(alice, Uuid::now_v7(), &[chat], 8);
        let mut b = registry.register(bob, Uuid::now_v7(), &[], 8);

        registry.dispatch(&delivery(Target::Chat { chat, except: None }, None));
        assert!(a.rx.try_recv().is_ok());
        assert!(b.rx.try_recv().is_err(), "bob is not a member yet");

        let joined = MembershipChange {
            chat,
            joined: vec![bob],
            left: vec![],
        };
        registry.dispatch(&delivery(Target::Chat { chat, except: None }, Some(joined)));
        assert!(b.rx.try_recv().is_ok(), "the joiner gets the join event");
        assert!(a.rx.try_recv().is_ok(), "and so do the members");

        let left = MembershipChange {
            chat,
            joined: vec![],
            left: vec![bob],
        };
        registry.dispatch(&delivery(
            Target::Chat {
                chat,
                except: Some(alice),
            },
            Some(left),
        ));
        assert!(b.rx.try_recv().is_ok(), "the leaver gets the leave event");
        assert!(a.rx.try_recv().is_err(), "except leaves alice out");
        registry.dispatch(&delivery(Target::Chat { chat, except: None }, None));
        assert!(b.rx.try_recv().is_err(), "then nothing more");
    }

    fn text_of(out: Outbound) -> String {
        match out {
            Outbound::Frame { text, .. } => text.as_str().to_owned(),
            Outbound::Close(..) => String::new(),
        }
    }

    #[tokio::test]
    async fn blocks_turn_messages_into_stand_ins_and_drop_typing_both_ways() {
        use crate::fanout::{Actor, BlockChange};
        let registry = Registry::new();
        let (ada, bob, chat) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut a = registry.register(ada, Uuid::now_v7(), &[chat], 8);
        let mut b = registry.register(bob, Uuid::now_v7(), &[chat], 8);
        let mut block = delivery(Target::Users { users: vec![ada] }, None);
        block.block = Some(BlockChange {
            blocker: ada,
            blocked: bob,
            active: true,
        });
        registry.dispatch(&block);
        assert!(a.rx.try_recv().is_ok(), "the blocker's devices are told");

        let message = Uuid::now_v7();
        let mut from_bob = delivery(Target::Chat { chat, except: None }, None);
        from_bob.actor = Some(Actor {
            user: bob,
            mutual: false,
            placeholder: Some((chat, 7, message)),
        });
        registry.dispatch(&from_bob);
        let stand_in = text_of(a.rx.try_recv().unwrap());
        assert!(stand_in.contains("message:hidden") && stand_in.contains(&message.to_string()));
        assert_eq!(
            text_of(b.rx.try_recv().unwrap()),
            "{}",
            "the sender's own copy"
        );

        let mut ada_typing = delivery(
            Target::Chat {
                chat,
                except: Some(ada),
            },
            None,
        );
        ada_typing.actor = Some(Actor {
            user: ada,
            mutual: true,
            placeholder: None,
        });
        registry.dispatch(&ada_typing);
        assert!(
            b.rx.try_recv().is_err(),
            "the blocked user does not see the blocker type"
        );
    }

    #[tokio::test]
    async fn a_full_queue_closes_the_connection() {
        let registry = Registry::new();
        let (user, chat) = (Uuid::now_v7(), Uuid::now_v7());
        let conn = registry.register(user, Uuid::now_v7(), &[chat], 1);
        registry.dispatch(&delivery(Target::Users { users: vec![user] }, None));
        assert!(conn.kill.borrow().is_none());
        registry.dispatch(&delivery(Target::Users { users: vec![user] }, None));
        assert_eq!(
            conn.kill.borrow().map(|k| k.0),
            Some(common::ws::close::SLOW_CONSUMER)
        );
        assert_eq!(registry.unregister(conn.id), 0);
        assert_eq!(registry.connection_count(), 0);
    }
}
