//! Publishing committed events: each event is serialized once and handed to the bus with
//! its audience. Services call this only after their transaction has committed.

use axum::extract::ws::Utf8Bytes;
use common::ids::{ChatId, SessionId, UserId};
use common::ws::ServerEvent;
use tracing::warn;

use crate::blocks::{Actor, BlockChange};
use crate::fanout::{Delivery, MembershipChange, SharedBus, Target};

/// The services' handle on fan-out.
#[derive(Clone, Debug)]
pub struct Hub {
    bus: SharedBus,
}

impl Hub {
    /// A hub over `bus`.
    pub fn new(bus: SharedBus) -> Self {
        Self { bus }
    }

    /// To every member of `chat`, applying `membership` on every node. A message event is
    /// replaced by `message:hidden` for members who blocked its sender.
    pub fn to_chat(&self, chat: ChatId, event: &ServerEvent, membership: Option<MembershipChange>) {
        let delivers = match event {
            ServerEvent::MessageNew(e) => e.message.sender_id.map(|s| (chat, e.seq, s)),
            _ => None,
        };
        let actor = match event {
            ServerEvent::MessageNew(e) | ServerEvent::MessageEdited(e) => {
                e.message.sender_id.map(|sender| Actor {
                    user: sender,
                    mutual: false,
                    placeholder: Some((chat, e.seq, e.message.id)),
                })
            }
            _ => None,
        };
        self.publish(
            Target::Chat { chat, except: None },
            event,
            Extras {
                membership,
                delivers,
                actor,
                block: None,
            },
        );
    }

    /// To every member of `chat` but `except` (the typist), and not between users a block
    /// separates.
    pub fn to_chat_except(&self, chat: ChatId, except: UserId, event: &ServerEvent) {
        self.publish(
            Target::Chat {
                chat,
                except: Some(except),
            },
            event,
            Extras {
                actor: Some(Actor {
                    user: except,
                    mutual: true,
                    placeholder: None,
                }),
                ..Extras::default()
            },
        );
    }

    /// To every connection of `users`. A `user:status` does not pass between users a block
    /// separates.
    pub fn to_users(&self, users: Vec<UserId>, event: &ServerEvent) {
        if users.is_empty() {
            return;
        }
        let actor = match event {
            ServerEvent::UserStatus(status) => Some(Actor {
                user: status.user_id,
                mutual: true,
                placeholder: None,
            }),
            _ => None,
        };
        self.publish(
            Target::Users { users },
            event,
            Extras {
                actor,
                ..Extras::default()
            },
        );
    }

    /// To the blocker's own connections, with the block applied on every node first.
    pub fn block_changed(&self, change: BlockChange, event: &ServerEvent) {
        self.publish(
            Target::Users {
                users: vec![change.blocker],
            },
            event,
            Extras {
                block: Some(change),
                ..Extras::default()
            },
        );
    }

    /// Closes the connections of an ended session, on every node.
    pub fn end_session(&self, user: UserId, session: SessionId) {
        self.bus.publish(Delivery {
            target: Target::Users { users: vec![user] },
            frame: Utf8Bytes::from_static(""),
            membership: None,
            delivers: None,
            end_session: Some(session),
            actor: None,
            block: None,
            seq: None,
        });
    }

    fn publish(&self, target: Target, event: &ServerEvent, extras: Extras) {
        let seq = match target {
            Target::Chat { .. } => event.seq().map(|(_, seq)| seq),
            Target::Users { .. } => None,
        };
        match serde_json::to_string(event) {
            Ok(text) => self.bus.publish(Delivery {
                target,
                frame: Utf8Bytes::from(text),
                membership: extras.membership,
                delivers: extras.delivers,
                end_session: None,
                actor: extras.actor,
                block: extras.block,
                seq,
            }),
            Err(e) => warn!(error = %e, "cannot serialize an event"),
        }
    }
}

/// What a delivery carries besides its frame and audience.
#[derive(Default)]
struct Extras {
    membership: Option<MembershipChange>,
    delivers: Option<(ChatId, i64, UserId)>,
    actor: Option<Actor>,
    block: Option<BlockChange>,
}
