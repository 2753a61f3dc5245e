//! The async REST client shared by the tests, `chatctl` and `chat-tui`.
//!
//! It keeps the current tokens so callers do not thread them through every call;
//! `login` stores them, `refresh` rotates them, `logout` forgets them.

mod attachments;
mod chats;
mod email;
mod events;
mod groups;
pub mod search;
mod social;
mod socket;

use std::sync::{Arc, RwLock};

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::api::{
    ChangePasswordRequest, CreateInviteRequest, DeleteAccountRequest, InviteResponse, Liveness,
    LoginRequest, Me, Page, Privacy, Readiness, RefreshRequest, RegisterRequest, SessionList,
    TokenResponse, UpdatePrivacyRequest, UpdateProfileRequest, User,
};
use crate::error::{ErrorBody, ErrorResponse};
use crate::ids::{SessionId, UserId};

/// What can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with its error body.
    #[error("{status}: {} ({})", body.message, body.code)]
    Api {
        /// The HTTP status.
        status: u16,
        /// The documented error body.
        body: ErrorBody,
    },
    /// The server answered something that is not the documented error body.
    #[error("unexpected response {status}: {text}")]
    Unexpected {
        /// The HTTP status.
        status: u16,
        /// The first part of the body.
        text: String,
    },
    /// The request did not get an answer (connection refused, timeout, TLS).
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The call needs a login first.
    #[error("not logged in")]
    NotLoggedIn,
    /// The WebSocket failed or closed.
    #[error("websocket: {0}")]
    Socket(String),
    /// The server answered a frame with an `error` frame.
    #[error("{} ({})", .0.message, .0.code)]
    Frame(ErrorBody),
}

pub use attachments::AttachmentFile;
pub use chats::PageAt;
pub use events::EventStream;
pub use socket::{Socket, SocketReader, SocketWriter};

impl ClientError {
    /// The error body, when the server sent one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Self::Api { body, .. } | Self::Frame(body) => Some(body),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The tokens of the current session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// Bearer token for requests.
    pub access_token: String,
    /// Single-use refresh secret.
    pub refresh_token: String,
    /// The session.
    pub session_id: SessionId,
}

/// A client of one `chatd`. Cheap to clone; clones share tokens.
#[derive(Clone, Debug)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    tokens: Arc<RwLock<Option<Tokens>>>,
}

impl Client {
    /// A client for the server at `base_url`, e.g. `http://127.0.0.1:7878`.
    pub fn new(base_url: impl Into<String>) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("chat-client/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            http,
            tokens: Arc::new(RwLock::new(None)),
        })
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The current tokens, if logged in.
    pub fn tokens(&self) -> Option<Tokens> {
        self.tokens.read().ok().and_then(|t| t.clone())
    }

    /// Use these tokens from now on (a restored session, say).
    pub fn set_tokens(&self, tokens: Option<Tokens>) {
        if let Ok(mut slot) = self.tokens.write() {
            *slot = tokens;
        }
    }

    /// A request with the current access token, for endpoints this client does not wrap.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        match self.tokens() {
            Some(tokens) => builder.bearer_auth(tokens.access_token),
            None => builder,
        }
    }

    /// `GET /health`.
    pub async fn health(&self) -> Result<Liveness, ClientError> {
        self.send(self.request(Method::GET, "/health")).await
    }

    /// `GET /health/ready`.
    pub async fn ready(&self) -> Result<Readiness, ClientError> {
        self.send(self.request(Method::GET, "/health/ready")).await
    }

    /// `POST /api/auth/register`.
    pub async fn register(&self, req: &RegisterRequest) -> Result<User, ClientError> {
        self.send(self.request(Method::POST, "/api/auth/register").json(req))
            .await
    }

    /// `POST /api/auth/login`; on success the client keeps the tokens.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<TokenResponse, ClientError> {
        let req = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let resp: TokenResponse = self
            .send(
                self.http
                    .post(format!("{}/api/auth/login", self.base_url))
                    .json(&req),
            )
            .await?;
        self.keep(&resp);
        Ok(resp)
    }

    /// `POST /api/auth/refresh` with the kept refresh token; keeps the new pair.
    pub async fn refresh(&self) -> Result<TokenResponse, ClientError> {
        let tokens = self.tokens().ok_or(ClientError::NotLoggedIn)?;
        let req = RefreshRequest {
            refresh_token: tokens.refresh_token,
        };
        let resp: TokenResponse = self
            .send(
                self.http
                    .post(format!("{}/api/auth/refresh", self.base_url))
                    .json(&req),
            )
            .await?;
        self.keep(&resp);
        Ok(resp)
    }

    /// `POST /api/auth/logout`: ends this session on the server and forgets the tokens.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::POST, "/api/auth/logout"))
            .await?;
        self.set_tokens(None);
        Ok(())
    }

    /// `GET /api/auth/sessions`.
    pub async fn sessions(&self) -> Result<SessionList, ClientError> {
        self.send(self.request(Method::GET, "/api/auth/sessions"))
            .await
    }

    /// `DELETE /api/auth/sessions/{id}`.
    pub async fn revoke_session(&self, id: SessionId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/auth/sessions/{id}")))
            .await
    }

    /// `GET /api/users/me`.
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.send(self.request(Method::GET, "/api/users/me")).await
    }

    /// `PUT /api/users/me`.
    pub async fn update_me(&self, req: &UpdateProfileRequest) -> Result<Me, ClientError> {
        self.send(self.request(Method::PUT, "/api/users/me").json(req))
            .await
    }

    /// `PUT /api/users/me/password`: every other session of the account ends.
    pub async fn change_password(&self, req: &ChangePasswordRequest) -> Result<(), ClientError> {
        self.send_empty(
            self.request(Method::PUT, "/api/users/me/password")
                .json(req),
        )
        .await
    }

    /// `GET /api/users/me/privacy`.
    pub async fn privacy(&self) -> Result<Privacy, ClientError> {
        self.send(self.request(Method::GET, "/api/users/me/privacy"))
            .await
    }

    /// `PUT /api/users/me/privacy`: fields left out stay as they are.
    pub async fn set_privacy(&self, req: &UpdatePrivacyRequest) -> Result<Privacy, ClientError> {
        self.send(self.request(Method::PUT, "/api/users/me/privacy").json(req))
            .await
    }

    /// `DELETE /api/users/me`: deletes the account; the client forgets its tokens.
    pub async fn delete_account(&self, password: &str) -> Result<(), ClientError> {
        let req = DeleteAccountRequest {
            password: password.to_owned(),
        };
        self.send_empty(self.request(Method::DELETE, "/api/users/me").json(&req))
            .await?;
        self.set_tokens(None);
        Ok(())
    }

    /// `GET /api/users/{id}`.
    pub async fn user(&self, id: UserId) -> Result<User, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/users/{id}")))
            .await
    }

    /// `GET /api/users/search?q=&limit=&cursor=`.
    pub async fn search_users(
        &self,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Page<User>, ClientError> {
        let mut query: Vec<(&str, String)> = vec![("q", q.to_owned())];
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        self.send(self.request(Method::GET, "/api/users/search").query(&query))
            .await
    }

    /// `POST /api/admin/invites` (administrators only).
    pub async fn create_invite(
        &self,
        req: &CreateInviteRequest,
    ) -> Result<InviteResponse, ClientError> {
        self.send(self.request(Method::POST, "/api/admin/invites").json(req))
            .await
    }

    fn keep(&self, resp: &TokenResponse) {
        self.set_tokens(Some(Tokens {
            access_token: resp.access_token.clone(),
            refresh_token: resp.refresh_token.clone(),
            session_id: resp.session_id,
        }));
    }

    /// Sends a request and decodes a JSON success body or the error body.
    pub async fn send<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T, ClientError> {
        let resp = req.send().await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.json().await?);
        }
        Err(error_from(status, resp).await)
    }

    async fn send_empty(&self, req: RequestBuilder) -> Result<(), ClientError> {
        let resp = req.send().await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        Err(error_from(status, resp).await)
    }
}

async fn error_from(status: StatusCode, resp: reqwest::Response) -> ClientError {
    let text = resp.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorResponse>(&text) {
        Ok(body) => ClientError::Api {
            status: status.as_u16(),
            body: body.error,
        },
        Err(_) => ClientError::Unexpected {
            status: status.as_u16(),
            text: text.chars().take(512).collect(),
        },
    }
}
