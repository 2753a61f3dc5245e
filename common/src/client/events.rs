//! The Server-Sent Events side of the client, for networks that refuse WebSocket upgrades:
//! [`EventStream`] reads `GET /api/events` (the socket's frames, one per `data:`), and
//! [`Client::post_frame`] sends a client frame by `POST /api/frames` and returns its answer.

use std::collections::VecDeque;

use reqwest::{Method, StatusCode};

use super::{Client, ClientError, error_from};
use crate::ws::{ClientFrame, ClientRequest, Envelope, Hello};

/// An open event stream.
#[derive(Debug)]
pub struct EventStream {
    response: reqwest::Response,
    /// Bytes read and not yet parsed into events.
    buffer: Vec<u8>,
    /// Frames read while waiting for `hello`.
    pending: VecDeque<Envelope>,
    last_event_id: Option<String>,
    close: Option<(u16, String)>,
}

/// One parsed server-sent event (comments are skipped).
#[derive(Debug, Default)]
struct RawEvent {
    event: Option<String>,
    id: Option<String>,
    data: String,
}

impl EventStream {
    /// Opens `GET /api/events` with the client's token (and `Last-Event-ID` when resuming)
    /// and reads `hello`.
    pub async fn connect(
        client: &Client,
        last_event_id: Option<&str>,
    ) -> Result<(Self, Hello), ClientError> {
        let mut req = client
            .request(Method::GET, "/api/events")
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let response = req.send().await?;
        let status = response.status();
        if !status.is_success() {
            return Err(error_from(status, response).await);
        }
        let mut stream = Self {
            response,
            buffer: Vec::new(),
            pending: VecDeque::new(),
            last_event_id: last_event_id.map(str::to_owned),
            close: None,
        };
        loop {
            let frame = stream
                .read_frame()
                .await?
                .ok_or_else(|| ClientError::Socket("event stream ended before hello".into()))?;
            if frame.kind == "hello" {
                let hello = serde_json::from_value(frame.data)
                    .map_err(|e| ClientError::Socket(format!("bad hello: {e}")))?;
                return Ok((stream, hello));
            }
            stream.pending.push_back(frame);
        }
    }

    /// The next frame; `None` once the stream ended (see [`Self::close`] for why).
    pub async fn next_frame(&mut self) -> Result<Option<Envelope>, ClientError> {
        if let Some(frame) = self.pending.pop_front() {
            return Ok(Some(frame));
        }
        self.read_frame().await
    }

    /// The next frame as its JSON text (for callers that parse frames themselves); `None`
    /// once the stream ended.
    pub async fn next_text(&mut self) -> Result<Option<String>, ClientError> {
        if let Some(frame) = self.pending.pop_front() {
            return serde_json::to_string(&frame)
                .map(Some)
                .map_err(|e| ClientError::Socket(e.to_string()));
        }
        self.read_text().await
    }

    /// The id of the last event read: `Last-Event-ID` for a reconnect.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The code and reason of the stream's `close` event, once read.
    pub fn close(&self) -> Option<(u16, &str)> {
        self.close
            .as_ref()
            .map(|(code, reason)| (*code, reason.as_str()))
    }

    async fn read_frame(&mut self) -> Result<Option<Envelope>, ClientError> {
        let Some(text) = self.read_text().await? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| ClientError::Socket(format!("bad frame: {e}")))
    }

    async fn read_text(&mut self) -> Result<Option<String>, ClientError> {
        loop {
            let Some(event) = self.read_event().await? else {
                return Ok(None);
            };
            if let Some(id) = event.id {
                self.last_event_id = Some(id);
            }
            if event.event.as_deref() == Some("close") {
                let value: serde_json::Value = serde_json::from_str(&event.data)
                    .map_err(|e| ClientError::Socket(format!("bad close event: {e}")))?;
                let code = value["code"]
                    .as_u64()
                    .and_then(|c| u16::try_from(c).ok())
                    .unwrap_or(1000);
                let reason = value["reason"].as_str().unwrap_or_default().to_owned();
                self.close = Some((code, reason));
                return Ok(None);
            }
            if event.data.is_empty() {
                continue;
            }
            return Ok(Some(event.data));
        }
    }

    /// The next event (blank-line terminated); `None` at the end of the body.
    async fn read_event(&mut self) -> Result<Option<RawEvent>, ClientError> {
        loop {
            if let Some(end) = event_end(&self.buffer) {
                let block: Vec<u8> = self.buffer.drain(..end.0 + end.1).collect();
                let text = String::from_utf8_lossy(&block[..end.0]);
                if let Some(event) = parse_event(&text) {
                    return Ok(Some(event));
                }
                continue;
            }
            match self.response.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }
}

/// Where the first event in `buffer` ends: its length and the blank line's.
fn event_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// One event block; `None` for a block of comments only (a heartbeat).
fn parse_event(text: &str) -> Option<RawEvent> {
    let mut event = RawEvent::default();
    let mut fields = false;
    for line in text.lines() {
        if line.starts_with(':') || line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        fields = true;
        match name {
            "event" => event.event = Some(value.to_owned()),
            "id" => event.id = Some(value.to_owned()),
            "data" => {
                if !event.data.is_empty() {
                    event.data.push('\n');
                }
                event.data.push_str(value);
            }
            _ => {}
        }
    }
    fields.then_some(event)
}

impl Client {
    /// Sends `request` by `POST /api/frames` with `id`; its ack's data, or the error frame.
    pub async fn post_frame(
        &self,
        id: &str,
        request: &ClientRequest,
    ) -> Result<serde_json::Value, ClientError> {
        let text = ClientFrame::encode(Some(id), request)
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        match self.post_frame_text(&text).await? {
            (_, Some(frame)) if frame.kind == "ack" => Ok(frame.data),
            (_, Some(frame)) => Err(frame.error.map_or_else(
                || ClientError::Socket("error frame without a body".into()),
                ClientError::Frame,
            )),
            (_, None) => Ok(serde_json::Value::Null),
        }
    }

    /// Sends a raw frame text by `POST /api/frames`: the HTTP status and the answer frame
    /// (`None`: 204, a frame without `id` that succeeded).
    pub async fn post_frame_text(
        &self,
        text: &str,
    ) -> Result<(u16, Option<Envelope>), ClientError> {
        let resp = self
            .request(Method::POST, "/api/frames")
            .header("content-type", "application/json")
            .body(text.to_owned())
            .send()
            .await?;
        let status = resp.status();
        if status == StatusCode::NO_CONTENT {
            return Ok((status.as_u16(), None));
        }
        let body = resp.text().await?;
        match serde_json::from_str::<Envelope>(&body) {
            Ok(frame) if !frame.kind.is_empty() => Ok((status.as_u16(), Some(frame))),
            _ => match serde_json::from_str::<crate::error::ErrorResponse>(&body) {
                Ok(error) => Err(ClientError::Api {
                    status: status.as_u16(),
                    body: error.error,
                }),
                Err(_) => Err(ClientError::Unexpected {
                    status: status.as_u16(),
                    text: body.chars().take(512).collect(),
                }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{event_end, parse_event};

    #[test]
    fn events_are_split_on_blank_lines_and_comments_skipped() {
        assert_eq!(event_end(b"data: x\n\nrest"), Some((7, 2)));
        assert_eq!(event_end(b"data: x\r\n\r\n"), Some((7, 4)));
        assert!(parse_event(":heartbeat").is_none());
        let event = parse_event("id: 3\nevent: close\ndata: {\"a\":1}\ndata: b").unwrap();
        assert_eq!(event.id.as_deref(), Some("3"));
        assert_eq!(event.event.as_deref(), Some("close"));
        assert_eq!(event.data, "{\"a\":1}\nb");
    }
}
