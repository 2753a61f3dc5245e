//! Contacts, blocks, notifications, mute and do-not-disturb, push devices and deep links.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::users::User;
use crate::ids::{ChatId, MessageId, UserId};

/// The `until` that stands for "forever" in mute and do-not-disturb answers and in a chat's
/// `mutedUntil`: 9999-12-31T23:59:59Z.
pub const FOREVER: OffsetDateTime = time::macros::datetime!(9999-12-31 23:59:59 UTC);

/// Where a contact request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContactStatus {
    /// Asked, not yet answered.
    Pending,
    /// Both are contacts.
    Accepted,
}

/// A contact or a contact request, as one side sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The request's id; it stays the contact's id once accepted.
    pub id: uuid::Uuid,
    /// The other user.
    pub user: User,
    /// Pending or accepted.
    pub status: ContactStatus,
    /// Whether the caller sent the request (`outgoing`) or received it.
    pub outgoing: bool,
    /// The note sent with the request.
    #[serde(default)]
    pub message: Option<String>,
    /// When it was requested.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was accepted.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub accepted_at: Option<OffsetDateTime>,
}

/// `POST /api/contacts`: ask `userId` to become a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactRequest {
    /// Whom to ask.
    pub user_id: UserId,
    /// A note for them (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `GET /api/contacts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactList {
    /// Accepted contacts, by username.
    pub contacts: Vec<Contact>,
}

/// `GET /api/contacts/pending`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PendingContacts {
    /// Requests others sent the caller, newest first.
    pub incoming: Vec<Contact>,
    /// Requests the caller sent, newest first.
    pub outgoing: Vec<Contact>,
}

/// A user the caller blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// The blocked user.
    pub user: User,
    /// Since when.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /api/blocks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockList {
    /// Blocked users, newest first.
    pub blocks: Vec<Block>,
}

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A message mentions the user.
    Mention,
    /// A message replies to one of the user's messages.
    Reply,
    /// Someone asked the user to become a contact.
    ContactRequest,
    /// Someone accepted the user's contact request.
    ContactAccepted,
    /// Someone added the user to a group.
    GroupInvite,
}

impl NotificationKind {
    /// The stored and wire name, e.g. `contact_request`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mention => "mention",
            Self::Reply => "reply",
            Self::ContactRequest => "contact_request",
            Self::ContactAccepted => "contact_accepted",
            Self::GroupInvite => "group_invite",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "mention" => Self::Mention,
            "reply" => Self::Reply,
            "contact_request" => Self::ContactRequest,
            "contact_accepted" => Self::ContactAccepted,
            "group_invite" => Self::GroupInvite,
            _ => return None,
        })
    }
}

/// One notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Its id (time-ordered).
    pub id: uuid::Uuid,
    /// What it is about.
    pub kind: NotificationKind,
    /// Who caused it.
    #[serde(default)]
    pub actor_id: Option<UserId>,
    /// The chat (mentions, replies, group invitations).
    #[serde(default)]
    pub chat_id: Option<ChatId>,
    /// The message (mentions, replies).
    #[serde(default)]
    pub message_id: Option<MessageId>,
    /// The contact request (contact kinds).
    #[serde(default)]
    pub contact_id: Option<uuid::Uuid>,
    /// Created while the chat was muted or the user in do-not-disturb: listed and synced,
    /// never pushed; clients show it without an alert.
    pub silent: bool,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was marked read.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

/// `GET /api/notifications`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationPage {
    /// Newest first.
    pub notifications: Vec<Notification>,
    /// Older ones exist: ask again with `before` = the last id.
    pub has_more: bool,
    /// The caller's unread notifications in all.
    pub unread_count: i64,
}

/// `POST /api/notifications/read`: the notifications named, or everything up to and
/// including `upTo`, or (neither) all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkNotificationsRead {
    /// These (at most 500).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<uuid::Uuid>,
    /// Everything up to this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<uuid::Uuid>,
}

/// The answer to [`MarkNotificationsRead`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationsMarked {
    /// How many changed from unread to read.
    pub marked: u64,
    /// Unread left.
    pub unread_count: i64,
}

/// `PUT /api/chats/{id}/mute` and `PUT /api/notifications/dnd`: `until` a time, or
/// `forever`; exactly one of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SilenceRequest {
    /// Until then (must be in the future).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<OffsetDateTime>,
    /// Until turned off.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forever: bool,
}

/// A mute or do-not-disturb state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    /// In effect now.
    pub active: bool,
    /// Until then; [`FOREVER`] for forever; absent when off.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
    /// Set with `forever`.
    pub forever: bool,
}

impl Silence {
    /// The state for a stored `until`, now.
    pub fn from_until(until: Option<OffsetDateTime>) -> Self {
        let now = OffsetDateTime::now_utc();
        match until {
            Some(until) if until > now => Self {
                active: true,
                until: Some(until),
                forever: until >= FOREVER,
            },
            _ => Self {
                active: false,
                until: None,
                forever: false,
            },
        }
    }
}

/// `GET /api/notifications/settings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettings {
    /// Do-not-disturb.
    pub dnd: Silence,
}

/// `POST /api/push/devices`: a push endpoint (an ntfy topic URL, a `UnifiedPush` endpoint).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterPushDevice {
    /// Where chatd POSTs the JSON of each push (`https://` unless the server allows http).
    pub endpoint: String,
    /// A label for the user (at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A registered push endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushDevice {
    /// Its id.
    pub id: uuid::Uuid,
    /// The endpoint.
    pub endpoint: String,
    /// The label.
    #[serde(default)]
    pub name: Option<String>,
    /// Registered.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The last push the endpoint accepted.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_success_at: Option<OffsetDateTime>,
    /// Pushes that failed after every retry since the last success.
    pub failures: i32,
}

/// `GET /api/push/devices`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushDeviceList {
    /// The caller's endpoints.
    pub devices: Vec<PushDevice>,
}

/// What chatd POSTs to a push endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushPayload {
    /// `notification` (a mention, reply, contact request or answer, group invitation) or
    /// `message` (a message in a direct chat).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short line for a person, e.g. `ada mentioned you`.
    pub title: String,
    /// The message text, only when the server has `push.include_text` on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The notification, for `notification`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<Notification>,
    /// The message, for `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<PushedMessage>,
    /// A deep link to open, when there is a chat and `http.public_url` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// The message a `message` push is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushedMessage {
    /// The chat.
    pub chat_id: ChatId,
    /// The message.
    pub message_id: MessageId,
    /// Its sender.
    pub sender_id: UserId,
}

/// `GET /api/links/resolve`, `GET /api/chats/{id}/link`, `GET /api/messages/{id}/link`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolvedLink {
    /// The chat.
    pub chat_id: ChatId,
    /// The message, for message links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// The chat's slug, if it has one.
    #[serde(default)]
    pub slug: Option<String>,
    /// The canonical `chat://` link.
    pub link: String,
    /// The same as `https://`.
    pub web_link: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in [
            NotificationKind::Mention,
            NotificationKind::Reply,
            NotificationKind::ContactRequest,
            NotificationKind::ContactAccepted,
            NotificationKind::GroupInvite,
        ] {
            assert_eq!(NotificationKind::from_name(kind.as_str()), Some(kind));
            let wire = serde_json::to_string(&kind).unwrap();
            assert_eq!(wire, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn silence_reads_forever_and_expiry() {
        assert!(Silence::from_until(Some(FOREVER)).forever);
        let past = OffsetDateTime::now_utc() - time::Duration::minutes(1);
        assert!(!Silence::from_until(Some(past)).active);
        assert!(!Silence::from_until(None).active);
    }
}
