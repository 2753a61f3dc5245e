//! Email: an address per account, verified by a mailed single-use token; password reset by
//! mail (`reset`); the missed-message digest (`digest`). Mail goes through the queue in
//! PostgreSQL (`queue`) and the SMTP transport (`mailer`); `compose` writes the texts.
//! With `[email] enabled = false` nothing here runs and the endpoints answer `FORBIDDEN`.

pub mod compose;
pub mod digest;
pub mod mailer;
pub mod queue;
mod resend;
mod reset;

use std::sync::Arc;
use std::time::Duration;

use common::api::{EmailDigest, EmailStatus, SetEmailRequest};
use common::ids::UserId;
use time::OffsetDateTime;
use tracing::info;
use uuid::Uuid;

pub use mailer::Mailer;
pub use queue::{MailMetrics, MailQueue};

use crate::auth::{AuthService, AuthUser};
use crate::config::{AuthConfig, EmailConfig};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::store::Store;
use crate::store::email::VerifyEmailError;
use crate::tasks::Tasks;

/// The longest address accepted (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;
/// The longest token looked up (they are 43 characters).
const TOKEN_MAX: usize = 128;
const DISABLED: Error = Error::Forbidden("email is not enabled on this server");
const BAD_TOKEN: &str = "invalid, expired or already used token";

/// The email operations. Cheap to clone.
#[derive(Clone, Debug)]
pub struct EmailService {
    store: Store,
    hub: Hub,
    auth: AuthService,
    config: Arc<EmailConfig>,
    password_min_length: usize,
    /// `auth.require_verified_email`.
    require_verified: bool,
    /// The base of links in mails (no trailing `/`).
    base: String,
    /// `None` with mail off.
    queue: Option<MailQueue>,
    /// Runs the work of reset requests after their answer.
    tasks: Tasks,
    /// The sender's counters (registered in `/metrics` even with mail off, at zero).
    metrics: MailMetrics,
}

impl EmailService {
    /// The service; with mail on, its mailer and sender task start under `tasks`.
    pub fn start(
        store: Store,
        hub: Hub,
        auth: AuthService,
        config: &EmailConfig,
        auth_config: &AuthConfig,
        http_public_url: Option<&str>,
        tasks: &Tasks,
    ) -> anyhow::Result<Self> {
        let metrics = MailMetrics::default();
        let queue = if config.enabled {
            let mailer = Mailer::new(config)?;
            Some(MailQueue::start(
                store.clone(),
                mailer,
                config,
                metrics.clone(),
                tasks,
            ))
        } else {
            None
        };
        Ok(Self {
            store,
            hub,
            auth,
            config: Arc::new(config.clone()),
            password_min_length: auth_config.password_min_length,
            require_verified: auth_config.require_verified_email,
            base: config.link_base(http_public_url).unwrap_or_default(),
            queue,
            tasks: tasks.clone(),
            metrics,
        })
    }

    /// The mail sender's counters, for `/metrics`.
    pub fn mail_metrics(&self) -> &MailMetrics {
        &self.metrics
    }

    /// Whether mail is on.
    pub fn enabled(&self) -> bool {
        self.queue.is_some()
    }

    fn queue(&self) -> Result<&MailQueue> {
        self.queue.as_ref().ok_or(DISABLED)
    }

    /// The caller's address and settings.
    pub async fn status(&self, caller: &AuthUser) -> Result<EmailStatus> {
        self.status_of(caller.user_id).await
    }

    /// A user's address and settings.
    pub async fn status_of(&self, user: UserId) -> Result<EmailStatus> {
        let row = self
            .store
            .email_of(user)
            .await?
            .ok_or(Error::NotFound("no such user"))?;
        Ok(EmailStatus {
            email: row.email,
            verified: row.email_verified_at.is_some(),
            digest: EmailDigest::from_name(&row.email_digest).unwrap_or_default(),
        })
    }

    /// Sets the caller's address (after checking the password): stored unverified, and a
    /// verification mail queued.
    pub async fn set_email(&self, caller: &AuthUser, req: &SetEmailRequest) -> Result<EmailStatus> {
        self.queue()?;
        let email = check_address(&req.email)?;
        let user = self
            .store
            .user_by_id(caller.user_id)
            .await?
            .ok_or(Error::NotFound("no such user"))?;
        let password_ok = req.password.chars().count() <= common::limits::PASSWORD_MAX
            && self
                .auth
                .hasher()
                .verify(&req.password, Some(&user.password_hash))
                .await?;
        if !password_ok {
            return Err(Error::field("password", "wrong password"));
        }
        // The address already verified: nothing to mail, and it stays verified.
        if user.email_verified_at.is_some()
            && user
                .email
                .as_deref()
                .is_some_and(|current| current.eq_ignore_ascii_case(&email))
        {
            return self.status(caller).await;
        }
        self.limit_account("verify", caller.user_id).await?;
        self.begin_verification(caller.user_id, &user.username, &email)
            .await?;
        self.status(caller).await
    }

    /// Checks the address a registration gives (and that no account verified it); `None`
    /// when it gives none. A server that requires verified addresses requires one.
    pub async fn registration_email(&self, email: Option<&str>) -> Result<Option<String>> {
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            None if self.require_verified => Err(Error::field(
                "email",
                "this server requires an email address to register",
            )),
            None => Ok(None),
            Some(_) if !self.enabled() => {
                Err(Error::field("email", "email is not enabled on this server"))
            }
            Some(email) => check_address(email).map(Some),
        }?;
        if let Some(email) = &email
            && self
                .store
                .email_taken(email, UserId::from(Uuid::nil()))
                .await?
        {
            return Err(Error::Conflict(
                "this email address belongs to another account",
            ));
        }
        Ok(email)
    }

    /// Stores `email` unverified for `user` with a fresh token and queues its mail.
    pub async fn begin_verification(
        &self,
        user: UserId,
        username: &str,
        email: &str,
    ) -> Result<()> {
        let queue = self.queue()?;
        if self.store.email_taken(email, user).await? {
            return Err(Error::Conflict(
                "this email address belongs to another account",
            ));
        }
        let token = crate::auth::new_secret_token();
        let ttl = self.config.verify_token_ttl_mins;
        self.store
            .set_unverified_email(user, email, &crate::auth::secret_hash(&token), expiry(ttl))
            .await?;
        let mail = compose::verification(&self.base, username, email, &token, ttl);
        queue.enqueue(email, &mail.subject, &mail.body).await?;
        info!(user_id = %user, "verification mail queued");
        Ok(())
    }

    /// Takes a verification token (from the code or the mailed link).
    pub async fn verify(&self, token: &str) -> Result<UserId> {
        self.queue()?;
        let token = check_token(token)?;
        match self
            .store
            .verify_email(&crate::auth::secret_hash(token))
            .await
        {
            Ok(user) => {
                info!(user_id = %user, "email verified");
                Ok(user)
            }
            Err(VerifyEmailError::InvalidToken) => Err(Error::field("token", BAD_TOKEN)),
            Err(VerifyEmailError::Taken) => Err(Error::Conflict(
                "this email address belongs to another account",
            )),
            Err(VerifyEmailError::Store(e)) => Err(e.into()),
        }
    }

    /// Sets the caller's missed-message mail setting.
    pub async fn set_digest(&self, caller: &AuthUser, digest: EmailDigest) -> Result<EmailStatus> {
        self.store
            .set_email_digest(caller.user_id, digest.as_str())
            .await?;
        self.status(caller).await
    }

    /// Counts one mail for `user` against `email.requests_per_account`.
    async fn limit_account(&self, what: &str, user: UserId) -> Result<()> {
        self.auth
            .counters()
            .attempt(
                &format!("email:{what}:user:{user}"),
                self.config.requests_per_account,
                self.window(),
            )
            .await
            .map_err(|l| Error::RateLimited {
                retry_after_secs: l.retry_after_secs,
            })
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.config.request_window_mins.saturating_mul(60))
    }
}

/// A syntactically valid address of at most [`EMAIL_MAX`] characters, trimmed.
fn check_address(raw: &str) -> Result<String> {
    let email = raw.trim();
    let valid = email.chars().count() <= EMAIL_MAX
        && !email.chars().any(|c| c.is_control() || c.is_whitespace())
        && email.parse::<lettre::Address>().is_ok();
    if valid {
        Ok(email.to_owned())
    } else {
        Err(Error::field(
            "email",
            format!("not a valid email address (name@host, at most {EMAIL_MAX} characters)"),
        ))
    }
}

fn check_token(raw: &str) -> Result<&str> {
    let token = raw.trim();
    if token.is_empty() || token.len() > TOKEN_MAX {
        return Err(Error::field("token", BAD_TOKEN));
    }
    Ok(token)
}

fn expiry(ttl_mins: u64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::minutes(ttl_mins.min(i64::MAX as u64) as i64)
}
