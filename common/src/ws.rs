//! The WebSocket protocol. Every frame is `{"type": ..., "id"?: ..., "data": {...}}`; a client
//! frame with an `id` is answered by `{"type": "ack", "id", "data"}` or
//! `{"type": "error", "id", "error"}`. Events that change a chat carry its `seq`.
//!
//! One file on purpose, though long: it is the protocol's catalogue of frame types, read
//! beside docs/protocol.md, and holds data types only (the parsing is in `frame.rs`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::chats::Role;
use crate::api::messages::{Message, SendMessageRequest};
use crate::api::social::{Contact, Notification};
use crate::api::sync::SyncRequest;
use crate::api::users::User;
use crate::error::ErrorBody;
use crate::ids::{ChatId, MessageId, SessionId, UserId};

pub use crate::frame::{ClientFrame, FrameError, ServerFrame};

/// The protocol version announced in the server's `hello` frame.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest text frame the server accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The generic frame shape, for reading a frame before knowing its type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Envelope {
    /// The frame type, e.g. `message:send`, `ack`, `error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A client-chosen correlation id, echoed by the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The payload.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
    /// The error, on `error` frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The first frame the server sends on a connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    /// [`PROTOCOL_VERSION`].
    pub protocol_version: u32,
    /// The server's version.
    pub server_version: String,
    /// The server pings this often; a connection silent for three intervals is closed.
    pub heartbeat_secs: u64,
    /// The authenticated user.
    pub user_id: UserId,
    /// The session of the token.
    pub session_id: SessionId,
    /// [`MAX_FRAME_BYTES`].
    pub max_frame_bytes: usize,
}

/// What a client sends, by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data")]
pub enum ClientRequest {
    /// Authenticate, when the upgrade carried no `Authorization` header. Must come first.
    #[serde(rename = "auth")]
    Auth(AuthData),
    /// Send a message; acked with a [`crate::api::SendResult`].
    #[serde(rename = "message:send")]
    Send(SendData),
    /// Edit one's own message; acked with the message.
    #[serde(rename = "message:edit")]
    Edit(EditData),
    /// Delete a message (own, or any as a group admin).
    #[serde(rename = "message:delete")]
    Delete(MessageRef),
    /// Move the read watermark.
    #[serde(rename = "message:read")]
    Read(ReadData),
    /// The user is typing in a chat (repeat every few seconds while typing).
    #[serde(rename = "typing:start")]
    TypingStart(ChatRef),
    /// The user stopped typing.
    #[serde(rename = "typing:stop")]
    TypingStop(ChatRef),
    /// Add a reaction.
    #[serde(rename = "reaction:add")]
    ReactionAdd(ReactionData),
    /// Remove one's reaction.
    #[serde(rename = "reaction:remove")]
    ReactionRemove(ReactionData),
    /// Set one's presence.
    #[serde(rename = "presence:update")]
    Presence(PresenceData),
    /// Ask for missed events; acked with a [`crate::api::SyncResponse`].
    #[serde(rename = "sync")]
    Sync(SyncRequest),
    /// Application-level ping; acked with no data.
    #[serde(rename = "ping")]
    Ping,
}

/// `auth` data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthData {
    /// An access token.
    pub token: String,
}

/// `message:send` data: the chat plus the fields of [`SendMessageRequest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendData {
    /// The chat.
    pub chat_id: ChatId,
    /// See [`SendMessageRequest::content`].
    pub content: String,
    /// See [`SendMessageRequest::content_type`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// See [`SendMessageRequest::metadata`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// See [`SendMessageRequest::reply_to_id`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_id: Option<MessageId>,
    /// See [`SendMessageRequest::client_id`].
    pub client_id: String,
    /// See [`SendMessageRequest::attachment_ids`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<crate::ids::AttachmentId>,
}

impl SendData {
    /// The chat and the request, as REST takes them.
    pub fn into_parts(self) -> (ChatId, SendMessageRequest) {
        (
            self.chat_id,
            SendMessageRequest {
                content: self.content,
                content_type: self.content_type,
                metadata: self.metadata,
                reply_to_id: self.reply_to_id,
                client_id: self.client_id,
                attachment_ids: self.attachment_ids,
            },
        )
    }
}

/// `message:edit` data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditData {
    /// The message.
    pub message_id: MessageId,
    /// The new text.
    pub content: String,
    /// New metadata; left out keeps the old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// A message named by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageRef {
    /// The message.
    pub message_id: MessageId,
}

/// A chat named by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatRef {
    /// The chat.
    pub chat_id: ChatId,
}

/// `message:read` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadData {
    /// The chat.
    pub chat_id: ChatId,
    /// Everything up to here has been read.
    pub seq: i64,
}

/// `reaction:add` / `reaction:remove` data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReactionData {
    /// The message.
    pub message_id: MessageId,
    /// The emoji.
    pub emoji: String,
}

/// Presence as users set and see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PresenceStatus {
    /// Connected and active.
    Online,
    /// Connected, set away (by the user or by idleness).
    Away,
    /// No connection.
    Offline,
}

/// `presence:update` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PresenceData {
    /// `online` or `away`.
    pub status: PresenceStatus,
}

/// What the server pushes, by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data")]
pub enum ServerEvent {
    /// A new message (numbered).
    #[serde(rename = "message:new")]
    MessageNew(MessageEvent),
    /// A message was edited (numbered).
    #[serde(rename = "message:edited")]
    MessageEdited(MessageEvent),
    /// A message was deleted (numbered).
    #[serde(rename = "message:deleted")]
    MessageDeleted(MessageDeleted),
    /// Retention pruned every message at or below `floorSeq` (numbered).
    #[serde(rename = "chat:pruned")]
    ChatPruned(ChatPruned),
    /// A reaction was added (numbered).
    #[serde(rename = "reaction:added")]
    ReactionAdded(ReactionEvent),
    /// A reaction was removed (numbered).
    #[serde(rename = "reaction:removed")]
    ReactionRemoved(ReactionEvent),
    /// Someone joined or was added (numbered).
    #[serde(rename = "participant:joined")]
    ParticipantJoined(ParticipantJoined),
    /// Someone left or was removed (numbered). The removed user gets it too, then nothing.
    #[serde(rename = "participant:left")]
    ParticipantLeft(ParticipantLeft),
    /// Name, slug, roles or existence of a chat changed (numbered).
    #[serde(rename = "chat:updated")]
    ChatUpdated(ChatUpdated),
    /// Members' delivered watermarks moved: one frame per chat and flush to each sender of
    /// covered messages, with every watermark that covers some of theirs.
    #[serde(rename = "message:delivered")]
    Delivered(DeliveredReceipts),
    /// A member's read watermark moved (to the senders of the covered messages and the
    /// member's own other connections).
    #[serde(rename = "message:read")]
    Read(Receipt),
    /// A member started typing; it stops by itself after a few seconds.
    #[serde(rename = "typing:start")]
    TypingStart(Typing),
    /// A member stopped typing.
    #[serde(rename = "typing:stop")]
    TypingStop(Typing),
    /// A user's presence changed.
    #[serde(rename = "user:status")]
    UserStatus(UserStatus),
    /// Stands in for a message (new or edited) whose sender the recipient blocked: the seq
    /// is taken, the content is not shown (numbered).
    #[serde(rename = "message:hidden")]
    MessageHidden(MessageHidden),
    /// A contact request arrived, or one the user sent from another device (user event).
    #[serde(rename = "contact:request")]
    ContactRequest(ContactEvent),
    /// A contact request was accepted, by either side (user event).
    #[serde(rename = "contact:accepted")]
    ContactAccepted(ContactEvent),
    /// A request was declined or cancelled, or a contact removed (user event).
    #[serde(rename = "contact:removed")]
    ContactRemoved(ContactRemoved),
    /// The user blocked or unblocked someone, on any of their devices (user event).
    #[serde(rename = "block:updated")]
    BlockUpdated(BlockUpdated),
    /// A new notification for the user (user event).
    #[serde(rename = "notification:new")]
    NotificationNew(NotificationEvent),
    /// Notifications were marked read on some device (user event).
    #[serde(rename = "notification:read")]
    NotificationRead(NotificationRead),
    /// Do-not-disturb or a chat's mute changed on some device (user event).
    #[serde(rename = "settings:updated")]
    SettingsUpdated(SettingsUpdated),
}

impl ServerEvent {
    /// The chat and sequence number of a numbered event.
    pub fn seq(&self) -> Option<(ChatId, i64)> {
        match self {
            Self::MessageNew(e) | Self::MessageEdited(e) => Some((e.chat_id, e.seq)),
            Self::MessageDeleted(e) => Some((e.chat_id, e.seq)),
            Self::ChatPruned(e) => Some((e.chat_id, e.seq)),
            Self::ReactionAdded(e) | Self::ReactionRemoved(e) => Some((e.chat_id, e.seq)),
            Self::ParticipantJoined(e) => Some((e.chat_id, e.seq)),
            Self::ParticipantLeft(e) => Some((e.chat_id, e.seq)),
            Self::ChatUpdated(e) => Some((e.chat_id, e.seq)),
            Self::MessageHidden(e) => Some((e.chat_id, e.seq)),
            _ => None,
        }
    }

    /// The `userSeq` of a user event (numbered per user, recovered by `sync` with `userSeq`).
    pub fn user_seq(&self) -> Option<i64> {
        match self {
            Self::ContactRequest(e) | Self::ContactAccepted(e) => Some(e.user_seq),
            Self::ContactRemoved(e) => Some(e.user_seq),
            Self::BlockUpdated(e) => Some(e.user_seq),
            Self::NotificationNew(e) => Some(e.user_seq),
            Self::NotificationRead(e) => Some(e.user_seq),
            Self::SettingsUpdated(e) => Some(e.user_seq),
            _ => None,
        }
    }
}

/// `message:hidden`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageHidden {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// The hidden message.
    pub message_id: MessageId,
}

/// `contact:request` / `contact:accepted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactEvent {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// The request or contact, as the recipient sees it.
    pub contact: Contact,
}

/// Why a request or contact is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContactRemovedReason {
    /// The addressee declined the request.
    Declined,
    /// The requester cancelled it.
    Cancelled,
    /// One side removed the contact.
    Removed,
    /// One side blocked the other (told to the blocker's devices only).
    Blocked,
}

/// `contact:removed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactRemoved {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// The request or contact.
    pub contact_id: uuid::Uuid,
    /// The other user.
    pub user_id: UserId,
    /// Why.
    pub reason: ContactRemovedReason,
}

/// `block:updated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockUpdated {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// The user blocked or unblocked.
    pub user_id: UserId,
    /// Blocked now.
    pub blocked: bool,
}

/// `notification:new`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationEvent {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// The notification.
    pub notification: Notification,
}

/// `notification:read`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationRead {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// These were marked read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<uuid::Uuid>,
    /// Everything up to this id was marked read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<uuid::Uuid>,
    /// Everything was marked read.
    #[serde(default)]
    pub all: bool,
}

/// `settings:updated`: one of the user's notification settings, or their privacy settings,
/// as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SettingsUpdated {
    /// This event's number among the user's own events.
    pub user_seq: i64,
    /// Do-not-disturb, when that is what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd: Option<crate::api::social::Silence>,
    /// A chat's mute, when that is what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<ChatMute>,
    /// The privacy settings as they are now, when they changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<crate::api::users::Privacy>,
}

/// A chat's mute in `settings:updated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatMute {
    /// The chat.
    pub chat_id: ChatId,
    /// The mute now.
    pub silence: crate::api::social::Silence,
}

/// `message:new` / `message:edited`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageEvent {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number (for `message:new`, the message's own).
    pub seq: i64,
    /// The message as it is now.
    pub message: Message,
}

/// `message:deleted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageDeleted {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// The deleted message.
    pub message_id: MessageId,
}

/// `chat:pruned`: the retention job deleted the messages at or below `floor_seq` (their
/// slots stay as deleted messages). One event per chat and batch, whatever the count, so a
/// large prune costs one frame per member rather than one per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatPruned {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// Every message with a seq at or below this one is gone.
    pub floor_seq: i64,
    /// How many messages this batch pruned.
    pub count: i64,
}

/// `reaction:added` / `reaction:removed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReactionEvent {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// The message.
    pub message_id: MessageId,
    /// Who reacted.
    pub user_id: UserId,
    /// The emoji.
    pub emoji: String,
}

/// `participant:joined`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantJoined {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// Who joined.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// Who added them (the creator, an admin), if anyone.
    pub added_by: Option<UserId>,
}

/// Why someone is no longer a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LeftReason {
    /// They left.
    Left,
    /// An admin removed them.
    Removed,
    /// The group was deleted.
    Deleted,
}

/// `participant:left`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantLeft {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// Who left.
    pub user_id: UserId,
    /// Why.
    pub reason: LeftReason,
}

/// A member's role, as carried by `chat:updated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoleChange {
    /// The member.
    pub user_id: UserId,
    /// The new role.
    pub role: Role,
}

/// `chat:updated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatUpdated {
    /// The chat.
    pub chat_id: ChatId,
    /// This event's sequence number.
    pub seq: i64,
    /// The name now.
    pub name: Option<String>,
    /// The slug now.
    pub slug: Option<String>,
    /// Roles that changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleChange>,
    /// The group was deleted.
    #[serde(default)]
    pub deleted: bool,
    /// The group's description, visibility, cap and avatar as they are now; present when
    /// one of them changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::api::GroupProfile>,
}

/// `message:read`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The chat.
    pub chat_id: ChatId,
    /// Whose watermark moved.
    pub user_id: UserId,
    /// Everything up to here is delivered (or read).
    pub seq: i64,
}

/// `message:delivered`: the delivered watermarks of a chat that moved past messages of the
/// recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveredReceipts {
    /// The chat.
    pub chat_id: ChatId,
    /// Whose watermark moved, and to where.
    pub receipts: Vec<Watermark>,
}

/// One member's watermark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Watermark {
    /// The member.
    pub user_id: UserId,
    /// Everything up to here is delivered.
    pub seq: i64,
}

/// `typing:start` / `typing:stop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Typing {
    /// The chat.
    pub chat_id: ChatId,
    /// Who.
    pub user_id: UserId,
}

/// `user:status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    /// Who.
    pub user_id: UserId,
    /// Online, away or offline.
    pub status: PresenceStatus,
    /// When they were last connected (for offline).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_seen_at: Option<OffsetDateTime>,
}

/// Close codes the server uses beyond the standard ones.
pub mod close {
    /// Authentication failed or the session ended.
    pub const UNAUTHORIZED: u16 = 4001;
    /// The connection fell too far behind; reconnect and `sync`.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// No frame (not even a pong) for three heartbeat intervals.
    pub const IDLE_TIMEOUT: u16 = 4009;
    /// The account already holds the most connections one account may hold on this node
    /// (`ws.max_connections_per_user`); close another one first.
    pub const TOO_MANY_CONNECTIONS: u16 = 4029;
    /// The server failed while handling a frame; reconnect and `sync`.
    pub const SERVER_ERROR: u16 = 1011;
    /// The server is shutting down; reconnect (to another node) and `sync`.
    pub const GOING_AWAY: u16 = 1001;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_uses_type_id_data() {
        let frame: Envelope =
            serde_json::from_str(r#"{"type":"ping","id":"1","data":{"a":1}}"#).unwrap();
        assert_eq!(frame.kind, "ping");
        assert_eq!(frame.id.as_deref(), Some("1"));
        assert_eq!(frame.data["a"], 1);
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(json["type"], "ping");
        assert!(json.get("error").is_none());
    }

    #[test]
    fn client_requests_use_the_design_names() {
        let send: ClientRequest = serde_json::from_str(
            r#"{"type":"message:send","data":{"chatId":"01a20258-eac8-769a-9e59-81d63e55f208","content":"hi","clientId":"c1"}}"#,
        )
        .unwrap();
        let ClientRequest::Send(data) = &send else {
            panic!("{send:?}")
        };
        assert_eq!(data.content, "hi");
        let json = serde_json::to_value(&send).unwrap();
        assert_eq!(json["type"], "message:send");
        assert_eq!(serde_json::from_value::<ClientRequest>(json).unwrap(), send);

        let ping: ClientRequest = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(ping, ClientRequest::Ping);
        assert!(serde_json::from_str::<ClientRequest>(r#"{"type":"nope","data":{}}"#).is_err());
    }

    #[test]
    fn server_events_round_trip_with_their_seq() {
        let event = ServerEvent::MessageDeleted(MessageDeleted {
            chat_id: ChatId::new(),
            seq: 7,
            message_id: MessageId::new(),
        });
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "message:deleted");
        assert_eq!(json["data"]["seq"], 7);
        let back: ServerEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
        assert_eq!(back.seq().map(|(_, s)| s), Some(7));
        let typing = ServerEvent::TypingStart(Typing {
            chat_id: ChatId::new(),
            user_id: UserId::new(),
        });
        assert_eq!(typing.seq(), None);
    }
}
