//! A decoded client frame to the service call it stands for; the same services as REST.

use common::ws::{ClientRequest, Envelope, PresenceStatus};
use serde_json::Value;

use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::fanout::ConnId;
use crate::http::AppState;

/// Handles one frame; `Ok` is the `data` of its ack.
pub async fn handle(
    state: &AppState,
    auth: &AuthUser,
    conn: ConnId,
    envelope: Envelope,
) -> Result<Value> {
    crate::text::refuse_nul(&envelope.data)?;
    let kind = envelope.kind.clone();
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hook(&kind, &envelope.data).await {
        return Ok(answer);
    }
    let mut tagged = serde_json::Map::new();
    tagged.insert("type".into(), Value::String(envelope.kind));
    if !envelope.data.is_null() {
        tagged.insert("data".into(), envelope.data);
    }
    let request: ClientRequest = serde_json::from_value(Value::Object(tagged)).map_err(|e| {
        let message = e.to_string();
        if message.contains("unknown variant") {
            Error::BadRequest(format!("unknown frame type {kind:?}"))
        } else {
            Error::BadRequest(format!("invalid {kind} frame: {message}"))
        }
    })?;
    let user = auth.user_id;
    match request {
        ClientRequest::Auth(_) => Err(Error::BadRequest("already authenticated".into())),
        ClientRequest::Send(data) => {
            let (chat, req) = data.into_parts();
            let result = state.messages.send(user, chat.as_uuid(), req).await?;
            state.typing.stopped(chat.as_uuid(), user);
            Ok(json(&result))
        }
        ClientRequest::Edit(data) => {
            let req = common::api::EditMessageRequest {
                content: data.content,
                metadata: data.metadata,
            };
            Ok(json(
                &state
                    .messages
                    .edit(user, data.message_id.as_uuid(), &req)
                    .await?,
            ))
        }
        ClientRequest::Delete(data) => {
            state
                .messages
                .delete(user, data.message_id.as_uuid())
                .await?;
            Ok(Value::Null)
        }
        ClientRequest::Read(data) => {
            state
                .messages
                .mark_read(user, data.chat_id.as_uuid(), data.seq)
                .await?;
            Ok(Value::Null)
        }
        ClientRequest::TypingStart(data) => {
            let chat = data.chat_id.as_uuid();
            state
                .store
                .role_in(chat, user)
                .await?
                .ok_or(Error::NotFound("no such chat"))?;
            state.typing.started(chat, user);
            Ok(Value::Null)
        }
        ClientRequest::TypingStop(data) => {
            state.typing.stopped(data.chat_id.as_uuid(), user);
            Ok(Value::Null)
        }
        ClientRequest::ReactionAdd(data) => {
            state
                .messages
                .react(user, data.message_id.as_uuid(), &data.emoji, true)
                .await?;
            Ok(Value::Null)
        }
        ClientRequest::ReactionRemove(data) => {
            state
                .messages
                .react(user, data.message_id.as_uuid(), &data.emoji, false)
                .await?;
            Ok(Value::Null)
        }
        ClientRequest::Presence(data) => {
            if data.status == PresenceStatus::Offline {
                return Err(Error::field(
                    "status",
                    "online or away; offline follows disconnecting",
                ));
            }
            state.presence.set(user, conn, data.status).await;
            Ok(Value::Null)
        }
        ClientRequest::Sync(req) => Ok(json(&state.sync.sync(user, &req).await?)),
        ClientRequest::Ping => Ok(Value::Null),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Frames that exist only for the tests (feature `test-hooks`, never in a release build):
/// `test:panic` panics, to test that a panic leaves no zombie connection behind;
/// `test:sleep` takes `data.ms` (at most 10 s), to hold a frame in flight while the
/// shutdown drains.
#[cfg(feature = "test-hooks")]
async fn test_hook(kind: &str, data: &Value) -> Option<Value> {
    assert!(
        kind != "test:panic",
        "test:panic frame (feature test-hooks)"
    );
    if kind != "test:sleep" {
        return None;
    }
    let ms = data["ms"].as_u64().unwrap_or(0).min(10_000);
    tracing::info!(ms, "test:sleep frame started");
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    Some(serde_json::json!({ "slept": ms }))
}
