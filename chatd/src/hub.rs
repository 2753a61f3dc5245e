//! Publishing committed events: each event is serialized once and handed to the bus with
//! its audience. Services call this only after their transaction has committed.

use std::sync::Arc;

use common::ws::ServerEvent;
use tracing::warn;
use uuid::Uuid;

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

    /// To every member of `chat`, applying `membership` on every node.
    pub fn to_chat(&self, chat: Uuid, event: &ServerEvent, membership: Option<MembershipChange>) {
        let delivers = match event {
            ServerEvent::MessageNew(e) => e.message.sender_id.map(|s| (chat, e.seq, s.as_uuid())),
            _ => None,
        };
        self.publish(
            Target::Chat { chat, except: None },
            event,
            membership,
            delivers,
        );
    }

    /// To every member of `chat` but `except`.
    pub fn to_chat_except(&self, chat: Uuid, except: Uuid, event: &ServerEvent) {
        self.publish(
            Target::Chat {
                chat,
                except: Some(except),
            },
            event,
            None,
            None,
        );
    }

    /// To every connection of `users`.
    pub fn to_users(&self, users: Vec<Uuid>, event: &ServerEvent) {
        if users.is_empty() {
            return;
        }
        self.publish(Target::Users { users }, event, None, None);
    }

    /// Closes the connections of an ended session, on every node.
    pub fn end_session(&self, user: Uuid, session: Uuid) {
        self.bus.publish(Delivery {
            target: Target::Users { users: vec![user] },
            frame: Arc::from(""),
            membership: None,
            delivers: None,
            end_session: Some(session),
        });
    }

    fn publish(
        &self,
        target: Target,
        event: &ServerEvent,
        membership: Option<MembershipChange>,
        delivers: Option<(Uuid, i64, Uuid)>,
    ) {
        match serde_json::to_string(event) {
            Ok(text) => self.bus.publish(Delivery {
                target,
                frame: Arc::from(text),
                membership,
                delivers,
                end_session: None,
            }),
            Err(e) => warn!(error = %e, "cannot serialize an event"),
        }
    }
}
