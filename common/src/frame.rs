//! Whole WebSocket frames, typed: [`ClientFrame`] (what a client sends: a request with its
//! optional `id`) and [`ServerFrame`] (what the server sends: `hello`, `ack`, `error`,
//! `sync:required` and the events). A frame is read in one pass: `data` is kept as raw JSON
//! text and decoded once, straight into the type its `type` names (never into a
//! `serde_json::Value` first and rebuilt).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::ErrorBody;
use crate::ws::{ClientRequest, Hello, ServerEvent};

/// A client frame as read off the socket: its `type`, its `id`, and its `data` still as
/// raw JSON text. [`ClientFrame::request`] decodes `data` into the request `type` names.
#[derive(Debug, Deserialize)]
pub struct ClientFrame {
    /// The frame type, e.g. `message:send`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The client's correlation id, echoed by the answer.
    #[serde(default)]
    pub id: Option<String>,
    /// The payload, undecoded; `None` when left out (or `null`).
    #[serde(default)]
    pub data: Option<Box<RawValue>>,
    /// Never used, but read as before: an `error` member that is not an error body makes
    /// the frame malformed, as it always has (the answer to a bad frame stays the same).
    #[serde(default, rename = "error")]
    _error: Option<ErrorBody>,
}

impl ClientFrame {
    /// A frame carrying `request`, as a client sends it (`id` names the answer).
    pub fn encode(id: Option<&str>, request: &ClientRequest) -> serde_json::Result<String> {
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            id: Option<&'a str>,
            #[serde(flatten)]
            request: &'a ClientRequest,
        }
        serde_json::to_string(&Out { id, request })
    }

    /// The raw `data`, `null` when left out.
    pub fn raw_data(&self) -> &str {
        self.data.as_deref().map_or("null", RawValue::get)
    }

    /// Decodes `data` into the request `type` names.
    pub fn request(&self) -> Result<ClientRequest, FrameError> {
        let raw = self.raw_data();
        let invalid = |error| FrameError::Invalid {
            kind: self.kind.clone(),
            error,
        };
        let request = match self.kind.as_str() {
            "auth" => ClientRequest::Auth(decode(raw).map_err(invalid)?),
            "message:send" => ClientRequest::Send(decode(raw).map_err(invalid)?),
            "message:edit" => ClientRequest::Edit(decode(raw).map_err(invalid)?),
            "message:delete" => ClientRequest::Delete(decode(raw).map_err(invalid)?),
            "message:read" => ClientRequest::Read(decode(raw).map_err(invalid)?),
            "typing:start" => ClientRequest::TypingStart(decode(raw).map_err(invalid)?),
            "typing:stop" => ClientRequest::TypingStop(decode(raw).map_err(invalid)?),
            "reaction:add" => ClientRequest::ReactionAdd(decode(raw).map_err(invalid)?),
            "reaction:remove" => ClientRequest::ReactionRemove(decode(raw).map_err(invalid)?),
            "presence:update" => ClientRequest::Presence(decode(raw).map_err(invalid)?),
            "sync" => ClientRequest::Sync(decode(raw).map_err(invalid)?),
            // A unit frame: any `data` but none is refused.
            "ping" => {
                decode::<()>(raw).map_err(invalid)?;
                ClientRequest::Ping
            }
            _ => return Err(FrameError::UnknownType(self.kind.clone())),
        };
        Ok(request)
    }
}

fn decode<T: DeserializeOwned>(raw: &str) -> serde_json::Result<T> {
    serde_json::from_str(raw)
}

/// Why a well-formed frame is not a valid request.
#[derive(Debug)]
pub enum FrameError {
    /// No request has this `type`.
    UnknownType(String),
    /// The `data` does not fit the request.
    Invalid {
        /// The frame type.
        kind: String,
        /// The parser's error.
        error: serde_json::Error,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownType(kind) => write!(f, "unknown frame type {kind:?}"),
            Self::Invalid { kind, error } => {
                // The parser's message without its position: the position is within `data`
                // alone, which would only mislead (and the documented message has none).
                let text = error.to_string();
                let position = format!(" at line {} column {}", error.line(), error.column());
                let message = text.strip_suffix(&position).unwrap_or(&text);
                write!(f, "invalid {kind} frame: {message}")
            }
        }
    }
}

impl std::error::Error for FrameError {}

/// What the server sends.
#[derive(Clone, Debug)]
pub enum ServerFrame {
    /// The first frame of a connection.
    Hello(Hello),
    /// A client frame with this `id` succeeded; `data` is its result, already serialized
    /// (`None` for frames whose result is empty).
    Ack {
        /// The client frame's `id`.
        id: String,
        /// The result.
        data: Option<Box<RawValue>>,
    },
    /// A client frame failed (or could not be read: then without `id`).
    Error {
        /// The client frame's `id`, if it had one and could be read.
        id: Option<String>,
        /// What went wrong.
        error: ErrorBody,
    },
    /// This node may have missed events: every chat is to be synced.
    SyncRequired,
    /// A pushed event.
    Event(ServerEvent),
}

impl ServerFrame {
    /// An `ack` whose `data` is `result`, serialized now (once).
    pub fn ack<T: Serialize>(id: String, result: &T) -> serde_json::Result<Self> {
        let data = serde_json::value::to_raw_value(result)?;
        Ok(Self::Ack {
            id,
            data: (data.get() != "null").then_some(data),
        })
    }

    /// The frame's `type`.
    pub fn kind(&self) -> &str {
        match self {
            Self::Hello(_) => "hello",
            Self::Ack { .. } => "ack",
            Self::Error { .. } => "error",
            Self::SyncRequired => "sync:required",
            Self::Event(_) => "event",
        }
    }

    /// Reads a frame: the envelope in one pass with `data` kept raw, then `data` (or, for
    /// an event, the frame) decoded into its type.
    pub fn parse(text: &str) -> serde_json::Result<Self> {
        #[derive(Deserialize)]
        struct Raw<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
            #[serde(default)]
            id: Option<String>,
            #[serde(default, borrow)]
            data: Option<&'a RawValue>,
            #[serde(default)]
            error: Option<ErrorBody>,
        }
        let raw: Raw<'_> = serde_json::from_str(text)?;
        let data = raw.data.map_or("null", RawValue::get);
        Ok(match (raw.kind.as_ref(), raw.error) {
            ("hello", _) => Self::Hello(serde_json::from_str(data)?),
            ("ack", _) => Self::Ack {
                id: raw
                    .id
                    .ok_or_else(|| <serde_json::Error as serde::de::Error>::missing_field("id"))?,
                data: raw
                    .data
                    .filter(|d| d.get() != "null")
                    .map(RawValue::to_owned),
            },
            ("error", Some(error)) => Self::Error { id: raw.id, error },
            ("sync:required", _) => Self::SyncRequired,
            _ => Self::Event(serde_json::from_str(text)?),
        })
    }
}

impl Serialize for ServerFrame {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Event(event) => event.serialize(serializer),
            Self::Hello(hello) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("type", "hello")?;
                map.serialize_entry("data", hello)?;
                map.end()
            }
            Self::Ack { id, data } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "ack")?;
                map.serialize_entry("id", id)?;
                if let Some(data) = data {
                    map.serialize_entry("data", data)?;
                }
                map.end()
            }
            Self::Error { id, error } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "error")?;
                if let Some(id) = id {
                    map.serialize_entry("id", id)?;
                }
                map.serialize_entry("error", error)?;
                map.end()
            }
            Self::SyncRequired => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("type", "sync:required")?;
                map.serialize_entry("data", &serde_json::Map::new())?;
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ChatId, MessageId};
    use crate::ws::{Envelope, MessageDeleted, SendData};

    fn frame(text: &str) -> ClientFrame {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_client_frame_decodes_its_request_once() {
        let chat = ChatId::new();
        let text = format!(
            r#"{{"data":{{"chatId":"{chat}","content":"hi","clientId":"c1"}},"id":"7","type":"message:send"}}"#
        );
        let read = frame(&text);
        assert_eq!(read.id.as_deref(), Some("7"));
        let ClientRequest::Send(SendData {
            chat_id, content, ..
        }) = read.request().unwrap()
        else {
            panic!("not a send")
        };
        assert_eq!((chat_id, content.as_str()), (chat, "hi"));
        assert_eq!(
            frame(r#"{"type":"ping"}"#).request().unwrap(),
            ClientRequest::Ping
        );
    }

    #[test]
    fn bad_requests_keep_the_documented_messages() {
        let unknown = frame(r#"{"type":"message:shout","data":{}}"#)
            .request()
            .unwrap_err();
        assert_eq!(unknown.to_string(), r#"unknown frame type "message:shout""#);
        let missing = frame(r#"{"type":"typing:start","data":{}}"#)
            .request()
            .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "invalid typing:start frame: missing field `chatId`"
        );
        let ping = frame(r#"{"type":"ping","data":{}}"#).request().unwrap_err();
        assert_eq!(
            ping.to_string(),
            "invalid ping frame: invalid type: map, expected unit"
        );
        let no_data = frame(r#"{"type":"message:read"}"#).request().unwrap_err();
        assert!(
            no_data
                .to_string()
                .starts_with("invalid message:read frame: invalid type: null")
        );
        // Not a frame at all: the parser's error, as before.
        assert!(serde_json::from_str::<ClientFrame>(r#"{"id":1,"type":"ping"}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"data":{}}"#).is_err());
    }

    #[test]
    fn encoded_requests_read_back() {
        let request = ClientRequest::Delete(crate::ws::MessageRef {
            message_id: MessageId::new(),
        });
        let text = ClientFrame::encode(Some("3"), &request).unwrap();
        let read = frame(&text);
        assert_eq!(read.id.as_deref(), Some("3"));
        assert_eq!(read.request().unwrap(), request);
    }

    #[test]
    fn server_frames_have_the_documented_shape_and_parse_back() {
        let ack = ServerFrame::ack("9".into(), &serde_json::json!({"n": 1})).unwrap();
        let text = serde_json::to_string(&ack).unwrap();
        assert_eq!(text, r#"{"type":"ack","id":"9","data":{"n":1}}"#);
        let empty = ServerFrame::ack("10".into(), &()).unwrap();
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"type":"ack","id":"10"}"#
        );
        let event = ServerFrame::Event(ServerEvent::MessageDeleted(MessageDeleted {
            chat_id: ChatId::new(),
            seq: 4,
            message_id: MessageId::new(),
        }));
        let text = serde_json::to_string(&event).unwrap();
        let ServerFrame::Event(back) = ServerFrame::parse(&text).unwrap() else {
            panic!("not an event")
        };
        assert_eq!(back.seq().map(|(_, s)| s), Some(4));
        // The generic envelope reads every server frame too.
        let envelope: Envelope = serde_json::from_str(&text).unwrap();
        assert_eq!(envelope.kind, "message:deleted");
        let sync = serde_json::to_string(&ServerFrame::SyncRequired).unwrap();
        assert_eq!(sync, r#"{"type":"sync:required","data":{}}"#);
        assert!(matches!(
            ServerFrame::parse(&sync),
            Ok(ServerFrame::SyncRequired)
        ));
    }
}
