//! Fan-out: who gets which frame. A node keeps a [`Registry`] of its own connections by user
//! and by chat; a [`Bus`] carries every [`Delivery`] to every node (in process for one node,
//! Redis pub/sub for many). A frame is serialized once and shared by every connection.
//!
//! Live fan-out is only the fast path: a frame lost here (a node restart, a dropped pub/sub
//! message, a slow consumer cut off) is recovered by the client's resync from PostgreSQL.

mod local;
mod membership;
pub mod notices;
mod order;
mod redis_bus;
mod registry;

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use common::ids::{ChatId, SessionId, UserId};
use serde::{Deserialize, Serialize};

use crate::blocks::{Actor, BlockChange};

pub use local::LocalBus;
pub use membership::MembershipLoad;
pub use redis_bus::{RedisBus, WireDelivery};
pub use registry::{ConnId, Outbound, Registration, Registry, TooManyConnections};

/// Who a frame is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Target {
    /// Every connection of every current member of the chat.
    Chat {
        /// The chat.
        chat: ChatId,
        /// A user left out (the typist of a typing event).
        except: Option<UserId>,
    },
    /// Every connection of these users.
    Users {
        /// The users.
        users: Vec<UserId>,
    },
}

/// Membership changes a delivery carries, applied by every node's registry *before* the
/// frame goes out (joined users get the frame) and *after* it (left users get it last).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipChange {
    /// The chat.
    pub chat: ChatId,
    /// Users now in it.
    pub joined: Vec<UserId>,
    /// Users no longer in it.
    pub left: Vec<UserId>,
}

/// A frame and its audience.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Who gets it.
    pub target: Target,
    /// The serialized frame, as the bytes every socket writes (shared, never copied per
    /// connection; over Redis it travels as a JSON string).
    #[serde(with = "frame_text")]
    pub frame: Utf8Bytes,
    /// Membership changes that go with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<MembershipChange>,
    /// For `message:new`: `(chat, seq, sender)`, so that the connections that deliver it
    /// can move their user's delivered watermark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivers: Option<(ChatId, i64, UserId)>,
    /// A session that ended (logout, revocation): its connections close with 4001 on every
    /// node instead of receiving the frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session: Option<SessionId>,
    /// Whose activity the frame shows: it is kept from the users blocks separate them from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    /// A block or unblock, applied to every node's [`BlockCache`] before the frame goes out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockChange>,
    /// The chat seq of a numbered event to a chat: every node delivers a chat's events in
    /// this order (`order.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
}

impl Delivery {
    /// The chat and seq this delivery is ordered by, if it is a numbered chat event.
    pub fn ordering(&self) -> Option<(ChatId, i64)> {
        match (&self.target, self.seq) {
            (Target::Chat { chat, .. }, Some(seq)) => Some((*chat, seq)),
            _ => None,
        }
    }
}

/// [`Delivery::frame`] over Redis: the frame's text as a JSON string.
mod frame_text {
    use axum::extract::ws::Utf8Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(frame: &Utf8Bytes, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(frame.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Utf8Bytes, D::Error> {
        String::deserialize(deserializer).map(Utf8Bytes::from)
    }
}

/// Carries deliveries to every node. Publishing never blocks the caller.
pub trait Bus: Send + Sync + std::fmt::Debug {
    /// Sends `delivery` to the connections it targets, on this node and every other.
    fn publish(&self, delivery: Delivery);
}

/// The bus as services hold it.
pub type SharedBus = Arc<dyn Bus>;
