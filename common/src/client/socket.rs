//! The WebSocket side of the client: connect with a bearer token, send requests and wait for
//! their `ack`, read events. [`Socket::split`] gives a writer and a reader for programs that
//! send and receive at once (the load generator, the terminal client).

use std::collections::VecDeque;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::ClientError;
use crate::ws::{AuthData, ClientFrame, ClientRequest, Envelope, Hello};

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A connected, authenticated WebSocket.
#[derive(Debug)]
pub struct Socket {
    writer: SocketWriter,
    reader: SocketReader,
    /// Frames read while waiting for an ack, handed out by [`Socket::next_frame`] later.
    pending: VecDeque<Envelope>,
}

/// The sending half.
#[derive(Debug)]
pub struct SocketWriter {
    sink: SplitSink<Stream, Message>,
    next_id: u64,
}

/// The receiving half.
#[derive(Debug)]
pub struct SocketReader {
    stream: SplitStream<Stream>,
}

fn ws_url(base_url: &str) -> String {
    let rest = base_url
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .or_else(|| {
            base_url
                .strip_prefix("http://")
                .map(|r| format!("ws://{r}"))
        })
        .unwrap_or_else(|| base_url.to_owned());
    format!("{}/ws", rest.trim_end_matches('/'))
}

impl Socket {
    /// Connects to `<base_url>/ws` with `Authorization: Bearer <token>` and reads `hello`.
    pub async fn connect(base_url: &str, token: &str) -> Result<(Self, Hello), ClientError> {
        let mut request = ws_url(base_url)
            .into_client_request()
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        let value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        request.headers_mut().insert("authorization", value);
        let (stream, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        Self::hello(stream).await
    }

    /// Connects without a header and authenticates with a first `auth` frame.
    pub async fn connect_with_auth_frame(
        base_url: &str,
        token: &str,
    ) -> Result<(Self, Hello), ClientError> {
        let (mut stream, _) =
            tokio_tungstenite::connect_async_with_config(ws_url(base_url), None, true)
                .await
                .map_err(|e| ClientError::Socket(e.to_string()))?;
        let auth = ClientRequest::Auth(AuthData {
            token: token.to_owned(),
        });
        let auth = ClientFrame::encode(Some("auth"), &auth)
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        stream
            .send(Message::text(auth))
            .await
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        let (mut socket, hello) = Self::hello(stream).await?;
        // The ack of `auth` arrives before `hello`, and was queued by `hello()`.
        socket.pending.retain(|f| f.kind != "ack");
        Ok((socket, hello))
    }

    async fn hello(stream: Stream) -> Result<(Self, Hello), ClientError> {
        let (sink, stream) = stream.split();
        let mut socket = Self {
            writer: SocketWriter { sink, next_id: 0 },
            reader: SocketReader { stream },
            pending: VecDeque::new(),
        };
        loop {
            let frame = socket
                .reader
                .next_frame()
                .await?
                .ok_or_else(|| ClientError::Socket("closed before hello".into()))?;
            match frame.kind.as_str() {
                "hello" => {
                    let hello = serde_json::from_value(frame.data)
                        .map_err(|e| ClientError::Socket(format!("bad hello: {e}")))?;
                    return Ok((socket, hello));
                }
                "error" => {
                    return Err(frame.error.map_or_else(
                        || ClientError::Socket("error before hello".into()),
                        ClientError::Frame,
                    ));
                }
                _ => socket.pending.push_back(frame),
            }
        }
    }

    /// Sends `request` and waits for its `ack` (its data) or `error`. Other frames that
    /// arrive meanwhile are kept for [`Socket::next_frame`].
    pub async fn request(
        &mut self,
        request: &ClientRequest,
    ) -> Result<serde_json::Value, ClientError> {
        let id = self.writer.send(request).await?;
        loop {
            let frame = self
                .reader
                .next_frame()
                .await?
                .ok_or_else(|| ClientError::Socket("closed while waiting for an ack".into()))?;
            if frame.id.as_deref() == Some(id.as_str()) && frame.kind == "ack" {
                return Ok(frame.data);
            }
            if frame.id.as_deref() == Some(id.as_str()) && frame.kind == "error" {
                return Err(frame.error.map_or_else(
                    || ClientError::Socket("error frame without a body".into()),
                    ClientError::Frame,
                ));
            }
            self.pending.push_back(frame);
        }
    }

    /// Sends a raw text frame (for tests of malformed input).
    pub async fn send_text(&mut self, text: &str) -> Result<(), ClientError> {
        self.writer.send_text(text).await
    }

    /// The next frame (`None` once closed); pings are answered by the library.
    pub async fn next_frame(&mut self) -> Result<Option<Envelope>, ClientError> {
        if let Some(frame) = self.pending.pop_front() {
            return Ok(Some(frame));
        }
        self.reader.next_frame().await
    }

    /// The close code the server sent, reading until the connection ends.
    pub async fn closed(mut self) -> Option<u16> {
        self.reader.closed().await
    }

    /// Splits into halves; frames already read are returned first.
    pub fn split(self) -> (SocketWriter, SocketReader, Vec<Envelope>) {
        (self.writer, self.reader, self.pending.into())
    }
}

impl SocketWriter {
    /// Sends `request` with a fresh id; returns the id.
    pub async fn send(&mut self, request: &ClientRequest) -> Result<String, ClientError> {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.send_with_id(request, &id).await?;
        Ok(id)
    }

    /// Sends `request` with the caller's own frame `id` (which must not collide with the
    /// numbers [`SocketWriter::send`] uses, so pick a prefix).
    pub async fn send_with_id(
        &mut self,
        request: &ClientRequest,
        id: &str,
    ) -> Result<(), ClientError> {
        let text = ClientFrame::encode(Some(id), request)
            .map_err(|e| ClientError::Socket(e.to_string()))?;
        self.send_text(&text).await
    }

    /// Sends a text frame as is.
    pub async fn send_text(&mut self, text: &str) -> Result<(), ClientError> {
        self.sink
            .send(Message::text(text))
            .await
            .map_err(|e| ClientError::Socket(e.to_string()))
    }

    /// Closes the connection.
    pub async fn close(&mut self) -> Result<(), ClientError> {
        self.sink
            .close()
            .await
            .map_err(|e| ClientError::Socket(e.to_string()))
    }
}

impl SocketReader {
    /// The next text frame, decoded (`None` once closed).
    pub async fn next_frame(&mut self) -> Result<Option<Envelope>, ClientError> {
        while let Some(message) = self.stream.next().await {
            match message.map_err(|e| ClientError::Socket(e.to_string()))? {
                Message::Text(text) => {
                    return serde_json::from_str(text.as_str())
                        .map(Some)
                        .map_err(|e| ClientError::Socket(format!("bad frame: {e}")));
                }
                Message::Close(_) => return Ok(None),
                _ => {}
            }
        }
        Ok(None)
    }

    /// The next text frame as it came, unparsed (`None` once the connection ends): for
    /// readers such as `chatctl bench` that pick a few fields out of many frames.
    pub async fn next_text(&mut self) -> Result<Option<String>, ClientError> {
        while let Some(message) = self.stream.next().await {
            match message.map_err(|e| ClientError::Socket(e.to_string()))? {
                Message::Text(text) => return Ok(Some(text.as_str().to_owned())),
                Message::Close(_) => return Ok(None),
                _ => {}
            }
        }
        Ok(None)
    }

    /// Reads until the connection ends; the close code, if the server sent one.
    pub async fn closed(&mut self) -> Option<u16> {
        while let Some(message) = self.stream.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}
