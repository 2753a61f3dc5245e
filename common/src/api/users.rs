//! User profiles.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::UserId;

/// A user as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The avatar's address on this server (`GET`, with `&size=small` for the small one),
    /// or null without one. It changes with the picture.
    #[serde(default)]
    pub avatar_url: Option<String>,
}

/// The address of a user's avatar: its id in the query, so the address changes with the
/// picture.
pub fn avatar_url(user: UserId, avatar: uuid::Uuid) -> String {
    format!("/api/users/{user}/avatar?v={}", avatar.simple())
}

/// The answer to `PUT /api/users/me/avatar`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AvatarSet {
    /// The new avatar's address (as in user objects from now on).
    pub avatar_url: String,
}

/// `PUT /api/users/me`: fields left out stay as they are; an empty string clears one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PresenceRequest {
    /// The users.
    pub user_ids: Vec<UserId>,
}

/// The answer to `POST /api/presence`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PresenceList {
    /// One entry per visible user, as in `user:status` frames.
    pub users: Vec<crate::ws::UserStatus>,
}

/// Who sees a user's presence and last seen time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum PresenceAudience {
    /// Everyone who shares a chat with the user.
    #[default]
    Everyone,
    /// Accepted contacts who share a chat with the user.
    Contacts,
    /// No one (the user's own devices still do).
    Nobody,
}

/// Who may open a direct chat with a user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DirectChatsFrom {
    /// Anyone (unless a block or the server's contact rule stands between).
    #[default]
    Everyone,
    /// Accepted contacts only.
    Contacts,
}

/// Who may send a user a contact request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ContactRequestsFrom {
    /// Anyone.
    #[default]
    Everyone,
    /// No one.
    Nobody,
}

/// `GET /api/users/me/privacy`, and the answer to `PUT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Privacy {
    /// Who sees my presence and last seen time.
    pub presence: PresenceAudience,
    /// Who may open a direct chat with me.
    pub direct_chats: DirectChatsFrom,
    /// Whether I appear in other users' searches (my contacts always find me).
    pub searchable: bool,
    /// Who may send me a contact request.
    pub contact_requests: ContactRequestsFrom,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            presence: PresenceAudience::Everyone,
            direct_chats: DirectChatsFrom::Everyone,
            searchable: true,
            contact_requests: ContactRequestsFrom::Everyone,
        }
    }
}

/// `PUT /api/users/me/privacy`: fields left out stay as they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdatePrivacyRequest {
    /// Who sees my presence and last seen time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<PresenceAudience>,
    /// Who may open a direct chat with me.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_chats: Option<DirectChatsFrom>,
    /// Whether I appear in other users' searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<bool>,
    /// Who may send me a contact request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_requests: Option<ContactRequestsFrom>,
}

impl Privacy {
    /// These settings with the fields `req` sets replaced.
    #[must_use]
    pub fn with(self, req: &UpdatePrivacyRequest) -> Self {
        Self {
            presence: req.presence.unwrap_or(self.presence),
            direct_chats: req.direct_chats.unwrap_or(self.direct_chats),
            searchable: req.searchable.unwrap_or(self.searchable),
            contact_requests: req.contact_requests.unwrap_or(self.contact_requests),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privacy_is_camel_case_and_lower_case_values() {
        let privacy = Privacy {
            presence: PresenceAudience::Nobody,
            direct_chats: DirectChatsFrom::Contacts,
            searchable: false,
            contact_requests: ContactRequestsFrom::Nobody,
        };
        let json = serde_json::to_string(&privacy).unwrap();
        assert_eq!(
            json,
            r#"{"presence":"nobody","directChats":"contacts","searchable":false,"contactRequests":"nobody"}"#
        );
        assert_eq!(serde_json::from_str::<Privacy>(&json).unwrap(), privacy);
        assert!(serde_json::from_str::<UpdatePrivacyRequest>(r#"{"presence":"some"}"#).is_err());
        let req: UpdatePrivacyRequest = serde_json::from_str(r#"{"searchable":false}"#).unwrap();
        assert!(!Privacy::default().with(&req).searchable);
    }
}
