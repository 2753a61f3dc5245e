//! User profiles.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::UserId;

/// A user as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The unique, lower-case username.
    pub username: String,
    /// The display name, if set.
    #[serde(default)]
    pub display_name: Option<String>,
    /// A short status line, if set.
    #[serde(default)]
    pub status_message: Option<String>,
    /// When the account was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `PUT /api/users/me`: fields left out stay as they are; an empty string clears one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProfileRequest {
    /// New display name; `""` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New status message; `""` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}

/// The caller's own account: the public profile plus private fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The public profile.
    #[serde(flatten)]
    pub user: User,
    /// Whether the account is a server administrator.
    pub is_admin: bool,
    /// The account's email address, verified or not (only its owner sees it).
    #[serde(default)]
    pub email: Option<String>,
    /// Whether `email` is verified.
    #[serde(default)]
    pub email_verified: bool,
}

/// `POST /api/presence`: the presence of these users (at most 500; users who share no chat
/// with the caller are left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PresenceRequest {
    /// The users.
    pub user_ids: Vec<UserId>,
}

/// The answer to `POST /api/presence`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceList {
    /// One entry per visible user, as in `user:status` frames.
    pub users: Vec<crate::ws::UserStatus>,
}
