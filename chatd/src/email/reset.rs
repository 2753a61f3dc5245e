//! Password reset by mail. A request is answered `202` at once with one body whatever the
//! login names; looking the account up, the per-account limit, the token and the mail all
//! happen after the answer, on a tracked task, so neither the body nor the time tells
//! whether the account exists. Confirming sets the password under the policy and ends
//! every session of the account (their sockets closed at once, on every node).

use common::api::{PasswordResetAccepted, PasswordResetConfirm};
use serde_json::json;
use tracing::{info, warn};

use super::{BAD_TOKEN, EmailService, check_token, expiry};
use crate::auth::{ClientInfo, check_password, new_secret_token, secret_hash};
use crate::error::{Error, Result};
use crate::store::AuditEntry;
use crate::store::email::TokenPurpose;

/// The longest login looked up (a username or an address).
const LOGIN_MAX: usize = 254;

impl EmailService {
    /// The checks of a request that names an account by login without a session (a
    /// reset, a verification mail again): mail on, a login of the right shape, and the
    /// client address under its limit for `kind`. Returns the login, trimmed.
    pub(super) async fn accept_login_request<'a>(
        &self,
        login: &'a str,
        client: &ClientInfo,
        kind: &str,
    ) -> Result<&'a str> {
        self.queue()?;
        let login = login.trim();
        if login.is_empty() || login.chars().count() > LOGIN_MAX {
            return Err(Error::field(
                "login",
                format!("a username or an email address of at most {LOGIN_MAX} characters"),
            ));
        }
        self.auth
            .counters()
            .attempt(
                &format!("email:{kind}:ip:{}", client.ip.as_deref().unwrap_or("-")),
                self.config.requests_per_address,
                self.window(),
            )
            .await
            .map_err(|l| Error::RateLimited {
                retry_after_secs: l.retry_after_secs,
            })?;
        Ok(login)
    }

    /// Asks for a reset mail for `login` (a username or a verified address).
    pub async fn request_reset(
        &self,
        login: &str,
        client: &ClientInfo,
    ) -> Result<PasswordResetAccepted> {
        let login = self.accept_login_request(login, client, "reset").await?;
        let service = self.clone();
        let login = login.to_owned();
        self.tasks.spawn(async move {
            if let Err(e) = service.mail_reset(&login).await {
                warn!(error = %e, "password reset mail not queued");
            }
        });
        Ok(PasswordResetAccepted {
            status: "accepted".into(),
            message: "if an account with a verified email address matches, a reset code \
                      has been mailed to it"
                .into(),
        })
    }

    /// The work of a reset request, after its answer.
    async fn mail_reset(&self, login: &str) -> Result<()> {
        let Some((user, username, email)) = self.store.user_for_reset(login).await? else {
            return Ok(());
        };
        if self.limit_account("reset", user).await.is_err() {
            info!(user_id = %user, "password reset mail not sent: per-account limit");
            return Ok(());
        }
        let token = new_secret_token();
        let ttl = self.config.reset_token_ttl_mins;
        self.store
            .create_email_token(&secret_hash(&token), user, TokenPurpose::Reset, expiry(ttl))
            .await?;
        let mail = super::compose::reset(&self.base, &username, &token, ttl);
        self.queue()?
            .enqueue(&email, &mail.subject, &mail.body)
            .await?;
        info!(user_id = %user, "password reset mail queued");
        Ok(())
    }

    /// Sets a new password with a mailed token and ends every session of the account.
    pub async fn confirm_reset(
        &self,
        req: &PasswordResetConfirm,
        client: &ClientInfo,
    ) -> Result<()> {
        self.queue()?;
        let token = check_token(&req.token)?;
        let hash = secret_hash(token);
        let (_, username) = self
            .store
            .reset_token_user(&hash)
            .await?
            .ok_or_else(|| Error::field("token", BAD_TOKEN))?;
        let mut problems = check_password(&req.new_password, &username, self.password_min_length);
        for problem in &mut problems {
            "newPassword".clone_into(&mut problem.field);
        }
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let password_hash = self.auth.hasher().hash(&req.new_password).await?;
        let (user, sessions) = self
            .store
            .reset_password_with_token(&hash, &password_hash)
            .await?
            .ok_or_else(|| Error::field("token", BAD_TOKEN))?;
        for session in &sessions {
            self.hub.end_session(user, *session);
        }
        let entry = AuditEntry {
            actor_id: Some(user),
            action: "auth.password_reset",
            target_type: Some("user"),
            target_id: Some(user.to_string()),
            ip: client.ip.as_deref(),
            details: json!({"revokedSessions": sessions.len()}),
        };
        if let Err(e) = self.store.audit(entry).await {
            warn!(error = %e, "audit record not written");
        }
        info!(user_id = %user, sessions = sessions.len(), "password reset by mail");
        Ok(())
    }
}
