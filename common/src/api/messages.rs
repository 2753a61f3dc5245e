//! Messages: send, edit, delete, reactions, pages of history.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{ChatId, MessageId, UserId};

/// A message. A deleted one keeps its slot with `deleted: true` and no content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Id.
    pub id: MessageId,
    /// The chat.
    pub chat_id: ChatId,
    /// The sequence number it was created at.
    pub seq: i64,
    /// The author; absent when the account was deleted.
    pub sender_id: Option<UserId>,
    /// The author's idempotency key (lets the author's devices match their pending copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The text; absent once deleted.
    pub content: Option<String>,
    /// `text` (the default) or `markdown`.
    pub content_type: String,
    /// Client metadata, e.g. `{"formatting": [{"start": 0, "end": 4, "style": "bold"}]}`.
    pub metadata: serde_json::Value,
    /// The message this one replies to.
    pub reply_to_id: Option<MessageId>,
    /// Members mentioned with `@username`.
    pub mentions: Vec<UserId>,
    /// Reactions, one entry per emoji.
    pub reactions: Vec<Reaction>,
    /// Sent.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last edited.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
    /// Deleted: content, mentions and reactions are gone.
    pub deleted: bool,
    /// Attached images, in the order they were named on send.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<super::Attachment>,
}

/// The reactions with one emoji on a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// Who reacted, oldest first.
    pub user_ids: Vec<UserId>,
}

/// `POST /api/chats/{id}/messages`, and the `data` of a `message:send` frame (which adds
/// `chatId`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessageRequest {
    /// 1-10,000 characters.
    pub content: String,
    /// `text` (default) or `markdown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Client metadata; `formatting` ranges are checked against the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// A message of the same chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_id: Option<MessageId>,
    /// The client's own id for this send (1-64 characters): a resend with the same id
    /// returns the first result and never stores twice.
    pub client_id: String,
    /// Up to 5 of the sender's own uploads not yet attached to a message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<crate::ids::AttachmentId>,
}

/// The answer to a send, on REST and in the `ack` of `message:send`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    /// The message id.
    pub message_id: MessageId,
    /// Its sequence number in the chat.
    pub seq: i64,
    /// The server's clock when it answered (after the commit).
    #[serde(with = "time::serde::rfc3339")]
    pub server_time: OffsetDateTime,
    /// True when this was a resend of an already stored message.
    pub duplicate: bool,
    /// The stored message.
    pub message: Message,
}

/// `PUT /api/messages/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessageRequest {
    /// The new text.
    pub content: String,
    /// New metadata; left out keeps the old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// `POST /api/messages/{id}/reactions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReactionRequest {
    /// One emoji (1-32 bytes, no spaces or control characters).
    pub emoji: String,
}

/// `GET /api/chats/{id}/messages`: messages in ascending `seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages, oldest first.
    pub messages: Vec<Message>,
    /// Older messages may exist (page with `before=<first seq>`); exact for the latest page
    /// and `before`/`around` pages, always true on `after` pages.
    pub has_more_before: bool,
    /// Newer messages may exist (page with `after=<last seq>`); exact for `after`/`around`
    /// pages, false for the latest page, always true on `before` pages.
    pub has_more_after: bool,
}
