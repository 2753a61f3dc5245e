//! Chats: direct chats between two users and groups of up to 300 with roles.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::messages::Message;
use super::users::User;
use crate::ids::{ChatId, UserId};

/// Direct (exactly two members, one per pair) or group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    /// Two users; asking for it again returns the same chat.
    Direct,
    /// A named group with roles.
    Group,
}

/// A member's role. Direct chats have two members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Plain member: reads and writes.
    Member,
    /// Adds and removes members, renames, deletes others' messages.
    Admin,
    /// Everything an admin can, plus deleting the group and transferring ownership.
    Owner,
}

/// A chat as one member sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Chat {
    /// Id.
    pub id: ChatId,
    /// Direct or group.
    pub kind: ChatKind,
    /// Group name; absent for direct chats (show the peer).
    pub name: Option<String>,
    /// Group slug for links, unique on the server.
    pub slug: Option<String>,
    /// The other member of a direct chat.
    pub peer: Option<User>,
    /// Current members.
    pub member_count: u32,
    /// The caller's role.
    pub role: Role,
    /// The newest event sequence number of the chat.
    pub last_seq: i64,
    /// The caller's read watermark.
    pub last_read_seq: i64,
    /// Messages from others after the read watermark, counted up to 1000.
    pub unread_count: i64,
    /// Unread messages that mention the caller (not capped).
    pub mention_count: i64,
    /// The newest message, if any.
    pub last_message: Option<Message>,
    /// Muted by the caller until then.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub muted_until: Option<OffsetDateTime>,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last message, or creation when there is none: chat lists sort by this.
    #[serde(with = "time::serde::rfc3339")]
    pub last_activity_at: OffsetDateTime,
    /// The group owner's retention in days (shorter than the server's); absent when the
    /// chat follows the server's policy (`retention.message_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// A group's description (up to 1,000 characters, plain text or markdown like messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the group is listed in the directory; direct chats are `private`.
    #[serde(default)]
    pub visibility: Visibility,
    /// A group's member cap (at most 300); absent for direct chats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u32>,
    /// A group's avatar (`/api/chats/{id}/avatar?v=...`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// Who can find and join a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Members join only when added or through an invite link.
    #[default]
    Private,
    /// Listed in the directory; anyone signed in may join.
    Public,
}

impl Visibility {
    /// As stored and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Public => "public",
        }
    }
}

/// The address of a group's avatar, versioned by the avatar's id.
pub fn group_avatar_url(chat: ChatId, avatar: uuid::Uuid) -> String {
    format!("/api/chats/{chat}/avatar?v={}", avatar.simple())
}

/// A member of a chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The user.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// When they joined.
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
    /// Their read watermark.
    pub last_read_seq: i64,
    /// Their delivered watermark.
    pub last_delivered_seq: i64,
}

/// `GET /api/chats/{id}`: the chat and its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatDetail {
    /// The chat.
    #[serde(flatten)]
    pub chat: Chat,
    /// Current members, owner first, then admins, then the rest, each by join time.
    pub participants: Vec<Participant>,
}

/// `GET /api/chats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatList {
    /// The caller's chats, most recent activity first.
    pub chats: Vec<Chat>,
}

/// `POST /api/chats/direct`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDirectRequest {
    /// The other user.
    pub user_id: UserId,
}

/// `POST /api/chats/group`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// 1-100 characters.
    pub name: String,
    /// Optional: 3-64 of `[a-z0-9-]`, unique on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Members besides the creator (who becomes owner); 299 at most.
    #[serde(default)]
    pub participant_ids: Vec<UserId>,
    /// Optional description, up to 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `private` (the default) or `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Member cap, 2-300 (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u32>,
}

/// `PUT /api/chats/{id}`: fields left out stay; `slug: ""` removes the slug.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateChatRequest {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// New description; `""` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// New member cap: at most 300 and not below the current member count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u32>,
}

/// `PUT /api/chats/{id}/retention`: the group's own retention, in days; `null` follows the
/// server's policy again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetRetentionRequest {
    /// Messages older than this many days are pruned; at most the server's
    /// `retention.message_days` when that is set.
    pub days: Option<u32>,
}

/// `POST /api/chats/{id}/participants`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddParticipantsRequest {
    /// Users to add as members.
    pub user_ids: Vec<UserId>,
}

/// `PUT /api/chats/{id}/participants/{userId}`: make a member an admin or back (owner only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateParticipantRequest {
    /// `admin` or `member`; ownership moves with `POST /api/chats/{id}/transfer`.
    pub role: Role,
}

/// `POST /api/chats/{id}/transfer` (owner only): the new owner; the old one becomes admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferOwnershipRequest {
    /// A current member.
    pub user_id: UserId,
}

/// `POST /api/chats/{id}/read`: move the caller's read watermark (never backwards).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkReadRequest {
    /// Everything up to this sequence number has been read.
    pub seq: i64,
}
