//! Sending a verification mail again. A signed-in user asks for their own unverified
//! address (`204`, or `CONFLICT` when there is none). A user whose login waits for
//! verification (`auth.require_verified_email`) asks by username or address and is
//! answered `202` with one body whatever the login names; as with password reset, the
//! lookup, the per-account limit, the token and the mail happen after the answer. A new
//! token replaces the earlier ones of the account, so only the latest mail's code works.

use common::api::PasswordResetAccepted;
use common::ids::UserId;
use tracing::{info, warn};

use super::{EmailService, compose, expiry};
use crate::auth::{AuthUser, ClientInfo, new_secret_token, secret_hash};
use crate::error::{Error, Result};

/// Accounts mailed for one address at most (unverified addresses are not unique).
const ACCOUNTS_PER_LOGIN: i64 = 5;
const NOTHING_TO_VERIFY: Error = Error::Conflict(
    "there is no unverified email address to verify: set one with PUT /api/users/me/email",
);

impl EmailService {
    /// A new verification mail for the caller's unverified address.
    pub async fn resend_own(&self, caller: &AuthUser) -> Result<()> {
        self.queue()?;
        let user = self
            .store
            .user_by_id(caller.user_id)
            .await?
            .ok_or(Error::NotFound("no such user"))?;
        let (Some(email), None) = (user.email, user.email_verified_at) else {
            return Err(NOTHING_TO_VERIFY);
        };
        self.limit_account("verify", caller.user_id).await?;
        if !self.renew(caller.user_id, &user.username, &email).await? {
            // Verified or changed between the read and the renewal.
            return Err(NOTHING_TO_VERIFY);
        }
        Ok(())
    }

    /// Asks for a new verification mail without a login.
    pub async fn resend_for_login(
        &self,
        login: &str,
        client: &ClientInfo,
    ) -> Result<PasswordResetAccepted> {
        let login = self
            .accept_login_request(login, client, "verify-resend")
            .await?;
        let service = self.clone();
        let login = login.to_owned();
        self.tasks.spawn(async move {
            if let Err(e) = service.mail_resend(&login).await {
                warn!(error = %e, "verification mail not queued again");
            }
        });
        Ok(PasswordResetAccepted {
            status: "accepted".into(),
            message: "if an account with an unverified email address matches, a new \
                      verification code has been mailed to it"
                .into(),
        })
    }

    /// The work of a resend request, after its answer.
    async fn mail_resend(&self, login: &str) -> Result<()> {
        let accounts = self
            .store
            .unverified_for_login(login, ACCOUNTS_PER_LOGIN)
            .await?;
        for (user, username, email) in accounts {
            if self.limit_account("verify", user).await.is_err() {
                info!(user_id = %user, "verification mail not sent again: per-account limit");
                continue;
            }
            self.renew(user, &username, &email).await?;
        }
        Ok(())
    }

    /// A new token for `email` (still unverified) replacing the earlier ones, and its mail.
    async fn renew(&self, user: UserId, username: &str, email: &str) -> Result<bool> {
        let token = new_secret_token();
        let ttl = self.config.verify_token_ttl_mins;
        if !self
            .store
            .renew_verify_token(user, email, &secret_hash(&token), expiry(ttl))
            .await?
        {
            return Ok(false);
        }
        let mail = compose::verification(&self.base, username, email, &token, ttl);
        self.queue()?
            .enqueue(email, &mail.subject, &mail.body)
            .await?;
        info!(user_id = %user, "verification mail queued again");
        Ok(true)
    }
}
