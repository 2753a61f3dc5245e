//! The account and session operations, shared by every transport: registration, login,
//! refresh and authentication here; `sessions`: logout, the session list, revocation (each
//! closing the ended session's sockets on every node) and invites; `account`: password
//! change and account deletion, after the password is checked again.

mod account;
mod sessions;

use std::time::Duration;

use common::ErrorDetail;
use common::api::{RegisterRequest, TokenResponse};
use common::ids::{SessionId, UserId};
use serde_json::json;
use time::OffsetDateTime;
use tracing::{info, instrument, warn};

use super::password::PasswordHasher;
use super::rules::{check_password, normalize_username, validate_display_name};
use super::tokens::{TokenKeys, new_refresh_token, secret_hash};
use crate::accounts::AccountService;
use crate::config::{AuthConfig, LimitsConfig, RegistrationMode};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::ratelimit::{Counters, Limited};
use crate::store::{
    AuditEntry, CreateUserError, NewSession, NewUser, RefreshOutcome, Store, UserRow,
};

/// One message for every failed login, whatever the reason.
const BAD_CREDENTIALS: &str = "invalid username or password";
/// Sessions are marked used at most this often, to keep writes off the request path.
const TOUCH_INTERVAL: time::Duration = time::Duration::minutes(1);

/// Where a request came from.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The client address.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// A registration request, as received.
pub type Registration = RegisterRequest;

/// An authenticated caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthUser {
    /// The user.
    pub user_id: UserId,
    /// The session of the access token.
    pub session_id: SessionId,
    /// Whether the user administers the server.
    pub is_admin: bool,
}

/// Registration, login, refresh, logout and sessions. Every way a session ends here
/// (logout, revocation, refresh-token reuse) also closes its WebSocket connections at once,
/// on every node, through the hub.
#[derive(Clone, Debug)]
pub struct AuthService {
    store: Store,
    accounts: AccountService,
    hub: Hub,
    hasher: PasswordHasher,
    keys: TokenKeys,
    config: AuthConfig,
    limits: LimitsConfig,
    counters: Counters,
}

impl AuthService {
    /// Builds the service.
    #[allow(clippy::too_many_arguments)] // one handle per collaborator, given once by Server::build
    pub fn new(
        store: Store,
        accounts: AccountService,
        hub: Hub,
        hasher: PasswordHasher,
        keys: TokenKeys,
        config: AuthConfig,
        limits: LimitsConfig,
        counters: Counters,
    ) -> Self {
        Self {
            store,
            accounts,
            hub,
            hasher,
            keys,
            config,
            limits,
            counters,
        }
    }

    /// The password hasher (argon2id off the async threads, bounded).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The attempt counters of the login and registration limits.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Creates an account.
    #[instrument(skip_all, fields(username = ?req.username))]
    pub async fn register(&self, req: &Registration, client: &ClientInfo) -> Result<UserRow> {
        if self.config.registration == RegistrationMode::Closed {
            return Err(Error::Forbidden("registration is closed on this server"));
        }
        // Every attempt counts, so the endpoint cannot be used to probe for usernames.
        let ip_key = format!("register:ip:{}", client.ip.as_deref().unwrap_or("-"));
        self.counters
            .attempt(
                &ip_key,
                self.limits.registrations_per_ip,
                Duration::from_secs(self.limits.registration_window_secs),
            )
            .await
            .map_err(rate_limited)?;

        let mut problems = Vec::new();
        let username = normalize_username(&req.username)
            .map_err(|detail| problems.push(detail))
            .unwrap_or_default();
        problems.extend(check_password(
            &req.password,
            &username,
            self.config.password_min_length,
        ));
        if req.password != req.password_confirm {
            problems.push(ErrorDetail::new(
                "passwordConfirm",
                "does not match password",
            ));
        }
        let display_name = match req.display_name.as_deref().map(validate_display_name) {
            Some(Ok(name)) => name,
            Some(Err(detail)) => {
                problems.push(detail);
                None
            }
            None => None,
        };
        let invite_hash = match (self.config.registration, req.invite_code.as_deref()) {
            (RegistrationMode::Invite, Some(code)) if !code.trim().is_empty() => {
                Some(secret_hash(code.trim()))
            }
            (RegistrationMode::Invite, _) => {
                problems.push(ErrorDetail::new(
                    "inviteCode",
                    "registration on this server needs an invite code",
                ));
                None
            }
            _ => None,
        };
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }

        let password_hash = self.hasher.hash(&req.password).await?;
        let user = self
            .store
            .create_user(&NewUser {
                id: UserId::new(),
                username: &username,
                password_hash: &password_hash,
                display_name: display_name.as_deref(),
                invite_hash: invite_hash.as_deref(),
            })
            .await
            .map_err(|e| match e {
                CreateUserError::UsernameTaken => Error::Conflict("username is taken"),
                CreateUserError::InvalidInvite => {
                    Error::field("inviteCode", "invalid, expired or used-up invite code")
                }
                CreateUserError::Store(e) => e.into(),
            })?;
        self.audit(
            Some(user.id),
            "auth.register",
            "user",
            Some(user.id.to_string()),
            client,
            json!({}),
        )
        .await;
        info!(user_id = %user.id, "registered");
        Ok(user)
    }

    /// Logs in and opens a session.
    #[instrument(skip_all, fields(username = ?username))]
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<TokenResponse> {
        let username = username.trim().to_lowercase();
        let attempt = self.count_password_attempt(&username, client).await?;

        let user = self.store.user_by_username(&username).await?;
        let password_ok = password.chars().count() <= common::limits::PASSWORD_MAX
            && self
                .hasher
                .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
                .await?;
        let user = match user {
            Some(user) if password_ok && user.disabled_at.is_none() => user,
            _ => return Err(Error::Unauthorized(BAD_CREDENTIALS)),
        };
        // Told only to whoever knows the password, so it says nothing about other accounts.
        if self.config.require_verified_email && user.email_verified_at.is_none() {
            return Err(Error::EmailNotVerified);
        }
        self.password_attempt_succeeded(&attempt).await;

        let session_id = SessionId::new();
        let refresh_token = new_refresh_token();
        self.store
            .create_session(&NewSession {
                id: session_id,
                user_id: user.id,
                user_agent: client.user_agent.as_deref(),
                ip: client.ip.as_deref(),
                refresh_hash: &secret_hash(&refresh_token),
                expires_at: self.refresh_expiry(),
            })
            .await?;
        self.audit(
            Some(user.id),
            "auth.login",
            "session",
            Some(session_id.to_string()),
            client,
            json!({}),
        )
        .await;
        self.token_response(&user, session_id, refresh_token)
    }

    /// Exchanges a refresh token for a new pair. A token used twice revokes its session.
    #[instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str, client: &ClientInfo) -> Result<TokenResponse> {
        let new_token = new_refresh_token();
        let outcome = self
            .store
            .rotate_refresh_token(
                &secret_hash(refresh_token),
                &secret_hash(&new_token),
                self.refresh_expiry(),
            )
            .await?;
        match outcome {
            RefreshOutcome::Rotated {
                session_id,
                user_id,
            } => {
                let user = self
                    .store
                    .user_by_id(user_id)
                    .await?
                    .ok_or(Error::Unauthorized("invalid refresh token"))?;
                self.token_response(&user, session_id, new_token)
            }
            RefreshOutcome::Reused {
                session_id,
                user_id,
            } => {
                warn!(%session_id, %user_id, "refresh token reused: session revoked");
                self.hub.end_session(user_id, session_id);
                self.audit(
                    Some(user_id),
                    "auth.refresh_reuse",
                    "session",
                    Some(session_id.to_string()),
                    client,
                    json!({"revoked": true}),
                )
                .await;
                Err(Error::Unauthorized(
                    "refresh token already used; the session has been revoked",
                ))
            }
            RefreshOutcome::Invalid => Err(Error::Unauthorized("invalid or expired refresh token")),
        }
    }

    /// The caller of a bearer access token, if the token is valid and its session live.
    pub async fn authenticate(&self, access_token: &str) -> Result<AuthUser> {
        let claims = self
            .keys
            .verify(access_token)
            .ok_or(Error::Unauthorized("invalid or expired access token"))?;
        let session = self
            .store
            .session_auth(claims.sid, claims.sub)
            .await?
            .ok_or(Error::Unauthorized("session ended"))?;
        if OffsetDateTime::now_utc() - session.last_used_at > TOUCH_INTERVAL {
            self.store.touch_session(claims.sid).await?;
        }
        Ok(AuthUser {
            user_id: claims.sub,
            session_id: claims.sid,
            is_admin: session.is_admin,
        })
    }

    fn refresh_expiry(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
            + time::Duration::seconds(self.config.refresh_token_ttl_secs as i64)
    }

    fn token_response(
        &self,
        user: &UserRow,
        session_id: SessionId,
        refresh_token: String,
    ) -> Result<TokenResponse> {
        Ok(TokenResponse {
            access_token: self.keys.issue(user.id, session_id)?,
            refresh_token,
            expires_in: self.keys.ttl_secs(),
            session_id,
            user: user.to_api(),
        })
    }

    /// Audit failures are logged, never fatal to the request.
    async fn audit(
        &self,
        actor_id: Option<UserId>,
        action: &str,
        target_type: &str,
        target_id: Option<String>,
        client: &ClientInfo,
        details: serde_json::Value,
    ) {
        let entry = AuditEntry {
            actor_id,
            action,
            target_type: Some(target_type),
            target_id,
            ip: client.ip.as_deref(),
            details,
        };
        if let Err(e) = self.store.audit(entry).await {
            warn!(error = %e, action, "audit record not written");
        }
    }
}

fn rate_limited(limited: Limited) -> Error {
    Error::RateLimited {
        retry_after_secs: limited.retry_after_secs,
    }
}
