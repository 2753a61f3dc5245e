//! Typing indicators. The node of the typist's connection keeps a deadline per
//! `(chat, user)`; a `typing:start` that is not repeated within [`TYPING_TTL`] ends by itself
//! with a `typing:stop`, as does a send or the connection closing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::ids::{ChatId, UserId};
use common::ws::{ServerEvent, Typing as TypingData};
use tokio::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::fanout::Registry;
use crate::hub::Hub;
use crate::tasks::Tasks;

/// How long a `typing:start` lasts without a repeat.
pub const TYPING_TTL: Duration = Duration::from_secs(6);

/// Who is typing where, on this node.
#[derive(Clone, Debug)]
pub struct Typing {
    active: Arc<Mutex<HashMap<(ChatId, UserId), Instant>>>,
    hub: Hub,
    registry: Arc<Registry>,
}

impl Typing {
    /// Starts the expiry sweeper under `tasks`; it ends when their token is cancelled.
    /// `registry` is this node's, which holds the typist's connection and so knows the
    /// chats the typist is in.
    pub fn start(hub: Hub, registry: Arc<Registry>, tasks: &Tasks) -> Self {
        let this = Self {
            active: Arc::new(Mutex::new(HashMap::new())),
            hub,
            registry,
        };
        let sweeper = this.clone();
        tasks.supervise("typing-sweeper", move |token| sweeper.clone().sweep(token));
        this
    }

    /// `user` types in `chat`. Only the first start of a spell is announced; repeats extend
    /// it. A chat the typist is not in is "not found". The typist has a connection on this
    /// node, so the registry's membership answers without a query (a start comes every few
    /// seconds from every typist).
    pub fn started(&self, chat: ChatId, user: UserId) -> Result<()> {
        if !self.registry.is_member(chat, user) {
            return Err(Error::NotFound("no such chat"));
        }
        let fresh = self.active.lock().is_ok_and(|mut active| {
            active
                .insert((chat, user), Instant::now() + TYPING_TTL)
                .is_none()
        });
        if fresh {
            self.announce(chat, user, true);
        }
        Ok(())
    }

    /// `user` stopped typing in `chat` (or sent a message there).
    pub fn stopped(&self, chat: ChatId, user: UserId) {
        let was = self
            .active
            .lock()
            .is_ok_and(|mut active| active.remove(&(chat, user)).is_some());
        if was {
            self.announce(chat, user, false);
        }
    }

    /// `user`'s last connection on this node closed.
    pub fn user_gone(&self, user: UserId) {
        let chats: Vec<ChatId> = self.active.lock().map_or_else(
            |_| Vec::new(),
            |mut active| {
                let chats: Vec<ChatId> =
                    active.keys().filter(|k| k.1 == user).map(|k| k.0).collect();
                for chat in &chats {
                    active.remove(&(*chat, user));
                }
                chats
            },
        );
        for chat in chats {
            self.announce(chat, user, false);
        }
    }

    fn announce(&self, chat: ChatId, user: UserId, start: bool) {
        let data = TypingData {
            chat_id: chat,
            user_id: user,
        };
        let event = if start {
            ServerEvent::TypingStart(data)
        } else {
            ServerEvent::TypingStop(data)
        };
        self.hub.to_chat_except(chat, user, &event);
    }

    async fn sweep(self, token: CancellationToken) {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                () = token.cancelled() => return,
                _ = tick.tick() => {}
            }
            let now = Instant::now();
            let expired: Vec<(ChatId, UserId)> = self.active.lock().map_or_else(
                |_| Vec::new(),
                |mut active| {
                    let expired: Vec<_> = active
                        .iter()
                        .filter(|(_, d)| **d <= now)
                        .map(|(k, _)| *k)
                        .collect();
                    for key in &expired {
                        active.remove(key);
                    }
                    expired
                },
            );
            for (chat, user) in expired {
                self.announce(chat, user, false);
            }
        }
    }
}
