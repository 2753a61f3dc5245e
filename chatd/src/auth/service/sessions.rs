//! Ending sessions (logout, revocation: each closes the session's sockets on every node
//! through the hub), listing them, and invites.

use common::api::{CreateInviteRequest, InviteResponse, SessionInfo};
use common::ids::SessionId;
use serde_json::json;
use time::OffsetDateTime;

use super::{AuthService, AuthUser, ClientInfo};
use crate::auth::tokens::{new_refresh_token, secret_hash};
use crate::error::{Error, Result};

impl AuthService {
    /// Whether the session of `user` has ended since it authenticated (logout, revocation,
    /// expiry, a disabled account): open sockets check this now and then.
    pub async fn session_ended(&self, user: &AuthUser) -> Result<bool> {
        Ok(self
            .store
            .session_auth(user.session_id, user.user_id)
            .await?
            .is_none())
    }

    /// Which of `sessions` have ended since their sockets authenticated.
    pub async fn ended_sessions(&self, sessions: &[SessionId]) -> Result<Vec<SessionId>> {
        Ok(self.store.ended_sessions(sessions).await?)
    }

    /// Ends the caller's session.
    pub async fn logout(&self, user: &AuthUser, client: &ClientInfo) -> Result<()> {
        self.store
            .revoke_session(user.user_id, user.session_id, "logout")
            .await?;
        self.hub.end_session(user.user_id, user.session_id);
        self.audit(
            Some(user.user_id),
            "auth.logout",
            "session",
            Some(user.session_id.to_string()),
            client,
            json!({}),
        )
        .await;
        Ok(())
    }

    /// The caller's live sessions.
    pub async fn sessions(&self, user: &AuthUser) -> Result<Vec<SessionInfo>> {
        let rows = self.store.list_sessions(user.user_id).await?;
        Ok(rows
            .into_iter()
            .map(|row| SessionInfo {
                id: row.id,
                user_agent: row.user_agent,
                ip: row.ip,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                expires_at: row.expires_at,
                current: row.id == user.session_id,
            })
            .collect())
    }

    /// Revokes one of the caller's sessions.
    pub async fn revoke(
        &self,
        user: &AuthUser,
        session_id: SessionId,
        client: &ClientInfo,
    ) -> Result<()> {
        if !self
            .store
            .revoke_session(user.user_id, session_id, "revoked_by_user")
            .await?
        {
            return Err(Error::NotFound("no such session"));
        }
        self.hub.end_session(user.user_id, session_id);
        self.audit(
            Some(user.user_id),
            "auth.revoke_session",
            "session",
            Some(session_id.to_string()),
            client,
            json!({}),
        )
        .await;
        Ok(())
    }

    /// Creates an invite code (administrators only).
    pub async fn create_invite(
        &self,
        user: &AuthUser,
        req: &CreateInviteRequest,
        client: &ClientInfo,
    ) -> Result<InviteResponse> {
        if !user.is_admin {
            return Err(Error::Forbidden("only administrators can create invites"));
        }
        let max_uses = req.max_uses.unwrap_or(1);
        if !(1..=10_000).contains(&max_uses) {
            return Err(Error::field("maxUses", "must be between 1 and 10000"));
        }
        let expires_in = req.expires_in.unwrap_or(7 * 24 * 3600);
        if !(60..=365 * 24 * 3600).contains(&expires_in) {
            return Err(Error::field(
                "expiresIn",
                "must be between 60 s and 365 days",
            ));
        }
        let code = new_refresh_token();
        let expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(expires_in as i64);
        self.store
            .create_invite(
                &secret_hash(&code),
                Some(user.user_id),
                max_uses as i32,
                expires_at,
            )
            .await?;
        self.audit(
            Some(user.user_id),
            "auth.create_invite",
            "invite",
            None,
            client,
            json!({"maxUses": max_uses}),
        )
        .await;
        Ok(InviteResponse {
            code,
            max_uses,
            expires_at,
        })
    }
}
