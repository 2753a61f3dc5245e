//! Changes an account's owner makes with their password: a new password (every other
//! session ends, its sockets closed at once on every node), deleting the account (through
//! `AccountService`, which chatctl uses too).

use common::ErrorDetail;
use common::api::{ChangePasswordRequest, DeleteAccountRequest};
use serde_json::json;
use std::time::Duration;
use tracing::{info, instrument};

use super::{AuthService, AuthUser, ClientInfo, rate_limited};
use crate::auth::rules::check_password;
use crate::error::{Error, Result};
use crate::store::UserRow;

/// The answer to a wrong current password (a 400 naming the field, not a 401: the caller's
/// token is fine, and a client that refreshes on 401 must not be sent round in circles).
const WRONG_PASSWORD: &str = "is not the account's password";

impl AuthService {
    /// Sets a new password after checking the current one, and ends every other session of
    /// the account. Wrong current passwords count against the login failure limits.
    #[instrument(skip_all, fields(user_id = %caller.user_id))]
    pub async fn change_password(
        &self,
        caller: &AuthUser,
        req: &ChangePasswordRequest,
        client: &ClientInfo,
    ) -> Result<()> {
        let user = self
            .reauthenticate(caller, &req.current_password, "currentPassword", client)
            .await?;
        let problems: Vec<ErrorDetail> = check_password(
            &req.new_password,
            &user.username,
            self.config.password_min_length,
        )
        .into_iter()
        .map(|d| ErrorDetail::new("newPassword", d.message))
        .collect();
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let hash = self.hasher.hash(&req.new_password).await?;
        let revoked = self
            .store
            .change_password(caller.user_id, &hash, caller.session_id)
            .await?;
        for session in &revoked {
            self.hub.end_session(caller.user_id, *session);
        }
        self.audit(
            Some(caller.user_id),
            "auth.change_password",
            "user",
            Some(caller.user_id.to_string()),
            client,
            json!({"revokedSessions": revoked.len()}),
        )
        .await;
        info!(revoked = revoked.len(), "password changed");
        Ok(())
    }

    /// Deletes the caller's account after checking its password (see `AccountService`).
    #[instrument(skip_all, fields(user_id = %caller.user_id))]
    pub async fn delete_account(
        &self,
        caller: &AuthUser,
        req: &DeleteAccountRequest,
        client: &ClientInfo,
    ) -> Result<()> {
        self.reauthenticate(caller, &req.password, "password", client)
            .await?;
        let deleted = self
            .accounts
            .delete(caller.user_id)
            .await?
            .ok_or(Error::Unauthorized("session ended"))?;
        // The audit record outlives the account; it names the id and the old username.
        self.audit(
            None,
            "auth.delete_account",
            "user",
            Some(caller.user_id.to_string()),
            client,
            json!({"username": deleted.username}),
        )
        .await;
        Ok(())
    }

    /// Checks the caller's password again (before a password change or a deletion), under
    /// the same limits as login: every attempt counts per account and per address before the
    /// check, and a success takes it back. A wrong password names `field`.
    pub(super) async fn reauthenticate(
        &self,
        caller: &AuthUser,
        password: &str,
        field: &str,
        client: &ClientInfo,
    ) -> Result<UserRow> {
        let user = self
            .store
            .user_by_id(caller.user_id)
            .await?
            .ok_or(Error::Unauthorized("session ended"))?;
        let attempt = self.count_password_attempt(&user.username, client).await?;
        let ok = password.chars().count() <= common::limits::PASSWORD_MAX
            && self
                .hasher
                .verify(password, Some(user.password_hash.as_str()))
                .await?;
        if !ok {
            return Err(Error::field(field, WRONG_PASSWORD));
        }
        self.password_attempt_succeeded(&attempt).await;
        Ok(user)
    }

    /// Counts a password attempt for `username` (lower case) from the client's address,
    /// before the password is checked, or refuses it over a limit. The address first: an
    /// address over its limit adds no username key at all, so refused attempts cannot grow
    /// the counter table. Returns the counter keys for [`Self::password_attempt_succeeded`].
    pub(super) async fn count_password_attempt(
        &self,
        username: &str,
        client: &ClientInfo,
    ) -> Result<(String, String)> {
        let user_key = format!("login:user:{username}");
        let ip_key = format!("login:ip:{}", client.ip.as_deref().unwrap_or("-"));
        let window = Duration::from_secs(self.limits.login_failure_window_secs);
        self.counters
            .attempt(&ip_key, self.limits.login_failures_per_ip, window)
            .await
            .map_err(rate_limited)?;
        self.counters
            .attempt(&user_key, self.limits.login_failures_per_user, window)
            .await
            .map_err(rate_limited)?;
        Ok((user_key, ip_key))
    }

    /// A success clears the username's failures and takes its attempt back from the address.
    pub(super) async fn password_attempt_succeeded(&self, (user_key, ip_key): &(String, String)) {
        self.counters.reset(user_key).await;
        self.counters.forgive(ip_key).await;
    }
}
