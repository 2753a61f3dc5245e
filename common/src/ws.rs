//! The WebSocket envelope: every frame is `{"type": ..., "id"?: ..., "data": {...}}`.
//! The event types themselves arrive with the messaging protocol.

use serde::{Deserialize, Serialize};

use crate::error::ErrorBody;

/// The protocol version announced in the server's `hello` frame.
pub const PROTOCOL_VERSION: u32 = 1;

/// The generic frame shape. `id` ties a client request to the server's `ack` or `error`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The frame type, e.g. `message:send`, `ack`, `error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A client-chosen correlation id, echoed by the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The payload.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
    /// The error, on `error` frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_uses_type_id_data() {
        let frame: Envelope =
            serde_json::from_str(r#"{"type":"ping","id":"1","data":{"a":1}}"#).unwrap();
        assert_eq!(frame.kind, "ping");
        assert_eq!(frame.id.as_deref(), Some("1"));
        assert_eq!(frame.data["a"], 1);
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(json["type"], "ping");
        assert!(json.get("error").is_none());
    }
}
