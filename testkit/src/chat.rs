//! Chat and message helpers over the REST API, for tests that need a chat to talk in.

use common::api::{ChatDetail, CreateDirectRequest, SendMessageRequest, SendResult};
use common::client::{Client, ClientError};
use common::{ChatId, UserId};
use reqwest::Method;

/// The direct chat of the caller and `other`.
pub async fn direct(client: &Client, other: UserId) -> ChatId {
    let chat: ChatDetail = client
        .send(
            client
                .request(Method::POST, "/api/chats/direct")
                .json(&CreateDirectRequest { user_id: other }),
        )
        .await
        .unwrap_or_else(|e| panic!("creating a direct chat: {e}"));
    chat.chat.id
}

/// A plain-text send with this client id.
pub fn text(content: &str, client_id: &str) -> SendMessageRequest {
    SendMessageRequest {
        content: content.into(),
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: client_id.into(),
        attachment_ids: Vec::new(),
    }
}

/// `POST /api/chats/{chat}/messages`.
pub async fn send(
    client: &Client,
    chat: ChatId,
    req: &SendMessageRequest,
) -> Result<SendResult, ClientError> {
    client
        .send(
            client
                .request(Method::POST, &format!("/api/chats/{chat}/messages"))
                .json(req),
        )
        .await
}

/// Sends `content` as text and expects it stored.
pub async fn post(client: &Client, chat: ChatId, content: &str, client_id: &str) -> SendResult {
    send(client, chat, &text(content, client_id))
        .await
        .unwrap_or_else(|e| panic!("sending {content:?}: {e}"))
}
