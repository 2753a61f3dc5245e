//! Accounts and sessions: register, log in, refresh, log out, list and revoke sessions.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::users::User;
use crate::ids::SessionId;

/// `POST /api/auth/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3-32 characters of `[a-z0-9_.-]`; upper case is folded to lower case.
    pub username: String,
    /// Must satisfy the server's password policy.
    pub password: String,
    /// Must equal `password`.
    pub password_confirm: String,
    /// Shown instead of the username where set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Required when the server's registration is invite-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// An email address, mailed a verification link; required when the server requires
    /// verified addresses (`auth.require_verified_email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `POST /api/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// The username, any case.
    pub username: String,
    /// The password.
    pub password: String,
}

/// `POST /api/auth/refresh`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh; it is single-use.
    pub refresh_token: String,
}

/// The answer to a login or a refresh.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// A short-lived bearer token for `Authorization: Bearer`.
    pub access_token: String,
    /// A single-use secret for `POST /api/auth/refresh`.
    pub refresh_token: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    /// The session these tokens belong to.
    pub session_id: SessionId,
    /// The logged-in user.
    pub user: User,
}

/// One login session, as listed by `GET /api/auth/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The session id, for `DELETE /api/auth/sessions/{id}`.
    pub id: SessionId,
    /// The `User-Agent` the session logged in with.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The client address the session logged in from.
    #[serde(default)]
    pub ip: Option<String>,
    /// When the session logged in.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the session last used or refreshed a token.
    #[serde(with = "time::serde::rfc3339")]
    pub last_used_at: OffsetDateTime,
    /// When the session ends unless refreshed.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// True for the session of the token that asked.
    pub current: bool,
}

/// `GET /api/auth/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    /// Active sessions, newest first.
    pub sessions: Vec<SessionInfo>,
}

/// `PUT /api/users/me/password`: the current password again, and the new one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password the account has now.
    pub current_password: String,
    /// Must satisfy the server's password policy.
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePasswordRequest { .. }")
    }
}

/// `DELETE /api/users/me`: the account's password, to confirm that its owner asks.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The password the account has now.
    pub password: String,
}

impl std::fmt::Debug for DeleteAccountRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeleteAccountRequest { .. }")
    }
}

/// `POST /api/admin/invites`: an invite code for invite-only registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// How many registrations the code allows (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<u32>,
    /// Seconds until the code expires (default 7 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

/// The answer to `POST /api/admin/invites`. The code is shown once and stored only hashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InviteResponse {
    /// The secret to pass as `inviteCode` when registering.
    pub code: String,
    /// How many registrations it allows.
    pub max_uses: u32,
    /// When it expires.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_request_is_camel_case_and_rejects_unknown_fields() {
        let json =
            r#"{"username":"ada","password":"pw","passwordConfirm":"pw","displayName":"Ada"}"#;
        let req: RegisterRequest = serde_json::from_str(json).unwrap();
        assert_eq!(req.display_name.as_deref(), Some("Ada"));
        assert_eq!(serde_json::to_string(&req).unwrap(), json);

        let unknown = r#"{"username":"ada","password":"pw","passwordConfirm":"pw","admin":true}"#;
        assert!(serde_json::from_str::<RegisterRequest>(unknown).is_err());
    }

    #[test]
    fn session_info_round_trips() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let info = SessionInfo {
            id: SessionId::new(),
            user_agent: Some("chat-tui/0.1".into()),
            ip: Some("127.0.0.1".into()),
            created_at: now,
            last_used_at: now,
            expires_at: now,
            current: true,
        };
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["createdAt"], "2023-11-14T22:13:20Z");
        assert_eq!(serde_json::from_value::<SessionInfo>(json).unwrap(), info);
    }
}
