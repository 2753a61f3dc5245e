//! Email: the caller's address and its verification, password reset by mail, and the
//! missed-message digest setting.

use serde::{Deserialize, Serialize};

/// `PUT /api/users/me/email`: stored unverified; a verification link and code are mailed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetEmailRequest {
    /// The new address.
    pub email: String,
    /// The account's current password (re-authentication).
    pub password: String,
}

/// `POST /api/users/me/email/verify`: the code of the verification mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// The code (the `token` of the mailed link).
    pub token: String,
}

/// Whether a user gets missed-message mails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailDigest {
    /// Never.
    Off,
    /// Unread direct messages and mentions, after a while offline.
    #[default]
    MentionsAndDirect,
}

impl EmailDigest {
    /// The wire (and database) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::MentionsAndDirect => "mentions_and_direct",
        }
    }

    /// From the wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "off" => Some(Self::Off),
            "mentions_and_direct" => Some(Self::MentionsAndDirect),
            _ => None,
        }
    }
}

/// The caller's address and mail settings (`GET /api/users/me/email` and the answers of
/// the email endpoints).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmailStatus {
    /// The address, verified or not.
    pub email: Option<String>,
    /// Whether it is verified.
    pub verified: bool,
    /// The missed-message mail setting.
    pub digest: EmailDigest,
}

/// `PUT /api/users/me/email/settings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailSettingsRequest {
    /// `off` or `mentions_and_direct`.
    pub digest: EmailDigest,
}

/// `POST /api/auth/password-reset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// A username or a verified email address.
    pub login: String,
}

/// The one answer of `POST /api/auth/password-reset` and of
/// `POST /api/auth/verify-email/resend` (202), whether or not the account exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetAccepted {
    /// Always `accepted`.
    pub status: String,
    /// What happens next, for a person.
    pub message: String,
}

/// `POST /api/auth/verify-email/resend`: a new verification mail for an account that
/// cannot log in before its address is verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResendVerificationRequest {
    /// The username or the (unverified) address of the account.
    pub login: String,
}

/// `POST /api/auth/password-reset/confirm`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The mailed code.
    pub token: String,
    /// The new password, under the server's password policy.
    pub new_password: String,
}
