//! The logged-in client and its tokens, shared with every other process of the profile
//! through the session file. A refresh token is single-use and reusing one revokes the whole
//! session, so a refresh happens one at a time in this process (a mutex) and across
//! processes (the profile's file lock), after re-reading the file: when another process has
//! already rotated, its still-valid access token is taken instead of refreshing again.

use std::future::Future;

use common::api::TokenResponse;
use common::client::{Client, ClientError, Tokens};
use tokio::sync::Mutex;

use crate::session::{self, Session, SessionFile, SessionLock};

/// A client with its session file.
#[derive(Debug)]
pub struct Auth {
    /// The REST client (shares its tokens with every clone).
    pub client: Client,
    file: SessionFile,
    refresh_lock: Mutex<()>,
}

impl Auth {
    /// Wraps a logged-in client.
    pub fn new(client: Client, file: SessionFile) -> Self {
        Self {
            client,
            file,
            refresh_lock: Mutex::new(()),
        }
    }

    /// Keeps the tokens of a login or refresh in the session file (the access token too, so
    /// other processes reuse it instead of refreshing).
    pub fn keep(&self, resp: &TokenResponse) {
        let now = session::unix_now();
        let session = Session {
            server: self.client.base_url().to_owned(),
            user_id: resp.user.id,
            username: resp.user.username.clone(),
            session_id: resp.session_id,
            refresh_token: resp.refresh_token.clone(),
            access_token: Some(resp.access_token.clone()),
            access_expires_at: Some(session::reuse_until(now, resp.expires_in)),
        };
        if let Err(e) = self.file.save(&session) {
            tracing::warn!(error = %e, "could not keep the session");
        }
    }

    /// Keeps a fresh login under the profile's lock, so it never lands in the middle of
    /// another process's refresh.
    pub async fn keep_login(&self, resp: &TokenResponse) {
        let _lock = self.lock().await;
        self.keep(resp);
    }

    /// The current access token.
    pub fn access_token(&self) -> String {
        self.client
            .tokens()
            .map(|t| t.access_token)
            .unwrap_or_default()
    }

    async fn lock(&self) -> Option<SessionLock> {
        let file = self.file.clone();
        match tokio::task::spawn_blocking(move || file.lock()).await {
            Ok(Ok(lock)) => Some(lock),
            Ok(Err(e)) => {
                // A data directory that cannot hold a lock file still works for one process.
                tracing::warn!(error = %e, "could not lock the session file");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not lock the session file");
                None
            }
        }
    }

    /// Gets a working access token unless someone in this process already did since `stale`
    /// was the access token: takes the profile's lock, re-reads the session file, reuses
    /// another process's live access token, else refreshes with the newest refresh token
    /// and writes the new pair.
    pub async fn refresh_after(&self, stale: &str) -> Result<(), ClientError> {
        let _guard = self.refresh_lock.lock().await;
        if self.access_token() != stale {
            return Ok(());
        }
        let _lock = self.lock().await;
        let ours = self.client.tokens().ok_or(ClientError::NotLoggedIn)?;
        let kept = self
            .file
            .load()
            .filter(|s| s.session_id == ours.session_id && s.server == self.client.base_url());
        if let Some(kept) = &kept {
            if let Some(access) = kept.live_access_token(session::unix_now())
                && access != stale
            {
                self.client.set_tokens(Some(Tokens {
                    access_token: access.to_owned(),
                    refresh_token: kept.refresh_token.clone(),
                    session_id: kept.session_id,
                }));
                return Ok(());
            }
            // Another process may have rotated: its refresh token is the live one.
            self.client.set_tokens(Some(Tokens {
                refresh_token: kept.refresh_token.clone(),
                ..ours
            }));
        }
        let resp = self.client.refresh().await?;
        // Written only while the file still holds this session: after a logout elsewhere
        // (file removed) or a new login, this process does not bring the old one back.
        if kept.is_some() {
            self.keep(&resp);
        }
        Ok(())
    }

    /// Runs a call, getting a working token and trying once more on `401`.
    pub async fn call<T, F, Fut>(&self, f: F) -> Result<T, ClientError>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let token = self.access_token();
        match f(self.client.clone()).await {
            Err(e) if e.status() == Some(401) => {
                self.refresh_after(&token).await?;
                f(self.client.clone()).await
            }
            other => other,
        }
    }

    /// Restores a kept session: its access token while still good, else a refresh (under
    /// the lock, so a process starting while another refreshes takes that one's result).
    pub async fn restore(
        client: Client,
        file: SessionFile,
        session: &Session,
    ) -> Result<Self, ClientError> {
        let live = session.live_access_token(session::unix_now());
        client.set_tokens(Some(Tokens {
            access_token: live.unwrap_or_default().to_owned(),
            refresh_token: session.refresh_token.clone(),
            session_id: session.session_id,
        }));
        let auth = Self::new(client, file);
        if live.is_none() {
            auth.refresh_after("").await?;
        }
        Ok(auth)
    }

    /// Ends the session on the server and forgets it here (even when the server is away).
    pub async fn logout(&self) {
        let _ = self.call(|c| async move { c.logout().await }).await;
        self.client.set_tokens(None);
        if let Err(e) = self.file.remove() {
            tracing::warn!(error = %e, "could not remove the session file");
        }
    }

    /// Forgets a session the server has ended (the file too, so the next start asks for a
    /// login instead of failing the same way), unless the file already holds another one.
    pub fn forget_ended(&self) {
        let ours = self.client.tokens().map(|t| t.session_id);
        if self.file.load().map(|s| s.session_id) == ours
            && let Err(e) = self.file.remove()
        {
            tracing::warn!(error = %e, "could not remove the session file");
        }
    }
}
