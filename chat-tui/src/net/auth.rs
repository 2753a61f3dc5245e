//! The logged-in client and its tokens: refreshes on `401` one at a time (a refresh token is
//! single-use, and reusing one revokes the whole session), and keeps the session file current.

use std::future::Future;

use common::api::TokenResponse;
use common::client::{Client, ClientError, Tokens};
use tokio::sync::Mutex;

use crate::session::{Session, SessionFile};

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

    /// Keeps the tokens of a login or refresh in the session file.
    pub fn keep(&self, resp: &TokenResponse) {
        let session = Session {
            server: self.client.base_url().to_owned(),
            user_id: resp.user.id,
            username: resp.user.username.clone(),
            session_id: resp.session_id,
            refresh_token: resp.refresh_token.clone(),
        };
        if let Err(e) = self.file.save(&session) {
            tracing::warn!(error = %e, "could not keep the session");
        }
    }

    /// The current access token.
    pub fn access_token(&self) -> String {
        self.client
            .tokens()
            .map(|t| t.access_token)
            .unwrap_or_default()
    }

    /// Refreshes unless someone already did since `stale` was the access token.
    pub async fn refresh_after(&self, stale: &str) -> Result<(), ClientError> {
        let _guard = self.refresh_lock.lock().await;
        if self.access_token() != stale {
            return Ok(());
        }
        let resp = self.client.refresh().await?;
        self.keep(&resp);
        Ok(())
    }

    /// Runs a call, refreshing the token and trying once more on `401`.
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

    /// Restores a kept session: its refresh token buys a fresh access token.
    pub async fn restore(
        client: Client,
        file: SessionFile,
        session: &Session,
    ) -> Result<Self, ClientError> {
        client.set_tokens(Some(Tokens {
            access_token: String::new(),
            refresh_token: session.refresh_token.clone(),
            session_id: session.session_id,
        }));
        let auth = Self::new(client, file);
        auth.refresh_after("").await?;
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
}
