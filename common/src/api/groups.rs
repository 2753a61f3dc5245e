//! Group profiles, the public directory and invite links.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::chats::Visibility;
use crate::ids::ChatId;

/// Largest group description, in characters.
pub const DESCRIPTION_MAX: usize = 1000;

/// A group's description, visibility, member cap and avatar, as `chat:updated` carries them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupProfile {
    /// The description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `private` or `public`.
    pub visibility: Visibility,
    /// The member cap.
    pub max_members: u32,
    /// The avatar's address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// A public group as the directory (`GET /api/chats/public`) and an invite preview show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    /// The group.
    pub id: ChatId,
    /// Name.
    pub name: String,
    /// Slug, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `private` or `public`.
    pub visibility: Visibility,
    /// Current members.
    pub member_count: u32,
    /// The member cap.
    pub max_members: u32,
    /// The avatar's address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// `POST /api/chats/{id}/invites`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateGroupInviteRequest {
    /// Lifetime in seconds (60 to 30 days); never expires when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_secs: Option<u64>,
    /// How many joins it allows (1-10,000); unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<u32>,
}

/// An invite link of a group. `token` and the links are only in the answer that created
/// it: the server keeps the token's hash only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupInvite {
    /// The invite's id (for revoking it).
    pub id: uuid::Uuid,
    /// The group.
    pub chat_id: ChatId,
    /// The secret token (creation answer only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `chat://<host>/join/<token>` (creation answer only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// `https://<host>/join/<token>` (creation answer only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_link: Option<String>,
    /// Joins so far.
    pub uses: u32,
    /// The cap on joins, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<u32>,
    /// When it stops working, if ever.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /api/chats/{id}/invites`: the live invites, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InviteList {
    /// Invites neither revoked, expired nor used up.
    pub invites: Vec<GroupInvite>,
}
