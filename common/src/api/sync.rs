//! Resync: every event a client missed, per chat, from the last sequence number it holds.

use serde::{Deserialize, Serialize};

use crate::ids::ChatId;
use crate::ws::ServerEvent;

/// Where a client stands in one chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatCursor {
    /// The chat.
    pub chat_id: ChatId,
    /// The last sequence number the client holds.
    pub seq: i64,
}

/// `POST /api/sync` and the `data` of a `sync` frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncRequest {
    /// The chats the client holds, with their last sequence numbers.
    #[serde(default)]
    pub chats: Vec<ChatCursor>,
    /// Most events per chat in this answer (1-1000, default 500); `hasMore` says when to
    /// ask again from the last returned seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The last `userSeq` the client holds of its own user events (contacts, blocks,
    /// notifications); the answer's `user` carries the events after it. Left out: the
    /// answer carries only the newest `userSeq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_seq: Option<i64>,
    /// Return the messages of users the caller blocked as they are, instead of
    /// `message:hidden` stand-ins.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub include_blocked: bool,
}

/// What a client missed in one chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatSync {
    /// The chat.
    pub chat_id: ChatId,
    /// Whether the caller is (still) a member. A former member gets no events: drop the chat.
    pub member: bool,
    /// The events after the cursor, in order, each exactly once.
    pub events: Vec<ServerEvent>,
    /// The chat's newest sequence number now.
    pub last_seq: i64,
    /// More events follow the last one returned.
    pub has_more: bool,
    /// The caller's read watermark (it moves with reads on other devices).
    pub last_read_seq: i64,
}

/// The answer: every chat the caller is in (those the client did not name come with no
/// events and their `lastSeq`: load them fresh), plus the named chats they left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    /// One entry per chat.
    pub chats: Vec<ChatSync>,
    /// The caller's own user events after `userSeq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserSync>,
}

/// What a client missed of its user's own events (contact requests and answers, blocks,
/// notifications), numbered per user by `userSeq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSync {
    /// The events after the cursor, in order, each exactly once.
    pub events: Vec<ServerEvent>,
    /// The user's newest `userSeq` now.
    pub last_seq: i64,
    /// More events follow the last one returned.
    pub has_more: bool,
    /// The cursor is older than the events the server keeps (they are pruned after a
    /// while): `events` is empty; reload contacts, blocks and notifications from their
    /// lists and continue from `last_seq`.
    #[serde(default)]
    pub cursor_expired: bool,
}
