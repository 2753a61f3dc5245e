//! A client frame to the service call it stands for: one table from frame type to handler,
//! calling the same services as REST. A type missing from the table is an unknown frame;
//! each handler decodes its own `data`.

use common::api::{EditMessageRequest, SyncRequest};
use common::ws::{
    ChatRef, EditData, Envelope, MessageRef, PresenceData, ReactionData, ReadData, SendData,
};
use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::fanout::ConnId;
use crate::state::AppState;

/// One frame being handled.
struct Call<'a> {
    state: &'a AppState,
    kind: &'a str,
    user: common::ids::UserId,
    conn: ConnId,
    data: Value,
}

impl Call<'_> {
    /// The frame's `data` as `T`.
    fn data<T: DeserializeOwned>(&mut self) -> Result<T> {
        serde_json::from_value(self.data.take())
            .map_err(|e| Error::BadRequest(format!("invalid {} frame: {e}", self.kind)))
    }
}

/// What a handler answers: the `data` of the ack.
type Handler = for<'a> fn(Call<'a>) -> BoxFuture<'a, Result<Value>>;

/// Every frame type a client may send after `hello`, and its handler.
const FRAMES: &[(&str, Handler)] = &[
    ("auth", |_| {
        Box::pin(async { Err(Error::BadRequest("already authenticated".into())) })
    }),
    ("message:send", send),
    ("message:edit", edit),
    ("message:delete", delete),
    ("message:read", read),
    ("typing:start", typing_start),
    ("typing:stop", typing_stop),
    ("reaction:add", |call| react(call, true)),
    ("reaction:remove", |call| react(call, false)),
    ("presence:update", presence),
    ("sync", sync),
    ("ping", ping),
    // A handler that panics, to test that a panic leaves no zombie connection behind.
    #[cfg(feature = "test-hooks")]
    ("test:panic", |_| {
        panic!("test:panic frame (feature test-hooks)")
    }),
    // A handler that takes `data.ms` (at most 10 s), to hold a frame in flight while the
    // shutdown drains.
    #[cfg(feature = "test-hooks")]
    ("test:sleep", test_sleep),
];

/// Handles one frame; `Ok` is the `data` of its ack.
pub async fn handle(
    state: &AppState,
    auth: &AuthUser,
    conn: ConnId,
    envelope: Envelope,
) -> Result<Value> {
    crate::text::refuse_nul(&envelope.data)?;
    let kind = envelope.kind.as_str();
    let Some((_, handler)) = FRAMES.iter().find(|(name, _)| *name == kind) else {
        return Err(Error::BadRequest(format!("unknown frame type {kind:?}")));
    };
    handler(Call {
        state,
        kind,
        user: auth.user_id,
        conn,
        data: envelope.data,
    })
    .await
}

fn send(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let (chat, req) = call.data::<SendData>()?.into_parts();
        ack(&call.state.messages.send(call.user, chat, req).await?)
    })
}

fn edit(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: EditData = call.data()?;
        let req = EditMessageRequest {
            content: data.content,
            metadata: data.metadata,
        };
        let message = data.message_id;
        ack(&call.state.messages.edit(call.user, message, &req).await?)
    })
}

fn delete(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: MessageRef = call.data()?;
        let message = data.message_id;
        call.state.messages.delete(call.user, message).await?;
        Ok(Value::Null)
    })
}

fn read(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: ReadData = call.data()?;
        let chat = data.chat_id;
        call.state
            .messages
            .mark_read(call.user, chat, data.seq)
            .await?;
        Ok(Value::Null)
    })
}

fn typing_start(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: ChatRef = call.data()?;
        call.state.typing.started(data.chat_id, call.user)?;
        Ok(Value::Null)
    })
}

fn typing_stop(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: ChatRef = call.data()?;
        call.state.typing.stopped(data.chat_id, call.user);
        Ok(Value::Null)
    })
}

fn react(mut call: Call<'_>, add: bool) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: ReactionData = call.data()?;
        let message = data.message_id;
        let messages = &call.state.messages;
        messages.react(call.user, message, &data.emoji, add).await?;
        Ok(Value::Null)
    })
}

fn presence(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let data: PresenceData = call.data()?;
        let presence = &call.state.presence;
        presence
            .set_status(call.user, call.conn, data.status)
            .await?;
        Ok(Value::Null)
    })
}

fn sync(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let req: SyncRequest = call.data()?;
        ack(&call.state.sync.sync(call.user, &req).await?)
    })
}

/// Carries no data: anything in `data` is refused, as for every unit frame.
fn ping(mut call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        call.data::<()>()?;
        Ok(Value::Null)
    })
}

/// An answer as the `data` of its ack. A failure to serialize is an internal error, never
/// an empty ack.
fn ack<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Internal(e.into()))
}

#[cfg(feature = "test-hooks")]
fn test_sleep(call: Call<'_>) -> BoxFuture<'_, Result<Value>> {
    Box::pin(async move {
        let ms = call.data["ms"].as_u64().unwrap_or(0).min(10_000);
        tracing::info!(ms, "test:sleep frame started");
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(serde_json::json!({ "slept": ms }))
    })
}

#[cfg(test)]
mod tests {
    use super::FRAMES;

    /// Every request type of the protocol has a handler, and no type has two.
    #[test]
    fn the_table_covers_every_client_request_once() {
        let mut names: Vec<&str> = FRAMES.iter().map(|(name, _)| *name).collect();
        let total = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), total, "a frame type is in the table twice");
        for request in [
            r#"{"type":"auth","data":{"token":"t"}}"#,
            r#"{"type":"ping"}"#,
            r#"{"type":"typing:start","data":{"chatId":"0190a0a0-0000-7000-8000-000000000000"}}"#,
            r#"{"type":"sync","data":{}}"#,
        ] {
            let parsed: common::ws::ClientRequest = serde_json::from_str(request).expect(request);
            let value = serde_json::to_value(&parsed).expect("serializes");
            let kind = value["type"].as_str().expect("tagged");
            assert!(names.contains(&kind), "{kind} has no handler");
        }
    }

    /// A unit frame with data is refused, as the protocol's own type refuses it.
    #[test]
    fn ping_takes_no_data_like_the_protocol_type() {
        for data in [
            serde_json::json!({}),
            serde_json::json!("x"),
            serde_json::Value::Null,
        ] {
            let frame = serde_json::json!({"type": "ping", "data": data});
            let protocol = serde_json::from_value::<common::ws::ClientRequest>(frame).is_ok();
            let ours = serde_json::from_value::<()>(data.clone()).is_ok();
            assert_eq!(protocol, ours, "{data}");
        }
    }
}
