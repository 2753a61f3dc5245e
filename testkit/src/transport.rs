//! One test client over either transport: the WebSocket, or Server-Sent Events with frames
//! by `POST /api/frames`, so that the protocol tests run unchanged over both.

use common::client::{Client, ClientError, EventStream, Socket};
use common::ws::{ClientRequest, Envelope, Hello};

use crate::ws::FRAME_WAIT;

/// Which transport a [`Conn`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `GET /ws`.
    Ws,
    /// `GET /api/events` and `POST /api/frames`.
    Sse,
}

/// Both transports, for tests that run over each.
pub const BOTH: [Transport; 2] = [Transport::Ws, Transport::Sse];

/// A connected, authenticated client of either transport.
#[derive(Debug)]
pub enum Conn {
    /// A WebSocket.
    Ws(Box<Socket>),
    /// An event stream, and the client its frames are posted with.
    Sse {
        /// The stream.
        stream: Box<EventStream>,
        /// The REST client (its token).
        client: Client,
        /// The next frame id.
        next_id: u64,
    },
}

impl Conn {
    /// Connects a logged-in client over `transport` and reads `hello`.
    pub async fn connect(client: &Client, transport: Transport) -> (Self, Hello) {
        Self::resume(client, transport, None).await
    }

    /// As [`Self::connect`], naming the last event read before (`Last-Event-ID`; the
    /// WebSocket has no such thing and ignores it).
    pub async fn resume(
        client: &Client,
        transport: Transport,
        last_event_id: Option<&str>,
    ) -> (Self, Hello) {
        match transport {
            Transport::Ws => {
                let (socket, hello) = crate::ws::connect(client).await;
                (Self::Ws(Box::new(socket)), hello)
            }
            Transport::Sse => {
                let (stream, hello) = EventStream::connect(client, last_event_id)
                    .await
                    .unwrap_or_else(|e| panic!("opening the event stream: {e}"));
                let conn = Self::Sse {
                    stream: Box::new(stream),
                    client: client.clone(),
                    next_id: 0,
                };
                (conn, hello)
            }
        }
    }

    /// The id of the last event read (event streams only).
    pub fn last_event_id(&self) -> Option<String> {
        match self {
            Self::Ws(_) => None,
            Self::Sse { stream, .. } => stream.last_event_id().map(str::to_owned),
        }
    }

    /// Sends `request` and returns its ack's data, or the error it got.
    pub async fn request(
        &mut self,
        request: &ClientRequest,
    ) -> Result<serde_json::Value, ClientError> {
        match self {
            Self::Ws(socket) => socket.request(request).await,
            Self::Sse {
                client, next_id, ..
            } => {
                *next_id += 1;
                client.post_frame(&format!("r{next_id}"), request).await
            }
        }
    }

    /// Sends raw frame text and returns the `error` frame it is answered with (for tests
    /// of malformed input).
    pub async fn error_for(&mut self, text: &str) -> Envelope {
        match self {
            Self::Ws(socket) => {
                socket
                    .send_text(text)
                    .await
                    .unwrap_or_else(|e| panic!("sending a raw frame: {e}"));
                crate::ws::expect(socket, "error").await.0
            }
            Self::Sse { client, .. } => {
                let (status, frame) = client
                    .post_frame_text(text)
                    .await
                    .unwrap_or_else(|e| panic!("posting a raw frame: {e}"));
                let frame = frame.unwrap_or_else(|| panic!("no answer frame ({status})"));
                assert_eq!(frame.kind, "error", "{frame:?}");
                let code = frame.error.as_ref().map(|e| e.code.http_status());
                assert_eq!(Some(status), code, "the status is the error code's");
                frame
            }
        }
    }

    /// The next frame; `None` when the connection ended.
    pub async fn next_frame(&mut self) -> Option<Envelope> {
        let next = match self {
            Self::Ws(socket) => socket.next_frame().await,
            Self::Sse { stream, .. } => stream.next_frame().await,
        };
        next.unwrap_or_else(|e| panic!("reading a frame: {e}"))
    }

    /// The next frame of type `kind`, skipping others (returned too, for checks).
    pub async fn expect(&mut self, kind: &str) -> (Envelope, Vec<Envelope>) {
        let mut skipped = Vec::new();
        let found = tokio::time::timeout(FRAME_WAIT, async {
            loop {
                match self.next_frame().await {
                    Some(frame) if frame.kind == kind => return frame,
                    Some(frame) => skipped.push(frame),
                    None => panic!("closed while waiting for {kind}; got {skipped:?}"),
                }
            }
        })
        .await;
        let Ok(frame) = found else {
            panic!("no {kind} frame within {FRAME_WAIT:?}")
        };
        (frame, skipped)
    }
}
