//! The first moments of a connection that did not authenticate before the upgrade: its
//! `auth` frame; and the refusal of a connection that may not be registered.

use std::borrow::Cow;

use axum::extract::ws::{Message, WebSocket};
use common::ws::{ClientFrame, ServerFrame, close};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};

use super::dispatch::error_frame;
use super::session::{AUTH_TIMEOUT, encode};
use super::writer::{CLOSE_WRITE_TIMEOUT, close_message};
use crate::auth::AuthUser;
use crate::error::Error;
use crate::state::AppState;

/// What `auth` reads of its `data`: only `token` (other fields are ignored).
#[derive(serde::Deserialize)]
struct AuthToken<'a> {
    #[serde(borrow)]
    token: Cow<'a, str>,
}

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
    let frame: Option<ClientFrame> = serde_json::from_str(text.as_str()).ok();
    let token = frame
        .as_ref()
        .filter(|f| f.kind == "auth")
        .and_then(|f| serde_json::from_str::<AuthToken<'_>>(f.raw_data()).ok());
    let result = match token {
        Some(AuthToken { token }) => state.auth.authenticate(&token).await,
        None => Err(Error::Unauthorized("the first frame must be auth")),
    };
    let id = frame.and_then(|f| f.id);
    match result {
        Ok(auth) => {
            if let Some(id) = id
                && let Some(ack) = encode(&ServerFrame::Ack { id, data: None })
            {
                let _ = sink.send(Message::Text(ack)).await;
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
        if let Some(text) = encode(&error_frame(id, error)) {
            sink.send(Message::Text(text)).await?;
        }
        sink.send(close_message(code, reason)).await
    };
    let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, refusal).await;
}
