//! The first moments of a connection that did not authenticate before the upgrade: its
//! `auth` frame; and the refusal of a connection that may not be registered.

use axum::extract::ws::{Message, WebSocket};
use common::ws::{Envelope, close};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};

use super::session::{AUTH_TIMEOUT, error_frame, frame};
use super::writer::{CLOSE_WRITE_TIMEOUT, close_message};
use crate::auth::AuthUser;
use crate::error::Error;
use crate::fanout::Outbound;
use crate::state::AppState;

/// Waits for the `auth` frame of a connection that came without a header.
pub(super) async fn authenticate(
    state: &AppState,
    sink: &mut SplitSink<WebSocket, Message>,
    stream: &mut SplitStream<WebSocket>,
) -> Option<AuthUser> {
    let first = tokio::time::timeout(AUTH_TIMEOUT, stream.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        let _ = sink
            .send(close_message(close::UNAUTHORIZED, "authenticate first"))
            .await;
        return None;
    };
    let envelope: Option<Envelope> = serde_json::from_str(text.as_str()).ok();
    let token = envelope
        .as_ref()
        .filter(|e| e.kind == "auth")
        .and_then(|e| e.data.get("token"))
        .and_then(serde_json::Value::as_str);
    let result = match token {
        Some(token) => state.auth.authenticate(token).await,
        None => Err(Error::Unauthorized("the first frame must be auth")),
    };
    let id = envelope.and_then(|e| e.id);
    match result {
        Ok(auth) => {
            if id.is_some() {
                let ack = frame("ack", id, serde_json::Value::Null);
                if let Outbound::Frame { text, .. } = ack {
                    let _ = sink.send(Message::Text(text)).await;
                }
            }
            Some(auth)
        }
        Err(error) => {
            let reason = "authentication failed";
            refuse(sink, id, &error, (close::UNAUTHORIZED, reason)).await;
            None
        }
    }
}

/// Sends an error frame and a close frame to a connection that is not registered.
pub(super) async fn refuse(
    sink: &mut SplitSink<WebSocket, Message>,
    id: Option<String>,
    error: &Error,
    (code, reason): (u16, &'static str),
) {
    let refusal = async {
        if let Outbound::Frame { text, .. } = error_frame(id, error) {
            sink.send(Message::Text(text)).await?;
        }
        sink.send(close_message(code, reason)).await
    };
    let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, refusal).await;
}
