//! Email: the caller's address, its verification, the digest setting and password reset
//! by mail ([api.md](../../../docs/api.md#email)).

use reqwest::Method;

use super::{Client, ClientError};
use crate::api::{
    EmailDigest, EmailSettingsRequest, EmailStatus, PasswordResetAccepted, PasswordResetConfirm,
    PasswordResetRequest, ResendVerificationRequest, SetEmailRequest, VerifyEmailRequest,
};

impl Client {
    /// `GET /api/users/me/email`.
    pub async fn email_status(&self) -> Result<EmailStatus, ClientError> {
        self.send(self.request(Method::GET, "/api/users/me/email"))
            .await
    }

    /// `PUT /api/users/me/email`: the address is stored unverified and a code mailed.
    pub async fn set_email(&self, email: &str, password: &str) -> Result<EmailStatus, ClientError> {
        let req = SetEmailRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.send(self.request(Method::PUT, "/api/users/me/email").json(&req))
            .await
    }

    /// `POST /api/users/me/email/verify` with the mailed code (no login needed).
    pub async fn verify_email(&self, token: &str) -> Result<EmailStatus, ClientError> {
        let req = VerifyEmailRequest {
            token: token.to_owned(),
        };
        self.send(
            self.request(Method::POST, "/api/users/me/email/verify")
                .json(&req),
        )
        .await
    }

    /// `POST /api/users/me/email/resend`: a new code for the caller's unverified address
    /// (the earlier codes stop working).
    pub async fn resend_verification(&self) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::POST, "/api/users/me/email/resend"))
            .await
    }

    /// `POST /api/auth/verify-email/resend` without a login (202 whether or not the
    /// account exists).
    pub async fn resend_verification_for(
        &self,
        login: &str,
    ) -> Result<PasswordResetAccepted, ClientError> {
        let req = ResendVerificationRequest {
            login: login.to_owned(),
        };
        self.send(
            self.request(Method::POST, "/api/auth/verify-email/resend")
                .json(&req),
        )
        .await
    }

    /// `PUT /api/users/me/email/settings`.
    pub async fn set_email_digest(&self, digest: EmailDigest) -> Result<EmailStatus, ClientError> {
        self.send(
            self.request(Method::PUT, "/api/users/me/email/settings")
                .json(&EmailSettingsRequest { digest }),
        )
        .await
    }

    /// `POST /api/auth/password-reset` (202 whether or not the account exists).
    pub async fn request_password_reset(
        &self,
        login: &str,
    ) -> Result<PasswordResetAccepted, ClientError> {
        let req = PasswordResetRequest {
            login: login.to_owned(),
        };
        self.send(
            self.request(Method::POST, "/api/auth/password-reset")
                .json(&req),
        )
        .await
    }

    /// `POST /api/auth/password-reset/confirm`: every session of the account ends.
    pub async fn confirm_password_reset(
        &self,
        token: &str,
        new_password: &str,
    ) -> Result<(), ClientError> {
        let req = PasswordResetConfirm {
            token: token.to_owned(),
            new_password: new_password.to_owned(),
        };
        self.send_empty(
            self.request(Method::POST, "/api/auth/password-reset/confirm")
                .json(&req),
        )
        .await
    }
}
