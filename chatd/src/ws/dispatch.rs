//! A client frame to the service call it stands for: one match from request to handler,
//! calling the same services as REST. The frame was read once ([`ClientFrame`]); its `data`
//! is decoded once, straight into the request its `type` names.

use common::api::EditMessageRequest;
use common::ws::{ClientFrame, ClientRequest, MAX_FRAME_BYTES, ServerFrame};
use serde_json::value::RawValue;

use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::fanout::ConnId;
use crate::state::AppState;

/// What a handled frame answers: the `data` of its ack, serialized once (`None`: empty).
pub type AckData = Option<Box<RawValue>>;

/// The answer to one client frame's text, for both transports (a WebSocket text frame, a
/// `POST /api/frames` body): its `ack`, its `error`, or `None` (a frame without `id` that
/// succeeded). `conn` is the caller's live connection here, if it has one (presence is
/// per connection).
pub async fn answer(
    state: &AppState,
    auth: &AuthUser,
    conn: Option<ConnId>,
    text: &str,
) -> Option<ServerFrame> {
    // The shutdown closes connections only after frames being handled got their answer.
    let _answering = state.frames.token();
    if text.len() > MAX_FRAME_BYTES {
        let error =
            Error::PayloadTooLarge(format!("frames are limited to {MAX_FRAME_BYTES} bytes"));
        return Some(error_frame(None, &error));
    }
    // The frame is read once: its `data` stays raw until dispatch decodes it into the
    // request its `type` names.
    let frame: ClientFrame = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(e) => {
            let error = Error::BadRequest(format!("malformed JSON: {e}"));
            return Some(error_frame(None, &error));
        }
    };
    let id = frame.id.clone();
    // Once the shutdown waits for the frames in flight, new ones are refused at once:
    // clients that keep sending (resends, syncs) would otherwise keep the drain from ever
    // finding none in flight, holding every connection of the node until the grace ends.
    if state.frames.is_closed() {
        let error = Error::Unavailable(
            "the server is shutting down; reconnect and send again (same clientId)".into(),
        );
        return Some(error_frame(id, &error));
    }
    match handle(state, auth, conn, &frame).await {
        Ok(data) => id.map(|id| ServerFrame::Ack { id, data }),
        Err(error) => {
            if error.code() == common::ErrorCode::RateLimitExceeded {
                state.metrics.ws_rate_limited();
            }
            Some(error_frame(id, &error))
        }
    }
}

/// An `error` frame for `error` (logged here, once: the client sees none of its cause).
pub fn error_frame(id: Option<String>, error: &Error) -> ServerFrame {
    error.log();
    let request_id = id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    ServerFrame::Error {
        id,
        error: error.to_body(&request_id),
    }
}

/// Handles one frame; `Ok` is the `data` of its ack.
async fn handle(
    state: &AppState,
    auth: &AuthUser,
    conn: Option<ConnId>,
    frame: &ClientFrame,
) -> Result<AckData> {
    refuse_nul(frame.raw_data())?;
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hooks(frame).await {
        return answer;
    }
    if frame.kind == "auth" {
        return Err(Error::BadRequest("already authenticated".into()));
    }
    let request = frame
        .request()
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let user = auth.user_id;
    let messages = &state.messages;
    match request {
        ClientRequest::Auth(_) => Err(Error::BadRequest("already authenticated".into())),
        ClientRequest::Send(data) => {
            let (chat, req) = data.into_parts();
            ack(&messages.send(user, chat, req).await?)
        }
        ClientRequest::Edit(data) => {
            let req = EditMessageRequest {
                content: data.content,
                metadata: data.metadata,
            };
            ack(&messages.edit(user, data.message_id, &req).await?)
        }
        ClientRequest::Delete(data) => {
            messages.delete(user, data.message_id).await?;
            Ok(None)
        }
        ClientRequest::Read(data) => {
            messages.mark_read(user, data.chat_id, data.seq).await?;
            Ok(None)
        }
        ClientRequest::TypingStart(data) => {
            state.typing.started(data.chat_id, user)?;
            Ok(None)
        }
        ClientRequest::TypingStop(data) => {
            state.typing.stopped(data.chat_id, user);
            Ok(None)
        }
        ClientRequest::ReactionAdd(data) => {
            messages
                .react(user, data.message_id, &data.emoji, true)
                .await?;
            Ok(None)
        }
        ClientRequest::ReactionRemove(data) => {
            messages
                .react(user, data.message_id, &data.emoji, false)
                .await?;
            Ok(None)
        }
        ClientRequest::Presence(data) => {
            // Presence is a connection's: offline follows its end. A `POST /api/frames`
            // caller with no event stream on this node has no connection to set it for.
            let conn = conn.ok_or_else(|| {
                Error::field(
                    "type",
                    "presence needs an open event stream (GET /api/events) on this server",
                )
            })?;
            state.presence.set_status(user, conn, data.status)?;
            Ok(None)
        }
        ClientRequest::Sync(req) => ack(&state.sync.sync(user, &req).await?),
        ClientRequest::Ping => Ok(None),
    }
}

/// A NUL in any string of `data` (keys included) is refused before the frame is read, with
/// the path that holds it. JSON can carry a NUL only as the escape `\u0000`, so `data`
/// without that text is decoded into a tree only when it may hold one (hardly ever).
fn refuse_nul(raw: &str) -> Result<()> {
    if !raw.contains("\\u0000") {
        return Ok(());
    }
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Error::BadRequest(format!("malformed JSON: {e}")))?;
    crate::text::refuse_nul(&value)
}

/// An answer as the `data` of its ack, serialized once. A failure to serialize is an
/// internal error (logged once, with the error frame), never an empty ack.
fn ack<T: serde::Serialize>(value: &T) -> Result<AckData> {
    let data = serde_json::value::to_raw_value(value).map_err(|e| Error::Internal(e.into()))?;
    Ok((data.get() != "null").then_some(data))
}

/// The test-only frames: `test:panic` (a handler that panics, to test that a panic leaves
/// no zombie connection behind) and `test:sleep` (takes `data.ms`, at most 10 s, to hold a
/// frame in flight while the shutdown drains).
#[cfg(feature = "test-hooks")]
async fn test_hooks(frame: &ClientFrame) -> Option<Result<AckData>> {
    match frame.kind.as_str() {
        "test:panic" => panic!("test:panic frame (feature test-hooks)"),
        "test:sleep" => {
            #[derive(serde::Deserialize)]
            struct Sleep {
                #[serde(default)]
                ms: u64,
            }
            let ms = serde_json::from_str::<Sleep>(frame.raw_data())
                .map_or(0, |s| s.ms)
                .min(10_000);
            tracing::info!(ms, "test:sleep frame started");
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            Some(ack(&serde_json::json!({ "slept": ms })))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::refuse_nul;

    /// Only data that holds the escape is read into a tree; the NUL is named by its path.
    #[test]
    fn nul_is_refused_with_its_path() {
        assert!(refuse_nul(r#"{"content":"hi \\u0000 (an escaped backslash)"}"#).is_ok());
        assert!(refuse_nul(r#"{"content":"plain"}"#).is_ok());
        let error = refuse_nul(r#"{"metadata":{"k":"a\u0000b"}}"#).unwrap_err();
        assert_eq!(error.code(), common::ErrorCode::ValidationError);
    }
}
